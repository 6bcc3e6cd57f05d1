package dev.bindery.identity;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A machine identity. Immutable; every change builds a new value with {@code version + 1}, which persistence
 * uses for optimistic concurrency. The {@link #id()} never changes, whatever else does.
 *
 * @param assuranceLevel 1, 2 or 3: how strong a proof re-binding a credential to this identity needs (see
 *     docs/rebinding.md); raised by owners, lowered only by a security officer or an explicit downgrade
 * @param predecessor the retired identity this one re-provisions, or null
 * @param statusReason why the identity was suspended, locked or retired, or null
 */
public record Identity(
    IdentityId id,
    IdentityKind kind,
    String name,
    String description,
    String tenant,
    String contact,
    Map<String, String> labels,
    Ownership ownership,
    Set<Scope> scopes,
    int assuranceLevel,
    IdentityStatus status,
    String statusReason,
    IdentityId predecessor,
    long version,
    Instant createdAt,
    Instant updatedAt) {

  public Identity {
    Objects.requireNonNull(id);
    Objects.requireNonNull(kind);
    Objects.requireNonNull(ownership);
    Objects.requireNonNull(status);
    Objects.requireNonNull(createdAt);
    Objects.requireNonNull(updatedAt);
    name = Text.required("name", name, 200);
    description = Text.optional("description", description, 2000);
    tenant = Text.optional("tenant", tenant, 200);
    contact = Text.optional("contact", contact, 320);
    labels = Labels.validate(labels);
    scopes = Set.copyOf(scopes == null ? Set.of() : scopes);
    requireAssuranceLevel(assuranceLevel);
    if (version < 1) {
      throw new IllegalArgumentException("version starts at 1");
    }
  }

  public static final int MIN_ASSURANCE_LEVEL = 1;
  public static final int MAX_ASSURANCE_LEVEL = 3;
  /** The level of an identity created without one. */
  public static final int DEFAULT_ASSURANCE_LEVEL = 1;

  /** Checks an assurance level given by a caller: 1, 2 or 3 ({@code invalid_field} on {@code assurance_level}). */
  public static int requireAssuranceLevel(int level) {
    if (level < MIN_ASSURANCE_LEVEL || level > MAX_ASSURANCE_LEVEL) {
      throw RejectedException.invalid("assurance_level", "'assurance_level' must be 1, 2 or 3");
    }
    return level;
  }

  public boolean retired() {
    return status == IdentityStatus.RETIRED;
  }

  /** The editable profile of an identity, as one value for before/after records. */
  public record Profile(String name, String description, String tenant, String contact, Map<String, String> labels) {}

  public Profile profile() {
    return new Profile(name, description, tenant, contact, labels);
  }

  public Identity withProfile(Profile p, Instant at) {
    return new Identity(id, kind, p.name(), p.description(), p.tenant(), p.contact(), p.labels(), ownership,
        scopes, assuranceLevel, status, statusReason, predecessor, version + 1, createdAt, at);
  }

  public Identity withOwnership(Ownership o, Instant at) {
    return new Identity(id, kind, name, description, tenant, contact, labels, o, scopes, assuranceLevel, status,
        statusReason, predecessor, version + 1, createdAt, at);
  }

  public Identity withScopes(Set<Scope> s, Instant at) {
    return new Identity(id, kind, name, description, tenant, contact, labels, ownership, s, assuranceLevel,
        status, statusReason, predecessor, version + 1, createdAt, at);
  }

  /** The same identity at another assurance level (the caller checks who may raise or lower it). */
  public Identity withAssuranceLevel(int level, Instant at) {
    requireAssuranceLevel(level);
    if (level == assuranceLevel) {
      throw new RejectedException(ErrorCode.INVALID_TRANSITION, "identity is already at assurance level " + level);
    }
    return new Identity(id, kind, name, description, tenant, contact, labels, ownership, scopes, level, status,
        statusReason, predecessor, version + 1, createdAt, at);
  }

  /**
   * Moves the lifecycle: active ⇄ suspended, and active/suspended/locked → retired. Locking and unlocking have
   * their own methods ({@link #lock}, {@link #unlock}): a locked identity is not resumed by {@code resume}
   * ({@code identity_locked}).
   */
  public Identity withStatus(IdentityStatus next, String reason, Instant at) {
    requireNotRetired();
    if (next == status) {
      throw new RejectedException(ErrorCode.INVALID_TRANSITION, "identity is already " + status.wire());
    }
    if (next == IdentityStatus.LOCKED) {
      throw new RejectedException(ErrorCode.INVALID_TRANSITION, "an identity is locked only by a lock");
    }
    if (status == IdentityStatus.LOCKED && next != IdentityStatus.RETIRED) {
      throw new RejectedException(ErrorCode.IDENTITY_LOCKED,
          "identity " + id + " is locked; only a security officer's unlock makes it active again");
    }
    if (next == IdentityStatus.RETIRED && (reason == null || reason.isBlank())) {
      throw RejectedException.missing("reason");
    }
    return moved(next, reason, at);
  }

  /** Locks an active or suspended identity for security review; a reason is required. */
  public Identity lock(String reason, Instant at) {
    requireNotRetired();
    if (status == IdentityStatus.LOCKED) {
      throw new RejectedException(ErrorCode.IDENTITY_LOCKED, "identity " + id + " is already locked");
    }
    if (reason == null || reason.isBlank()) {
      throw RejectedException.missing("reason");
    }
    return moved(IdentityStatus.LOCKED, reason, at);
  }

  /** Unlocks a locked identity: it becomes active (never suspended). */
  public Identity unlock(Instant at) {
    requireNotRetired();
    if (status != IdentityStatus.LOCKED) {
      throw new RejectedException(ErrorCode.INVALID_TRANSITION, "identity is " + status.wire() + ", not locked");
    }
    return moved(IdentityStatus.ACTIVE, null, at);
  }

  private void requireNotRetired() {
    if (status == IdentityStatus.RETIRED) {
      throw new RejectedException(ErrorCode.IDENTITY_RETIRED, "identity " + id + " is retired; retirement is terminal");
    }
  }

  private Identity moved(IdentityStatus next, String reason, Instant at) {
    return new Identity(id, kind, name, description, tenant, contact, labels, ownership, scopes, assuranceLevel, next,
        next == IdentityStatus.ACTIVE ? null : Text.optional("reason", reason, 1000), predecessor, version + 1,
        createdAt, at);
  }
}
