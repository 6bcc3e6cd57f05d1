package dev.bindery.token;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RandomIds;
import dev.bindery.common.RejectedException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The {@code jti} of an access token this server issues: {@value AccessTokenIssuer#JTI_PREFIX} and 128 random bits in
 * base32 ({@link AccessTokenIssuer}). Anything else is refused with {@code invalid_identifier}. A well-formed id says
 * nothing about whether such a token was ever issued: issuing a token writes nothing, so no list of issued ids
 * exists.
 */
public record TokenId(String value) {
  private static final Pattern FORMAT = RandomIds.pattern(AccessTokenIssuer.JTI_PREFIX);

  public TokenId {
    Objects.requireNonNull(value);
    if (!FORMAT.matcher(value).matches()) {
      throw new RejectedException(ErrorCode.INVALID_IDENTIFIER,
          "not an access token id (" + AccessTokenIssuer.JTI_PREFIX + " and 26 base32 characters)");
    }
  }

  public static TokenId parse(String value) {
    if (value == null) {
      throw new RejectedException(ErrorCode.INVALID_IDENTIFIER, "not an access token id");
    }
    return new TokenId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
