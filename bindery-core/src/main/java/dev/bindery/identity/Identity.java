package dev.bindery.identity;

import dev.bindery.common.RejectedException;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A machine identity. Immutable; every change builds a new value with {@code version + 1}, which persistence
 * uses for optimistic concurrency. The {@link #id()} never changes, whatever else does.
 *
 * @param predecessor the retired identity this one re-provisions, or null
 * @param statusReason why the identity was suspended or retired, or null
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
    if (version < 1) {
      throw new IllegalArgumentException("version starts at 1");
    }
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
        scopes, status, statusReason, predecessor, version + 1, createdAt, at);
  }

  public Identity withOwnership(Ownership o, Instant at) {
    return new Identity(id, kind, name, description, tenant, contact, labels, o, scopes, status, statusReason,
        predecessor, version + 1, createdAt, at);
  }

  public Identity withScopes(Set<Scope> s, Instant at) {
    return new Identity(id, kind, name, description, tenant, contact, labels, ownership, s, status,
        statusReason, predecessor, version + 1, createdAt, at);
  }

  /** Moves the lifecycle; only active ⇄ suspended and active/suspended → retired are allowed. */
  public Identity withStatus(IdentityStatus next, String reason, Instant at) {
    if (status == IdentityStatus.RETIRED) {
      throw new RejectedException(dev.bindery.common.ErrorCode.IDENTITY_RETIRED,
          "identity " + id + " is retired; retirement is terminal");
    }
    if (next == status) {
      throw new RejectedException(dev.bindery.common.ErrorCode.INVALID_TRANSITION,
          "identity is already " + status.wire());
    }
    if (next == IdentityStatus.RETIRED && (reason == null || reason.isBlank())) {
      throw RejectedException.missing("reason");
    }
    return new Identity(id, kind, name, description, tenant, contact, labels, ownership, scopes, next,
        next == IdentityStatus.ACTIVE ? null : Text.optional("reason", reason, 1000), predecessor, version + 1,
        createdAt, at);
  }
}
