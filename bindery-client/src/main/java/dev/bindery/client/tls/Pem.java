package dev.bindery.client.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM certificates and unencrypted private keys with the JDK alone (no BouncyCastle): PKCS#8
 * ({@code PRIVATE KEY}: EC, RSA, Ed25519) and SEC1 ({@code EC PRIVATE KEY} on P-256, P-384, P-521).
 * Messages name the file, never key material.
 */
public final class Pem {
  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");
  private static final Map<String, String> CURVES = Map.of(
      "1.2.840.10045.3.1.7", "secp256r1", "1.3.132.0.34", "secp384r1", "1.3.132.0.35", "secp521r1");

  private Pem() {}

  /** Every certificate of the file, in order; a file without any is refused. */
  public static List<X509Certificate> readCertificates(Path file) {
    byte[] bytes = read(file);
    List<X509Certificate> certificates = new ArrayList<>();
    try {
      for (Certificate c : CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(bytes))) {
        certificates.add((X509Certificate) c);
      }
    } catch (CertificateException e) {
      throw new IllegalArgumentException(file + " does not hold PEM certificates");
    }
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException(file + " holds no certificate");
    }
    return certificates;
  }

  /** The single private key of the file. */
  public static PrivateKey readPrivateKey(Path file) {
    return parsePrivateKey(new String(read(file), StandardCharsets.US_ASCII), file.toString());
  }

  /** Parses a PEM private key; {@code source} names it in failure messages. */
  public static PrivateKey parsePrivateKey(String pem, String source) {
    Matcher m = BLOCK.matcher(pem);
    while (m.find()) {
      String type = m.group(1);
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(m.group(2));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(source + ": the " + type + " block is not base64");
      }
      switch (type) {
        case "PRIVATE KEY":
          return pkcs8(der, source);
        case "EC PRIVATE KEY":
          return sec1(der, source);
        case "ENCRYPTED PRIVATE KEY":
          throw new IllegalArgumentException(source + ": encrypted private keys are not supported");
        case "RSA PRIVATE KEY":
          throw new IllegalArgumentException(source + ": PKCS#1 RSA keys are not supported;"
              + " convert with: openssl pkcs8 -topk8 -nocrypt");
        default:
          // certificates or parameters next to the key are skipped
      }
    }
    throw new IllegalArgumentException(source + " holds no PEM private key");
  }

  private static PrivateKey pkcs8(byte[] der, String source) {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : new String[] {"EC", "RSA", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (InvalidKeySpecException e) {
        // not this algorithm: try the next one
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("the JDK lacks the " + algorithm + " key factory", e);
      }
    }
    throw new IllegalArgumentException(source + ": unsupported or malformed PKCS#8 private key");
  }

  /** RFC 5915: ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING, [0] curve OID, [1] public }. */
  private static PrivateKey sec1(byte[] der, String source) {
    try {
      Der.Reader key = new Der.Reader(der).sequence();
      if (key.integer().intValueExact() != 1) {
        throw new IllegalArgumentException(source + ": unsupported EC private key version");
      }
      byte[] scalar = key.octetString();
      String curveOid = key.explicit(0).oid();
      String curve = CURVES.get(curveOid);
      if (curve == null) {
        throw new IllegalArgumentException(source + ": unsupported EC curve " + curveOid);
      }
      AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
      parameters.init(new ECGenParameterSpec(curve));
      ECParameterSpec spec = parameters.getParameterSpec(ECParameterSpec.class);
      return KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(new BigInteger(1, scalar), spec));
    } catch (Der.MalformedException | ArithmeticException e) {
      throw new IllegalArgumentException(source + ": malformed EC private key");
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(source + ": unusable EC private key");
    }
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
