package dev.bindery.operator;

import dev.bindery.credential.SecretHash;
import dev.bindery.support.SupportActionId;
import java.time.Instant;
import java.util.Objects;

/**
 * A temporary TOTP enrolment issued by the support desk ({@code factor_reenrol}) when an operator lost their TOTP
 * device: the old factor was removed, and this single-use code lets that operator, authenticated with their own token,
 * start the enrolment of one new factor ({@code POST /api/v1/operators/me/totp/recover}). Only the SHA-256 of the code
 * is stored. Valid until {@code expiresAt} (at most {@link TotpResets#MAX_TTL} after creation), used at most once,
 * revoked when a newer reset replaces it or when its support action is flagged.
 *
 * <p>An operator who ever had a support reset and has no confirmed factor enrols only with a code: the ordinary
 * enrolment is refused ({@code totp_recovery_required}).
 *
 * @param createdBy the actor (the support agent) whose action issued it
 * @param usedAt when it was redeemed, or null
 * @param revokedAt when it was revoked unused (replaced, or its action flagged), or null
 */
public record TotpReset(SecretHash hash, OperatorId operatorId, SupportActionId supportActionId, String createdBy,
    Instant createdAt, Instant expiresAt, Instant usedAt, Instant revokedAt) {
  public TotpReset {
    Objects.requireNonNull(hash);
    Objects.requireNonNull(operatorId);
    Objects.requireNonNull(supportActionId);
    Objects.requireNonNull(createdBy);
    Objects.requireNonNull(createdAt);
    Objects.requireNonNull(expiresAt);
    if (!createdAt.isBefore(expiresAt)) {
      throw new IllegalArgumentException("a temporary totp enrolment expires after its creation");
    }
    if (usedAt != null && revokedAt != null) {
      throw new IllegalArgumentException("a temporary totp enrolment is used or revoked, not both");
    }
  }

  public boolean used() {
    return usedAt != null;
  }

  public boolean revoked() {
    return revokedAt != null;
  }

  public boolean expiredAt(Instant now) {
    return !now.isBefore(expiresAt);
  }

  /** The first 12 hex characters of the hash: the reference audit events and {@code IssuedItem}s show. */
  public String ref() {
    return hash.hex().substring(0, 12);
  }
}
