package dev.bindery.credential;

import dev.bindery.identity.IdentityId;
import java.time.Instant;
import java.util.Objects;

/**
 * The generations of X.509-SVIDs that one enrolment started. Generation 1 is the enrolled certificate; each
 * renewal adds the next generation and supersedes the one before. If a superseded generation is ever presented
 * again, the lineage is quarantined: its current certificate is revoked and it never renews again. Other
 * lineages of the same identity are not affected. Immutable; changes bump {@code version}.
 *
 * @param currentCredential the credential of {@code currentGeneration}
 * @param quarantinedAt when the lineage was quarantined, or null
 */
public record Lineage(
    LineageId id,
    IdentityId identityId,
    int currentGeneration,
    CredentialId currentCredential,
    Instant createdAt,
    Instant updatedAt,
    Instant quarantinedAt,
    long version) {

  public Lineage {
    Objects.requireNonNull(id);
    Objects.requireNonNull(identityId);
    Objects.requireNonNull(currentCredential);
    Objects.requireNonNull(createdAt);
    Objects.requireNonNull(updatedAt);
    if (currentGeneration < 1) {
      throw new IllegalArgumentException("generations start at 1");
    }
    if (version < 1) {
      throw new IllegalArgumentException("version starts at 1");
    }
  }

  /** A new lineage whose generation 1 is {@code first}. */
  public static Lineage start(LineageId id, IdentityId identity, CredentialId first, Instant at) {
    return new Lineage(id, identity, 1, first, at, at, null, 1);
  }

  public boolean quarantined() {
    return quarantinedAt != null;
  }

  /** The next generation, {@code next}, became current. */
  public Lineage renewed(CredentialId next, Instant at) {
    if (quarantined()) {
      throw new IllegalStateException("a quarantined lineage is never renewed");
    }
    return new Lineage(id, identityId, currentGeneration + 1, next, createdAt, at, null, version + 1);
  }

  public Lineage quarantine(Instant at) {
    return new Lineage(id, identityId, currentGeneration, currentCredential, createdAt, at, at, version + 1);
  }
}
