package dev.bindery.credential;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RandomIds;
import dev.bindery.common.RejectedException;
import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * The identifier of a credential lineage: the chain of X.509-SVIDs that one enrolment started and each renewal
 * continued. {@code lin_} and 128 random bits in base32.
 */
public record LineageId(String value) {
  public static final String PREFIX = "lin_";
  private static final Pattern FORMAT = RandomIds.pattern(PREFIX);

  public LineageId {
    if (value == null || !FORMAT.matcher(value).matches()) {
      throw new RejectedException(ErrorCode.INVALID_IDENTIFIER, "not a lineage identifier");
    }
  }

  public static LineageId parse(String value) {
    return new LineageId(value);
  }

  public static LineageId generate(SecureRandom random) {
    return new LineageId(RandomIds.generate(PREFIX, random));
  }

  @Override
  public String toString() {
    return value;
  }
}
