package dev.bindery.operator;

import dev.bindery.common.RandomIds;
import dev.bindery.common.Secret;
import java.security.SecureRandom;
import java.time.Duration;

/**
 * The format of a temporary TOTP enrolment code ({@link TotpReset}): {@code bnd_tre_} and 256 random bits in
 * lowercase base32 (52 characters). Delivered only to the webhooks of the operator's teams; Bindery keeps its hash.
 */
public final class TotpResets {
  public static final String PREFIX = "bnd_tre_";
  public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);
  public static final Duration MAX_TTL = Duration.ofMinutes(10);

  private TotpResets() {}

  public static Secret generate(SecureRandom random) {
    return RandomIds.secret(PREFIX, random);
  }

  /** True if {@code value} has the shape of such a code (says nothing about whether it exists). */
  public static boolean wellFormed(String value) {
    return RandomIds.wellFormedSecret(PREFIX, value);
  }
}
