package dev.bindery.change;

import dev.bindery.common.RejectedException;
import java.util.Locale;

/**
 * The state of a change request: {@code pending → approved → applied}, or one of the terminal states
 * {@code rejected}, {@code expired}, {@code cancelled}. Only an open request ({@code pending} or {@code approved})
 * changes; a terminal one never does.
 */
public enum ChangeState {
  PENDING, APPROVED, APPLIED, REJECTED, EXPIRED, CANCELLED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean open() {
    return this == PENDING || this == APPROVED;
  }

  /** The before/after record of a state change for audit details: {@code {before: {state}, after: {state}}}. */
  public static java.util.Map<String, Object> transition(ChangeState before, ChangeState after) {
    java.util.Map<String, Object> d = new java.util.LinkedHashMap<>();
    d.put("before", java.util.Map.of("state", before.wire()));
    d.put("after", java.util.Map.of("state", after.wire()));
    return d;
  }

  public static ChangeState parse(String field, String value) {
    for (ChangeState s : values()) {
      if (s.wire().equals(value)) {
        return s;
      }
    }
    throw RejectedException.invalid(field,
        "'" + field + "' must be one of pending, approved, applied, rejected, expired, cancelled");
  }
}
