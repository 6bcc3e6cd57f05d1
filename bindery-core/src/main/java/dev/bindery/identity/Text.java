package dev.bindery.identity;

import dev.bindery.common.RejectedException;

/** Free-text field rules: trimmed, bounded, no control characters. */
public final class Text {
  private Text() {}

  public static String required(String field, String value, int max) {
    if (value == null || value.isBlank()) {
      throw RejectedException.missing(field);
    }
    return optional(field, value, max);
  }

  public static String optional(String field, String value, int max) {
    if (value == null) {
      return null;
    }
    String v = value.strip();
    if (v.length() > max) {
      throw RejectedException.invalid(field, "'" + field + "' must be at most " + max + " characters");
    }
    if (v.chars().anyMatch(c -> c < 0x20 && c != '\n' && c != '\t' || c == 0x7f)) {
      throw RejectedException.invalid(field, "'" + field + "' contains control characters");
    }
    return v.isEmpty() ? null : v;
  }
}
