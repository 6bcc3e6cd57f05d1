package dev.bindery.notify;

import dev.bindery.common.RandomIds;
import dev.bindery.common.Secret;
import dev.bindery.credential.SecretHash;
import dev.bindery.identity.IdentityId;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Objects;

/**
 * A stored "this was not us" token: only its SHA-256 is kept. Bound to one change request of one identity, valid
 * until {@code expiresAt}, used at most once. The token itself ({@code bnd_dis_} and 256 random bits in lowercase
 * base32, 52 characters) appears only inside the notifications that carry the link.
 *
 * @param usedAt when it was followed, or null
 */
public record DisavowToken(SecretHash hash, IdentityId identityId, String changeRequestId, Instant createdAt,
    Instant expiresAt, Instant usedAt) {
  public static final String PREFIX = "bnd_dis_";

  public DisavowToken {
    Objects.requireNonNull(hash);
    Objects.requireNonNull(identityId);
    Objects.requireNonNull(createdAt);
    Objects.requireNonNull(expiresAt);
    if (changeRequestId == null || !Notification.CHANGE_REQUEST.matcher(changeRequestId).matches()) {
      throw new IllegalArgumentException("a disavow token is bound to a change request");
    }
    if (!createdAt.isBefore(expiresAt)) {
      throw new IllegalArgumentException("a disavow token expires after its creation");
    }
  }

  public static Secret generate(SecureRandom random) {
    return RandomIds.secret(PREFIX, random);
  }

  /** True if {@code value} has the shape of a disavow token (says nothing about whether it exists). */
  public static boolean wellFormed(String value) {
    return RandomIds.wellFormedSecret(PREFIX, value);
  }

  public boolean used() {
    return usedAt != null;
  }

  public boolean expiredAt(Instant now) {
    return !now.isBefore(expiresAt);
  }

  /** The first 8 hex characters of the hash: what audit details show. */
  public String ref() {
    return hash.hex().substring(0, 8);
  }
}
