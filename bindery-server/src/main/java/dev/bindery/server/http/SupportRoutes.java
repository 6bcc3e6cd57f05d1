package dev.bindery.server.http;

import static dev.bindery.server.http.BodySpec.Type.INTEGER;
import static dev.bindery.server.http.BodySpec.Type.STRING;
import static dev.bindery.server.http.BodySpec.object;
import static dev.bindery.server.http.BodySpec.optional;
import static dev.bindery.server.http.BodySpec.required;

import dev.bindery.change.ChangeState;
import dev.bindery.common.ErrorCode;
import dev.bindery.common.Page;
import dev.bindery.common.RejectedException;
import dev.bindery.operator.OperatorId;
import dev.bindery.support.Evidence;
import dev.bindery.support.NewSupportAction;
import dev.bindery.support.SupportAction;
import dev.bindery.support.SupportActionId;
import dev.bindery.support.SupportActionQuery;
import dev.bindery.support.SupportActionType;
import dev.bindery.support.SupportAlert;
import dev.bindery.support.SupportAlertId;
import dev.bindery.support.SupportReview;
import dev.bindery.support.SupportService;
import dev.bindery.support.SupportTarget;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The support desk (docs/api.md, "Support desk"; docs/support-desk.md): support actions made by service desk agents on
 * a ticket with out-of-band evidence ({@code /api/v1/support/actions}), their supervisor approval, rejection,
 * cancellation and apply, the post-hoc review queue, the reports and the anomaly alerts. Every rule is the support
 * service's ({@link SupportService}); this edge only turns HTTP into its typed requests and its results into JSON.
 *
 * <p>No answer on this channel ever carries a secret: what an action issued (a temporary enrolment code, a TOTP
 * enrolment, recovery codes) went sealed to the target's owners, and the support action shows it by kind and
 * reference only.
 */
public final class SupportRoutes {
  static final String BASE = "/api/v1/support";
  static final String ACTIONS = BASE + "/actions";
  private static final String TAG = "support";
  /** The report's defaults: unreviewed for more than a day, actions made within the last day. */
  static final int DEFAULT_REPORT_HOURS = 24;
  /** The service's bounds (1 minute to 365 and 366 days) in whole hours. */
  static final int MAX_REVIEW_AGE_HOURS = 365 * 24;
  static final int MAX_WINDOW_HOURS = 366 * 24;

  /**
   * Every member is optional at the JSON level: the support service checks the evidence as a whole and answers one
   * {@code 422 evidence_missing} naming every gap, instead of a 400 for the first missing member.
   */
  private static final BodySpec VERIFICATION = BodySpec.of(
      optional("method", STRING, "callback, manager_confirmation, verified_credential or in_person"),
      optional("reference", STRING, "where the verification is recorded (call log entry, mail id...), at most 200 "
          + "characters"),
      optional("verified_by", STRING, "the operator who verified the requester (op_...)"),
      optional("verified_at", STRING, "when (ISO-8601 instant), not in the future, not older than "
          + "bindery.support.evidence-max-age"));
  private static final BodySpec EVIDENCE = BodySpec.of(
      optional("ticket", STRING, "the ticket reference, matching bindery.support.ticket-pattern (e.g. INC-4711)"),
      optional("claimed_requester", STRING, "who contacted the desk, at most 200 characters"),
      object("verification", false, VERIFICATION, "the out-of-band verification of the requester"));
  /** The parameters of every action type; the service refuses those the type does not take. */
  private static final BodySpec PARAMETERS = BodySpec.of(
      optional(SupportActionType.P_REVOCATION_REASON, STRING, "credential_reset: key_compromise (default) or "
          + "superseded"),
      optional(SupportActionType.P_TEMPORARY_TTL, INTEGER, "credential_reset, factor_reenrol: lifetime of the "
          + "temporary credential, 30 to the policy's cap (at most 600)"),
      optional(SupportActionType.P_BACKUP_OWNER, STRING, "recovery_contact_change: team:<team>, operator:<op_...> or "
          + "person:<contact>"),
      optional(SupportActionType.P_OWNING_TEAM, STRING, "owner_reset: the new owning team"),
      optional(SupportActionType.P_ASSURANCE_LEVEL, INTEGER, "profile_edit: the new assurance level, 1-3"));
  private static final BodySpec CREATE = BodySpec.of(
      required("type", STRING, "credential_reset, factor_reenrol, recovery_codes_issue, recovery_contact_change, "
          + "owner_reset, token_reissue or profile_edit"),
      required("target", STRING, "identity:<nhi_...>, operator:<op_...>, or a bare id"),
      required("reason", STRING, "why, at most 1000 characters; supervisors and reviewers see it"),
      object("evidence", false, EVIDENCE, "the ticket and the out-of-band verification (all required: missing or "
          + "invalid members are one 422 evidence_missing naming each)"),
      object("parameters", false, PARAMETERS, "the type's parameters"))
      .assignsId();
  private static final BodySpec COMMENT = BodySpec.of(optional("comment", STRING, "at most 1000 characters"));
  private static final BodySpec REVIEW = BodySpec.of(
      required("decision", STRING, "confirmed or flagged (flagging locks the target and revokes what the action "
          + "issued)"),
      optional("comment", STRING, "at most 1000 characters"));

