package dev.bindery.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bindery.common.RejectedException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A request body that {@link JsonBodies} has already checked against its {@link BodySpec}: only declared
 * fields, required ones present, each of its declared type. Accessors return null for an absent field or JSON
 * null; {@link #has} tells them apart (merge patch).
 */
public final class Body {
  private final ObjectNode node;

  Body(ObjectNode node) {
    this.node = node;
  }

  public boolean has(String field) {
    return node.has(field);
  }

  public String string(String field) {
    JsonNode n = node.get(field);
    return n == null || n.isNull() ? null : n.textValue();
  }

  public Long integer(String field) {
    JsonNode n = node.get(field);
    return n == null || n.isNull() ? null : n.longValue();
  }

  public Boolean bool(String field) {
    JsonNode n = node.get(field);
    return n == null || n.isNull() ? null : n.booleanValue();
  }

  public List<String> strings(String field) {
    JsonNode n = node.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    List<String> out = new ArrayList<>();
    n.forEach(e -> out.add(e.textValue()));
    return out;
  }

  public Map<String, String> stringMap(String field) {
    JsonNode n = node.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    Map<String, String> out = new LinkedHashMap<>();
    n.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().textValue()));
    return out;
  }

  /** An {@code ANY_OBJECT} field as JSON text, or null. */
  public String objectJson(String field) {
    JsonNode n = node.get(field);
    return n == null || n.isNull() ? null : Json.text(n);
  }

  /**
   * A string field holding an RFC 3339 time with an offset ({@code 2026-11-23T19:40:00Z},
   * {@code 2026-11-23T20:40:00+01:00}), or null when absent; anything else is {@code invalid_field}.
   */
  public Instant time(String field) {
    String v = string(field);
    if (v == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(v, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw RejectedException.invalid(field, "'" + field + "' must be an RFC 3339 time with an offset, such as "
          + "2026-11-23T19:40:00Z");
    }
  }

  public Body object(String field) {
    JsonNode n = node.get(field);
    return n == null || n.isNull() ? null : new Body((ObjectNode) n);
  }
}
