package dev.bindery.credential;

import dev.bindery.common.RejectedException;
import java.util.Locale;

/**
 * The stored state of a credential. Only {@code active} can be usable; the other three are revoked in the CRL
 * sense (they carry a revocation time and reason). Expiry and identity suspension are not states: they are
 * computed at use time, see {@link Credential#usable}.
 */
public enum CredentialStatus {
  ACTIVE,
  /** An older generation of a lineage, replaced by a renewal (CRL reason superseded). */
  SUPERSEDED,
  /** Revoked by an operator, a leak report or the retirement of its identity. */
  REVOKED,
  /** The current certificate of a lineage quarantined because a superseded generation was presented. */
  QUARANTINED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static CredentialStatus parse(String field, String value) {
    for (CredentialStatus s : values()) {
      if (s.wire().equals(value)) {
        return s;
      }
    }
    throw RejectedException.invalid(field, "'" + field + "' must be one of active, superseded, revoked, quarantined");
  }
}
