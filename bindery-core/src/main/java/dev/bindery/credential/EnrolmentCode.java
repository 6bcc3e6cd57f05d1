package dev.bindery.credential;

import dev.bindery.identity.IdentityId;
import dev.bindery.support.SupportActionId;
import java.time.Instant;
import java.util.Objects;

/**
 * A stored one-time enrolment code: only the SHA-256 of the code is kept. Bound to one identity, valid until
 * {@code expiresAt} (at most {@link EnrolmentCodes#MAX_TTL} after creation), used at most once.
 *
 * <p>A code issued by the support desk (a {@code credential_reset}) names its support action, so that a flagged
 * review finds it, and the credential enrolled with it, again; it can be revoked before use. When a code is used, the
 * source address of the enrolment is recorded, so that an alert can compare it with the sources seen before for the
 * identity.
 *
 * @param createdBy the operator who created it (the actor id)
 * @param usedAt when it was redeemed, or null
 * @param credentialId the credential it was redeemed for, or null
 * @param supportActionId the support action that issued it, or null (a code created by an owner or an admin)
 * @param usedFrom the source (remote address) of the enrolment that used it, or null (unused, or used before
 *     sources were recorded)
 * @param revokedAt when it was revoked unused (a flagged support action), or null
 */
public record EnrolmentCode(
    SecretHash hash,
    IdentityId identityId,
    String createdBy,
    Instant createdAt,
    Instant expiresAt,
    Instant usedAt,
    CredentialId credentialId,
    SupportActionId supportActionId,
    String usedFrom,
    Instant revokedAt) {
  /** The longest source recorded (an IPv6 address with a zone fits). */
  public static final int MAX_SOURCE_LENGTH = 100;

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
    if (usedFrom != null && usedAt == null) {
      throw new IllegalArgumentException("only a used code has a source");
    }
    if (usedFrom != null && (usedFrom.isEmpty() || usedFrom.length() > MAX_SOURCE_LENGTH)) {
      throw new IllegalArgumentException("a source is 1 to " + MAX_SOURCE_LENGTH + " characters");
    }
    if (usedAt != null && revokedAt != null) {
      throw new IllegalArgumentException("a code is used or revoked, not both");
    }
  }

  /** A code created by an owner or an admin, as it is stored before it is used or revoked. */
  public EnrolmentCode(SecretHash hash, IdentityId identityId, String createdBy, Instant createdAt, Instant expiresAt,
      Instant usedAt, CredentialId credentialId) {
    this(hash, identityId, createdBy, createdAt, expiresAt, usedAt, credentialId, null, null, null);
  }

  /** Cuts a source to what is stored ({@link #MAX_SOURCE_LENGTH}); null or blank stays null. */
  public static String source(String source) {
    if (source == null || source.isBlank()) {
      return null;
    }
    return source.length() > MAX_SOURCE_LENGTH ? source.substring(0, MAX_SOURCE_LENGTH) : source;
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

  /** The first 12 hex characters of the hash: the code's reference in audit events and {@code IssuedItem}s. */
  public String ref() {
    return hash.hex().substring(0, 12);
  }
}
