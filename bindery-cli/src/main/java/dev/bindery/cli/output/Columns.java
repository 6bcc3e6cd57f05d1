package dev.bindery.cli.output;

import java.util.List;

/** The fields shown, in order, when a list of one kind of resource is printed as a table. */
public record Columns(List<String> fields) {
  public static final Columns IDENTITIES =
      new Columns(List.of("id", "kind", "name", "status", "owner_team", "backup_owner", "version"));
  public static final Columns SUBJECTS = new Columns(List.of("issuer", "subject", "identity_id", "linked_at"));
  public static final Columns OPERATORS =
      new Columns(List.of("id", "name", "roles", "teams", "status", "version"));
  public static final Columns TOKENS = new Columns(
      List.of("id", "description", "created_at", "expires_at", "revoked_at", "last_used_at"));
  public static final Columns RESOURCE_SERVERS = new Columns(List.of("audience", "name", "identity_id",
      "created_by", "created_at"));
  public static final Columns TEAMS = new Columns(List.of("id", "display_name", "created_at"));
  public static final Columns WEBHOOKS = new Columns(List.of("id", "team", "url", "created_by", "created_at"));
  public static final Columns NOTIFICATIONS = new Columns(List.of("id", "event", "identity_id", "webhook_id", "state",
      "attempt_count", "last_status", "last_error", "created_at"));
  public static final Columns CREDENTIALS = new Columns(List.of("id", "identity_id", "type", "status", "usable",
      "generation", "key_type", "not_after", "last_used_at"));
  public static final Columns REVOKED_CREDENTIALS = new Columns(List.of("credential_id", "identity_id", "type"));
  public static final Columns ROTATION_POLICIES = new Columns(List.of("identity_kind", "credential_type",
      "max_lifetime_seconds", "rotate_after_seconds"));
  public static final Columns CHANGE_REQUESTS = new Columns(List.of("id", "type", "target", "state", "missing",
      "requester", "expires_at"));
  public static final Columns BINDINGS = new Columns(List.of("id", "type", "status", "bind_method", "bound_by",
      "bound_at", "change_request_id", "revoked_at", "revocation_reason", "successor"));
  /** Support actions; a dotted name is a member of an object field ({@code review.state}). */
  public static final Columns SUPPORT_ACTIONS = new Columns(List.of("id", "type", "target", "state", "missing",
      "agent", "evidence.ticket", "review.state", "created_at"));
  public static final Columns SUPPORT_QUEUE = new Columns(List.of("id", "type", "target", "agent", "evidence.ticket",
      "resolved_at", "required.because"));
  public static final Columns SUPPORT_ALERTS = new Columns(List.of("id", "kind", "agent", "target",
      "support_action_id", "open", "raised_at", "cleared_by"));
  public static final Columns AUDIT_EVENTS =
      new Columns(List.of("seq", "time", "actor", "action", "target", "outcome", "request_id"));

  public Columns {
    fields = List.copyOf(fields);
  }
}
