package dev.bindery.client.resource;

/**
 * Why a request was refused, with its error code and HTTP status: RFC 6750 §3.1, RFC 9449 §7.1 and §12.2
 * for DPoP proofs, and a 503 when the verifier cannot decide (issuer keys or revocation state unavailable).
 */
public enum TokenError {
  /** No access token in a scheme this verifier accepts: 401 with challenges and no error code (RFC 6750 §3.1). */
  MISSING_TOKEN(null, 401),
  /** A malformed request, e.g. two Authorization headers or an empty token: 400. */
  INVALID_REQUEST("invalid_request", 400),
  /** The token is expired, revoked, malformed, not for this audience, or its binding does not match: 401. */
  INVALID_TOKEN("invalid_token", 401),
  /** A DPoP proof is missing, invalid, stale or replayed (RFC 9449 §7.1): 401. */
  INVALID_DPOP_PROOF("invalid_dpop_proof", 401),
  /** The token is valid but lacks a required scope: 403. */
  INSUFFICIENT_SCOPE("insufficient_scope", 403),
  /**
   * The verifier cannot decide now (signing keys never fetched, revocation feed not current): 503. The
   * request is refused; the token may be fine.
   */
  TEMPORARILY_UNAVAILABLE("temporarily_unavailable", 503);

  private final String code;
  private final int status;

  TokenError(String code, int status) {
    this.code = code;
    this.status = status;
  }

  /** The {@code error} value, or null for {@link #MISSING_TOKEN}. */
  public String code() {
    return code;
  }

  /** The HTTP status to answer with. */
  public int status() {
    return status;
  }
}
