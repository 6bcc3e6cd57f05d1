package dev.bindery.support;

import dev.bindery.change.ChangeState;
import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import dev.bindery.operator.OperatorId;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * Filters for listing support actions, all optional and combined with AND; results are ordered by action id and
 * paged by keyset ({@code after} is the last id of the previous page).
 *
 * @param states only these stored states (null or empty: any)
 * @param review only actions with this review state (the review queue is {@code applied} + {@code unreviewed})
 * @param createdFrom only actions made at or after this instant
 * @param createdBefore only actions made before this instant
 */
public record SupportActionQuery(
    SupportTarget target,
    OperatorId agent,
    SupportActionType type,
    Set<ChangeState> states,
    SupportReview.State review,
    Instant createdFrom,
    Instant createdBefore,
    SupportActionId after,
    int limit) {

  public static final int MAX_LIMIT = 500;

  public SupportActionQuery {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new RejectedException(ErrorCode.INVALID_QUERY, "limit must be between 1 and " + MAX_LIMIT, "limit");
    }
    states = states == null || states.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(states));
    if (createdFrom != null && createdBefore != null && !createdFrom.isBefore(createdBefore)) {
      throw new RejectedException(ErrorCode.INVALID_QUERY, "'from' must be before 'to'", "from");
    }
  }

  public static SupportActionQuery all(int limit) {
    return new SupportActionQuery(null, null, null, null, null, null, null, null, limit);
  }

  public SupportActionQuery withTarget(SupportTarget value) {
    return new SupportActionQuery(value, agent, type, states, review, createdFrom, createdBefore, after, limit);
  }

  public SupportActionQuery withAgent(OperatorId value) {
    return new SupportActionQuery(target, value, type, states, review, createdFrom, createdBefore, after, limit);
  }

  public SupportActionQuery withType(SupportActionType value) {
    return new SupportActionQuery(target, agent, value, states, review, createdFrom, createdBefore, after, limit);
  }

  public SupportActionQuery withStates(Set<ChangeState> value) {
    return new SupportActionQuery(target, agent, type, value, review, createdFrom, createdBefore, after, limit);
  }

  public SupportActionQuery withReview(SupportReview.State value) {
    return new SupportActionQuery(target, agent, type, states, value, createdFrom, createdBefore, after, limit);
  }

  public SupportActionQuery createdBetween(Instant from, Instant before) {
    return new SupportActionQuery(target, agent, type, states, review, from, before, after, limit);
  }

  public SupportActionQuery after(SupportActionId cursor) {
    return new SupportActionQuery(target, agent, type, states, review, createdFrom, createdBefore, cursor, limit);
  }

  /** True if {@code a} passes every filter but the limit (for in-memory stores). */
  public boolean matches(SupportAction a) {
    return (target == null || target.equals(a.target()))
        && (agent == null || agent.equals(a.agent()))
        && (type == null || type == a.type())
        && (states.isEmpty() || states.contains(a.state()))
        && (review == null || review == a.review().state())
        && (createdFrom == null || !a.createdAt().isBefore(createdFrom))
        && (createdBefore == null || a.createdAt().isBefore(createdBefore))
        && (after == null || a.id().value().compareTo(after.value()) > 0);
  }
}
