package dev.bindery.server.http;

import dev.bindery.audit.AuditEvent;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityAudit;
import dev.bindery.identity.SubjectLink;
import dev.bindery.operator.IssuedToken;
import dev.bindery.operator.Operator;
import dev.bindery.operator.OperatorToken;
import dev.bindery.operator.Role;
import dev.bindery.operator.Team;
import dev.bindery.identity.TeamId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** The JSON shapes of docs/api.md, built from domain values. Nothing secret is ever put in a view except the
 * issued token's value, which {@link #issuedToken} adds explicitly. */
public final class Views {
  private Views() {}

  public static Map<String, Object> identity(Identity i) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", i.id().value());
    m.put("kind", i.kind().wire());
    m.put("name", i.name());
    m.put("description", i.description());
    m.put("tenant", i.tenant());
    m.put("contact", i.contact());
    m.put("labels", new TreeMap<>(i.labels()));
    m.put("owner_team", i.ownership().owningTeam().value());
    m.put("backup_owner", i.ownership().backupOwner().wire());
    m.put("scopes", IdentityAudit.scopes(i));
    m.put("status", i.status().wire());
    m.put("status_reason", i.statusReason());
    m.put("predecessor", i.predecessor() == null ? null : i.predecessor().value());
    m.put("version", i.version());
    m.put("created_at", Json.time(i.createdAt()));
    m.put("updated_at", Json.time(i.updatedAt()));
    return m;
  }

  public static Map<String, Object> link(SubjectLink l) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("issuer", l.subject().issuer());
    m.put("subject", l.subject().subject());
    m.put("identity_id", l.identityId().value());
    m.put("linked_at", Json.time(l.linkedAt()));
    return m;
  }

  public static Map<String, Object> operator(Operator o) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", o.id().value());
    m.put("name", o.name());
    m.put("roles", o.roles().stream().map(Role::wire).sorted().toList());
    m.put("teams", o.teams().stream().map(TeamId::value).sorted().toList());
    m.put("status", o.status().wire());
    m.put("version", o.version());
    m.put("created_at", Json.time(o.createdAt()));
    m.put("updated_at", Json.time(o.updatedAt()));
    return m;
  }

  public static Map<String, Object> token(OperatorToken t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", t.id());
    m.put("operator_id", t.operatorId().value());
    m.put("description", t.description());
    m.put("created_at", Json.time(t.createdAt()));
    m.put("expires_at", Json.time(t.expiresAt()));
    m.put("revoked_at", Json.time(t.revokedAt()));
    m.put("last_used_at", Json.time(t.lastUsedAt()));
    return m;
  }

  /** The only view that carries a secret: shown once, in the response that issues the token. */
  public static Map<String, Object> issuedToken(IssuedToken issued) {
    Map<String, Object> m = token(issued.token());
    m.put("value", issued.value().reveal());
    return m;
  }

  public static Map<String, Object> team(Team t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", t.id().value());
    m.put("display_name", t.displayName());
    m.put("created_at", Json.time(t.createdAt()));
    return m;
  }

  public static Map<String, Object> auditEvent(AuditEvent e) {
    return AuditJson.toMap(e);
  }

  public static <T> Map<String, Object> items(List<T> items, Function<T, Map<String, Object>> view) {
    Map<String, Object> m = new LinkedHashMap<>();
    List<Object> out = new ArrayList<>(items.size());
    items.forEach(i -> out.add(view.apply(i)));
    m.put("items", out);
    return m;
  }

  public static <T> Map<String, Object> page(List<T> items, Function<T, Map<String, Object>> view, String nextCursor) {
    Map<String, Object> m = items(items, view);
    m.put("next_cursor", nextCursor);
    return m;
  }
}
