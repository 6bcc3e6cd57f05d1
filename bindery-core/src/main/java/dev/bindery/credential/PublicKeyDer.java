package dev.bindery.credential;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * A public key as its DER SubjectPublicKeyInfo (RFC 5280 section 4.1.2.7). Stored with every key-bearing
 * credential so later verifiers (private_key_jwt, DPoP, mTLS) need no other copy, and fingerprinted so a leaked
 * key finds every credential bound to it.
 */
public final class PublicKeyDer {
  private final byte[] der;

  private PublicKeyDer(byte[] der) {
    if (der.length == 0) {
      throw new IllegalArgumentException("empty public key");
    }
    this.der = der.clone();
  }

  public static PublicKeyDer of(PublicKey key) {
    return new PublicKeyDer(Objects.requireNonNull(key.getEncoded(), "key has no X.509 encoding"));
  }

  public static PublicKeyDer ofDer(byte[] der) {
    return new PublicKeyDer(der);
  }

  public static PublicKeyDer fromBase64(String base64) {
    return new PublicKeyDer(Base64.getDecoder().decode(base64));
  }

  public byte[] der() {
    return der.clone();
  }

  public String base64() {
    return Base64.getEncoder().encodeToString(der);
  }

  /** base64url(SHA-256(DER)): the value leak reports match on. */
  public Thumbprint fingerprint() {
    return Thumbprint.sha256(der);
  }

  /** The key, for the JCA algorithm {@code EC}, {@code RSA} or {@code Ed25519}. */
  public PublicKey toPublicKey(String jcaAlgorithm) {
    try {
      return KeyFactory.getInstance(jcaAlgorithm).generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("stored public key is not a valid " + jcaAlgorithm + " key", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PublicKeyDer p && Arrays.equals(der, p.der);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(der);
  }

  @Override
  public String toString() {
    return "PublicKeyDer[" + fingerprint() + "]";
  }
}