  private final SupportService support;
  private final Clock clock;

  public SupportRoutes(SupportService support, Clock clock) {
    this.support = Objects.requireNonNull(support);
    this.clock = Objects.requireNonNull(clock);
  }

  public List<Route> routes() {
    String one = ACTIONS + "/{id}";
    return List.of(
        Route.post(ACTIONS, "createSupportAction").tag(TAG).access(Access.SUPPORT_AGENT).status(201)
            .summary("Make a support action on a ticket with out-of-band evidence (applied at once unless a "
                + "supervisor must approve it)")
            .body(CREATE).handle(this::create),
        Route.get(ACTIONS, "listSupportActions").tag(TAG).access(Access.SUPPORT_READ)
            .summary("List support actions, in id order")
            .query("state", "string", "pending, approved, applied, rejected, expired or cancelled (the stored state)")
            .query("type", "string", "an action type")
            .query("agent", "string", "only actions of this agent (op_...)")
            .query("target", "string", "only actions on this target (identity:<id>, operator:<id> or a bare id)")
            .query("review", "string", "unreviewed, confirmed or flagged")
            .query("limit", "integer", "1-500, default 50").query("cursor", "string", "next_cursor of the previous page")
            .handle(this::list),
        Route.get(one, "getSupportAction").tag(TAG).access(Access.SUPPORT_READ)
            .summary("Read a support action: its evidence, what it needs and what it did")
            .handle(c -> c.json(view(support.get(c.caller(), id(c))))),
        Route.post(one + "/approve", "approveSupportAction").tag(TAG).access(Access.SUPPORT_APPROVER)
            .summary("Approve as a supervisor; the approval that completes the action applies it").body(COMMENT)
            .handle(c -> respond(c, support.approve(c.caller(), id(c), c.body().string("comment")))),
        Route.post(one + "/reject", "rejectSupportAction").tag(TAG).access(Access.SUPPORT_REJECT)
            .summary("Reject an open support action (terminal)").body(COMMENT)
            .handle(c -> respond(c, support.reject(c.caller(), id(c), c.body().string("comment")))),
        Route.post(one + "/cancel", "cancelSupportAction").tag(TAG).access(Access.SUPPORT_CANCEL)
            .summary("Cancel an open support action (terminal)").body(COMMENT)
            .handle(c -> respond(c, support.cancel(c.caller(), id(c), c.body().string("comment")))),
        Route.post(one + "/apply", "applySupportAction").tag(TAG).access(Access.SUPPORT_APPLY)
            .summary("Apply an approved support action that was left unapplied").body(BodySpec.empty())
            .handle(this::apply),
        Route.get(BASE + "/review", "listSupportReviewQueue").tag(TAG).access(Access.SUPPORT_OVERSIGHT)
            .summary("The review queue: applied support actions not yet reviewed, in id order")
            .query("older_than_hours", "integer", "only those applied more than this many hours ago, 1-8760 "
                + "(default: all)")
            .query("limit", "integer", "1-500, default 50").query("cursor", "string", "next_cursor of the previous page")
            .handle(this::reviewQueue),
        Route.post(BASE + "/review/{id}", "reviewSupportAction").tag(TAG).access(Access.SUPPORT_REVIEW)
            .summary("Review an applied support action: confirmed, or flagged (locks the target, revokes what it "
                + "issued)")
            .body(REVIEW).handle(this::review),
        Route.get(BASE + "/reports", "getSupportReport").tag(TAG).access(Access.SUPPORT_OVERSIGHT)
            .summary("Unreviewed actions older than N hours; actions per agent, per target and per type; open alerts")
            .query("review_age_hours", "integer", "count applied actions unreviewed for longer than this, 1-8760, "
                + "default 24")
            .query("window_hours", "integer", "count actions made within this many hours, 1-8784, default 24")
            .handle(this::report),
        Route.get(BASE + "/alerts", "listSupportAlerts").tag(TAG).access(Access.SUPPORT_OVERSIGHT)
            .summary("Anomaly alerts, in id order")
            .query("open", "boolean", "true: only alerts not cleared (default false: all)")
            .query("limit", "integer", "1-500, default 50").query("cursor", "string", "next_cursor of the previous page")
            .handle(this::alerts),
        Route.post(BASE + "/alerts/{id}/clear", "clearSupportAlert").tag(TAG).access(Access.SUPPORT_ALERT_CLEAR)
            .summary("Clear an alert: the agent's actions no longer need a supervisor for it").body(COMMENT)
            .handle(this::clearAlert));
  }

