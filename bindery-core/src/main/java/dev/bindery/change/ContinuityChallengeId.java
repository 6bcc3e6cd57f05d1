package dev.bindery.change;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RandomIds;
import dev.bindery.common.RejectedException;
import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * The identifier of a continuity challenge issued for one change request: {@code chl_} and 128 random bits in
 * base32, assigned by the server.
 */
public record ContinuityChallengeId(String value) {
  public static final String PREFIX = "chl_";
  private static final Pattern FORMAT = RandomIds.pattern(PREFIX);

  public ContinuityChallengeId {
    if (value == null || !FORMAT.matcher(value).matches()) {
      throw new RejectedException(ErrorCode.INVALID_IDENTIFIER, "not a continuity challenge identifier");
    }
  }

  public static ContinuityChallengeId parse(String value) {
    return new ContinuityChallengeId(value);
  }

  public static ContinuityChallengeId generate(SecureRandom random) {
    return new ContinuityChallengeId(RandomIds.generate(PREFIX, random));
  }

  @Override
  public String toString() {
    return value;
  }
}
