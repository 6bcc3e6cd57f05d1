package dev.bindery.credential;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsing and checking of the public material credentials are made of: certificates, SubjectPublicKeyInfo and
 * JWKs. Accepted keys are EC P-256 and P-384, Ed25519, and RSA of 2048 to 8192 bits with an odd public exponent
 * of at least 3; a smaller RSA key is {@code key_too_weak}, anything else {@code key_unsupported}. Key type
 * labels are those of the CA ({@code EC P-256}, {@code EC P-384}, {@code Ed25519}, {@code RSA 3072}).
 */
public final class CredentialKeys {
  /** The largest PEM or JWK text accepted; an RSA-8192 certificate is about 3,000 characters. */
  public static final int MAX_TEXT_CHARS = 16 * 1024;
  private static final int MAX_RSA_BITS = 8192;
  /** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410): SEQUENCE { SEQUENCE { 1.3.101.112 }, BIT STRING }. */
  private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
  /** JWK members that carry private or secret key material (RFC 7518 sections 6.2.2, 6.3.2, 6.4; RFC 8037). */
  private static final List<String> PRIVATE_JWK_MEMBERS = List.of("d", "p", "q", "dp", "dq", "qi", "oth", "k");
  private static final Pattern PEM_BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]{1,40})-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");
  private static final ECParameterSpec P256 = namedCurve("secp256r1");
  private static final ECParameterSpec P384 = namedCurve("secp384r1");

  private CredentialKeys() {}

  /** An accepted public key: its type label, JCA algorithm and DER SubjectPublicKeyInfo. */
  public record KeyInfo(String keyType, String jcaAlgorithm, PublicKeyDer der) {}

  /** A public JWK accepted for registration, with its RFC 7638 SHA-256 thumbprint. */
  public record RegisteredJwk(KeyInfo key, Thumbprint thumbprint) {}

  /** A verified self-signed certificate, with its x5t#S256. */
  public record SelfSigned(X509Certificate certificate, KeyInfo key, Thumbprint thumbprint) {}

  // ---- keys --------------------------------------------------------------------------------------------

  /** Checks that {@code key} is of an accepted type and strength. */
  public static KeyInfo describe(PublicKey key, String field) {
    byte[] der = key.getEncoded();
    if (der == null) {
      throw new RejectedException(ErrorCode.KEY_UNSUPPORTED, "key has no standard encoding", field);
    }
    if (key instanceof ECPublicKey ec) {
      if (sameCurve(ec.getParams(), P256)) {
        return new KeyInfo("EC P-256", "EC", canonical(der, "EC", field));
      }
      if (sameCurve(ec.getParams(), P384)) {
        return new KeyInfo("EC P-384", "EC", canonical(der, "EC", field));
      }
      throw unsupported("this ec curve", field);
    }
    if (key instanceof RSAPublicKey rsa) {
      return new KeyInfo(rsaLabel(rsa.getModulus(), rsa.getPublicExponent(), field), "RSA",
          canonical(der, "RSA", field));
    }
    if (der.length == ED25519_SPKI_PREFIX.length + 32
        && Arrays.equals(der, 0, ED25519_SPKI_PREFIX.length, ED25519_SPKI_PREFIX, 0, ED25519_SPKI_PREFIX.length)) {
      return new KeyInfo("Ed25519", "Ed25519", PublicKeyDer.ofDer(der));
    }
    throw unsupported("key algorithm " + key.getAlgorithm(), field);
  }

  /**
   * The key re-encoded by the JDK, so one key has one DER (and one fingerprint) whichever library produced it
   * (for example an EC point given compressed, or a key from another provider).
   */
  private static PublicKeyDer canonical(byte[] der, String jcaAlgorithm, String field) {
    try {
      return PublicKeyDer.of(KeyFactory.getInstance(jcaAlgorithm).generatePublic(new X509EncodedKeySpec(der)));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new RejectedException(ErrorCode.KEY_UNSUPPORTED, "public key is not a valid " + jcaAlgorithm + " key",
          field);
    }
  }

  private static String rsaLabel(BigInteger modulus, BigInteger exponent, String field) {
    int bits = modulus.bitLength();
    if (bits < 2048) {
      throw new RejectedException(ErrorCode.KEY_TOO_WEAK,
          "rsa key of " + bits + " bits is too weak; at least 2048 bits are required", field);
    }
    if (bits > MAX_RSA_BITS) {
      throw new RejectedException(ErrorCode.KEY_UNSUPPORTED,
          "rsa key of " + bits + " bits is not accepted; at most " + MAX_RSA_BITS + " bits", field);
    }
    if (!exponent.testBit(0) || exponent.compareTo(BigInteger.valueOf(3)) < 0) {
      throw new RejectedException(ErrorCode.KEY_UNSUPPORTED, "rsa public exponent must be odd and at least 3", field);
    }
    return "RSA " + bits;
  }

  private static RejectedException unsupported(String what, String field) {
    return new RejectedException(ErrorCode.KEY_UNSUPPORTED,
        what + " is not accepted; use EC P-256, EC P-384, Ed25519 or RSA (2048 bits or more)", field);
  }

  private static boolean sameCurve(ECParameterSpec a, ECParameterSpec b) {
    return a.getCurve().equals(b.getCurve()) && a.getGenerator().equals(b.getGenerator())
        && a.getOrder().equals(b.getOrder()) && a.getCofactor() == b.getCofactor();
  }

  private static ECParameterSpec namedCurve(String name) {
    try {
      AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
      p.init(new ECGenParameterSpec(name));
      return p.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks curve " + name, e);
    }
  }

  /** A DER SubjectPublicKeyInfo of any accepted type, parsed; empty if it is no key this JDK can read. */
  public static Optional<PublicKey> parseSpki(byte[] der) {
    for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
      try {
        return Optional.of(KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der)));
      } catch (GeneralSecurityException | RuntimeException e) {
        // try the next algorithm
      }
    }
    return Optional.empty();
  }

  /** The fingerprint of a key's SubjectPublicKeyInfo, re-encoded by the JDK as {@link #describe} stores it. */
  public static Thumbprint fingerprint(PublicKey key) {
    byte[] der = key.getEncoded();
    return parseSpki(der).map(PublicKeyDer::of).orElseGet(() -> PublicKeyDer.ofDer(der)).fingerprint();
  }

  // ---- JWK (RFC 7517) -----------------------------------------------------------------------------------

  /**
   * The RFC 7638 SHA-256 JWK thumbprint of an accepted public key (the {@code jkt} of RFC 9449 and of a registered
   * key): the key is described as by {@link #describe} (so unaccepted keys are refused the same way), then
   * thumbprinted over its required JWK members ({@code crv, kty, x, y}; {@code e, kty, n}; {@code crv, kty, x} for
   * Ed25519, RFC 8037 section 2).
   */
  public static Thumbprint jwkThumbprint(PublicKey key, String field) {
    KeyInfo info = describe(key, field);
    JWK jwk;
    PublicKey canonical = info.der().toPublicKey(info.jcaAlgorithm());
    if (canonical instanceof ECPublicKey ec) {
      jwk = new ECKey.Builder("EC P-256".equals(info.keyType()) ? Curve.P_256 : Curve.P_384, ec).build();
    } else if (canonical instanceof RSAPublicKey rsa) {
      jwk = new RSAKey.Builder(rsa).build();
    } else {
      byte[] der = info.der().der();
      byte[] x = Arrays.copyOfRange(der, der.length - 32, der.length);
      jwk = new OctetKeyPair.Builder(Curve.Ed25519, com.nimbusds.jose.util.Base64URL.encode(x)).build();
    }
    try {
      return new Thumbprint(jwk.computeThumbprint("SHA-256").toString());
    } catch (JOSEException e) {
      throw new IllegalStateException("SHA-256 thumbprint failed", e);
    }
  }

  /** Parses a JWK from its JSON text; see {@link #publicJwk(Map)}. */
  public static RegisteredJwk publicJwk(String json) {
    return publicJwk(jsonObject(json));
  }

  private static Map<String, Object> jsonObject(String json) {
    if (json == null || json.isBlank()) {
      throw RejectedException.missing("jwk");
    }
    if (json.length() > MAX_TEXT_CHARS) {
      throw RejectedException.invalid("jwk", "jwk is larger than " + MAX_TEXT_CHARS + " characters");
    }
    try {
      return JSONObjectUtils.parse(json);
    } catch (ParseException e) {
      throw RejectedException.invalid("jwk", "jwk is not a json object");
    }
  }

  /**
   * Accepts a public JWK of an accepted key type. A JWK with any private or secret member ({@code d}, {@code p},
   * {@code q}, {@code dp}, {@code dq}, {@code qi}, {@code oth}, {@code k}) is refused with
   * {@code private_key_not_accepted}: a private key never comes to Bindery. Other members ({@code kid},
   * {@code use}, {@code alg}...) are ignored; the thumbprint covers only the required members (RFC 7638).
   */
  public static RegisteredJwk publicJwk(Map<String, Object> members) {
    for (String m : PRIVATE_JWK_MEMBERS) {
      if (members.containsKey(m)) {
        throw new RejectedException(ErrorCode.PRIVATE_KEY_NOT_ACCEPTED,
            "jwk contains private key material ('" + m + "'); register only the public key", "jwk");
      }
    }
    return jwk(members);
  }

  /**
   * Any JWK, private or public, as JSON text: its public key and thumbprint. Leak reports use it, because a
   * leaked private JWK is exactly what they must find.
   */
  static RegisteredJwk anyJwk(String json) {
    return jwk(jsonObject(json));
  }

  private static RegisteredJwk jwk(Map<String, Object> members) {
    JWK parsed;
    try {
      parsed = JWK.parse(members);
    } catch (ParseException | RuntimeException e) {
      throw RejectedException.invalid("jwk", "jwk is not valid: " + safe(e.getMessage()));
    }
    KeyInfo info = jwkKey(parsed.toPublicJWK());
    try {
      return new RegisteredJwk(info, new Thumbprint(parsed.toPublicJWK().computeThumbprint("SHA-256").toString()));
    } catch (JOSEException e) {
      throw new IllegalStateException("SHA-256 thumbprint failed", e);
    }
  }

  private static KeyInfo jwkKey(JWK jwk) {
    try {
      if (jwk instanceof ECKey ec) {
        if (!Curve.P_256.equals(ec.getCurve()) && !Curve.P_384.equals(ec.getCurve())) {
          throw unsupported("ec curve " + ec.getCurve(), "jwk");
        }
        return describe(ec.toECPublicKey(), "jwk");
      }
      if (jwk instanceof RSAKey rsa) {
        return describe(rsa.toRSAPublicKey(), "jwk");
      }
      if (jwk instanceof OctetKeyPair okp) {
        if (!Curve.Ed25519.equals(okp.getCurve())) {
          throw unsupported("okp curve " + okp.getCurve(), "jwk");
        }
        byte[] x = okp.getDecodedX();
        if (x.length != 32) {
          throw RejectedException.invalid("jwk", "an Ed25519 'x' is 32 bytes");
        }
        byte[] der = Arrays.copyOf(ED25519_SPKI_PREFIX, ED25519_SPKI_PREFIX.length + 32);
        System.arraycopy(x, 0, der, ED25519_SPKI_PREFIX.length, 32);
        return new KeyInfo("Ed25519", "Ed25519", PublicKeyDer.ofDer(der));
      }
    } catch (JOSEException e) {
      throw RejectedException.invalid("jwk", "jwk does not hold a valid public key");
    }
    throw unsupported("jwk key type " + (jwk.getKeyType() == null ? "?" : jwk.getKeyType()), "jwk");
  }

  private static String safe(String message) {
    if (message == null) {
      return "unreadable";
    }
    String m = message.length() > 120 ? message.substring(0, 120) : message;
    return m.replaceAll("[^\\x20-\\x7e]", "?");
  }

  // ---- PEM and certificates -----------------------------------------------------------------------------

  /**
   * The DER of the single PEM block in {@code text} (RFC 7468), which must be labelled {@code label}; nothing
   * but white space may surround it.
   */
  public static byte[] pemBlock(String text, String label, ErrorCode code, String field) {
    if (text == null || text.isBlank()) {
      throw RejectedException.missing(field);
    }
    if (text.length() > MAX_TEXT_CHARS) {
      throw new RejectedException(code, field + " is larger than " + MAX_TEXT_CHARS + " characters", field);
    }
    Matcher m = PEM_BLOCK.matcher(text.strip());
    if (!m.matches()) {
      throw new RejectedException(code, field + " must be exactly one pem '" + label + "' block", field);
    }
    if (!m.group(1).equals(label)) {
      throw new RejectedException(code, field + " is a pem '" + m.group(1) + "', expected '" + label + "'", field);
    }
    try {
      byte[] der = Base64.getMimeDecoder().decode(m.group(2).replaceAll("\\s", ""));
      if (der.length == 0) {
        throw new RejectedException(code, field + " pem body is empty", field);
      }
      return der;
    } catch (IllegalArgumentException e) {
      throw new RejectedException(code, field + " pem body is not valid base64", field);
    }
  }

  /** Parses one DER certificate; {@code certificate_malformed} if it is not one (truncated, trailing data...). */
  public static X509Certificate certificate(byte[] der, String field) {
    try {
      var in = new ByteArrayInputStream(der);
      X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      if (in.available() != 0 || !Arrays.equals(c.getEncoded(), der)) {
        throw new RejectedException(ErrorCode.CERTIFICATE_MALFORMED, field + " has data after the certificate", field);
      }
      return c;
    } catch (CertificateException | RuntimeException e) {
      if (e instanceof RejectedException r) {
        throw r;
      }
      throw new RejectedException(ErrorCode.CERTIFICATE_MALFORMED, field + " is not a der x.509 certificate", field);
    }
  }

  /** The x5t#S256 of a certificate (RFC 8705 section 3.1): base64url SHA-256 of its DER. */
  public static Thumbprint x5tS256(X509Certificate certificate) {
    try {
      return Thumbprint.sha256(certificate.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("certificate cannot be encoded", e);
    }
  }

  /**
   * Verifies a PEM certificate offered for registration: exactly one certificate, an accepted key, issuer equal
   * to subject and a signature that verifies with its own key, and not expired at {@code now}. Anything else is
   * {@code certificate_malformed} (or the key codes of {@link #describe}).
   */
  public static SelfSigned selfSigned(String pem, Instant now) {
    String field = "certificate_pem";
    X509Certificate c = certificate(pemBlock(pem, "CERTIFICATE", ErrorCode.CERTIFICATE_MALFORMED, field), field);
    KeyInfo key = describe(c.getPublicKey(), field);
    if (!c.getIssuerX500Principal().equals(c.getSubjectX500Principal())) {
      throw new RejectedException(ErrorCode.CERTIFICATE_MALFORMED,
          "certificate is not self-signed: its issuer differs from its subject", field);
    }
    try {
      c.verify(c.getPublicKey());
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new RejectedException(ErrorCode.CERTIFICATE_MALFORMED,
          "certificate signature does not verify with its own public key", field);
    }
    if (!now.isBefore(c.getNotAfter().toInstant())) {
      throw new RejectedException(ErrorCode.CERTIFICATE_MALFORMED, "certificate expired at "
          + c.getNotAfter().toInstant(), field);
    }
    if (!c.getNotBefore().toInstant().isBefore(c.getNotAfter().toInstant())) {
      throw new RejectedException(ErrorCode.CERTIFICATE_MALFORMED, "certificate validity is empty", field);
    }
    return new SelfSigned(c, key, x5tS256(c));
  }
}
