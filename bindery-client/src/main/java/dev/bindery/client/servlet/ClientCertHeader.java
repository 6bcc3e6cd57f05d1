package dev.bindery.client.servlet;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;

/**
 * The RFC 9440 {@code Client-Cert} header: the DER certificate as a Structured Field Byte Sequence,
 * {@code :<base64>:}. Read only from a trusted proxy.
 */
final class ClientCertHeader {
  static final String NAME = "Client-Cert";
  private static final int MAX_CHARS = 16384;

  private ClientCertHeader() {}

  /** The certificate, or an {@link IllegalArgumentException} when the value is not one. */
  static X509Certificate parse(String value) {
    String v = value.trim();
    if (v.length() < 3 || v.length() > MAX_CHARS || v.charAt(0) != ':' || v.charAt(v.length() - 1) != ':') {
      throw new IllegalArgumentException("Client-Cert is not a byte sequence");
    }
    byte[] der;
    try {
      der = Base64.getDecoder().decode(v.substring(1, v.length() - 1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Client-Cert is not base64");
    }
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException | ClassCastException e) {
      throw new IllegalArgumentException("Client-Cert is not an X.509 certificate");
    }
  }
}
