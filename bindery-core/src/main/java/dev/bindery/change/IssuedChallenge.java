package dev.bindery.change;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A continuity challenge as returned, once, to the caller who asked for it. The holder of a currently bound, active
 * credential of the target signs a compact JWS (header {@code alg}, {@code kid}: the credential's thumbprint,
 * {@code typ}: {@value ContinuityProofs#TYPE}) over {@link #signingInput()} plus {@code iat}.
 *
 * @param nonce 256 random bits, base64url; only its SHA-256 is stored
 * @param requestDigest the {@code req} claim: {@link ChangeRequest#digest()}
 */
public record IssuedChallenge(ContinuityChallengeId id, ChangeRequestId changeRequestId, String nonce,
    Instant expiresAt, String requestDigest) {
  public IssuedChallenge {
    Objects.requireNonNull(id);
    Objects.requireNonNull(changeRequestId);
    Objects.requireNonNull(nonce);
    Objects.requireNonNull(expiresAt);
    Objects.requireNonNull(requestDigest);
  }

  /** The claims to sign, all but {@code iat} (the signer's current time, in seconds): {@code chg, nonce, req}. */
  public Map<String, Object> signingInput() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("chg", changeRequestId.value());
    m.put("nonce", nonce);
    m.put("req", requestDigest);
    return m;
  }

  @Override
  public String toString() {
    return "IssuedChallenge[" + id + " for " + changeRequestId + ", expires " + expiresAt + "]";
  }
}
