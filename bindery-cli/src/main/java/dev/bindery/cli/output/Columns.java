package dev.bindery.cli.output;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The fields shown, in order, when a list of one kind of resource is printed as a table, and for some of them the
 * function that makes their cell's text (the others are shown as {@link Printer} shows any value).
 */
public record Columns(List<String> fields, Map<String, Function<JsonNode, String>> cells) {
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
  public static final Columns NOTIFICATIONS = new Columns(List.of("id", "event", "identity_id", "webhook_id",
      "disavow_link", "state", "attempt_count", "last_status", "last_error", "created_at"));
  public static final Columns CREDENTIALS = new Columns(List.of("id", "identity_id", "type", "status", "usable",
      "generation", "key_type", "not_after", "last_used_at"));
  public static final Columns REVOKED_CREDENTIALS = new Columns(List.of("credential_id", "identity_id", "type"));
  public static final Columns ROTATION_POLICIES = new Columns(List.of("identity_kind", "credential_type",
      "max_lifetime_seconds", "rotate_after_seconds"));
  public static final Columns BINDINGS = new Columns(List.of("id", "type", "status", "assurance", "bind_method",
      "bound_by", "bound_at", "change_request_id", "revoked_at", "revocation_reason", "successor"));
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
    cells = Map.copyOf(cells);
    if (!fields.containsAll(cells.keySet())) {
      throw new IllegalArgumentException("a cell function names a field that is not a column");
    }
  }

  public Columns(List<String> fields) {
    this(fields, Map.of());
  }

  /** These columns, with {@code field}'s cells made by {@code render}. */
  public Columns withCell(String field, Function<JsonNode, String> render) {
    Map<String, Function<JsonNode, String>> next = new HashMap<>(cells);
    next.put(field, render);
    return new Columns(fields, next);
  }
}
