package dev.bindery.credential;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RandomIds;
import dev.bindery.common.RejectedException;
import java.security.SecureRandom;
import java.util.regex.Pattern;

/** The identifier of one credential bound to an identity: {@code cred_} and 128 random bits in base32. */
public record CredentialId(String value) {
  public static final String PREFIX = "cred_";
  private static final Pattern FORMAT = RandomIds.pattern(PREFIX);

  public CredentialId {
    if (value == null || !FORMAT.matcher(value).matches()) {
      throw new RejectedException(ErrorCode.INVALID_IDENTIFIER, "not a credential identifier");
    }
  }

  public static CredentialId parse(String value) {
    return new CredentialId(value);
  }

  public static CredentialId generate(SecureRandom random) {
    return new CredentialId(RandomIds.generate(PREFIX, random));
  }

  @Override
  public String toString() {
    return value;
  }
}
