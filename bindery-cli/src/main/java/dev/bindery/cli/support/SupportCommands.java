package dev.bindery.cli.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bindery.cli.ApiCommand;
import dev.bindery.cli.ClientContext;
import dev.bindery.cli.ClientGroup;
import dev.bindery.cli.failure.ExitCodes;
import dev.bindery.cli.PageOptions;
import dev.bindery.cli.TimeConverter;
import dev.bindery.cli.http.ApiRequest;
import dev.bindery.cli.http.Json;
import dev.bindery.cli.output.Columns;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bindery support ...}: the support desk ({@code /api/v1/support}, docs/support-desk.md and
 * docs/cli-support.md). A service desk agent makes a support action on a ticket with out-of-band evidence
 * ({@code reset}, {@code reenrol}, {@code recovery-codes}, {@code contact}, {@code owner}, {@code reissue},
 * {@code profile}); a supervisor approves it when the target is privileged ({@code approve}); a security officer
 * reviews every applied action ({@code queue}, {@code review}) and clears anomaly alerts ({@code alerts},
 * {@code clear-alert}); {@code report} shows the desk's figures.
 *
 * <p>Nothing these commands print is a secret: a temporary enrolment code, a TOTP enrolment or recovery codes an
 * action issues go to the target's owners through their webhooks, never to the agent.
 */
@Command(name = "support", description = {
    "The support desk: resets, re-enrolments, recovery codes, recovery contact and owner changes, token reissue"
        + " and assurance edits made on a ticket with out-of-band evidence; supervisor approval, review, alerts.",
    "An action's temporary credential goes to the target's owners, never to the agent: nothing here prints one."},
    subcommands = {SupportCommands.Reset.class, SupportCommands.Reenrol.class, SupportCommands.RecoveryCodes.class,
        SupportCommands.Contact.class, SupportCommands.Owner.class, SupportCommands.Reissue.class,
        SupportCommands.Profile.class, SupportCommands.Show.class, SupportCommands.ListActions.class,
        SupportCommands.Approve.class, SupportCommands.Reject.class, SupportCommands.Cancel.class,
        SupportCommands.Apply.class, SupportCommands.Queue.class, SupportCommands.Review.class,
        SupportCommands.Report.class, SupportCommands.Alerts.class, SupportCommands.ClearAlert.class})
public final class SupportCommands extends ClientGroup {
  public SupportCommands(ClientContext context) {
    super(context);
  }

  /**
   * The evidence of a support action. None is required here: the server checks them together and names every
   * missing or invalid one in a single refusal ({@code evidence_missing}), so an agent learns all gaps at once.
   */
  static final class EvidenceOptions {
    @Option(names = "--ticket", paramLabel = "TICKET", description = "The ticket reference, e.g. INC-4711.")
    String ticket;

    @Option(names = "--claimed-requester", paramLabel = "TEXT", description = "Who contacted the desk.")
    String claimedRequester;

    @Option(names = "--verification-method", paramLabel = "METHOD",
        description = "How the requester was verified out of band: callback, manager_confirmation,"
            + " verified_credential or in_person.")
    String method;

    @Option(names = "--verification-ref", paramLabel = "TEXT",
        description = "Where that verification is recorded (call log entry, mail id...).")
    String reference;

    @Option(names = "--verified-by", paramLabel = "OPERATOR_ID", description = "The operator who verified (op_...).")
    String verifiedBy;

    @Option(names = "--verified-at", paramLabel = "TIME", converter = TimeConverter.class,
        description = "When it was verified (RFC 3339; default: now, by this machine's clock).")
    Instant verifiedAt;

    ObjectNode toJson() {
      ObjectNode evidence = Json.object();
      putIfGiven(evidence, "ticket", ticket);
      putIfGiven(evidence, "claimed_requester", claimedRequester);
      ObjectNode verification = evidence.putObject("verification");
      putIfGiven(verification, "method", method);
      putIfGiven(verification, "reference", reference);
      putIfGiven(verification, "verified_by", verifiedBy);
      verification.put("verified_at", TimeConverter.format(verifiedAt != null ? verifiedAt : Instant.now()));
      return evidence;
    }
  }

  private static void putIfGiven(ObjectNode node, String field, String value) {
    if (value != null) {
      node.put(field, value);
    }
  }

