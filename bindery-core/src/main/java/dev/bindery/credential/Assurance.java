package dev.bindery.credential;

import java.util.Locale;

/**
 * How well the private key (or secret) of a credential is protected, as far as Bindery can tell. Never taken on a
 * caller's word: {@code hardware} only when an attestation chain to a configured vendor root proves that the key is
 * held by hardware (TPM, HSM, secure enclave) and equals the credential's key; everything else is
 * {@code software}.
 */
public enum Assurance {
  SOFTWARE,
  /** The key's hardware custody is proven by a verified attestation chain. */
  HARDWARE;

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
