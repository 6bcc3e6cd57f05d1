package dev.bindery.support;

import dev.bindery.identity.Text;
import dev.bindery.operator.OperatorId;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * An anomaly alert of the support desk (docs/support-desk.md, "Review queue and alerts"). While an alert of an agent
 * is open, that agent is <em>under supervision</em>: every new action of theirs needs a {@code supervisor} approval,
 * until a security officer clears it.
 *
 * @param agent the agent whose actions crossed the threshold (for an unusual enrolment source, the agent of the
 *     reset)
 * @param target the target of the action that crossed the threshold (for an unusual enrolment source, the identity
 *     enrolled), or null when there is none
 * @param action the action that crossed the threshold (for an unusual enrolment source, the reset), or null
 * @param details small non-secret facts: {@code count}, {@code max}, {@code window}, {@code hours}, {@code source}
 * @param clearedBy the security officer who cleared it, with {@code clearedAt} and {@code clearComment}; null while open
 */
public record SupportAlert(
    SupportAlertId id,
    Kind kind,
    OperatorId agent,
    SupportTarget target,
    SupportActionId action,
    Map<String, String> details,
    Instant raisedAt,
    Instant clearedAt,
    OperatorId clearedBy,
    String clearComment,
    long version) {

  public static final int MAX_COMMENT = 1000;

  public enum Kind {
    /** More resets of one target than the threshold within its window. */
    IDENTITY_RESETS,
    /** One agent acting on more distinct targets than the threshold within its window. */
    AGENT_TARGETS,
    /** An action outside the agent's configured hours. */
    OUTSIDE_HOURS,
    /** A credential enrolled from a source never seen for the identity, soon after a reset. */
    UNUSUAL_ENROLMENT_SOURCE;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public SupportAlert {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(agent, "agent");
    Objects.requireNonNull(raisedAt, "raisedAt");
    details = Map.copyOf(Objects.requireNonNull(details, "details"));
    clearComment = Text.optional("comment", clearComment, MAX_COMMENT);
    if ((clearedAt == null) != (clearedBy == null)) {
      throw new IllegalArgumentException("an alert is cleared by someone at some time, or open");
    }
    if (clearedAt == null && clearComment != null) {
      throw new IllegalArgumentException("an open alert has no clearing comment");
    }
    if (version < 1) {
      throw new IllegalArgumentException("versions start at 1");
    }
  }

  public static SupportAlert raise(SupportAlertId id, Kind kind, OperatorId agent, SupportTarget target,
      SupportActionId action, Map<String, String> details, Instant at) {
    return new SupportAlert(id, kind, agent, target, action, details, at, null, null, null, 1);
  }

  public boolean open() {
    return clearedAt == null;
  }

  public SupportAlert cleared(OperatorId by, Instant at, String comment) {
    if (!open()) {
      throw new IllegalStateException("alert " + id + " is already cleared");
    }
    return new SupportAlert(id, kind, agent, target, action, details, raisedAt, Objects.requireNonNull(at),
        Objects.requireNonNull(by), comment, version + 1);
  }
}
