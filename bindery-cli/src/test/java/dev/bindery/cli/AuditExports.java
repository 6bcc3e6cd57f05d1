package dev.bindery.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bindery.audit.AuditChain;
import dev.bindery.audit.AuditEvent;
import dev.bindery.audit.AuditRecord;
import dev.bindery.audit.Outcome;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds a genuine audit chain with the core's sealing rule and renders it as the export format does. */
final class AuditExports {
  private static final DateTimeFormatter RFC3339_MILLIS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final ObjectMapper JSON = new ObjectMapper();

  private AuditExports() {}

  /** {@code count} sealed events with varied details: integers, decimals, nested objects, lists, nulls. */
  static List<AuditEvent> chain(int count) {
    List<AuditEvent> events = new ArrayList<>();
    String prev = AuditChain.GENESIS;
    Instant time = Instant.parse("2026-11-23T19:40:00.123Z");
    for (int seq = 1; seq <= count; seq++) {
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("version", (long) seq);
      details.put("small", seq); // an Integer when sealed, read back as a Long: same canonical text
      details.put("ratio", new BigDecimal("1.50"));
      details.put("huge", new BigDecimal("123456789012345678901234567890"));
      details.put("before", Map.of("name", "old \"quoted\" \u0001", "labels", List.of("a", "b")));
      details.put("cleared", null);
      details.put("flag", seq % 2 == 0);
      AuditRecord record = new AuditRecord(seq % 3 == 0 ? "system" : "op_1", "identity.update",
          seq % 4 == 0 ? null : "nhi_" + seq, details, seq % 5 == 0 ? Outcome.DENIED : Outcome.SUCCESS,
          "req-" + seq);
      AuditEvent event = AuditChain.seal(record, seq, time.plusMillis(1000L * seq), prev);
      events.add(event);
      prev = event.hash();
    }
    return events;
  }

  /** One export line per event, the JSON of docs/api.md. */
  static List<String> lines(List<AuditEvent> events) {
    List<String> lines = new ArrayList<>();
    for (AuditEvent e : events) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("seq", e.seq());
      json.put("time", RFC3339_MILLIS.format(e.time()));
      json.put("actor", e.actor());
      json.put("action", e.action());
      json.put("target", e.target());
      json.put("details", e.details());
      json.put("outcome", e.outcome().wire());
      json.put("request_id", e.requestId());
      json.put("prev_hash", e.prevHash());
      json.put("hash", e.hash());
      try {
        lines.add(JSON.writeValueAsString(json));
      } catch (JsonProcessingException ex) {
        throw new IllegalStateException(ex);
      }
    }
    return lines;
  }
}