  private static SupportActionId id(Call call) {
    return SupportActionId.parse(call.path("id"));
  }

  private void create(Call call) {
    Body b = call.body();
    SupportActionType type = SupportActionType.parse("type", b.string("type"));
    SupportTarget target = field("target", () -> SupportTarget.parse("target", b.string("target")));
    NewSupportAction request = new NewSupportAction(type, target, b.string("reason"), evidence(b.object("evidence")),
        parameters(b.object("parameters")));
    SupportAction created = support.create(call.caller(), request);
    call.ctx().header("Location", ACTIONS + "/" + created.id().value());
    call.json(201, view(created));
  }

  /** The evidence as sent (absent members null): the service names every gap in one refusal. */
  private static Evidence.Submitted evidence(Body e) {
    if (e == null) {
      return null;
    }
    Body v = e.object("verification");
    return new Evidence.Submitted(e.string("ticket"), e.string("claimed_requester"),
        v == null ? null : v.string("method"), v == null ? null : v.string("reference"),
        v == null ? null : v.string("verified_by"), v == null ? null : v.string("verified_at"));
  }

  /** The given parameters as text by wire name (integers in decimal), as the service takes them. */
  private static Map<String, String> parameters(Body p) {
    Map<String, String> out = new LinkedHashMap<>();
    if (p == null) {
      return out;
    }
    for (BodySpec.Field f : PARAMETERS.fields()) {
      if (!p.has(f.name())) {
        continue;
      }
      Object value = f.type() == INTEGER ? p.integer(f.name()) : p.string(f.name());
      if (value == null) {
        throw RejectedException.invalid("parameters." + f.name(), "'parameters." + f.name() + "' cannot be null");
      }
      out.put(f.name(), value.toString());
    }
    return out;
  }

  private void list(Call call) {
    String cursor = Cursors.decode(call.query("cursor"));
    ChangeState state = call.query("state", v -> ChangeState.parse("state", v));
    SupportActionQuery q = SupportActionQuery.all(call.limit(50, SupportActionQuery.MAX_LIMIT))
        .withStates(state == null ? Set.of() : Set.of(state))
        .withType(call.query("type", v -> SupportActionType.parse("type", v)))
        .withAgent(call.query("agent", OperatorId::parse))
        .withTarget(call.query("target", v -> SupportTarget.parse("target", v)))
        .withReview(call.query("review", v -> reviewState("review", v, true)))
        .after(cursor == null ? null : cursorId(cursor, SupportActionId::parse));
    page(call, support.list(call.caller(), q));
  }

  private void reviewQueue(Call call) {
    Integer olderThan = hours(call, "older_than_hours", MAX_REVIEW_AGE_HOURS);
    String cursor = Cursors.decode(call.query("cursor"));
    int limit = call.limit(50, SupportActionQuery.MAX_LIMIT);
    page(call, support.reviewQueue(call.caller(), olderThan == null ? null : Duration.ofHours(olderThan),
        cursor == null ? null : cursorId(cursor, SupportActionId::parse), limit));
  }

