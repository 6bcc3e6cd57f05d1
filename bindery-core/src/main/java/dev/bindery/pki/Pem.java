package dev.bindery.pki;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** PEM text (RFC 7468) of certificates: what the API returns as {@code certificate_pem} and {@code chain_pem}. */
public final class Pem {
  private static final Base64.Encoder BASE64 = Base64.getMimeEncoder(64, new byte[] {'\n'});

  private Pem() {}

  /** The certificates as consecutive {@code CERTIFICATE} blocks, each line ending in {@code \n}. */
  public static String certificates(List<X509Certificate> certificates) {
    StringBuilder out = new StringBuilder();
    for (X509Certificate c : certificates) {
      try {
        out.append("-----BEGIN CERTIFICATE-----\n").append(BASE64.encodeToString(c.getEncoded()))
            .append("\n-----END CERTIFICATE-----\n");
      } catch (CertificateEncodingException e) {
        throw new IllegalStateException("certificate cannot be encoded", e);
      }
    }
    return out.toString();
  }

  public static String certificate(X509Certificate certificate) {
    return certificates(List.of(certificate));
  }

  /**
   * Every certificate in a PEM text, in order.
   *
   * @throws IllegalArgumentException if the text holds no certificate or one does not parse
   */
  public static List<X509Certificate> parseCertificates(String pem) {
    try {
      List<X509Certificate> out = new ArrayList<>();
      var factory = CertificateFactory.getInstance("X.509");
      for (var c : factory.generateCertificates(new ByteArrayInputStream(pem.getBytes(
          java.nio.charset.StandardCharsets.US_ASCII)))) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw new IllegalArgumentException("no pem certificate found");
      }
      return List.copyOf(out);
    } catch (CertificateException e) {
      throw new IllegalArgumentException("certificate does not parse: " + e.getMessage(), e);
    }
  }
}