  /**
   * A new support action of one type: {@code POST /api/v1/support/actions} with the target, the reason, the evidence
   * and the type's parameters; prints the action (applied at once, or pending a supervisor's approval).
   */
  abstract static class NewAction extends ApiCommand {
    @Option(names = "--reason", required = true, description = "Why; supervisors and reviewers see it.")
    String reason;

    @Mixin EvidenceOptions evidence;

    /** The action type's wire name. */
    abstract String type();

    /** The target as sent: {@code identity:<id>} or {@code operator:<id>}. */
    abstract String target();

    /** Adds the type's parameters. */
    void parameters(ObjectNode parameters) {}

    @Override
    protected int run() {
      ObjectNode body = Json.object();
      body.put("type", type());
      body.put("target", target());
      body.put("reason", reason);
      body.set("evidence", evidence.toJson());
      ObjectNode parameters = Json.object();
      parameters(parameters);
      if (!parameters.isEmpty()) {
        body.set("parameters", parameters);
      }
      JsonNode action = api().send(ApiRequest.post("support", "actions").body(body)).json();
      printer().resource(action);
      String state = action.path("state").asText();
      if (state.equals("pending")) {
        printer().note("support action " + action.path("id").asText() + " waits for: "
            + String.join(", ", texts(action.path("missing"))) + " (bindery support approve)");
      } else if (state.equals("applied") && action.at("/result/issued").size() > 0) {
        printer().note("what it issued went to the target's owners through their webhooks; it is shown to nobody"
            + " here");
      }
      return ExitCodes.OK;
    }

    /** {@code kind:<id>} unless the id already names its kind. */
    static String qualified(String kind, String id) {
      return id.startsWith("identity:") || id.startsWith("operator:") ? id : kind + ":" + id;
    }
  }

  /** An action on an identity. */
  abstract static class IdentityAction extends NewAction {
    @Parameters(paramLabel = "IDENTITY_ID", description = "The identity (nhi_...).")
    String identity;

    @Override
    String target() {
      return qualified("identity", identity);
    }
  }

  @Command(name = "reset", sortOptions = false, description = {
      "Reset an identity's credentials (credential_reset): revoke its active credentials (their tokens die with"
          + " them) and issue a single-use temporary enrolment code to its owners' webhooks, valid at most 10"
          + " minutes, for enrolling one new credential."})
  static final class Reset extends IdentityAction {
    @Option(names = "--revocation-reason", paramLabel = "REASON",
        description = "key_compromise (default) or superseded.")
    String revocationReason;

    @Option(names = "--code-ttl", paramLabel = "SECONDS",
        description = "How long the temporary code is valid (30 to the policy's cap; default the policy's).")
    Long ttl;

    @Override
    String type() {
      return "credential_reset";
    }

    @Override
    void parameters(ObjectNode p) {
      putIfGiven(p, "revocation_reason", revocationReason);
      if (ttl != null) {
        p.put("temporary_ttl_seconds", ttl);
      }
    }
  }

  @Command(name = "reenrol", sortOptions = false, description = {
      "Re-enrol an operator's TOTP factor (factor_reenrol), for an operator who lost their device: remove the old"
          + " factor and issue a single-use TOTP enrolment to the webhooks of the operator's teams.",
      "The operator redeems it with their own token; the agent never sees it."})
  static final class Reenrol extends NewAction {
    @Parameters(paramLabel = "OPERATOR_ID", description = "The operator (op_...).")
    String operator;

    @Option(names = "--code-ttl", paramLabel = "SECONDS",
        description = "How long the enrolment is valid (30 to the policy's cap; default the policy's).")
    Long ttl;

    @Override
    String type() {
      return "factor_reenrol";
    }

    @Override
    String target() {
      return qualified("operator", operator);
    }

    @Override
    void parameters(ObjectNode p) {
      if (ttl != null) {
        p.put("temporary_ttl_seconds", ttl);
      }
    }
  }

  @Command(name = "recovery-codes", sortOptions = false, description = {
      "Issue a new set of recovery codes for an identity (recovery_codes_issue), delivered to its owners'"
          + " webhooks; the old set stops working."})
  static final class RecoveryCodes extends IdentityAction {
    @Override
    String type() {
      return "recovery_codes_issue";
    }
  }

