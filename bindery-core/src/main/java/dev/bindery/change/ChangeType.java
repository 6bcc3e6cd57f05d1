package dev.bindery.change;

import dev.bindery.common.RejectedException;
import dev.bindery.pki.RevocationReason;
import java.util.Locale;

/** What a change request does to an identity's bindings (docs/rebinding.md). */
public enum ChangeType {
  /** The holder still has a current credential and proves it; the replaced credentials are superseded. */
  ROTATE,
  /** The current credential is lost or compromised; the replaced credentials are revoked for key compromise. */
  RECOVER,
  /** The workload or agent moves to a new runtime or device; the replaced credentials are superseded. */
  MIGRATE;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Recover and migrate requests count against the abuse limit; a rotate (with its continuity proof) does not. */
  public boolean abuseLimited() {
    return this != ROTATE;
  }

  /** The revocation reason of the credentials this change replaces. */
  public RevocationReason revocationReason() {
    return this == RECOVER ? RevocationReason.KEY_COMPROMISE : RevocationReason.SUPERSEDED;
  }

  public static ChangeType parse(String field, String value) {
    for (ChangeType t : values()) {
      if (t.wire().equals(value)) {
        return t;
      }
    }
    throw RejectedException.invalid(field, "'" + field + "' must be one of rotate, recover, migrate");
  }
}
