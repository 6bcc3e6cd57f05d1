package dev.bindery.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

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
    HttpRequest request = HttpRequest.newBuilder(URI.create(s.server.baseUri() + "/api/v1/renew"))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body(Map.of("csr", csr)), StandardCharsets.UTF_8)).build();
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

  /** RFC 3339 text of the server clock's now plus {@code d}. */
  String inFuture(Duration d) {
    return Json.time(s.clock.instant().plus(d));
  }
}
