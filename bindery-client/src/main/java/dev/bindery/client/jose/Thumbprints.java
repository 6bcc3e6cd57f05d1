package dev.bindery.client.jose;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;

/**
 * The SHA-256 values that bind a token to a key: RFC 8705 §3.1 {@code x5t#S256} of a certificate, RFC 7638
 * {@code jkt} of a JWK and RFC 9449 §4.2 {@code ath} of an access token, all unpadded base64url.
 */
public final class Thumbprints {
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(Thumbprints::newSha256);

  private Thumbprints() {}

  /** {@code x5t#S256}: base64url(SHA-256(DER of the certificate)). */
  public static String x5tS256(X509Certificate certificate) {
    return BASE64URL.encodeToString(sha256(certificate));
  }

  /** The raw SHA-256 of the certificate's DER encoding. */
  public static byte[] sha256(X509Certificate certificate) {
    try {
      return sha256(certificate.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("the certificate cannot be encoded", e);
    }
  }

  /** {@code jkt}: the RFC 7638 SHA-256 thumbprint of the public members of {@code jwk}. */
  public static String jkt(JWK jwk) {
    try {
      return jwk.toPublicJWK().computeThumbprint("SHA-256").toString();
    } catch (JOSEException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /** {@code ath}: base64url(SHA-256(ASCII of the access token)). */
  public static String ath(String accessToken) {
    return BASE64URL.encodeToString(sha256(accessToken.getBytes(StandardCharsets.US_ASCII)));
  }

  public static byte[] sha256(byte[] input) {
    MessageDigest digest = SHA256.get();
    digest.reset();
    return digest.digest(input);
  }

  /** Compares two thumbprints (or other ASCII secrets) in time independent of where they differ. */
  public static boolean constantTimeEquals(String a, String b) {
    if (a == null || b == null) {
      return false;
    }
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
