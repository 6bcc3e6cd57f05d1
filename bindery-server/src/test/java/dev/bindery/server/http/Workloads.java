package dev.bindery.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bindery.credential.Credential;
import dev.bindery.credential.CredentialQuery;
import dev.bindery.credential.EnrolmentCode;
import dev.bindery.credential.RotationPolicy;
import dev.bindery.identity.IdentityId;
import dev.bindery.pki.CrlPublisher;
import dev.bindery.pki.Pem;
import dev.bindery.server.tls.PemFiles;
import dev.bindery.testkit.pki.TestCsr;
import dev.bindery.testkit.pki.TestKeys;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.operator.bc.BcDigestCalculatorProvider;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;

/**
 * Workloads and their credentials for the HTTP tests, made through the public API: enrolment codes, enrolment,
 * renewal over real mutual TLS, and the keys and certificates operators register.
 */
final class Workloads {
  private final TestServer s;

  Workloads(TestServer s) {
    this.s = s;
  }

  /** A workload's key and the certificate chain it holds (leaf first), as answered by enrol or renew. */
  record Held(KeyPair key, List<X509Certificate> chain, JsonNode answer) {
    X509Certificate leaf() {
      return chain.get(0);
    }

    String credentialId() {
      return answer.at("/credential/id").asText();
    }

    String serial() {
      return answer.at("/credential/serial").asText();
    }

    String lineageId() {
      return answer.at("/credential/lineage_id").asText();
    }
  }

  /**
   * What the credential store holds: every credential, the enrolment codes of one identity, the stored rotation
   * policies, and the heads of the audit log and the identity registry. Equal snapshots mean nothing was written.
   */
  record Snapshot(List<Credential> credentials, List<EnrolmentCode> codes, List<RotationPolicy> policies,
      long auditHead, long identities) {
    /** The same state, disregarding last-use times (an authentication records one, and that is not a change). */
    Snapshot ignoringUse() {
      return new Snapshot(credentials.stream().map(c -> c.withLastUsedAt(null)).toList(), codes, policies,
          auditHead, identities);
    }
  }

  Snapshot snapshot(String identity) {
    return s.server.transactor().read(t -> new Snapshot(
        t.credentials().search(CredentialQuery.all(CredentialQuery.MAX_LIMIT)).items(),
        t.enrolmentCodes().listForIdentity(IdentityId.parse(identity)), t.rotationPolicies().list(),
        t.audit().head().seq(), t.identities().count()));
  }

  static String body(Map<String, ?> fields) {
    return Json.text(fields);
  }

