package dev.bindery.credential;

import dev.bindery.common.RandomIds;
import dev.bindery.common.Secret;
import java.security.SecureRandom;
import java.time.Duration;

/**
 * The enrolment code format: {@code bnd_enr_} and 256 random bits in lowercase base32 (52 characters). Shown
 * once to the operator who creates it; Bindery keeps only its {@link SecretHash}.
 */
public final class EnrolmentCodes {
  public static final String PREFIX = "bnd_enr_";
  public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);
  public static final Duration MAX_TTL = Duration.ofMinutes(10);

  private EnrolmentCodes() {}

  public static Secret generate(SecureRandom random) {
    return RandomIds.secret(PREFIX, random);
  }

  /** True if {@code value} has the shape of an enrolment code (says nothing about whether it exists). */
  public static boolean wellFormed(String value) {
    return RandomIds.wellFormedSecret(PREFIX, value);
  }
}
