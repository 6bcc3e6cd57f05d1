package dev.bindery.identity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Canonical before/after views of an identity for audit details (no secrets live on identities). */
public final class IdentityAudit {
  private IdentityAudit() {}

  public static Map<String, Object> snapshot(Identity i) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", i.kind().wire());
    m.putAll(profile(i.profile()));
    m.put("owner_team", i.ownership().owningTeam().value());
    m.put("backup_owner", i.ownership().backupOwner().wire());
    m.put("scopes", scopes(i));
    m.put("assurance_level", (long) i.assuranceLevel());
    m.put("status", i.status().wire());
    if (i.predecessor() != null) {
      m.put("predecessor", i.predecessor().value());
    }
    return m;
  }

  public static Map<String, Object> profile(Identity.Profile p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", p.name());
    m.put("description", p.description());
    m.put("tenant", p.tenant());
    m.put("contact", p.contact());
    m.put("labels", new TreeMap<>(p.labels()));
    return m;
  }

  public static List<Object> scopes(Identity i) {
    List<Object> out = new ArrayList<>();
    i.scopes().stream().sorted().forEach(s -> out.add(s.value()));
    return out;
  }

  /** Before/after of only the fields that differ. */
  public static Map<String, Object> diff(Map<String, Object> before, Map<String, Object> after) {
    Map<String, Object> b = new LinkedHashMap<>();
    Map<String, Object> a = new LinkedHashMap<>();
    for (String k : after.keySet()) {
      if (!java.util.Objects.equals(before.get(k), after.get(k))) {
        b.put(k, before.get(k));
        a.put(k, after.get(k));
      }
    }
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("before", b);
    d.put("after", a);
    return d;
  }
}
