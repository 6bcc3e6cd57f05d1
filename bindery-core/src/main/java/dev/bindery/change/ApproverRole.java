package dev.bindery.change;

import dev.bindery.common.RejectedException;
import java.util.Locale;

/**
 * The role an approver acts in. {@code owner} means a member of the target identity's owning team;
 * {@code security_officer} and {@code supervisor} are operator roles. An approver must hold the role both when
 * approving and when the change is applied.
 */
public enum ApproverRole {
  OWNER, SECURITY_OFFICER, SUPERVISOR;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ApproverRole parse(String field, String value) {
    for (ApproverRole r : values()) {
      if (r.wire().equals(value)) {
        return r;
      }
    }
    throw RejectedException.invalid(field, "'" + field + "' must be one of owner, security_officer, supervisor");
  }
}
