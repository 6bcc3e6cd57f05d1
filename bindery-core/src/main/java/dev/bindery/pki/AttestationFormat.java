package dev.bindery.pki;

import java.util.Locale;

/**
 * The hardware key attestation formats {@link KeyAttestationVerifier} understands, recognised by the structure of
 * the attestation certificate (its vendor extensions), never by what a caller says.
 */
public enum AttestationFormat {
  /**
   * YubiKey PIV attestation: a certificate for the key of a PIV slot, signed on the device by the slot F9
   * attestation key, whose certificate chains to the Yubico PIV root; it carries extensions under
   * {@code 1.3.6.1.4.1.41482.3}.
   */
  YUBIKEY_PIV,
  /**
   * Android Key Attestation (Keymaster/KeyMint): a certificate for a Keystore key, signed inside the TEE or
   * StrongBox, whose chain ends at a Google hardware attestation root; it carries the KeyDescription extension
   * {@code 1.3.6.1.4.1.11129.2.1.17}.
   */
  ANDROID_KEY;

  /** The lowercase name used in responses and audit details: {@code yubikey_piv}, {@code android_key}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
