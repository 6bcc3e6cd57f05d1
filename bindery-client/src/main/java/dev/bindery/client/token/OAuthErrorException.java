package dev.bindery.client.token;

import dev.bindery.client.issuer.BinderyClientException;
import java.util.Optional;

/**
 * The token endpoint refused the request with an RFC 6749 §5.2 error, such as {@code invalid_client} (the
 * certificate or key is not accepted, or the identity is suspended), {@code invalid_scope},
 * {@code invalid_target} or {@code invalid_dpop_proof}.
 */
public final class OAuthErrorException extends BinderyClientException {
  private static final long serialVersionUID = 1L;

  private final String error;
  private final String description;
  private final int status;

  OAuthErrorException(String error, String description, int status) {
    super("token request refused: " + error + (description == null ? "" : " (" + description + ")")
        + ", HTTP " + status);
    this.error = error;
    this.description = description;
    this.status = status;
  }

  /** The {@code error} code. */
  public String error() {
    return error;
  }

  public Optional<String> description() {
    return Optional.ofNullable(description);
  }

  /** The HTTP status of the answer. */
  public int status() {
    return status;
  }
}
