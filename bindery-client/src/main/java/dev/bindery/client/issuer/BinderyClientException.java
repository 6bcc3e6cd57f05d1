package dev.bindery.client.issuer;

/**
 * Base of the SDK's failures. Messages are safe to log: they never contain a token, a key or a secret.
 */
public class BinderyClientException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BinderyClientException(String message) {
    super(message);
  }

  public BinderyClientException(String message, Throwable cause) {
    super(message, cause);
  }
}
