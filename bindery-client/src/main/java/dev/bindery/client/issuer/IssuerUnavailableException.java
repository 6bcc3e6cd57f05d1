package dev.bindery.client.issuer;

/**
 * The Bindery server could not be reached, or answered something the contract does not allow (a wrong
 * status, a body that is not the expected JSON, a metadata document for another issuer). Retrying later may
 * help; the SDK never treats this as a successful verification or a valid token.
 */
public class IssuerUnavailableException extends BinderyClientException {
  private static final long serialVersionUID = 1L;

  public IssuerUnavailableException(String message) {
    super(message);
  }

  public IssuerUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
