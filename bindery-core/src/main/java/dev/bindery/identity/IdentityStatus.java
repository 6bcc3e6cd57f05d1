package dev.bindery.identity;

import dev.bindery.common.RejectedException;

/**
 * Lifecycle: {@code active} and {@code suspended} go both ways; {@code locked} is entered from either of them (abuse
 * limit, a "this was not us" link, a security officer) and left only by a security officer's unlock, to
 * {@code active}, or by retirement; {@code retired} is terminal. Only an {@code active} identity gets tokens,
 * renewals and enrolments.
 */
public enum IdentityStatus {
  ACTIVE, SUSPENDED, LOCKED, RETIRED;

  public String wire() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static IdentityStatus parse(String field, String value) {
    for (IdentityStatus s : values()) {
      if (s.wire().equals(value)) {
        return s;
      }
    }
    throw RejectedException.invalid(field, "'" + field + "' must be one of active, suspended, locked, retired");
  }
}
