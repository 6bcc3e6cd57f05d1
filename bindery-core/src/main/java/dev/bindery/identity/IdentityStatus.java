package dev.bindery.identity;

import dev.bindery.common.RejectedException;

/** Lifecycle: {@code active} and {@code suspended} go both ways; {@code retired} is terminal. */
public enum IdentityStatus {
  ACTIVE, SUSPENDED, RETIRED;

  public String wire() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static IdentityStatus parse(String field, String value) {
    for (IdentityStatus s : values()) {
      if (s.wire().equals(value)) {
        return s;
      }
    }
    throw RejectedException.invalid(field, "'" + field + "' must be one of active, suspended, retired");
  }
}
