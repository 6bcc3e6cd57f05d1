package dev.bindery.support;

import java.util.Locale;
import java.util.Objects;

/**
 * Something a support action issued, by reference only (never the secret): a temporary enrolment code, a temporary
 * TOTP enrolment, a set of recovery codes. {@code ref} is a stable, non-secret id (for a code: the first 12
 * characters of its hash's hex form) that {@link SupportDelivery#revokeIssued} and the audit log use.
 */
public record IssuedItem(Kind kind, String ref) {
  public enum Kind {
    ENROLMENT_CODE, TOTP_ENROLMENT, RECOVERY_CODES;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public IssuedItem {
    Objects.requireNonNull(kind, "kind");
    if (ref == null || ref.isEmpty() || ref.length() > 64) {
      throw new IllegalArgumentException("an issued item has a short reference");
    }
  }
}