  /** A new enrolment code for {@code identity}, created with {@code token}. */
  String code(String token, String identity) {
    TestServer.Response r = s.post("/api/v1/identities/" + identity + "/enrolment-codes", token, "{}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("code").asText();
  }

  TestServer.Response enrol(String code, String csr) {
    return s.post("/api/v1/enrol", null, body(Map.of("code", code, "csr", csr)));
  }

  /** Enrols a fresh EC P-256 key for {@code identity} (a code created by the admin). */
  Held enrolled(String identity) {
    KeyPair key = TestKeys.ecP256();
    TestServer.Response r = enrol(code(s.adminToken, identity), TestCsr.forKey(key).pem());
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return held(key, r);
  }

  static Held held(KeyPair key, TestServer.Response r) {
    List<X509Certificate> chain = new ArrayList<>(Pem.parseCertificates(r.json().get("certificate_pem").asText()));
    chain.addAll(Pem.parseCertificates(r.json().get("chain_pem").asText()));
    return new Held(key, List.copyOf(chain), r.json());
  }

  /** {@code POST /api/v1/renew} over mutual TLS, presenting {@code presented} with its key. */
  TestServer.Response renew(Held presented, String csr) {
    return renewWith(client(presented.key(), presented.chain().toArray(new X509Certificate[0])), csr);
  }

  /** Renews {@code presented} for the same key and answers the new certificate (asserting success). */
  Held renewed(Held presented) {
    TestServer.Response r = renew(presented, TestCsr.forKey(presented.key()).pem());
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return held(presented.key(), r);
  }

  TestServer.Response renewWith(HttpClient client, String csr) {
    return renewRaw(client, body(Map.of("csr", csr)), "application/json");
  }

  /** {@code POST /api/v1/renew} with any body and content type, over the given (mutual TLS) client. */
  TestServer.Response renewRaw(HttpClient client, String body, String contentType) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(s.server.baseUri() + "/api/v1/renew"))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
    try {
      HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
      return new TestServer.Response(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** An HTTPS client trusting the dev CA that presents {@code chain} with {@code key} as its client certificate. */
  HttpClient client(KeyPair key, X509Certificate... chain) {
    return clientWith(s.server.caFile(), key, chain);
  }

  static HttpClient clientWith(Path caFile, KeyPair key, X509Certificate... chain) {
    try {
      char[] pw = "test".toCharArray();
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("client", key.getPrivate(), pw, chain);
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, pw);
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("dev-ca", PemFiles.readCertificates(caFile).get(0));
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10)).build();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A self-signed certificate (basicConstraints cA=false) valid from {@code notBefore} to {@code notAfter}. */
  static X509Certificate selfSigned(KeyPair key, Instant notBefore, Instant notAfter) {
    try {
      X500Name name = new X500Name("CN=self-signed workload");
      var builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(notBefore.toEpochMilli()),
          Date.from(notBefore), Date.from(notAfter), name, key.getPublic());
      String algorithm = key.getPublic().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
      return new JcaX509CertificateConverter().getCertificate(builder.build(
          new JcaContentSignerBuilder(algorithm).setProvider(TestKeys.BC).build(key.getPrivate())));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The public JWK of an EC P-256 key (RFC 7518 section 6.2.1). */
  static Map<String, Object> ecJwk(KeyPair key) {
    ECPublicKey pub = (ECPublicKey) key.getPublic();
    return Map.of("kty", "EC", "crv", "P-256", "x", coordinate(pub.getW().getAffineX()),
        "y", coordinate(pub.getW().getAffineY()));
  }

  private static String coordinate(BigInteger v) {
    byte[] raw = v.toByteArray();
    byte[] fixed = new byte[32];
    int n = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - n, fixed, 32 - n, n);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(fixed);
  }

  /**
   * The CRL from {@code /pki/crl}, its signature checked against the issuing CA. The server looks for new
   * revocations at most every {@link CrlPublisher#RECHECK_INTERVAL}, so the clock is moved on by that much first.
   */
  X509CRLHolder crl() {
    s.clock.advance(CrlPublisher.RECHECK_INTERVAL);
    try {
      HttpResponse<byte[]> r = s.client.send(HttpRequest.newBuilder(URI.create(s.server.baseUri() + "/pki/crl")).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.statusCode()).isEqualTo(200);
      X509CRLHolder crl = new X509CRLHolder(r.body());
      assertThat(crl.isSignatureValid(new JcaContentVerifierProviderBuilder()
          .build(s.server.identityCa().intermediate().getPublicKey()))).isTrue();
      return crl;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The CRL reason code of {@code serialHex} in the current CRL, or null when it is not listed. */
  Integer crlReason(String serialHex) {
    var entry = crl().getRevokedCertificate(new BigInteger(serialHex, 16));
    if (entry == null) {
      return null;
    }
    var reason = entry.getExtensions() == null ? null : entry.getExtensions().getExtension(Extension.reasonCode);
    return reason == null ? 0 : CRLReason.getInstance(reason.getParsedValue()).getValue().intValue();
  }

  /**
   * What {@code POST /pki/ocsp} answers for {@code serialHex} now: {@code good}, {@code unknown}, or
   * {@code revoked:<RFC 5280 reason code>}. The responder reads the store on every request, so a revocation shows
   * at once (and the clock is not moved, unlike {@link #crl()}).
   */
  String ocsp(String serialHex) {
    try {
      CertificateID id = new CertificateID(new BcDigestCalculatorProvider().get(CertificateID.HASH_SHA1),
          new JcaX509CertificateHolder(s.server.identityCa().intermediate()), new BigInteger(serialHex, 16));
      HttpResponse<byte[]> r = s.client.send(HttpRequest.newBuilder(URI.create(s.server.baseUri() + "/pki/ocsp"))
          .header("Content-Type", "application/ocsp-request")
          .POST(HttpRequest.BodyPublishers.ofByteArray(new OCSPReqBuilder().addRequest(id).build().getEncoded()))
          .build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.statusCode()).isEqualTo(200);
      BasicOCSPResp basic = (BasicOCSPResp) new OCSPResp(r.body()).getResponseObject();
      assertThat(basic.isSignatureValid(new JcaContentVerifierProviderBuilder()
          .build(s.server.identityCa().intermediate().getPublicKey()))).isTrue();
      Object status = basic.getResponses()[0].getCertStatus();
      if (status == null) {
        return "good";
      }
      if (status instanceof RevokedStatus revoked) {
        return "revoked:" + (revoked.hasRevocationReason() ? revoked.getRevocationReason() : 0);
      }
      return "unknown";
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** RFC 3339 text of the server clock's now plus {@code d}. */
  String inFuture(Duration d) {
    return Json.time(s.clock.instant().plus(d));
  }
}
