package dev.bindery.server.tls;

import static dev.bindery.server.tls.ClientCertificateHeaderTest.headers;
import static dev.bindery.server.tls.ForwardedCertificates.byteSequence;
import static dev.bindery.server.tls.ForwardedCertificates.byteSequences;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import dev.bindery.identity.IdentityId;
import dev.bindery.testkit.pki.TestCa;
import dev.bindery.testkit.pki.TestKeys;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.Function;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Where a request's client certificate comes from: from a trusted proxy only its forwarded header, never its own TLS
 * chain; from any other peer only its TLS chain, never a header; and a forwarded chain only if the handshake's
 * validation accepts it.
 */
class ClientCertificatesTest {
  static final String PROXY = "10.1.2.3";
  static TestCa ca;
  static X509Certificate leaf;
  static X509Certificate tlsLeaf;
  static X509Certificate foreign;
  static X509Certificate selfSigned;
  static ClientCertificates certificates;

  @BeforeAll
  static void pki() {
    Instant now = Instant.now();
    ca = TestCa.create(now);
    IdentityId id = IdentityId.generate(new SecureRandom());
    leaf = ca.issue(id, Duration.ofHours(1), now).issued().certificate();
    tlsLeaf = ca.issue(IdentityId.generate(new SecureRandom()), Duration.ofHours(1), now).issued().certificate();
    // another CA of the same trust domain: the same URI SAN, a chain Bindery does not trust
    foreign = TestCa.create(now).issue(id, Duration.ofHours(1), now).issued().certificate();
    selfSigned = selfSigned(TestKeys.ecP256(), now.minusSeconds(60), now.plusSeconds(3600));
    certificates = new ClientCertificates(TrustedProxies.of("10.0.0.0/8", "::1"), ClientCertificateHeader.CLIENT_CERT,
        new ClientCertificateTrustManager(List.of(ca.ca().root()), List.of(ca.ca().intermediate())));
  }

