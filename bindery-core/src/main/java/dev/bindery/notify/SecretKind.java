package dev.bindery.notify;

import java.util.Locale;
import java.util.Optional;

/**
 * The kinds of secret a notification can carry sealed for its webhook (docs/support-desk.md, "Temporary recovery
 * credential"): the temporary credentials of the support desk and recovery codes. The kind is not secret (views may
 * name it); the value is, and appears only in the body the dispatcher posts.
 */
public enum SecretKind {
  /** A single-use enrolment code ({@code bnd_enr_...}) for one identity. */
  ENROLMENT_CODE(false),
  /** A single-use temporary TOTP enrolment code for one operator. */
  TOTP_ENROLMENT_CODE(false),
  /** A new set of recovery codes for one identity. */
  RECOVERY_CODES(true),
  /** One recovery code replacing one that was used. */
  RECOVERY_CODE(false);

  private final boolean list;

  SecretKind(boolean list) {
    this.list = list;
  }

  /** True if the payload is a list of values ({@code values}), false if it is one value ({@code value}). */
  public boolean list() {
    return list;
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<SecretKind> fromWire(String value) {
    for (SecretKind k : values()) {
      if (k.wire().equals(value)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }
}
