package dev.bindery.server.tls;

import static dev.bindery.server.tls.ForwardedCertificates.byteSequence;
import static dev.bindery.server.tls.ForwardedCertificates.byteSequences;
import static dev.bindery.server.tls.ForwardedCertificates.escapedPem;
import static dev.bindery.server.tls.ForwardedCertificates.percentEncoded;
import static dev.bindery.server.tls.ForwardedCertificates.xfccElement;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import dev.bindery.identity.IdentityId;
import dev.bindery.pki.Pem;
import dev.bindery.testkit.pki.TestCa;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The three forwarded certificate header forms: what each accepts, exactly which certificate it yields, and every
 * malformed input refused as {@code certificate_malformed} naming the header.
 */
class ClientCertificateHeaderTest {
  static X509Certificate leaf;
  static X509Certificate intermediate;
  static X509Certificate root;
  static X509Certificate other;

  @BeforeAll
  static void pki() {
    TestCa ca = TestCa.create(Instant.now());
    leaf = ca.issue(IdentityId.generate(new SecureRandom()), Duration.ofHours(1), Instant.now()).issued().certificate();
    intermediate = ca.ca().intermediate();
    root = ca.ca().root();
    other = ca.issue(IdentityId.generate(new SecureRandom()), Duration.ofHours(1), Instant.now()).issued()
        .certificate();
  }

  /** Headers as the servlet container gives them: each name's values, one per header line. */
  static Function<String, List<String>> headers(String... nameValue) {
    Map<String, List<String>> m = new HashMap<>();
    for (int i = 0; i < nameValue.length; i += 2) {
      m.computeIfAbsent(nameValue[i].toLowerCase(), k -> new java.util.ArrayList<>()).add(nameValue[i + 1]);
    }
    return name -> m.getOrDefault(name.toLowerCase(), List.of());
  }

