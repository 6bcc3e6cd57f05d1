package dev.bindery.operator;

import dev.bindery.common.RejectedException;
import java.util.Locale;

/**
 * Operator roles. {@code auditor} is read-only and exclusive: an auditor holds no other role and no team
 * membership, so an auditor can never write. {@code leak_reporter} is exclusive too and can do one thing only:
 * report a leaked credential (meant for secret scanners); it cannot even read.
 */
public enum Role {
  ADMIN, SECURITY_OFFICER, SERVICE_DESK, SUPERVISOR, AUDITOR, LEAK_REPORTER;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Role parse(String field, String value) {
    for (Role r : values()) {
      if (r.wire().equals(value)) {
        return r;
      }
    }
    throw RejectedException.invalid(field,
        "'" + field + "' must be one of admin, security_officer, service_desk, supervisor, auditor, leak_reporter");
  }
}
