package dev.bindery.credential;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.IdentityKind;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * Filters for listing credentials, all optional and combined with AND; results are ordered by credential id
 * and paged by keyset ({@code after}).
 *
 * @param identityKind only credentials of identities of this kind
 * @param statuses only these statuses (null or empty: any)
 * @param unexpiredAt only credentials not expired at this instant: notAfter strictly after it (a credential is
 *     expired at its notAfter, {@link Credential#expiredAt})
 * @param notAfterBefore only credentials whose notAfter is before this
 * @param boundBefore only credentials bound before this
 * @param neverUsed only credentials never used (true), or used at least once (false)
 * @param idleSince only credentials not used since this: last used before it, or never used and bound before it
 */
public record CredentialQuery(
    IdentityId identityId,
    IdentityKind identityKind,
    CredentialType type,
    Set<CredentialStatus> statuses,
    Instant unexpiredAt,
    Instant notAfterBefore,
    Instant boundBefore,
    Boolean neverUsed,
    Instant idleSince,
    CredentialId after,
    int limit) {

  public static final int MAX_LIMIT = 1000;

  public CredentialQuery {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new RejectedException(ErrorCode.INVALID_QUERY, "limit must be between 1 and " + MAX_LIMIT, "limit");
    }
    statuses = statuses == null || statuses.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(statuses));
  }

  public static CredentialQuery all(int limit) {
    return new CredentialQuery(null, null, null, null, null, null, null, null, null, null, limit);
  }

  /** Active credentials only. */
  public static CredentialQuery active(int limit) {
    return all(limit).withStatuses(Set.of(CredentialStatus.ACTIVE));
  }

  public CredentialQuery withIdentity(IdentityId value) {
    return new CredentialQuery(value, identityKind, type, statuses, unexpiredAt, notAfterBefore, boundBefore,
        neverUsed, idleSince, after, limit);
  }

  public CredentialQuery withKindAndType(IdentityKind kind, CredentialType value) {
    return new CredentialQuery(identityId, kind, value, statuses, unexpiredAt, notAfterBefore, boundBefore,
        neverUsed, idleSince, after, limit);
  }

  public CredentialQuery withStatuses(Set<CredentialStatus> value) {
    return new CredentialQuery(identityId, identityKind, type, value, unexpiredAt, notAfterBefore, boundBefore,
        neverUsed, idleSince, after, limit);
  }

  public CredentialQuery withUnexpiredAt(Instant value) {
    return new CredentialQuery(identityId, identityKind, type, statuses, value, notAfterBefore, boundBefore, neverUsed,
        idleSince, after, limit);
  }

  public CredentialQuery withNotAfterBefore(Instant value) {
    return new CredentialQuery(identityId, identityKind, type, statuses, unexpiredAt, value, boundBefore, neverUsed,
        idleSince, after, limit);
  }

  public CredentialQuery withBoundBefore(Instant value) {
    return new CredentialQuery(identityId, identityKind, type, statuses, unexpiredAt, notAfterBefore, value,
        neverUsed, idleSince, after, limit);
  }

  public CredentialQuery withNeverUsed(Boolean value) {
    return new CredentialQuery(identityId, identityKind, type, statuses, unexpiredAt, notAfterBefore, boundBefore,
        value, idleSince, after, limit);
  }

  public CredentialQuery withIdleSince(Instant value) {
    return new CredentialQuery(identityId, identityKind, type, statuses, unexpiredAt, notAfterBefore, boundBefore,
        neverUsed, value, after, limit);
  }

  public CredentialQuery after(CredentialId cursor) {
    return new CredentialQuery(identityId, identityKind, type, statuses, unexpiredAt, notAfterBefore, boundBefore,
        neverUsed, idleSince, cursor, limit);
  }

  /** True if {@code c}, of an identity of kind {@code kind}, passes every filter (for in-memory stores). */
  public boolean matches(Credential c, IdentityKind kind) {
    return (identityId == null || identityId.equals(c.identityId()))
        && (identityKind == null || identityKind == kind)
        && (type == null || type == c.type())
        && (statuses.isEmpty() || statuses.contains(c.status()))
        && (unexpiredAt == null || c.notAfter().isAfter(unexpiredAt))
        && (notAfterBefore == null || c.notAfter().isBefore(notAfterBefore))
        && (boundBefore == null || c.boundAt().isBefore(boundBefore))
        && (neverUsed == null || neverUsed == (c.lastUsedAt() == null))
        && (idleSince == null || (c.lastUsedAt() == null ? c.boundAt().isBefore(idleSince)
            : c.lastUsedAt().isBefore(idleSince)))
        && (after == null || c.id().value().compareTo(after.value()) > 0);
  }
}