  private void page(Call call, Page<SupportAction> page) {
    call.json(Views.page(page.items(), this::view, Cursors.encode(page.nextCursor())));
  }

  private void apply(Call call) {
    SupportActionId id = id(call);
    call.body();
    respond(call, support.apply(call.caller(), id));
  }

  private void review(Call call) {
    SupportActionId id = id(call);
    Body b = call.body();
    SupportReview.State decision = reviewState("decision", b.string("decision"), false);
    respond(call, support.review(call.caller(), id, decision, b.string("comment")));
  }

  /**
   * {@code confirmed} or {@code flagged}; with {@code unreviewedAllowed} (a filter) also {@code unreviewed}. A decision
   * of {@code unreviewed} is passed on for the service to refuse.
   */
  private static SupportReview.State reviewState(String field, String value, boolean unreviewedAllowed) {
    for (SupportReview.State s : SupportReview.State.values()) {
      if (s.wire().equals(value)) {
        return s;
      }
    }
    throw RejectedException.invalid(field, "'" + field + "' must be " + (unreviewedAllowed ? "unreviewed, " : "")
        + "confirmed or flagged");
  }

  private void report(Call call) {
    Integer reviewAge = hours(call, "review_age_hours", MAX_REVIEW_AGE_HOURS);
    Integer window = hours(call, "window_hours", MAX_WINDOW_HOURS);
    call.json(SupportViews.report(support.report(call.caller(),
        Duration.ofHours(reviewAge == null ? DEFAULT_REPORT_HOURS : reviewAge),
        Duration.ofHours(window == null ? DEFAULT_REPORT_HOURS : window))));
  }

  /** A whole number of hours from 1 to {@code max}, or null when absent; else {@code invalid_query} naming it. */
  private static Integer hours(Call call, String name, int max) {
    Integer n = call.query(name, v -> {
      try {
        int h = Integer.parseInt(v);
        if (h >= 1 && h <= max) {
          return h;
        }
      } catch (NumberFormatException e) {
        // refused below
      }
      throw RejectedException.invalid(name, "'" + name + "' must be a whole number of hours between 1 and " + max);
    });
    return n;
  }

  private void alerts(Call call) {
    Boolean open = call.query("open", v -> switch (v) {
      case "true" -> true;
      case "false" -> false;
      default -> throw RejectedException.invalid("open", "'open' must be true or false");
    });
    String cursor = Cursors.decode(call.query("cursor"));
    int limit = call.limit(50, SupportActionQuery.MAX_LIMIT);
    List<SupportAlert> alerts = support.alerts(call.caller(), Boolean.TRUE.equals(open),
        cursor == null ? null : cursorId(cursor, SupportAlertId::parse), limit);
    // a full page may have a next one; the last id is where it starts (a short page is the last)
    String next = alerts.size() == limit ? alerts.get(alerts.size() - 1).id().value() : null;
    call.json(Views.page(alerts, SupportViews::alert, Cursors.encode(next)));
  }

  private void clearAlert(Call call) {
    SupportAlertId id = SupportAlertId.parse(call.path("id"));
    Body b = call.body();
    call.json(SupportViews.alert(support.clearAlert(call.caller(), id, b.string("comment"))));
  }

  private void respond(Call call, SupportAction action) {
    call.json(view(action));
  }

  private Map<String, Object> view(SupportAction action) {
    return SupportViews.action(action, clock.instant());
  }

  private static <T> T cursorId(String position, Function<String, T> parse) {
    try {
      return parse.apply(position);
    } catch (RejectedException e) {
      throw new RejectedException(ErrorCode.INVALID_CURSOR, "cursor is not one this server returned", "cursor");
    }
  }

  /** A malformed identifier in a body field is {@code invalid_field} naming the field. */
  private static <T> T field(String name, Supplier<T> parse) {
    try {
      return parse.get();
    } catch (RejectedException e) {
      if (e.code() == ErrorCode.MISSING_FIELD || e.code() == ErrorCode.INVALID_FIELD) {
        throw e;
      }
      throw RejectedException.invalid(name, "'" + name + "' is not a well-formed identifier: " + e.getMessage());
    }
  }
}
