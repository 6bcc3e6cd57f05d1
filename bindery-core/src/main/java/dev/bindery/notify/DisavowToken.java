package dev.bindery.notify;

import dev.bindery.common.RandomIds;
import dev.bindery.common.Secret;
import dev.bindery.credential.SecretHash;
import dev.bindery.identity.IdentityId;
import dev.bindery.operator.OperatorId;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Objects;

/**
 * A stored "this was not us" token: only its SHA-256 is kept. Bound to one request — a change request
 * ({@code chg_...}) or a support action ({@code sup_...}) — about one identity or one operator (exactly one of the
 * two), valid until {@code expiresAt}, used at most once. The token itself ({@code bnd_dis_} and 256 random bits in
 * lowercase base32, 52 characters) appears only inside the notifications that carry the link.
 *
 * @param changeRequestId the id of the request the link disavows ({@code chg_...} or {@code sup_...})
 * @param usedAt when it was followed, or null
 */
public record DisavowToken(SecretHash hash, IdentityId identityId, OperatorId operatorId, String changeRequestId,
    Instant createdAt, Instant expiresAt, Instant usedAt) {
  public static final String PREFIX = "bnd_dis_";

  public DisavowToken {
    Objects.requireNonNull(hash);
    if ((identityId == null) == (operatorId == null)) {
      throw new IllegalArgumentException("a disavow token is about one identity or one operator");
    }
    Objects.requireNonNull(createdAt);
    Objects.requireNonNull(expiresAt);
    if (changeRequestId == null || !Notification.CHANGE_REQUEST.matcher(changeRequestId).matches()) {
      throw new IllegalArgumentException("a disavow token is bound to a change request or a support action");
    }
    if (!createdAt.isBefore(expiresAt)) {
      throw new IllegalArgumentException("a disavow token expires after its creation");
    }
  }

  /** A token about an identity (the change-request engine's). */
  public DisavowToken(SecretHash hash, IdentityId identityId, String changeRequestId, Instant createdAt,
      Instant expiresAt, Instant usedAt) {
    this(hash, Objects.requireNonNull(identityId), null, changeRequestId, createdAt, expiresAt, usedAt);
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

  /** This token, used at {@code at}. */
  public DisavowToken usedAt(Instant at) {
    return new DisavowToken(hash, identityId, operatorId, changeRequestId, createdAt, expiresAt, at);
  }

  /** The id of the identity or operator the link is about (the audit target). */
  public String target() {
    return identityId != null ? identityId.value() : operatorId.value();
  }

  /** The first 8 hex characters of the hash: what audit details show. */
  public String ref() {
    return hash.hex().substring(0, 8);
  }
}
