package dev.bindery.server.tls;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import dev.bindery.credential.CredentialKeys;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The form in which a TLS-terminating proxy forwards the client certificate it received
 * ({@code bindery.oauth.client-cert-header}); one form is read at a time, the others are ignored:
 *
 * <ul>
 *   <li>{@link #CLIENT_CERT} ({@code client-cert}, the default): RFC 9440. {@code Client-Cert} is one Structured
 *       Field Byte Sequence (RFC 8941 section 3.3.5), {@code :<base64 DER>:}, without parameters;
 *       {@code Client-Cert-Chain}, optional and only with {@code Client-Cert}, is a List of Byte Sequences: the
 *       certificates that certify it, in order (RFC 9440 section 2.3).
 *   <li>{@link #NGINX} ({@code nginx}): {@code X-SSL-Client-Cert} carrying nginx's {@code $ssl_client_escaped_cert},
 *       the leaf certificate as percent-encoded PEM.
 *   <li>{@link #ENVOY} ({@code envoy}): Envoy's {@code X-Forwarded-Client-Cert}. Of its comma-separated elements only
 *       the last one is read, the one the proxy nearest to Bindery appended (with {@code APPEND_FORWARD}) or set
 *       ({@code SANITIZE_SET}); earlier elements come from further away and are ignored. That element's
 *       {@code Cert} (percent-encoded PEM) is required; its {@code Chain}, when present, is the whole chain
 *       starting with that certificate.
 * </ul>
 *
 * <p>Parsing is bounded: the header lines of the form together are at most {@link #MAX_CHARS} characters (below
 * the listener's 8 KiB limit on all request headers), the chain at most {@link #MAX_CERTIFICATES} certificates.
 * A header that is repeated where it may appear once, malformed, oversized or not an exact DER X.509 certificate
 * is refused with {@code certificate_malformed} whose field is the header name. An absent or empty header is
 * no certificate. Nothing here says whether a certificate is trusted: see {@link ClientCertificates}.
 */
public enum ClientCertificateHeader {
  CLIENT_CERT("client-cert", "Client-Cert") {
    @Override
    List<X509Certificate> parse(Function<String, List<String>> headers) {
      List<String> leaf = nonEmpty(headers.apply(headerName()));
      List<String> chain = nonEmpty(headers.apply(CLIENT_CERT_CHAIN));
      if (leaf.isEmpty()) {
        if (!chain.isEmpty()) {
          throw malformed(CLIENT_CERT_CHAIN, CLIENT_CERT_CHAIN + " was sent without " + headerName());
        }
        return List.of();
      }
      List<X509Certificate> out = new ArrayList<>();
      out.add(CredentialKeys.certificate(byteSequence(single(leaf, headerName()), headerName()), headerName()));
      for (String line : chain) {
        for (String member : line.split(",", -1)) {
          if (out.size() == MAX_CERTIFICATES) {
            throw tooLong(CLIENT_CERT_CHAIN);
          }
          out.add(CredentialKeys.certificate(byteSequence(member, CLIENT_CERT_CHAIN), CLIENT_CERT_CHAIN));
        }
      }
      return out;
    }

    @Override
    List<String> names() {
      return List.of(headerName(), CLIENT_CERT_CHAIN);
    }
  },

  NGINX("nginx", "X-SSL-Client-Cert") {
    @Override
    List<X509Certificate> parse(Function<String, List<String>> headers) {
      List<String> values = nonEmpty(headers.apply(headerName()));
      if (values.isEmpty()) {
        return List.of();
      }
      return List.of(pemCertificate(percentDecoded(single(values, headerName()), headerName()), headerName()));
    }
  },

  ENVOY("envoy", "X-Forwarded-Client-Cert") {
    @Override
    List<X509Certificate> parse(Function<String, List<String>> headers) {
      List<String> values = nonEmpty(headers.apply(headerName()));
      if (values.isEmpty()) {
        return List.of();
      }
      Map<String, String> element = lastXfccElement(String.join(",", values), headerName());
      String cert = element.get("cert");
      if (cert == null) {
        throw malformed(headerName(), headerName() + ": its last element has no Cert (the proxy must set it)");
      }
      X509Certificate leaf = pemCertificate(percentDecoded(cert, headerName()), headerName());
      String chain = element.get("chain");
      if (chain == null) {
        return List.of(leaf);
      }
      List<X509Certificate> all = pemCertificates(percentDecoded(chain, headerName()), headerName());
      if (!all.get(0).equals(leaf)) {
        throw malformed(headerName(), headerName() + ": the Chain of its last element does not start with its Cert");
      }
      return all;
    }
  };

  /** The most characters the header lines of one form may have together. */
  public static final int MAX_CHARS = 6 * 1024;
  /** The most certificates a forwarded chain may have, the leaf included. */
  public static final int MAX_CERTIFICATES = 5;
  static final String CLIENT_CERT_CHAIN = "Client-Cert-Chain";
  private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]+={0,2}");
  private static final Pattern PEM_CERTIFICATE = Pattern.compile(
      "-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\\s]*?-----END CERTIFICATE-----");

  private final String wire;
  private final String header;

  ClientCertificateHeader(String wire, String header) {
    this.wire = wire;
    this.header = header;
  }

  /** The configuration value: {@code client-cert}, {@code nginx} or {@code envoy}. */
  public String wire() {
    return wire;
  }

  /** The header that carries the (leaf) certificate. */
  public String headerName() {
    return header;
  }

  /** Every header this form reads. */
  List<String> names() {
    return List.of(header);
  }

  /** The form named by a configuration value, or null. */
  public static ClientCertificateHeader fromWire(String value) {
    for (ClientCertificateHeader h : values()) {
      if (h.wire.equals(value)) {
        return h;
      }
    }
    return null;
  }

  /**
   * The forwarded chain, leaf first; empty when the request carries no such header.
   *
   * @param headers every value (one per header line) of a header name, empty when absent
   * @throws RejectedException {@code certificate_malformed} naming the header
   */
  public List<X509Certificate> read(Function<String, List<String>> headers) {
    long chars = 0;
    for (String n : names()) {
      for (String v : headers.apply(n)) {
        chars += v.length();
      }
    }
    if (chars > MAX_CHARS) {
      throw malformed(header, header + " is larger than " + MAX_CHARS + " characters");
    }
    return parse(headers);
  }

  abstract List<X509Certificate> parse(Function<String, List<String>> headers);

  private static List<String> nonEmpty(List<String> values) {
    return values.stream().filter(v -> !v.isBlank()).toList();
  }

  private static String single(List<String> values, String header) {
    if (values.size() != 1) {
      throw malformed(header, header + " was sent more than once");
    }
    return values.get(0);
  }

  /** RFC 8941 section 4.2.7: {@code :base64:} between optional spaces; parameters are not accepted. */
  static byte[] byteSequence(String member, String header) {
    String m = member.strip();
    int end = m.length() > 1 && m.charAt(0) == ':' ? m.indexOf(':', 1) : -1;
    if (end < 0) {
      throw malformed(header, header + " is not a structured field byte sequence (:base64:)");
    }
    if (end != m.length() - 1) {
      throw malformed(header, header + (m.charAt(end + 1) == ';' ? " has parameters, which are not accepted"
          : " has data after the byte sequence"));
    }
    String b64 = m.substring(1, end);
    if (!BASE64.matcher(b64).matches()) {
      throw malformed(header, header + " is not base64 between colons");
    }
    try {
      return Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      throw malformed(header, header + " is not base64 between colons");
    }
  }

  /** Strict percent-decoding of ASCII text: {@code %XX} escapes, printable characters otherwise; {@code +} stays. */
  static String percentDecoded(String value, String header) {
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '%') {
        int hi = i + 2 < value.length() ? Character.digit(value.charAt(i + 1), 16) : -1;
        int lo = hi >= 0 ? Character.digit(value.charAt(i + 2), 16) : -1;
        if (lo < 0 || hi > 7) {
          throw malformed(header, header + " has a bad percent-encoding");
        }
        out.append((char) (hi * 16 + lo));
        i += 2;
      } else if (c < 0x20 || c > 0x7e) {
        throw malformed(header, header + " has a character that is not percent-encoded");
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static X509Certificate pemCertificate(String pem, String header) {
    return CredentialKeys.certificate(CredentialKeys.pemBlock(pem, "CERTIFICATE", ErrorCode.CERTIFICATE_MALFORMED,
        header), header);
  }

  /** One or more PEM certificates with nothing but white space around them. */
  private static List<X509Certificate> pemCertificates(String pem, String header) {
    List<X509Certificate> out = new ArrayList<>();
    Matcher m = PEM_CERTIFICATE.matcher(pem);
    int last = 0;
    while (m.find()) {
      if (!pem.substring(last, m.start()).isBlank()) {
        throw malformed(header, header + " has data between its pem certificates");
      }
      if (out.size() == MAX_CERTIFICATES) {
        throw tooLong(header);
      }
      out.add(pemCertificate(m.group(), header));
      last = m.end();
    }
    if (out.isEmpty() || !pem.substring(last).isBlank()) {
      throw malformed(header, header + " must be pem certificates only");
    }
    return out;
  }

  /**
   * The key-value pairs of the last element of an XFCC value: elements are separated by {@code ,}, pairs by
   * {@code ;}, key and value by the first {@code =}; a value holding any of those is double-quoted, with {@code \"}
   * for a quote. Keys are case-insensitive (returned in lower case); a repeated {@code Cert} or {@code Chain} is
   * refused, other keys (By, Hash, Subject, URI, DNS) are not read.
   */
  static Map<String, String> lastXfccElement(String value, String header) {
    List<String> elements = splitUnquoted(value, ',', header);
    String last = elements.get(elements.size() - 1);
    if (last.isBlank()) {
      throw malformed(header, header + " ends with an empty element");
    }
    Map<String, String> pairs = new LinkedHashMap<>();
    for (String pair : splitUnquoted(last, ';', header)) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? "" : pair.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      if (key.isEmpty() || !key.matches("[a-z]{1,16}")) {
        throw malformed(header, header + " has an element that is not key=value pairs");
      }
      String v = unquoted(pair.substring(eq + 1).strip(), header);
      if ((key.equals("cert") || key.equals("chain")) && pairs.containsKey(key)) {
        throw malformed(header, header + " repeats " + key + " in one element");
      }
      pairs.putIfAbsent(key, v);
    }
    return pairs;
  }

  /** Splits on {@code separator} outside double quotes; a quote left open is malformed. */
  private static List<String> splitUnquoted(String value, char separator, String header) {
    List<String> parts = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (quoted && c == '\\' && i + 1 < value.length()) {
        current.append(c).append(value.charAt(++i));
        continue;
      }
      if (c == '"') {
        quoted = !quoted;
      } else if (c == separator && !quoted) {
        parts.add(current.toString());
        current.setLength(0);
        continue;
      }
      current.append(c);
    }
    if (quoted) {
      throw malformed(header, header + " has an unterminated quoted value");
    }
    parts.add(current.toString());
    return parts;
  }

  private static String unquoted(String v, String header) {
    if (!v.startsWith("\"")) {
      if (v.indexOf('"') >= 0) {
        throw malformed(header, header + " has a quote inside an unquoted value");
      }
      return v;
    }
    if (v.length() < 2 || !v.endsWith("\"")) {
      throw malformed(header, header + " has data after a quoted value");
    }
    StringBuilder out = new StringBuilder();
    for (int i = 1; i < v.length() - 1; i++) {
      char c = v.charAt(i);
      if (c == '\\' && i + 1 < v.length() - 1) {
        c = v.charAt(++i);
      } else if (c == '"' || c == '\\') {
        throw malformed(header, header + " has a bad quoted value");
      }
      out.append(c);
    }
    return out.toString();
  }

  private static RejectedException tooLong(String header) {
    return malformed(header, header + " carries more than " + MAX_CERTIFICATES + " certificates");
  }

  private static RejectedException malformed(String header, String message) {
    return new RejectedException(ErrorCode.CERTIFICATE_MALFORMED, message, header);
  }
}
