package dev.bindery.change;

import dev.bindery.credential.SecretHash;
import java.time.Instant;
import java.util.Objects;

/**
 * A single-use challenge for a continuity proof, bound to one change request. Only the SHA-256 of its nonce is
 * stored: the nonce itself is returned once, to the caller who asked for the challenge.
 *
 * @param usedAt when a proof over it was accepted, or null
 */
public record ContinuityChallenge(ContinuityChallengeId id, ChangeRequestId changeRequestId, SecretHash nonceHash,
    Instant createdAt, Instant expiresAt, Instant usedAt) {
  public ContinuityChallenge {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(changeRequestId, "changeRequestId");
    Objects.requireNonNull(nonceHash, "nonceHash");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    if (!expiresAt.isAfter(createdAt)) {
      throw new IllegalArgumentException("a challenge expires after it is made");
    }
  }

  public boolean used() {
    return usedAt != null;
  }

  /** True at or after its expiry. */
  public boolean expiredAt(Instant now) {
    return !now.isBefore(expiresAt);
  }
}
