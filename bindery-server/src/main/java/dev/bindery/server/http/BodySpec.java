package dev.bindery.server.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields a request body may contain. The same declaration drives strict parsing ({@link JsonBodies}) and the
 * OpenAPI schema, so the documented and the accepted body cannot drift apart.
 *
 * @param serverAssignedId true for creates: a client-supplied {@code id} is refused with
 *     {@code identifier_not_accepted} rather than as an unknown field
 */
public record BodySpec(List<Field> fields, boolean serverAssignedId) {
  /** {@code OBJECT} is checked against its nested spec; {@code ANY_OBJECT} is any JSON object (a JWK), checked by
   * the core. */
  public enum Type { STRING, INTEGER, BOOLEAN, STRING_ARRAY, STRING_MAP, OBJECT, ANY_OBJECT }

  /** A body field; {@code nullable} means JSON null is accepted (to clear a value). */
  public record Field(String name, Type type, boolean required, boolean nullable, String description, BodySpec nested) {}

  public BodySpec {
    fields = List.copyOf(fields);
  }

  public static BodySpec of(Field... fields) {
    return new BodySpec(List.of(fields), false);
  }

  public static BodySpec empty() {
    return of();
  }

  public BodySpec assignsId() {
    return new BodySpec(fields, true);
  }

  public BodySpec with(Field... more) {
    List<Field> all = new java.util.ArrayList<>(fields);
    all.addAll(List.of(more));
    return new BodySpec(all, serverAssignedId);
  }

  public Map<String, Field> byName() {
    Map<String, Field> m = new LinkedHashMap<>();
    fields.forEach(f -> m.put(f.name(), f));
    return m;
  }

  public boolean anyRequired() {
    return fields.stream().anyMatch(Field::required);
  }

  public static Field required(String name, Type type, String description) {
    return new Field(name, type, true, false, description, null);
  }

  public static Field optional(String name, Type type, String description) {
    return new Field(name, type, false, false, description, null);
  }

  /** Optional, and JSON null clears the value (merge-patch semantics). */
  public static Field clearable(String name, Type type, String description) {
    return new Field(name, type, false, true, description, null);
  }

  public static Field object(String name, boolean required, BodySpec nested, String description) {
    return new Field(name, Type.OBJECT, required, false, description, nested);
  }

  /** The optimistic-concurrency field every change to an existing identity or operator accepts. */
  public static Field version() {
    return optional("version", Type.INTEGER, "the version read (alternative to If-Match)");
  }
}
