package dev.bindery.support;

import dev.bindery.identity.Text;
import dev.bindery.operator.OperatorId;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * The post-hoc review of an applied support action (docs/support-desk.md, "Review queue"): {@code unreviewed} until a
 * security officer, never the agent, marks it {@code confirmed} or {@code flagged}, once.
 *
 * @param comment the reviewer's comment (at most {@value #MAX_COMMENT} characters), or null
 */
public record SupportReview(State state, OperatorId reviewer, Instant at, String comment) {
  public static final int MAX_COMMENT = 1000;
  public static final SupportReview UNREVIEWED = new SupportReview(State.UNREVIEWED, null, null, null);

  public enum State {
    UNREVIEWED, CONFIRMED, FLAGGED;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public SupportReview {
    Objects.requireNonNull(state, "state");
    comment = Text.optional("comment", comment, MAX_COMMENT);
    if ((state == State.UNREVIEWED) != (reviewer == null) || (reviewer == null) != (at == null)) {
      throw new IllegalArgumentException("a review has a reviewer and a time exactly when it is done");
    }
    if (state == State.UNREVIEWED && comment != null) {
      throw new IllegalArgumentException("an unreviewed action has no review comment");
    }
  }

  public boolean done() {
    return state != State.UNREVIEWED;
  }
}
