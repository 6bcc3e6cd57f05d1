package dev.bindery.credential;

import dev.bindery.identity.IdentityId;
import java.time.Instant;
import java.util.Objects;

/**
 * A stored one-time enrolment code: only the SHA-256 of the code is kept. Bound to one identity, valid until
 * {@code expiresAt} (at most {@link EnrolmentCodes#MAX_TTL} after creation), used at most once.
 *
 * @param createdBy the operator who created it (the actor id)
 * @param usedAt when it was redeemed, or null
 * @param credentialId the credential it was redeemed for, or null
 */
public record EnrolmentCode(
    SecretHash hash,
    IdentityId identityId,
    String createdBy,
    Instant createdAt,
    Instant expiresAt,
    Instant usedAt,
    CredentialId credentialId) {

  public EnrolmentCode {
    Objects.requireNonNull(hash);
    Objects.requireNonNull(identityId);
    Objects.requireNonNull(createdBy);
    Objects.requireNonNull(createdAt);
    Objects.requireNonNull(expiresAt);
    if (!createdAt.isBefore(expiresAt)) {
      throw new IllegalArgumentException("an enrolment code expires after its creation");
    }
    if ((usedAt == null) != (credentialId == null)) {
      throw new IllegalArgumentException("a used code names the credential it was used for");
    }
  }

  public boolean used() {
    return usedAt != null;
  }

  public boolean expiredAt(Instant now) {
    return !now.isBefore(expiresAt);
  }
}
