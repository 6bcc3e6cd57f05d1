package dev.bindery.oauth;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A token request the authorization server refuses: an {@link OAuthError}, a lowercase description safe to show
 * the client ({@code error_description}: never a secret, a token or a server detail), and a {@code reason}: a short
 * stable label of why, from a small fixed set, for metrics and debug logs (for example {@code credential_revoked},
 * {@code dpop_replay}, {@code scope_not_granted}). A {@link OAuthError#USE_DPOP_NONCE} refusal carries the fresh
 * nonce for the {@code DPoP-Nonce} header.
 */
public final class OAuthException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private static final Pattern REASON = Pattern.compile("[a-z][a-z0-9_]{0,47}");
  private final OAuthError error;
  private final String reason;
  private final String dpopNonce;

  public OAuthException(OAuthError error, String reason, String description) {
    this(error, reason, description, null);
  }

  private OAuthException(OAuthError error, String reason, String description, String dpopNonce) {
    super(Objects.requireNonNull(description, "description"), null, false, false);
    this.error = Objects.requireNonNull(error, "error");
    if (reason == null || !REASON.matcher(reason).matches()) {
      throw new IllegalArgumentException("reason must be a short lowercase label");
    }
    this.reason = reason;
    this.dpopNonce = dpopNonce;
  }

  /** {@code use_dpop_nonce} with the nonce the client must put in its next proof. */
  public static OAuthException useDpopNonce(String reason, String description, String nonce) {
    return new OAuthException(OAuthError.USE_DPOP_NONCE, reason, description, Objects.requireNonNull(nonce));
  }

  public OAuthError error() {
    return error;
  }

  /** The {@code error_description}. */
  public String description() {
    return getMessage();
  }

  public String reason() {
    return reason;
  }

  /** The nonce for the {@code DPoP-Nonce} header, or null. */
  public String dpopNonce() {
    return dpopNonce;
  }
}
