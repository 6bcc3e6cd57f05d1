package dev.bindery.support;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RandomIds;
import dev.bindery.common.RejectedException;
import java.security.SecureRandom;
import java.util.regex.Pattern;

/** The identifier of a support action: {@code sup_} and 128 random bits in base32, assigned by the server. */
public record SupportActionId(String value) {
  public static final String PREFIX = "sup_";
  private static final Pattern FORMAT = RandomIds.pattern(PREFIX);

  public SupportActionId {
    if (value == null || !FORMAT.matcher(value).matches()) {
      throw new RejectedException(ErrorCode.INVALID_IDENTIFIER, "not a support action identifier");
    }
  }

  public static SupportActionId parse(String value) {
    return new SupportActionId(value);
  }

  public static SupportActionId generate(SecureRandom random) {
    return new SupportActionId(RandomIds.generate(PREFIX, random));
  }

  @Override
  public String toString() {
    return value;
  }
}
