package dev.bindery.client.resource;

/** The outcome of {@link BinderyTokenVerifier#verify}: a verified token, or a rejection to send back. */
public final class VerificationResult {
  private final VerifiedAccessToken token;
  private final TokenRejection rejection;

  private VerificationResult(VerifiedAccessToken token, TokenRejection rejection) {
    this.token = token;
    this.rejection = rejection;
  }

  static VerificationResult accepted(VerifiedAccessToken token) {
    return new VerificationResult(token, null);
  }

  static VerificationResult rejected(TokenRejection rejection) {
    return new VerificationResult(null, rejection);
  }

  public boolean isAccepted() {
    return token != null;
  }

  /** The verified token; only for an accepted result. */
  public VerifiedAccessToken token() {
    if (token == null) {
      throw new IllegalStateException("the request was rejected: " + rejection);
    }
    return token;
  }

  /** Why the request was refused; only for a rejected result. */
  public TokenRejection rejection() {
    if (rejection == null) {
      throw new IllegalStateException("the request was accepted");
    }
    return rejection;
  }

  @Override
  public String toString() {
    return token != null ? "accepted " + token : "rejected " + rejection;
  }
}
