package dev.bindery.identity;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RandomIds;
import dev.bindery.common.RejectedException;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The immutable identifier of a machine identity: {@code nhi_} and 128 random bits in base32. Assigned only
 * by the server, never derived from an attribute, never reassigned, never reused.
 */
public record IdentityId(String value) {
  public static final String PREFIX = "nhi_";
  private static final Pattern FORMAT = RandomIds.pattern(PREFIX);

  public IdentityId {
    Objects.requireNonNull(value);
    if (!FORMAT.matcher(value).matches()) {
      throw new RejectedException(ErrorCode.INVALID_IDENTIFIER, "not an identity identifier");
    }
  }

  public static IdentityId parse(String value) {
    if (value == null) {
      throw new RejectedException(ErrorCode.INVALID_IDENTIFIER, "not an identity identifier");
    }
    return new IdentityId(value);
  }

  public static IdentityId generate(SecureRandom random) {
    return new IdentityId(RandomIds.generate(PREFIX, random));
  }

  @Override
  public String toString() {
    return value;
  }
}
