package dev.bindery.change;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RandomIds;
import dev.bindery.common.RejectedException;
import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * The identifier of a change request (re-binding, and later support-desk changes): {@code chg_} and 128 random
 * bits in base32, assigned by the server.
 */
public record ChangeRequestId(String value) {
  public static final String PREFIX = "chg_";
  private static final Pattern FORMAT = RandomIds.pattern(PREFIX);

  public ChangeRequestId {
    if (value == null || !FORMAT.matcher(value).matches()) {
      throw new RejectedException(ErrorCode.INVALID_IDENTIFIER, "not a change request identifier");
    }
  }

  public static ChangeRequestId parse(String value) {
    return new ChangeRequestId(value);
  }

  public static ChangeRequestId generate(SecureRandom random) {
    return new ChangeRequestId(RandomIds.generate(PREFIX, random));
  }

  @Override
  public String toString() {
    return value;
  }
}
