package dev.bindery.server.http;

import dev.bindery.change.Approval;
import dev.bindery.change.ApproverRole;
import dev.bindery.change.ChangeState;
import dev.bindery.credential.CredentialId;
import dev.bindery.support.Evidence;
import dev.bindery.support.IssuedItem;
import dev.bindery.support.SupportAction;
import dev.bindery.support.SupportAlert;
import dev.bindery.support.SupportReport;
import dev.bindery.support.SupportResult;
import dev.bindery.support.SupportReview;
import dev.bindery.support.SupportTarget;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON shapes of the support desk (docs/api.md, "Support desk"). None carries a secret: a temporary enrolment
 * code, a TOTP enrolment or a set of recovery codes an action issued is shown by its kind and non-secret reference
 * only (the secret itself went sealed to the target's owners and exists nowhere on this channel).
 */
public final class SupportViews {
  public static final String CHANNEL = "support_desk";

  private SupportViews() {}

  /** {@code identity:<id>} or {@code operator:<id>}: the form the API takes and the reports count by. */
  public static String target(SupportTarget t) {
    return t == null ? null : t.kind().wire() + ":" + t.id();
  }

  /**
   * A support action as of {@code now}: an open action past its expiry shows {@code expired} (as a change request
   * does) before an action on it stores that.
   */
  public static Map<String, Object> action(SupportAction a, Instant now) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", a.id().value());
    m.put("type", a.type().wire());
    m.put("channel", CHANNEL);
    m.put("risk", a.risk().wire());
    m.put("target", target(a.target()));
    m.put("target_version", a.targetVersion());
    m.put("agent", a.agent().value());
    m.put("reason", a.reason());
    m.put("evidence", evidence(a.evidence()));
    m.put("parameters", new TreeMap<>(a.parameters()));
    Map<String, Object> required = new LinkedHashMap<>();
    required.put("approvals", a.requiredApprovals().stream().map(ApproverRole::wire).toList());
    required.put("because", a.requiredBecause());
    m.put("required", required);
    m.put("missing", a.open() ? a.missing() : List.of());
    List<Object> approvals = new ArrayList<>();
    for (Approval x : a.approvals()) {
      Map<String, Object> am = new LinkedHashMap<>();
      am.put("operator", x.operator().value());
      am.put("role", x.role().wire());
      am.put("at", Json.time(x.at()));
      am.put("step_up_at", Json.time(x.stepUpAt()));
      am.put("comment", x.comment());
      approvals.add(am);
    }
    m.put("approvals", approvals);
    m.put("agent_step_up_at", Json.time(a.agentStepUpAt()));
    m.put("state", (a.expiredAt(now) ? ChangeState.EXPIRED : a.state()).wire());
    m.put("created_at", Json.time(a.createdAt()));
    m.put("expires_at", Json.time(a.expiresAt()));
    m.put("resolved_at", Json.time(a.resolvedAt()));
    m.put("resolved_by", a.resolvedBy());
    m.put("result", a.result() == null ? null : result(a.result()));
    m.put("review", review(a.review()));
    m.put("disavowed_at", Json.time(a.disavowedAt()));
    m.put("version", a.version());
    return m;
  }

  private static Map<String, Object> evidence(Evidence e) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("method", e.verification().method().wire());
    v.put("reference", e.verification().reference());
    v.put("verified_by", e.verification().verifiedBy().value());
    v.put("verified_at", Json.time(e.verification().verifiedAt()));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ticket", e.ticket());
    m.put("claimed_requester", e.claimedRequester());
    m.put("verification", v);
    return m;
  }

  /** What apply did: what it issued by kind and reference (never a secret), revoked, and changed. */
  private static Map<String, Object> result(SupportResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    List<Object> issued = new ArrayList<>();
    for (IssuedItem i : r.issued()) {
      Map<String, Object> im = new LinkedHashMap<>();
      im.put("kind", i.kind().wire());
      im.put("ref", i.ref());
      issued.add(im);
    }
    m.put("issued", issued);
    m.put("revoked_credentials", r.revokedCredentials().stream().map(CredentialId::value).toList());
    m.put("before", new TreeMap<>(r.before()));
    m.put("after", new TreeMap<>(r.after()));
    return m;
  }

  private static Map<String, Object> review(SupportReview r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("state", r.state().wire());
    m.put("reviewer", r.reviewer() == null ? null : r.reviewer().value());
    m.put("at", Json.time(r.at()));
    m.put("comment", r.comment());
    return m;
  }

  public static Map<String, Object> alert(SupportAlert a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", a.id().value());
    m.put("kind", a.kind().wire());
    m.put("agent", a.agent().value());
    m.put("target", target(a.target()));
    m.put("support_action_id", a.action() == null ? null : a.action().value());
    m.put("details", new TreeMap<>(a.details()));
    m.put("raised_at", Json.time(a.raisedAt()));
    m.put("open", a.open());
    m.put("cleared_at", Json.time(a.clearedAt()));
    m.put("cleared_by", a.clearedBy() == null ? null : a.clearedBy().value());
    m.put("clear_comment", a.clearComment());
    m.put("version", a.version());
    return m;
  }

  public static Map<String, Object> report(SupportReport r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("at", Json.time(r.at()));
    m.put("review_age_hours", r.reviewAge().toHours());
    m.put("unreviewed_older_than", r.unreviewedOlderThan());
    m.put("window_hours", java.time.Duration.between(r.since(), r.at()).toHours());
    m.put("since", Json.time(r.since()));
    m.put("per_agent", new TreeMap<>(r.perAgent()));
    m.put("per_target", new TreeMap<>(r.perTarget()));
    m.put("per_type", new TreeMap<>(r.perType()));
    m.put("open_alerts", r.openAlerts());
    return m;
  }
}