  static X509Certificate selfSigned(KeyPair key, Instant notBefore, Instant notAfter) {
    try {
      X500Name name = new X500Name("CN=self-signed workload");
      return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name, BigInteger.TEN,
          Date.from(notBefore), Date.from(notAfter), name, key.getPublic())
          .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static List<X509Certificate> read(Object tls, String peer, Function<String, List<String>> headers) {
    return certificates.chain(tls, peer, headers);
  }

  static void assertUntrusted(List<X509Certificate> chain) {
    assertThatThrownBy(() -> read(null, PROXY, headers("Client-Cert", byteSequence(chain.get(0)),
        "Client-Cert-Chain", byteSequences(chain.subList(1, chain.size())))))
        .isInstanceOfSatisfying(RejectedException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.CLIENT_CERTIFICATE_UNTRUSTED);
          assertThat(e.field()).isEqualTo("Client-Cert");
          assertThat(e.getMessage()).isEqualTo("the client certificate in Client-Cert is neither issued by bindery's "
              + "ca nor a single current self-signed certificate");
        });
  }

  @Test
  void tlsChain_returnedAsPresented() {
    assertThat(read(new X509Certificate[] {tlsLeaf, ca.ca().intermediate()}, "203.0.113.9", headers()))
        .containsExactly(tlsLeaf, ca.ca().intermediate());
  }

  @Test
  void tlsChainAndHeaderFromTrustedProxy_headerIsTheClientsAndTheProxysChainIgnored() {
    assertThat(read(new X509Certificate[] {tlsLeaf}, PROXY, headers("Client-Cert", byteSequence(leaf))))
        .containsExactly(leaf);
    assertThat(read(new X509Certificate[] {tlsLeaf, ca.ca().intermediate()}, "::1", headers("Client-Cert",
        byteSequence(selfSigned)))).containsExactly(selfSigned);
  }

  @Test
  void tlsChainWithoutHeaderFromTrustedProxy_noCertificate() {
    assertThat(read(new X509Certificate[] {tlsLeaf}, PROXY, headers())).isEmpty();
    assertThat(read(new X509Certificate[] {tlsLeaf, ca.ca().intermediate()}, "::ffff:10.9.9.9", headers()))
        .isEmpty();
    assertThat(read(new X509Certificate[] {tlsLeaf}, PROXY, headers("Client-Cert", ""))).as("an empty header")
        .isEmpty();
  }

  @Test
  void tlsChainAndMalformedOrUntrustedHeaderFromTrustedProxy_refusedNotFallingBackToTheProxysChain() {
    assertThatThrownBy(() -> read(new X509Certificate[] {tlsLeaf}, PROXY, headers("Client-Cert", ":garbage")))
        .isInstanceOfSatisfying(RejectedException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.CERTIFICATE_MALFORMED));
    assertThatThrownBy(() -> read(new X509Certificate[] {tlsLeaf}, PROXY, headers("Client-Cert",
        byteSequence(foreign)))).isInstanceOfSatisfying(RejectedException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.CLIENT_CERTIFICATE_UNTRUSTED));
  }

  @Test
  void tlsChainAndHeaderFromUntrustedPeer_tlsChainReturnedAndHeaderNotParsed() {
    assertThat(read(new X509Certificate[] {tlsLeaf}, "203.0.113.9", headers("Client-Cert", byteSequence(leaf))))
        .containsExactly(tlsLeaf);
    assertThat(read(new X509Certificate[] {tlsLeaf}, "11.0.0.1", headers("Client-Cert", ":garbage")))
        .containsExactly(tlsLeaf);
  }

  @Test
  void headerFromUntrustedPeer_ignoredEvenWhenMalformed() {
    assertThat(read(null, "127.0.0.1", headers("Client-Cert", byteSequence(leaf)))).isEmpty();
    assertThat(read(null, "203.0.113.9", headers("Client-Cert", ":garbage"))).isEmpty();
    assertThat(read(null, "11.0.0.1", headers("Client-Cert", byteSequence(leaf)))).isEmpty();
    assertThat(read(null, null, headers("Client-Cert", byteSequence(leaf)))).isEmpty();
  }

  @Test
  void headerFromTrustedProxy_validatedChainReturned() {
    assertThat(read(null, PROXY, headers("Client-Cert", byteSequence(leaf)))).as("leaf only, as the handshake")
        .containsExactly(leaf);
    assertThat(read(null, "::1", headers("Client-Cert", byteSequence(leaf), "Client-Cert-Chain",
        byteSequence(ca.ca().intermediate())))).containsExactly(leaf, ca.ca().intermediate());
    assertThat(read(null, "::ffff:10.9.9.9", headers("Client-Cert", byteSequence(leaf)))).as("mapped peer")
        .containsExactly(leaf);
    assertThat(read(new X509Certificate[0], PROXY, headers("Client-Cert", byteSequence(leaf))))
        .as("an empty TLS chain is no TLS chain").containsExactly(leaf);
  }

  @Test
  void singleCurrentSelfSignedFromTrustedProxy_accepted() {
    assertThat(read(null, PROXY, headers("Client-Cert", byteSequence(selfSigned)))).containsExactly(selfSigned);
  }

  @Test
  void noHeaderFromTrustedProxy_noCertificate() {
    assertThat(read(null, PROXY, headers())).isEmpty();
  }

  @Test
  void chainNotFromBinderysCa_refusedEvenFromTrustedProxy() {
    assertUntrusted(List.of(foreign));
    assertUntrusted(List.of(foreign, ca.ca().intermediate()));
  }

  @Test
  void selfSignedWithAChainOrExpired_refusedEvenFromTrustedProxy() {
    assertUntrusted(List.of(selfSigned, ca.ca().intermediate()));
    Instant now = Instant.now();
    assertUntrusted(List.of(selfSigned(TestKeys.ecP256(), now.minusSeconds(7200), now.minusSeconds(3600))));
  }

  @Test
  void malformedHeaderFromTrustedProxy_certificateMalformed() {
    assertThatThrownBy(() -> read(null, PROXY, headers("Client-Cert", ":garbage")))
        .isInstanceOfSatisfying(RejectedException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.CERTIFICATE_MALFORMED);
          assertThat(e.field()).isEqualTo("Client-Cert");
        });
  }

  @Test
  void tlsOnly_trustsNoProxy() {
    assertThat(ClientCertificates.tlsOnly().chain(null, "127.0.0.1", headers("Client-Cert", byteSequence(leaf))))
        .isEmpty();
    assertThat(ClientCertificates.tlsOnly().describe()).isEqualTo("tls only");
    assertThat(certificates.describe())
        .isEqualTo("Client-Cert only from 10.0.0.0/8,::1 (their own tls certificate ignored), tls from others");
  }
}
