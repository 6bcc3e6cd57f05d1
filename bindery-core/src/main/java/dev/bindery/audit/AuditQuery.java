package dev.bindery.audit;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import java.time.Instant;

/**
 * Audit filters, all optional: target, actor, action (exact), time range [from, to), and keyset paging by
 * sequence number ({@code afterSeq}). Ordered by sequence number ascending.
 */
public record AuditQuery(
    String target, String actor, String action, Instant from, Instant to, long afterSeq, int limit) {
  public static final int MAX_LIMIT = 1000;

  public AuditQuery {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new RejectedException(ErrorCode.INVALID_QUERY, "limit must be between 1 and " + MAX_LIMIT, "limit");
    }
    if (afterSeq < 0) {
      throw new RejectedException(ErrorCode.INVALID_CURSOR, "cursor must be a non-negative sequence number");
    }
    if (from != null && to != null && !from.isBefore(to)) {
      throw new RejectedException(ErrorCode.INVALID_QUERY, "'from' must be before 'to'", "from");
    }
  }

  public static AuditQuery forTarget(String target, int limit) {
    return new AuditQuery(target, null, null, null, null, 0, limit);
  }

  public AuditQuery afterSeq(long seq) {
    return new AuditQuery(target, actor, action, from, to, seq, limit);
  }
}
