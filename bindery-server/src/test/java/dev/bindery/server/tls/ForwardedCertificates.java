package dev.bindery.server.tls;

import dev.bindery.pki.Pem;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Encodes certificates as TLS-terminating proxies forward them (tests only): RFC 9440 {@code Client-Cert} and
 * {@code Client-Cert-Chain}, nginx's {@code $ssl_client_escaped_cert}, Envoy's {@code X-Forwarded-Client-Cert}.
 */
public final class ForwardedCertificates {
  private ForwardedCertificates() {}

  /** {@code :<base64 DER>:} (RFC 8941 Byte Sequence). */
  public static String byteSequence(X509Certificate c) {
    return ":" + Base64.getEncoder().encodeToString(der(c)) + ":";
  }

  /** The {@code Client-Cert-Chain} list of {@code chain}. */
  public static String byteSequences(List<X509Certificate> chain) {
    return chain.stream().map(ForwardedCertificates::byteSequence).collect(Collectors.joining(", "));
  }

  /** Percent-encoded PEM as nginx's {@code $ssl_client_escaped_cert}: every byte but unreserved ones escaped. */
  public static String escapedPem(X509Certificate c) {
    return percentEncoded(Pem.certificate(c));
  }

  /** Envoy's {@code Cert="<percent-encoded PEM>"}, with {@code By}, {@code Hash} and a quoted {@code Subject}. */
  public static String xfccElement(X509Certificate c) {
    return "By=spiffe://cluster.local/ns/edge/sa/proxy;Hash=00ff;Cert=\"" + escapedPem(c)
        + "\";Subject=\"CN=a \\\"quoted\\\" name, O=x;y\";URI=spiffe://bindery.test/nhi/x;DNS=a.example;DNS=b.example";
  }

  /** Percent-encodes every byte except RFC 3986 unreserved characters. */
  public static String percentEncoded(String text) {
    StringBuilder b = new StringBuilder();
    for (byte x : text.getBytes(StandardCharsets.US_ASCII)) {
      char c = (char) x;
      if (Character.isLetterOrDigit(c) || c == '-' || c == '.' || c == '_' || c == '~') {
        b.append(c);
      } else {
        b.append('%').append(String.format("%02X", x & 0xff));
      }
    }
    return b.toString();
  }

  public static byte[] der(X509Certificate c) {
    try {
      return c.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }
}
