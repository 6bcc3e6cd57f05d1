package dev.bindery.identity;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;

/**
 * Filters for listing identities. Every filter is optional; results are ordered by identifier and paged by
 * keyset ({@code after} is the last identifier of the previous page), which stays correct under concurrent
 * inserts: no row is returned twice and no row that existed when the listing started is skipped.
 *
 * @param labelKey with {@code labelValue}: a label that must be present with that value
 * @param namePrefix a case-sensitive prefix of the name
 */
public record IdentityQuery(
    IdentityKind kind,
    TeamId ownerTeam,
    IdentityStatus status,
    String labelKey,
    String labelValue,
    String tenant,
    String namePrefix,
    IdentityId after,
    int limit) {

  public static final int MAX_LIMIT = 500;

  public IdentityQuery {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new RejectedException(ErrorCode.INVALID_QUERY, "limit must be between 1 and " + MAX_LIMIT, "limit");
    }
    if ((labelKey == null) != (labelValue == null)) {
      throw new RejectedException(ErrorCode.INVALID_QUERY, "label filter must be key=value", "label");
    }
    if (namePrefix != null && (namePrefix.isEmpty() || namePrefix.length() > 200)) {
      throw new RejectedException(ErrorCode.INVALID_QUERY, "name prefix must be 1-200 characters", "name_prefix");
    }
  }

  public static IdentityQuery all(int limit) {
    return new IdentityQuery(null, null, null, null, null, null, null, null, limit);
  }

  public IdentityQuery after(IdentityId cursor) {
    return new IdentityQuery(kind, ownerTeam, status, labelKey, labelValue, tenant, namePrefix, cursor, limit);
  }
}