  static void assertMalformed(ClientCertificateHeader form, Function<String, List<String>> headers, String header,
      String message) {
    assertThatThrownBy(() -> form.read(headers)).isInstanceOfSatisfying(RejectedException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.CERTIFICATE_MALFORMED);
      assertThat(e.field()).isEqualTo(header);
      assertThat(e.getMessage()).startsWith(header).contains(message);
    });
  }

  // ---- RFC 9440 -----------------------------------------------------------------------------------------

  @Test
  void clientCert_leafAlone_thatCertificate() {
    assertThat(ClientCertificateHeader.CLIENT_CERT.read(headers("Client-Cert", byteSequence(leaf))))
        .containsExactly(leaf);
  }

  @Test
  void clientCert_withChainOnOneOrSeveralLines_leafThenChainInOrder() {
    assertThat(ClientCertificateHeader.CLIENT_CERT.read(headers("Client-Cert", " " + byteSequence(leaf) + " ",
        "Client-Cert-Chain", byteSequences(List.of(intermediate, root)))))
        .containsExactly(leaf, intermediate, root);
    assertThat(ClientCertificateHeader.CLIENT_CERT.read(headers("Client-Cert", byteSequence(leaf),
        "Client-Cert-Chain", byteSequence(intermediate), "Client-Cert-Chain", byteSequence(root))))
        .containsExactly(leaf, intermediate, root);
  }

  @Test
  void clientCert_absentOrEmpty_noCertificate() {
    assertThat(ClientCertificateHeader.CLIENT_CERT.read(headers())).isEmpty();
    assertThat(ClientCertificateHeader.CLIENT_CERT.read(headers("Client-Cert", ""))).isEmpty();
    assertThat(ClientCertificateHeader.CLIENT_CERT.read(headers("X-SSL-Client-Cert", escapedPem(leaf))))
        .as("another form's header is not read").isEmpty();
  }

  @Test
  void clientCert_unpaddedBase64_accepted() {
    String b64 = Base64.getEncoder().withoutPadding().encodeToString(ForwardedCertificates.der(leaf));
    assertThat(ClientCertificateHeader.CLIENT_CERT.read(headers("Client-Cert", ":" + b64 + ":")))
        .containsExactly(leaf);
  }

  @Test
  void clientCert_malformed_refusedNamingTheHeader() {
    ClientCertificateHeader f = ClientCertificateHeader.CLIENT_CERT;
    String ok = byteSequence(leaf);
    String b64 = ok.substring(1, ok.length() - 1);
    assertMalformed(f, headers("Client-Cert", b64), "Client-Cert", "not a structured field byte sequence");
    assertMalformed(f, headers("Client-Cert", ":" + b64), "Client-Cert", "not a structured field byte sequence");
    assertMalformed(f, headers("Client-Cert", ok + ";a=1"), "Client-Cert", "parameters");
    assertMalformed(f, headers("Client-Cert", ok + ", " + ok), "Client-Cert", "data after the byte sequence");
    assertMalformed(f, headers("Client-Cert", "::"), "Client-Cert", "not base64");
    assertMalformed(f, headers("Client-Cert", ":" + b64.replace('+', '-') + "-:"), "Client-Cert", "not base64");
    assertMalformed(f, headers("Client-Cert", ":" + b64.substring(0, 40) + "=" + b64.substring(40) + ":"),
        "Client-Cert", "not base64");
    assertMalformed(f, headers("Client-Cert", ok, "Client-Cert", ok), "Client-Cert", "more than once");
    assertMalformed(f, headers("Client-Cert", ":" + Base64.getEncoder().encodeToString("hello".getBytes()) + ":"),
        "Client-Cert", "not a der x.509 certificate");
    byte[] der = ForwardedCertificates.der(leaf);
    byte[] trailing = Arrays.copyOf(der, der.length + 1);
    assertMalformed(f, headers("Client-Cert", ":" + Base64.getEncoder().encodeToString(trailing) + ":"),
        "Client-Cert", "data after the certificate");
    assertMalformed(f, headers("Client-Cert", ":" + Base64.getEncoder().encodeToString(Arrays.copyOf(der, 100))
        + ":"), "Client-Cert", "not a der x.509 certificate");
  }

  @Test
  void clientCertChain_malformed_refusedNamingTheChainHeader() {
    ClientCertificateHeader f = ClientCertificateHeader.CLIENT_CERT;
    String ok = byteSequence(leaf);
    assertMalformed(f, headers("Client-Cert-Chain", byteSequence(intermediate)), "Client-Cert-Chain",
        "without Client-Cert");
    assertMalformed(f, headers("Client-Cert", ok, "Client-Cert-Chain", byteSequence(intermediate) + ","),
        "Client-Cert-Chain", "not a structured field byte sequence");
    assertMalformed(f, headers("Client-Cert", ok, "Client-Cert-Chain", "abc"), "Client-Cert-Chain",
        "not a structured field byte sequence");
  }

  @Test
  void clientCertChain_longerThanTheCap_refused() {
    List<X509Certificate> five = List.of(intermediate, root, intermediate, root, intermediate);
    assertThat(ClientCertificateHeader.CLIENT_CERT.read(headers("Client-Cert", byteSequence(leaf),
        "Client-Cert-Chain", byteSequences(five.subList(0, 4))))).hasSize(ClientCertificateHeader.MAX_CERTIFICATES);
    assertMalformed(ClientCertificateHeader.CLIENT_CERT, headers("Client-Cert", byteSequence(leaf),
        "Client-Cert-Chain", byteSequences(five)), "Client-Cert-Chain", "more than 5 certificates");
  }

  @Test
  void oversizedHeaders_refusedBeforeParsing() {
    String padding = " ".repeat(ClientCertificateHeader.MAX_CHARS);
    assertMalformed(ClientCertificateHeader.CLIENT_CERT, headers("Client-Cert", byteSequence(leaf) + padding),
        "Client-Cert", "larger than 6144 characters");
    // the two RFC 9440 headers count together
    String half = byteSequence(leaf) + " ".repeat(ClientCertificateHeader.MAX_CHARS / 2);
    assertMalformed(ClientCertificateHeader.CLIENT_CERT, headers("Client-Cert", half, "Client-Cert-Chain", half),
        "Client-Cert", "larger than");
    assertMalformed(ClientCertificateHeader.NGINX, headers("X-SSL-Client-Cert", escapedPem(leaf) + padding),
        "X-SSL-Client-Cert", "larger than");
    assertMalformed(ClientCertificateHeader.ENVOY, headers("X-Forwarded-Client-Cert", xfccElement(leaf) + padding),
        "X-Forwarded-Client-Cert", "larger than");
  }

  // ---- nginx --------------------------------------------------------------------------------------------

  @Test
  void nginx_escapedPem_thatCertificate() {
    String escaped = escapedPem(leaf);
    assertThat(escaped).startsWith("-----BEGIN%20CERTIFICATE-----%0A").doesNotContain("\n");

    assertThat(ClientCertificateHeader.NGINX.read(headers("X-SSL-Client-Cert", escaped))).containsExactly(leaf);
  }

  @Test
  void nginx_plusSlashAndEqualsLeftUnescaped_stillThatCertificate() {
    // a '+' is a base64 digit here, never a space; a certificate's base64 has one only by chance, so take the first
    // of the test CA's certificates whose PEM has one
    TestCa ca = TestCa.create(Instant.now());
    X509Certificate withPlus = leaf;
    for (int i = 0; !Pem.certificate(withPlus).contains("+"); i++) {
      assertThat(i).as("a certificate with a '+' in its base64 within 50 tries").isLessThan(50);
      withPlus = ca.issue(IdentityId.generate(new SecureRandom()), Duration.ofHours(1), Instant.now()).issued()
          .certificate();
    }
    String lenient = Pem.certificate(withPlus).replace("\n", "%0A").replace(" ", "%20");
    assertThat(lenient).contains("+");

    assertThat(ClientCertificateHeader.NGINX.read(headers("X-SSL-Client-Cert", lenient))).containsExactly(withPlus);
  }

  @Test
  void nginx_malformed_refusedNamingTheHeader() {
    ClientCertificateHeader f = ClientCertificateHeader.NGINX;
    assertMalformed(f, headers("X-SSL-Client-Cert", escapedPem(leaf).replace("%0A", "%0")), "X-SSL-Client-Cert",
        "bad percent-encoding");
    assertMalformed(f, headers("X-SSL-Client-Cert", escapedPem(leaf) + "%"), "X-SSL-Client-Cert",
        "bad percent-encoding");
    assertMalformed(f, headers("X-SSL-Client-Cert", escapedPem(leaf).replace("%0A", "%C3%A9")),
        "X-SSL-Client-Cert", "bad percent-encoding");
    assertMalformed(f, headers("X-SSL-Client-Cert", escapedPem(leaf).replace("%0A", "\t")), "X-SSL-Client-Cert",
        "not percent-encoded");
    assertMalformed(f, headers("X-SSL-Client-Cert", byteSequence(leaf)), "X-SSL-Client-Cert",
        "exactly one pem 'CERTIFICATE' block");
    assertMalformed(f, headers("X-SSL-Client-Cert", percentEncoded(Pem.certificates(List.of(leaf, intermediate)))),
        "X-SSL-Client-Cert", "exactly one pem");
    assertMalformed(f, headers("X-SSL-Client-Cert", escapedPem(leaf), "X-SSL-Client-Cert", escapedPem(leaf)),
        "X-SSL-Client-Cert", "more than once");
  }

  // ---- Envoy --------------------------------------------------------------------------------------------

  @Test
  void envoy_oneElement_itsCert() {
    assertThat(ClientCertificateHeader.ENVOY.read(headers("X-Forwarded-Client-Cert", xfccElement(leaf))))
        .containsExactly(leaf);
  }

  @Test
  void envoy_severalElements_onlyTheLastOneAppendedByTheNearestProxy() {
    // the first element could have been sent by the client itself (APPEND_FORWARD keeps and appends)
    String forgedThenReal = xfccElement(other) + "," + xfccElement(leaf);
    assertThat(ClientCertificateHeader.ENVOY.read(headers("X-Forwarded-Client-Cert", forgedThenReal)))
        .containsExactly(leaf);
    assertThat(ClientCertificateHeader.ENVOY.read(headers("X-Forwarded-Client-Cert", xfccElement(other),
        "X-Forwarded-Client-Cert", xfccElement(leaf)))).as("over two header lines").containsExactly(leaf);
  }

  @Test
  void envoy_keysCaseInsensitiveAndUnquotedCert_accepted() {
    String element = "by=spiffe://x;cert=" + escapedPem(leaf) + ";uri=spiffe://y";
    assertThat(ClientCertificateHeader.ENVOY.read(headers("X-Forwarded-Client-Cert", element)))
        .containsExactly(leaf);
  }

  @Test
  void envoy_chain_wholeChainLeafFirst() {
    String element = xfccElement(leaf) + ";Chain=\""
        + percentEncoded(Pem.certificates(List.of(leaf, intermediate))) + "\"";
    assertThat(ClientCertificateHeader.ENVOY.read(headers("X-Forwarded-Client-Cert", element)))
        .containsExactly(leaf, intermediate);
  }

  @Test
  void envoy_malformed_refusedNamingTheHeader() {
    ClientCertificateHeader f = ClientCertificateHeader.ENVOY;
    String h = "X-Forwarded-Client-Cert";
    assertMalformed(f, headers(h, xfccElement(leaf) + ","), h, "ends with an empty element");
    assertMalformed(f, headers(h, "By=spiffe://x;Hash=00;URI=spiffe://y"), h, "has no Cert");
    // no Cert in the last element: an earlier element's Cert is never used instead
    assertMalformed(f, headers(h, xfccElement(leaf) + ",By=spiffe://x;Hash=00"), h, "has no Cert");
    assertMalformed(f, headers(h, "By=spiffe://x;Cert=\"" + escapedPem(leaf)), h, "unterminated quoted value");
    assertMalformed(f, headers(h, "By=spiffe://x;Cert=\"" + escapedPem(leaf) + "\"x"), h,
        "data after a quoted value");
    assertMalformed(f, headers(h, "By=spiffe://x;" + escapedPem(leaf)), h, "not key=value pairs");
    assertMalformed(f, headers(h, xfccElement(leaf) + ";Cert=\"" + escapedPem(other) + "\""), h, "repeats cert");
    assertMalformed(f, headers(h, xfccElement(leaf) + ";Chain=\"" + percentEncoded(Pem.certificates(List.of(
        intermediate, leaf))) + "\""), h, "does not start with its Cert");
    assertMalformed(f, headers(h, xfccElement(leaf) + ";Chain=\"" + percentEncoded(Pem.certificate(leaf) + "junk")
        + "\""), h, "pem certificates only");
    assertMalformed(f, headers(h, "Cert=\"" + percentEncoded("not pem") + "\""), h, "exactly one pem");
  }

  // ---- configuration values -----------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"client-cert", "nginx", "envoy"})
  void fromWire_eachFormByItsName(String wire) {
    assertThat(ClientCertificateHeader.fromWire(wire).wire()).isEqualTo(wire);
  }

  @Test
  void fromWire_unknown_null() {
    assertThat(ClientCertificateHeader.fromWire("Client-Cert")).isNull();
    assertThat(ClientCertificateHeader.fromWire("haproxy")).isNull();
  }
}
