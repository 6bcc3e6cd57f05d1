package dev.bindery.server.http;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.bindery.audit.AuditEvent;
import dev.bindery.audit.Outcome;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Audit events as JSON (API responses and the NDJSON export), and back. Parsing keeps numbers exact: integers
 * become {@code Long} and decimals {@code BigDecimal}, the only number types {@link dev.bindery.audit.Canonical}
 * accepts, so a parsed event's hash recomputes to the stored one and an export can be verified offline.
 */
public final class AuditJson {
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private AuditJson() {}

  public static Map<String, Object> toMap(AuditEvent e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seq", e.seq());
    m.put("time", Json.time(e.time()));
    m.put("actor", e.actor());
    m.put("action", e.action());
    m.put("target", e.target());
    m.put("details", e.details());
    m.put("outcome", e.outcome().wire());
    m.put("request_id", e.requestId());
    m.put("prev_hash", e.prevHash());
    m.put("hash", e.hash());
    return m;
  }

  /** Parses one event line as written by {@link #toMap}. */
  @SuppressWarnings("unchecked")
  public static AuditEvent parse(String json) throws IOException {
    Map<String, Object> m = Json.MAPPER.readValue(json, MAP);
    return new AuditEvent(((Number) m.get("seq")).longValue(), Instant.parse((String) m.get("time")),
        (String) m.get("actor"), (String) m.get("action"), (String) m.get("target"),
        (Map<String, Object>) exact(m.get("details")), Outcome.parse((String) m.get("outcome")),
        (String) m.get("request_id"), (String) m.get("prev_hash"), (String) m.get("hash"));
  }

  /**
   * Integers become {@code Long}; those beyond a long become {@code BigDecimal}, which Canonical prints with the
   * same digits.
   */
  private static Object exact(Object v) {
    if (v instanceof Integer i) {
      return i.longValue();
    }
    if (v instanceof BigInteger b) {
      return b.bitLength() < 64 ? (Object) b.longValue() : new BigDecimal(b);
    }
    if (v instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, val) -> out.put((String) k, exact(val)));
      return out;
    }
    if (v instanceof Collection<?> c) {
      List<Object> out = new ArrayList<>(c.size());
      c.forEach(x -> out.add(exact(x)));
      return out;
    }
    return v;
  }
}
