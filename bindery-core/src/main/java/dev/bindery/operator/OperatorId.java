package dev.bindery.operator;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RandomIds;
import dev.bindery.common.RejectedException;
import java.security.SecureRandom;
import java.util.regex.Pattern;

/** The immutable identifier of an operator (a person who runs Bindery): {@code op_} and 128 random bits. */
public record OperatorId(String value) {
  public static final String PREFIX = "op_";
  private static final Pattern FORMAT = RandomIds.pattern(PREFIX);

  public OperatorId {
    if (value == null || !FORMAT.matcher(value).matches()) {
      throw new RejectedException(ErrorCode.INVALID_IDENTIFIER, "not an operator identifier");
    }
  }

  public static OperatorId parse(String value) {
    return new OperatorId(value);
  }

  public static OperatorId generate(SecureRandom random) {
    return new OperatorId(RandomIds.generate(PREFIX, random));
  }

  @Override
  public String toString() {
    return value;
  }
}
