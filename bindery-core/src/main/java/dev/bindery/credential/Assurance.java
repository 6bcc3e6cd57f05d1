package dev.bindery.credential;

import java.util.Locale;

/**
 * How well the private key (or secret) of a credential is protected, as far as Bindery can tell. Every
 * credential is {@code software} today; attested hardware levels (TPM, HSM, secure enclave) are added here when
 * Bindery can verify an attestation, never on a caller's word.
 */
public enum Assurance {
  SOFTWARE;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Assurance parse(String value) {
    for (Assurance a : values()) {
      if (a.wire().equals(value)) {
        return a;
      }
    }
    throw new IllegalArgumentException("unknown assurance " + value);
  }
}
