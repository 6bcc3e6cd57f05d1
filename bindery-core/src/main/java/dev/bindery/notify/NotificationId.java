package dev.bindery.notify;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RandomIds;
import dev.bindery.common.RejectedException;
import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * The identifier of one notification (one event for one webhook): {@code ntf_} and 128 random bits in base32. It is
 * the {@code Bindery-Delivery} header of every attempt, so a receiver can drop a repeated delivery.
 */
public record NotificationId(String value) {
  public static final String PREFIX = "ntf_";
  private static final Pattern FORMAT = RandomIds.pattern(PREFIX);

  public NotificationId {
    if (value == null || !FORMAT.matcher(value).matches()) {
      throw new RejectedException(ErrorCode.INVALID_IDENTIFIER, "not a notification identifier");
    }
  }

  public static NotificationId generate(SecureRandom random) {
    return new NotificationId(RandomIds.generate(PREFIX, random));
  }

  @Override
  public String toString() {
    return value;
  }
}
