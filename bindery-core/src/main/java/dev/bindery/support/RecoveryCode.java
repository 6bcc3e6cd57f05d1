package dev.bindery.support;

import dev.bindery.credential.SecretHash;
import dev.bindery.identity.IdentityId;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A stored recovery code of an identity (NIST SP 800-63B-4 saved recovery codes): only its SHA-256 is kept. Issued in
 * sets of {@link RecoveryCodes#SET_SIZE} by a {@code recovery_codes_issue} support action, delivered to the owners;
 * a new set invalidates the identity's previous codes. A code proves continuity of one re-binding change request
 * once: using it marks it used and issues one replacement (same support action) for the owners.
 *
 * @param supportActionId the support action whose set it belongs to (a replacement keeps its set's action)
 * @param usedAt when it was used, or null
 * @param usedFor the change request it proved continuity for, or null
 * @param invalidatedAt when a newer set replaced it or its action was flagged (unused codes only), or null
 */
public record RecoveryCode(SecretHash hash, IdentityId identityId, SupportActionId supportActionId, Instant createdAt,
    Instant usedAt, String usedFor, Instant invalidatedAt) {
  private static final Pattern USED_FOR = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  public RecoveryCode {
    Objects.requireNonNull(hash);
    Objects.requireNonNull(identityId);
    Objects.requireNonNull(supportActionId);
    Objects.requireNonNull(createdAt);
    if ((usedAt == null) != (usedFor == null)) {
      throw new IllegalArgumentException("a used recovery code names what it was used for");
    }
    if (usedFor != null && !USED_FOR.matcher(usedFor).matches()) {
      throw new IllegalArgumentException("a recovery code is used for a change request id");
    }
    if (usedAt != null && invalidatedAt != null) {
      throw new IllegalArgumentException("a recovery code is used or invalidated, not both");
    }
  }

  public static RecoveryCode issued(SecretHash hash, IdentityId identity, SupportActionId action, Instant at) {
    return new RecoveryCode(hash, identity, action, at, null, null, null);
  }

  public boolean used() {
    return usedAt != null;
  }

  public boolean invalidated() {
    return invalidatedAt != null;
  }

  /** Neither used nor invalidated. */
  public boolean valid() {
    return usedAt == null && invalidatedAt == null;
  }

  /** The first 12 hex characters of the hash: the reference audit events show. */
  public String ref() {
    return hash.hex().substring(0, 12);
  }
}