  @Command(name = "contact", sortOptions = false, description = {
      "Change an identity's recovery contact (recovery_contact_change): its backup owner, or its contact address."
          + " The old and the new contact are both told."})
  static final class Contact extends IdentityAction {
    @Option(names = "--backup-owner", required = true, paramLabel = "OWNER",
        description = "team:<team>, operator:<op_...> or person:<contact address>.")
    String backupOwner;

    @Override
    String type() {
      return "recovery_contact_change";
    }

    @Override
    void parameters(ObjectNode p) {
      p.put("backup_owner", backupOwner);
    }
  }

  @Command(name = "owner", sortOptions = false, description = {
      "Move an identity to another owning team when its team is gone (owner_reset); the old and the new team are"
          + " told."})
  static final class Owner extends IdentityAction {
    @Option(names = "--owning-team", required = true, paramLabel = "TEAM", description = "The new owning team.")
    String owningTeam;

    @Override
    String type() {
      return "owner_reset";
    }

    @Override
    void parameters(ObjectNode p) {
      p.put("owning_team", owningTeam);
    }
  }

  @Command(name = "reissue", sortOptions = false, description = {
      "Revoke every token of an identity issued until now (token_reissue), so that new ones are issued."})
  static final class Reissue extends IdentityAction {
    @Override
    String type() {
      return "token_reissue";
    }
  }

  @Command(name = "profile", sortOptions = false, description = {
      "Change an identity's assurance level through the desk (profile_edit)."})
  static final class Profile extends IdentityAction {
    @Option(names = "--assurance-level", required = true, paramLabel = "LEVEL", description = "1, 2 or 3.")
    int assuranceLevel;

    @Override
    String type() {
      return "profile_edit";
    }

    @Override
    void parameters(ObjectNode p) {
      p.put("assurance_level", assuranceLevel);
    }
  }

  @Command(name = "show", description = "Show a support action: evidence, what it needs, what it did"
      + " (GET /api/v1/support/actions/{id}).")
  static final class Show extends ApiCommand {
    @Parameters(paramLabel = "ID", description = "Support action id (sup_...).")
    String id;

    @Override
    protected int run() {
      printer().resource(api().send(ApiRequest.get("support", "actions", id)).json());
      return ExitCodes.OK;
    }
  }

  @Command(name = "list", description = "List support actions, in id order (GET /api/v1/support/actions).")
  static final class ListActions extends ApiCommand {
    @Option(names = "--state", description = "pending, approved, applied, rejected, expired or cancelled.")
    String state;

    @Option(names = "--type", description = "An action type, e.g. credential_reset.")
    String type;

    @Option(names = "--agent", paramLabel = "OPERATOR_ID", description = "Only actions of this agent.")
    String agent;

    @Option(names = "--target", paramLabel = "TARGET", description = "identity:<id>, operator:<id> or a bare id.")
    String target;

    @Option(names = "--review", description = "unreviewed, confirmed or flagged.")
    String review;

    @Mixin PageOptions page;

    @Override
    protected int run() {
      ApiRequest request = ApiRequest.get("support", "actions").query("state", state).query("type", type)
          .query("agent", agent).query("target", target).query("review", review);
      printer().list(api().send(page.applyTo(request)).json(), Columns.SUPPORT_ACTIONS);
      return ExitCodes.OK;
    }
  }

  /** A transition of one action with an optional comment. */
  abstract static class Transition extends ApiCommand {
    @Parameters(paramLabel = "ID", description = "Support action id (sup_...).")
    String id;

    @Option(names = "--comment", description = "Kept in the audit log.")
    String comment;

    protected int post(String action) {
      ObjectNode body = Json.object();
      putIfGiven(body, "comment", comment);
      printer().resource(api().send(ApiRequest.post("support", "actions", id, action).body(body)).json());
      return ExitCodes.OK;
    }
  }

  @Command(name = "approve", description = {
      "Approve a support action as a supervisor (POST /api/v1/support/actions/{id}/approve); the approval that"
          + " completes it applies it.",
      "Needs a fresh TOTP step-up ('bindery operator step-up'); the agent never approves their own action."})
  static final class Approve extends Transition {
    @Override
    protected int run() {
      return post("approve");
    }
  }

  @Command(name = "reject", description = "Reject an open support action (POST .../actions/{id}/reject).")
  static final class Reject extends Transition {
    @Override
    protected int run() {
      return post("reject");
    }
  }

