package dev.bindery.operator;

import dev.bindery.common.RejectedException;
import java.util.Locale;

/**
 * Operator roles. {@code auditor} is read-only and exclusive: an auditor holds no other role and no team
 * membership, so an auditor can never write.
 */
public enum Role {
  ADMIN, SECURITY_OFFICER, SERVICE_DESK, SUPERVISOR, AUDITOR;

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
        "'" + field + "' must be one of admin, security_officer, service_desk, supervisor, auditor");
  }
}
