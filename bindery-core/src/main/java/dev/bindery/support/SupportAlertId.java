package dev.bindery.support;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RandomIds;
import dev.bindery.common.RejectedException;
import java.security.SecureRandom;
import java.util.regex.Pattern;

/** The identifier of a support anomaly alert: {@code sal_} and 128 random bits in base32, assigned by the server. */
public record SupportAlertId(String value) {
  public static final String PREFIX = "sal_";
  private static final Pattern FORMAT = RandomIds.pattern(PREFIX);

  public SupportAlertId {
    if (value == null || !FORMAT.matcher(value).matches()) {
      throw new RejectedException(ErrorCode.INVALID_IDENTIFIER, "not a support alert identifier");
    }
  }

  public static SupportAlertId parse(String value) {
    return new SupportAlertId(value);
  }

  public static SupportAlertId generate(SecureRandom random) {
    return new SupportAlertId(RandomIds.generate(PREFIX, random));
  }

  @Override
  public String toString() {
    return value;
  }
}
