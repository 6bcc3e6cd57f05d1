package dev.bindery.support;

import dev.bindery.change.Approval;
import dev.bindery.change.ApproverRole;
import dev.bindery.change.ChangeState;
import dev.bindery.change.Requirements;
import dev.bindery.identity.Text;
import dev.bindery.operator.OperatorId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A support action (docs/support-desk.md): a change request of channel {@code support_desk}, made by an agent on a
 * ticket with out-of-band evidence. It shares the change-request engine's {@link ChangeState} machine
 * ({@code pending → approved → applied}, or {@code rejected}/{@code expired}/{@code cancelled}) and its
 * {@link Approval}s. Immutable; every change builds a new value with {@code version + 1}, which persistence uses for
 * optimistic concurrency.
 *
 * @param targetVersion the target identity's or operator's version when the action was made; apply refuses if it
 *     changed
 * @param agent the {@code service_desk} operator who made it
 * @param parameters the type's parameters, by wire name, as validated at creation
 * @param requiredApprovals the approvals needed before apply, one entry per approval ({@code supervisor} today)
 * @param requiredBecause why each approval is needed: {@value #PRIVILEGED_ASSURANCE}, {@code privileged_target:scope:
 *     <scope>}, {@code privileged_target:operator_role:<role>}, {@value #UNDER_SUPERVISION}
 * @param agentStepUpAt the agent's step-up time when the action was made (fresh for a high-risk action), or null
 * @param resolvedBy who moved it to a terminal state (an operator id or {@code system})
 * @param result what apply did ({@code applied} only)
 * @param review the post-hoc review; only an applied action is ever reviewed
 * @param disavowedAt when the owners followed its "this was not us" link, or null
 */
public record SupportAction(
    SupportActionId id,
    SupportActionType type,
    SupportTarget target,
    long targetVersion,
    OperatorId agent,
    String reason,
    Evidence evidence,
    Map<String, String> parameters,
    List<ApproverRole> requiredApprovals,
    List<String> requiredBecause,
    List<Approval> approvals,
    ChangeState state,
    Instant agentStepUpAt,
    Instant createdAt,
    Instant expiresAt,
    Instant resolvedAt,
    String resolvedBy,
    SupportResult result,
    SupportReview review,
    Instant disavowedAt,
    long version) {

  public static final int MAX_REASON = 1000;
  public static final String PRIVILEGED_ASSURANCE = "privileged_target:assurance_level";
  public static final String PRIVILEGED_SCOPE = "privileged_target:scope:";
  public static final String PRIVILEGED_OPERATOR_ROLE = "privileged_target:operator_role:";
  public static final String UNDER_SUPERVISION = "agent_under_supervision";

  public SupportAction {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(agent, "agent");
    Objects.requireNonNull(evidence, "evidence");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(review, "review");
    reason = Text.required("reason", reason, MAX_REASON);
    parameters = Map.copyOf(Objects.requireNonNull(parameters, "parameters"));
    requiredApprovals = List.copyOf(Objects.requireNonNull(requiredApprovals, "requiredApprovals"));
    requiredBecause = List.copyOf(Objects.requireNonNull(requiredBecause, "requiredBecause"));
    approvals = List.copyOf(Objects.requireNonNull(approvals, "approvals"));
    if (target.kind() != type.targetKind()) {
      throw new IllegalArgumentException(type.wire() + " acts on an " + type.targetKind().wire());
    }
    if (!type.parameters().containsAll(parameters.keySet())) {
      throw new IllegalArgumentException(type.wire() + " takes only the parameters " + type.parameters());
    }
    if (requiredApprovals.isEmpty() != requiredBecause.isEmpty()) {
      throw new IllegalArgumentException("every required approval has a reason");
    }
    if (new HashSet<>(approvals.stream().map(Approval::operator).toList()).size() != approvals.size()) {
      throw new IllegalArgumentException("one operator gives at most one approval");
    }
    if (approvals.stream().anyMatch(a -> a.operator().equals(agent))) {
      throw new IllegalArgumentException("the agent never approves their own action");
    }
    if (!expiresAt.isAfter(createdAt)) {
      throw new IllegalArgumentException("a support action expires after it is made");
    }
    if (state.open() == (resolvedAt != null) || state.open() == (resolvedBy != null)) {
      throw new IllegalArgumentException("an action is resolved exactly when its state is terminal");
    }
    if ((state == ChangeState.APPLIED) != (result != null)) {
      throw new IllegalArgumentException("a result is set exactly for an applied action");
    }
    if (state != ChangeState.APPLIED && (review.done() || disavowedAt != null)) {
      throw new IllegalArgumentException("only an applied action is reviewed or disavowed after apply");
    }
    if (targetVersion < 1 || version < 1) {
      throw new IllegalArgumentException("versions start at 1");
    }
  }

  /** A new action in state {@code pending}, or {@code approved} when it needs no approval. */
  public static SupportAction open(SupportActionId id, SupportActionType type, SupportTarget target,
      long targetVersion, OperatorId agent, String reason, Evidence evidence, Map<String, String> parameters,
      List<ApproverRole> requiredApprovals, List<String> requiredBecause, Instant agentStepUpAt, Instant createdAt,
      Instant expiresAt) {
    SupportAction a = new SupportAction(id, type, target, targetVersion, agent, reason, evidence, parameters,
        requiredApprovals, requiredBecause, List.of(), ChangeState.PENDING, agentStepUpAt, createdAt, expiresAt, null,
        null, null, SupportReview.UNREVIEWED, null, 1);
    return a.missing().isEmpty() ? a.withState(ChangeState.APPROVED) : a;
  }

  public boolean open() {
    return state.open();
  }

  public SupportRisk risk() {
    return type.risk();
  }

  /** True if the action is open and {@code now} is at or after its expiry. */
  public boolean expiredAt(Instant now) {
    return open() && !now.isBefore(expiresAt);
  }

  /** What the action still needs: {@code approval:<role>} once per missing approval. */
  public List<String> missing() {
    return new Requirements(false, false, requiredApprovals, false).missingApprovals(approvals);
  }

  /** True if an approval in {@code role} would still count. */
  public boolean needsApprovalAs(ApproverRole role) {
    return missing().contains("approval:" + role.wire());
  }

  public SupportAction withApproval(Approval approval) {
    requireOpen();
    List<Approval> all = new ArrayList<>(approvals);
    all.add(Objects.requireNonNull(approval, "approval"));
    SupportAction next = new SupportAction(id, type, target, targetVersion, agent, reason, evidence, parameters,
        requiredApprovals, requiredBecause, all, state, agentStepUpAt, createdAt, expiresAt, null, null, null, review,
        null, version + 1);
    return next.state == ChangeState.PENDING && next.missing().isEmpty() ? next.withState(ChangeState.APPROVED)
        : next;
  }

  /** Moves an open action to {@code rejected}, {@code expired} or {@code cancelled}. */
  public SupportAction resolved(ChangeState terminal, String by, Instant at) {
    requireOpen();
    if (terminal.open() || terminal == ChangeState.APPLIED) {
      throw new IllegalArgumentException("resolve to rejected, expired or cancelled; apply with applied()");
    }
    return new SupportAction(id, type, target, targetVersion, agent, reason, evidence, parameters, requiredApprovals,
        requiredBecause, approvals, terminal, agentStepUpAt, createdAt, expiresAt, Objects.requireNonNull(at),
        Objects.requireNonNull(by), null, review, null, version + 1);
  }

  /** Marks an approved action applied with what apply did; it enters the review queue unreviewed. */
  public SupportAction applied(SupportResult outcome, String by, Instant at) {
    if (state != ChangeState.APPROVED) {
      throw new IllegalStateException("only an approved action is applied");
    }
    return new SupportAction(id, type, target, targetVersion, agent, reason, evidence, parameters, requiredApprovals,
        requiredBecause, approvals, ChangeState.APPLIED, agentStepUpAt, createdAt, expiresAt, Objects.requireNonNull(at),
        Objects.requireNonNull(by), Objects.requireNonNull(outcome), SupportReview.UNREVIEWED, null, version + 1);
  }

  /** Records the review of an applied, unreviewed action. */
  public SupportAction reviewed(SupportReview done) {
    if (state != ChangeState.APPLIED || review.done() || !done.done()) {
      throw new IllegalStateException("an applied action is reviewed once");
    }
    return new SupportAction(id, type, target, targetVersion, agent, reason, evidence, parameters, requiredApprovals,
        requiredBecause, approvals, state, agentStepUpAt, createdAt, expiresAt, resolvedAt, resolvedBy, result, done,
        disavowedAt, version + 1);
  }

  /** Records that the owners disavowed this applied action ("this was not us"). */
  public SupportAction disavowed(Instant at) {
    if (state != ChangeState.APPLIED || disavowedAt != null) {
      throw new IllegalStateException("an applied action is disavowed once");
    }
    return new SupportAction(id, type, target, targetVersion, agent, reason, evidence, parameters, requiredApprovals,
        requiredBecause, approvals, state, agentStepUpAt, createdAt, expiresAt, resolvedAt, resolvedBy, result, review,
        Objects.requireNonNull(at), version + 1);
  }

  /** The before/after record of a state change for audit details. */
  public static Map<String, Object> stateChange(SupportAction before, SupportAction after) {
    return ChangeState.transition(before.state(), after.state());
  }

  private void requireOpen() {
    if (!open()) {
      throw new IllegalStateException("support action " + id + " is " + state.wire());
    }
  }

  private SupportAction withState(ChangeState next) {
    return new SupportAction(id, type, target, targetVersion, agent, reason, evidence, parameters, requiredApprovals,
        requiredBecause, approvals, next, agentStepUpAt, createdAt, expiresAt, null, null, null, review, null, version);
  }
}
