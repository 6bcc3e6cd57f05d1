package dev.bindery.pki;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link KeyAttestationVerifier} concluded about a new credential's key: attested as hardware-held (with the
 * format, the vendor root the chain validated to and what the attestation says about the device), or not attested
 * (with the reason, for example that no attestation was presented or that no vendor root is configured). Only the
 * verifier creates one, so an attested result always comes from a validated chain.
 *
 * <p>A chain that was presented and does not prove hardware custody is not a result but a rejection
 * ({@code attestation_invalid}).
 */
public final class KeyAttestation {
  private final boolean attested;
  private final AttestationFormat format;
  private final String vendorRootSubject;
  private final String reason;
  private final Map<String, String> properties;

  private KeyAttestation(boolean attested, AttestationFormat format, String vendorRootSubject, String reason,
      Map<String, String> properties) {
    this.attested = attested;
    this.format = format;
    this.vendorRootSubject = vendorRootSubject;
    this.reason = reason;
    this.properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
  }

  static KeyAttestation attested(AttestationFormat format, String vendorRootSubject, Map<String, String> properties) {
    return new KeyAttestation(true, Objects.requireNonNull(format), Objects.requireNonNull(vendorRootSubject), null,
        properties);
  }

  static KeyAttestation notAttested(String reason) {
    return new KeyAttestation(false, null, null, Objects.requireNonNull(reason), Map.of());
  }

  /** True only when the key's hardware custody was proven by a chain to a configured vendor root. */
  public boolean attested() {
    return attested;
  }

  /** The attestation format, when attested. */
  public Optional<AttestationFormat> format() {
    return Optional.ofNullable(format);
  }

  /** The subject (RFC 2253) of the configured vendor root the chain validated to, when attested. */
  public Optional<String> vendorRootSubject() {
    return Optional.ofNullable(vendorRootSubject);
  }

  /** Why the key is not attested, when it is not. */
  public Optional<String> reason() {
    return Optional.ofNullable(reason);
  }

  /**
   * What the attestation says about the device and the key, in a stable order, for the approvers' view and the
   * audit log (for example {@code serial}, {@code firmware}, {@code pin_policy} for a YubiKey;
   * {@code attestation_security_level} for Android). Empty when not attested. Holds no secret.
   */
  public Map<String, String> properties() {
    return properties;
  }

  @Override
  public String toString() {
    return attested
        ? "KeyAttestation[attested, format=" + format.wire() + ", root=" + vendorRootSubject + ", " + properties + "]"
        : "KeyAttestation[not attested: " + reason + "]";
  }
}
