package dev.bindery.change;

import dev.bindery.identity.Text;
import dev.bindery.operator.OperatorId;
import java.time.Instant;
import java.util.Objects;

/**
 * One approval of a change request.
 *
 * @param stepUpAt when the approver last proved a TOTP code (fresh at {@code at}, or the approval was refused)
 * @param comment the approver's comment, or null (at most 1000 characters)
 */
public record Approval(OperatorId operator, ApproverRole role, Instant at, Instant stepUpAt, String comment) {
  public static final int MAX_COMMENT = 1000;

  public Approval {
    Objects.requireNonNull(operator, "operator");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(stepUpAt, "stepUpAt");
    comment = Text.optional("comment", comment, MAX_COMMENT);
  }
}