  @Command(name = "cancel", description = "Cancel an open support action (POST .../actions/{id}/cancel).")
  static final class Cancel extends Transition {
    @Override
    protected int run() {
      return post("cancel");
    }
  }

  @Command(name = "apply", description = "Apply an approved support action that was left unapplied"
      + " (POST .../actions/{id}/apply; the agent or an admin).")
  static final class Apply extends ApiCommand {
    @Parameters(paramLabel = "ID", description = "Support action id (sup_...).")
    String id;

    @Override
    protected int run() {
      printer().resource(api().send(ApiRequest.post("support", "actions", id, "apply").body(Json.object())).json());
      return ExitCodes.OK;
    }
  }

  @Command(name = "queue", description = "The review queue: applied support actions not yet reviewed"
      + " (GET /api/v1/support/review).")
  static final class Queue extends ApiCommand {
    @Option(names = "--older-than-hours", paramLabel = "N",
        description = "Only actions applied more than N hours ago (unreviewed for that long).")
    Integer olderThanHours;

    @Mixin PageOptions page;

    @Override
    protected int run() {
      ApiRequest request = ApiRequest.get("support", "review").query("older_than_hours", olderThanHours);
      printer().list(api().send(page.applyTo(request)).json(), Columns.SUPPORT_QUEUE);
      return ExitCodes.OK;
    }
  }

  @Command(name = "review", description = {
      "Review an applied support action as a security officer (POST /api/v1/support/review/{id}).",
      "flagged locks the target (an operator is disabled) and revokes what the action issued."})
  static final class Review extends ApiCommand {
    @Parameters(paramLabel = "ID", description = "Support action id (sup_...).")
    String id;

    @Option(names = "--decision", required = true, paramLabel = "DECISION", description = "confirmed or flagged.")
    String decision;

    @Option(names = "--comment", description = "Kept with the review.")
    String comment;

    @Override
    protected int run() {
      ObjectNode body = Json.object();
      body.put("decision", decision);
      putIfGiven(body, "comment", comment);
      printer().resource(api().send(ApiRequest.post("support", "review", id).body(body)).json());
      return ExitCodes.OK;
    }
  }

  @Command(name = "report", description = {
      "The support desk's figures (GET /api/v1/support/reports): applied actions unreviewed for longer than N"
          + " hours, actions per agent, per target and per type within a window, open alerts."})
  static final class Report extends ApiCommand {
    @Option(names = "--review-age-hours", paramLabel = "N", description = "Unreviewed for longer than N hours"
        + " (default 24).")
    Integer reviewAgeHours;

    @Option(names = "--window-hours", paramLabel = "N", description = "Actions made within N hours (default 24).")
    Integer windowHours;

    @Override
    protected int run() {
      printer().resource(api().send(ApiRequest.get("support", "reports").query("review_age_hours", reviewAgeHours)
          .query("window_hours", windowHours)).json());
      return ExitCodes.OK;
    }
  }

  @Command(name = "alerts", description = "Anomaly alerts, in id order (GET /api/v1/support/alerts).")
  static final class Alerts extends ApiCommand {
    @Option(names = "--open", description = "Only alerts not cleared.")
    boolean open;

    @Mixin PageOptions page;

    @Override
    protected int run() {
      ApiRequest request = ApiRequest.get("support", "alerts").query("open", open ? "true" : null);
      printer().list(api().send(page.applyTo(request)).json(), Columns.SUPPORT_ALERTS);
      return ExitCodes.OK;
    }
  }

  @Command(name = "clear-alert", description = {
      "Clear an anomaly alert as a security officer (POST /api/v1/support/alerts/{id}/clear): the agent's actions"
          + " no longer need a supervisor's approval because of it. Needs a fresh TOTP step-up."})
  static final class ClearAlert extends ApiCommand {
    @Parameters(paramLabel = "ID", description = "Alert id (sal_...).")
    String id;

    @Option(names = "--comment", description = "Kept with the alert.")
    String comment;

    @Override
    protected int run() {
      ObjectNode body = Json.object();
      putIfGiven(body, "comment", comment);
      printer().resource(api().send(ApiRequest.post("support", "alerts", id, "clear").body(body)).json());
      return ExitCodes.OK;
    }
  }

  private static java.util.List<String> texts(JsonNode array) {
    java.util.List<String> out = new java.util.ArrayList<>();
    array.forEach(v -> out.add(v.asText()));
    return out;
  }
}
