package dev.bindery.cli.audit;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bindery.audit.AuditEvent;
import dev.bindery.audit.Outcome;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads one line of an audit export ({@code GET /api/v1/audit/export}, one event JSON object per line) into
 * an {@link AuditEvent} whose fields hash exactly as the server hashed them: integers in {@code details}
 * become {@code Long} (or a scale-0 {@code BigDecimal} beyond its range), decimals {@code BigDecimal} with
 * their scale,
 * and {@code time} is an RFC 3339 string. A field the export format does not define, a duplicated key or a
 * missing field is rejected rather than ignored, so that nothing unverified rides along in a verified file.
 */
final class ExportedEventParser {
  private static final Set<String> FIELDS = Set.of(
      "seq", "time", "actor", "action", "target", "details", "outcome", "request_id", "prev_hash", "hash");
  private static final ObjectMapper MAPPER = new ObjectMapper()
      // integers arrive as Integer, Long or BigInteger by size and are widened below (USE_LONG_FOR_INTS
      // would reject integers beyond the range of a long instead)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final TypeReference<LinkedHashMap<String, Object>> OBJECT = new TypeReference<>() {};

  private ExportedEventParser() {}

  /** Thrown for a line that is not an audit event; the message says why, without the line's content. */
  static final class NotAnEvent extends Exception {
    private static final long serialVersionUID = 1L;

    NotAnEvent(String reason) {
      super(reason);
    }
  }

  static AuditEvent parse(String line) throws NotAnEvent {
    Map<String, Object> json;
    try {
      json = MAPPER.readValue(line, OBJECT);
    } catch (JsonProcessingException e) {
      throw new NotAnEvent("not a JSON object (" + e.getOriginalMessage() + ")");
    }
    for (String name : json.keySet()) {
      if (!FIELDS.contains(name)) {
        throw new NotAnEvent("unknown field '" + name + "'");
      }
    }
    if (!(json.get("details") instanceof Map<?, ?> details)) {
      throw new NotAnEvent("'details' is missing or not an object");
    }
    try {
      return new AuditEvent(
          sequenceNumber(json.get("seq")),
          rfc3339(requiredText(json, "time")),
          requiredText(json, "actor"),
          requiredText(json, "action"),
          optionalText(json, "target"),
          canonicalObject(details),
          outcome(requiredText(json, "outcome")),
          optionalText(json, "request_id"),
          requiredText(json, "prev_hash"),
          requiredText(json, "hash"));
    } catch (IllegalArgumentException e) {
      throw new NotAnEvent(e.getMessage());
    }
  }

  private static long sequenceNumber(Object value) throws NotAnEvent {
    if ((value instanceof Integer || value instanceof Long) && ((Number) value).longValue() > 0) {
      return ((Number) value).longValue();
    }
    throw new NotAnEvent("'seq' is missing or not a positive integer");
  }

  private static Instant rfc3339(String text) throws NotAnEvent {
    try {
      return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw new NotAnEvent("'time' is not an RFC 3339 date-time");
    }
  }

  private static Outcome outcome(String text) throws NotAnEvent {
    for (Outcome outcome : Outcome.values()) {
      if (outcome.wire().equals(text)) {
        return outcome;
      }
    }
    throw new NotAnEvent("'outcome' is not success, denied or failed");
  }

  private static String requiredText(Map<String, Object> json, String field) throws NotAnEvent {
    if (json.get(field) instanceof String text) {
      return text;
    }
    throw new NotAnEvent("'" + field + "' is missing or not a string");
  }

  /** {@code target} and {@code request_id} are "" in the chain when an event has none; null means the same. */
  private static String optionalText(Map<String, Object> json, String field) throws NotAnEvent {
    Object value = json.get(field);
    if (value == null) {
      return "";
    }
    if (value instanceof String text) {
      return text;
    }
    throw new NotAnEvent("'" + field + "' is not a string");
  }

  private static Map<String, Object> canonicalObject(Map<?, ?> object) {
    Map<String, Object> copy = new LinkedHashMap<>();
    object.forEach((key, value) -> copy.put((String) key, canonicalValue(value)));
    return copy;
  }

  /**
   * An integer too large for a long arrives as BigInteger, which the canonical form does not take; the server
   * can only have hashed it as a BigDecimal of scale 0, whose canonical text is the same digits.
   */
  private static Object canonicalValue(Object value) {
    if (value instanceof Integer small) {
      return small.longValue();
    }
    if (value instanceof BigInteger big) {
      return new BigDecimal(big);
    }
    if (value instanceof Map<?, ?> map) {
      return canonicalObject(map);
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      list.forEach(element -> copy.add(canonicalValue(element)));
      return copy;
    }
    return value;
  }
}
