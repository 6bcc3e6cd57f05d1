package dev.bindery.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bindery.audit.AuditEvent;
import dev.bindery.identity.IdentityId;
import dev.bindery.pki.BcCertificateAuthority;
import dev.bindery.pki.Csrs;
import dev.bindery.pki.IssuedCertificate;
import dev.bindery.pki.Pem;
import dev.bindery.testkit.pki.TestCa;
import dev.bindery.testkit.pki.TestCsr;
import dev.bindery.testkit.pki.TestKeys;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The identity CA inside a real server: created once and audited, published at {@code /pki/*} and in
 * {@code <data-dir>/identity-ca.pem}, and trusted by the TLS listener for client certificates (mutual TLS with
 * an X.509-SVID), next to self-signed client certificates and unlike certificates of any other CA.
 */
class IdentityCaServerTest {
  private static final IdentityId ID = IdentityId.parse("nhi_aaaaaaaaaaaaaaaaaaaaaaaaaa");
  @TempDir static Path dir;
  static TestServer s;

  @BeforeAll
  static void start() {
    s = TestServer.start(dir);
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  @Test
  void caPem_equalsTheChainFileAndTheCa() throws Exception {
    BcCertificateAuthority ca = s.server.identityCa();
    TestServer.Response r = s.get("/pki/ca.pem", null);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(Files.readString(s.server.identityCaFile())).isEqualTo(Pem.certificates(ca.chain()));
    assertThat(ca.trustDomain()).isEqualTo("bindery.test");
    // port 0 (tests): the derived public URL cannot know the port; production sets bindery.ca.public-url
    assertThat(ca.crlUrl()).isEqualTo("https://127.0.0.1:0/pki/crl");
  }

  @Test
  void bootstrap_recordsOneCaCreatedEvent() {
    List<AuditEvent> created = new ArrayList<>();
    s.server.transactor().read(tx -> {
      tx.audit().scan(0, 100, e -> {
        if (e.action().equals("ca.created")) {
          created.add(e);
        }
      });
      return null;
    });
    assertThat(created).hasSize(1);
    assertThat(created.get(0).details()).containsEntry("root_thumbprint",
        BcCertificateAuthority.thumbprint(s.server.identityCa().root()));
  }

  @Test
  void crl_isSignedByTheIdentityCa() throws Exception {
    HttpResponse<byte[]> r = s.client.send(HttpRequest.newBuilder(URI.create(s.server.baseUri() + "/pki/crl")).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    X509CRLHolder crl = new X509CRLHolder(r.body());
    assertThat(crl.isSignatureValid(new org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder()
        .build(s.server.identityCa().intermediate().getPublicKey()))).isTrue();
  }

  /** An HTTPS client trusting the dev CA that presents {@code chain} with {@code key} as its client certificate. */
  private static HttpClient clientWith(KeyPair key, X509Certificate... chain) {
    return Workloads.clientWith(s.server.caFile(), key, chain);
  }

  private static int live(HttpClient client) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(s.server.baseUri() + "/health/live")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  private static IssuedCertificate svid(BcCertificateAuthority ca, KeyPair key) {
    return ca.issue(Csrs.verify(TestCsr.forKey(key).pem()), ID, Duration.ofHours(1), Instant.now());
  }

  @Test
  void mutualTls_svidOfTheIdentityCa_acceptedWithOrWithoutItsChain() throws Exception {
    BcCertificateAuthority ca = s.server.identityCa();
    KeyPair key = TestKeys.ecP256();
    X509Certificate leaf = svid(ca, key).certificate();

    assertThat(live(clientWith(key, leaf))).isEqualTo(200);
    assertThat(live(clientWith(key, leaf, ca.intermediate()))).isEqualTo(200);
    assertThat(live(clientWith(key, leaf, ca.intermediate(), ca.root()))).isEqualTo(200);
  }

  @Test
  void mutualTls_certificateOfAnotherCa_failsTheHandshake() throws Exception {
    TestCa other = TestCa.create(Instant.now());
    KeyPair key = TestKeys.ecP256();
    X509Certificate foreign = svid(other.ca(), key).certificate();

    assertThatThrownBy(() -> live(clientWith(key, foreign, other.ca().intermediate())))
        .isInstanceOf(IOException.class);
    // the same trust domain name does not help: only this deployment's CA is trusted
    assertThat(other.ca().trustDomain()).isEqualTo(s.server.identityCa().trustDomain());
  }

  @Test
  void mutualTls_selfSignedCertificate_stillAcceptedAtTheHandshake() throws Exception {
    KeyPair key = TestKeys.ecP256();
    X500Name name = new X500Name("CN=self-signed workload");
    Instant now = Instant.now();
    X509Certificate self = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name,
        BigInteger.TEN, Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofHours(1))), name,
        key.getPublic()).build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));

    assertThat(live(clientWith(key, self))).isEqualTo(200);
  }

  @Test
  void mutualTls_expiredSvid_failsTheHandshake() throws Exception {
    BcCertificateAuthority ca = s.server.identityCa();
    KeyPair key = TestKeys.ecP256();
    // issued four minutes ago for 30 seconds (the CA's validity starts 5 minutes before it was made): expired now
    Instant past = Instant.now().minus(Duration.ofMinutes(4));
    X509Certificate expired = ca.issue(Csrs.verify(TestCsr.forKey(key).pem()), ID, Duration.ofSeconds(30), past)
        .certificate();

    assertThatThrownBy(() -> live(clientWith(key, expired, ca.intermediate()))).isInstanceOf(IOException.class);
  }
}
