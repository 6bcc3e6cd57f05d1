package dev.bindery.client.resource;

import java.util.List;
import java.util.Objects;

/**
 * A refused request: the {@link TokenError} (code and status), a short description that is safe to send to
 * the caller (it never contains the token or key material), and the ready {@code WWW-Authenticate} values,
 * one challenge per header (RFC 6750 §3, RFC 9449 §7.1). A 503 has no challenge.
 */
public final class TokenRejection {
  private final TokenError error;
  private final String description;
  private final List<String> challenges;

  TokenRejection(TokenError error, String description, List<String> challenges) {
    this.error = Objects.requireNonNull(error);
    this.description = Objects.requireNonNull(description);
    this.challenges = List.copyOf(challenges);
  }

  /**
   * A malformed request detected outside the verifier (such as a malformed {@code Client-Cert} header from a
   * trusted proxy), answered with a Bearer challenge.
   */
  public static TokenRejection invalidRequest(String description) {
    return new TokenRejection(TokenError.INVALID_REQUEST, description,
        List.of(Challenges.bearer(TokenError.INVALID_REQUEST, description, null)));
  }

  public TokenError error() {
    return error;
  }

  /** The {@code error} code, or null when no token was presented. */
  public String errorCode() {
    return error.code();
  }

  public String description() {
    return description;
  }

  public int status() {
    return error.status();
  }

  /** The {@code WWW-Authenticate} header values to send, each its own header. */
  public List<String> wwwAuthenticate() {
    return challenges;
  }

  /** The RFC 6749-style JSON body {@code {"error":..,"error_description":..}}, or empty when no token was sent. */
  public String jsonBody() {
    if (error.code() == null) {
      return "";
    }
    return "{\"error\":\"" + error.code() + "\",\"error_description\":\"" + Challenges.safe(description) + "\"}";
  }

  @Override
  public String toString() {
    return "TokenRejection[" + (error.code() == null ? "no_token" : error.code()) + ": " + description + "]";
  }
}
