package dev.bindery.pki;

import java.security.PublicKey;
import java.util.Objects;

/**
 * A PKCS#10 request whose signature was verified and whose key is of an accepted type and strength. Only the
 * public key is used: the server decides every field of the certificate.
 *
 * @param publicKey the requester's key
 * @param keyType for example {@code EC P-256}, {@code Ed25519}, {@code RSA 3072}
 * @param publicKeyFingerprint base64url SHA-256 of the SubjectPublicKeyInfo DER
 */
public record VerifiedCsr(PublicKey publicKey, String keyType, String publicKeyFingerprint) {
  public VerifiedCsr {
    Objects.requireNonNull(publicKey);
    Objects.requireNonNull(keyType);
    Objects.requireNonNull(publicKeyFingerprint);
  }
}
