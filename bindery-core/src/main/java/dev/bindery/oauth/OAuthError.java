package dev.bindery.oauth;

/**
 * The error codes of the token endpoint: RFC 6749 section 5.2, RFC 8707 section 2 ({@code invalid_target}) and
 * RFC 9449 sections 5 and 8 ({@code invalid_dpop_proof}, {@code use_dpop_nonce}). The HTTP edge maps each to its
 * status in one place.
 */
public enum OAuthError {
  INVALID_REQUEST("invalid_request"),
  INVALID_CLIENT("invalid_client"),
  INVALID_GRANT("invalid_grant"),
  UNAUTHORIZED_CLIENT("unauthorized_client"),
  UNSUPPORTED_GRANT_TYPE("unsupported_grant_type"),
  INVALID_SCOPE("invalid_scope"),
  INVALID_TARGET("invalid_target"),
  INVALID_DPOP_PROOF("invalid_dpop_proof"),
  USE_DPOP_NONCE("use_dpop_nonce");

  private final String code;

  OAuthError(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }
}
