package dev.bindery.credential;

import java.util.Locale;

/** How a credential came to be bound to its identity. */
public enum BindMethod {
  /** An X.509-SVID issued against a one-time enrolment code. */
  ENROLMENT,
  /** An X.509-SVID issued to the holder of the lineage's current certificate. */
  RENEWAL,
  /** A public key, self-signed certificate or API key registered by an operator. */
  REGISTRATION,
  /** An X.509-SVID or public key bound by an applied change request, in place of earlier credentials. */
  REBINDING;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static BindMethod parse(String value) {
    for (BindMethod m : values()) {
      if (m.wire().equals(value)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown bind method " + value);
  }
}
