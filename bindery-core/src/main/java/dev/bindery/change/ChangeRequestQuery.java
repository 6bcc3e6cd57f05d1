package dev.bindery.change;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import dev.bindery.identity.IdentityId;
import java.util.EnumSet;
import java.util.Set;

/**
 * Filters for listing change requests, all optional and combined with AND; results are ordered by request id and
 * paged by keyset ({@code after} is the last id of the previous page).
 *
 * @param states only these stored states (null or empty: any)
 * @param requester only requests made by this requester
 */
public record ChangeRequestQuery(
    IdentityId target,
    Set<ChangeState> states,
    ChangeType type,
    Requester requester,
    ChangeRequestId after,
    int limit) {

  public static final int MAX_LIMIT = 500;

  public ChangeRequestQuery {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new RejectedException(ErrorCode.INVALID_QUERY, "limit must be between 1 and " + MAX_LIMIT, "limit");
    }
    states = states == null || states.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(states));
  }

  public static ChangeRequestQuery all(int limit) {
    return new ChangeRequestQuery(null, null, null, null, null, limit);
  }

  public ChangeRequestQuery withTarget(IdentityId value) {
    return new ChangeRequestQuery(value, states, type, requester, after, limit);
  }

  public ChangeRequestQuery withStates(Set<ChangeState> value) {
    return new ChangeRequestQuery(target, value, type, requester, after, limit);
  }

  public ChangeRequestQuery withType(ChangeType value) {
    return new ChangeRequestQuery(target, states, value, requester, after, limit);
  }

  public ChangeRequestQuery withRequester(Requester value) {
    return new ChangeRequestQuery(target, states, type, value, after, limit);
  }

  public ChangeRequestQuery after(ChangeRequestId cursor) {
    return new ChangeRequestQuery(target, states, type, requester, cursor, limit);
  }

  /** True if {@code r} passes every filter but the cursor and limit (for in-memory stores). */
  public boolean matches(ChangeRequest r) {
    return (target == null || target.equals(r.target()))
        && (states.isEmpty() || states.contains(r.state()))
        && (type == null || type == r.type())
        && (requester == null || requester.equals(r.requester()))
        && (after == null || r.id().value().compareTo(after.value()) > 0);
  }
}
