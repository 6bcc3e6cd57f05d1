package dev.bindery.notify;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RandomIds;
import dev.bindery.common.RejectedException;
import java.security.SecureRandom;
import java.util.regex.Pattern;

/** The identifier of a team's webhook: {@code whk_} and 128 random bits in base32. */
public record WebhookId(String value) {
  public static final String PREFIX = "whk_";
  private static final Pattern FORMAT = RandomIds.pattern(PREFIX);

  public WebhookId {
    if (value == null || !FORMAT.matcher(value).matches()) {
      throw new RejectedException(ErrorCode.INVALID_IDENTIFIER, "not a webhook identifier");
    }
  }

  public static WebhookId parse(String value) {
    return new WebhookId(value);
  }

  public static WebhookId generate(SecureRandom random) {
    return new WebhookId(RandomIds.generate(PREFIX, random));
  }

  @Override
  public String toString() {
    return value;
  }
}
