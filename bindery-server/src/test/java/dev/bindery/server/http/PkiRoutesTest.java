package dev.bindery.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.identity.IdentityId;
import dev.bindery.pki.CertificateStatus;
import dev.bindery.pki.CrlPublisher;
import dev.bindery.pki.Pem;
import dev.bindery.pki.RevocationReason;
import dev.bindery.pki.RevocationRegistry;
import dev.bindery.pki.RevokedCertificate;
import dev.bindery.testkit.pki.Openssl;
import dev.bindery.testkit.pki.TestCa;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.bc.BcDigestCalculatorProvider;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The public PKI routes over a real HTTP listener with a small in-memory revocation registry, checked with
 * BouncyCastle and, end to end over HTTP, with {@code openssl ocsp -url} and {@code openssl crl}.
 */
class PkiRoutesTest {
  private static final IdentityId ID = IdentityId.parse("nhi_aaaaaaaaaaaaaaaaaaaaaaaaaa");
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  private final MutableClock clock = new MutableClock(now);
  private final TestCa pki = TestCa.create(now);
  private final Map<BigInteger, RevokedCertificate> revoked = new ConcurrentHashMap<>();
  private final Map<BigInteger, Boolean> issued = new ConcurrentHashMap<>();
  private final RevocationRegistry registry = new RevocationRegistry() {
    @Override
    public CertificateStatus status(BigInteger serial, Instant at) {
      RevokedCertificate r = revoked.get(serial);
      if (r != null) {
        return new CertificateStatus.Revoked(r.revokedAt(), r.reason());
      }
      return issued.containsKey(serial) ? new CertificateStatus.Good() : new CertificateStatus.Unknown();
    }

    @Override
    public List<RevokedCertificate> revokedUnexpired(Instant at) {
      return List.copyOf(revoked.values());
    }
  };
  private final HttpClient client = HttpClient.newHttpClient();
  private Javalin javalin;
  private String base;
  @TempDir Path dir;

  @BeforeEach
  void start() throws Exception {
    PkiRoutes routes = new PkiRoutes(pki.ca(), registry, clock);
    ApiApp app = new ApiApp(routes.routes(), null, 1_048_576, new HttpMetrics(
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)));
    javalin = app.create((server, http) -> {
      ServerConnector c = new ServerConnector(server);
      c.setHost("127.0.0.1");
      c.setPort(0);
      return c;
    }, 1_048_576);
    javalin.start();
    base = "http://127.0.0.1:" + javalin.port();
    Files.writeString(dir.resolve("root.pem"), Pem.certificate(pki.ca().root()));
    Files.writeString(dir.resolve("intermediate.pem"), Pem.certificate(pki.ca().intermediate()));
    Files.writeString(dir.resolve("chain.pem"), Pem.certificates(pki.ca().chain()));
  }

  @AfterEach
  void stop() {
    javalin.stop();
  }

  private HttpResponse<byte[]> get(String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpResponse<byte[]> post(String path, String type, byte[] body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (type != null) {
      b.header("Content-Type", type);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private BigInteger issueLeaf() throws Exception {
    TestCa.Leaf leaf = pki.issue(ID, Duration.ofHours(1), now);
    Files.writeString(dir.resolve("leaf.pem"), Pem.certificate(leaf.issued().certificate()));
    issued.put(leaf.issued().serial(), true);
    return leaf.issued().serial();
  }

  private byte[] ocspRequest(BigInteger serial) throws Exception {
    CertificateID id = new CertificateID(new BcDigestCalculatorProvider().get(CertificateID.HASH_SHA1),
        new JcaX509CertificateHolder(pki.ca().intermediate()), serial);
    return new OCSPReqBuilder().addRequest(id).build().getEncoded();
  }

  private static BasicOCSPResp basic(HttpResponse<byte[]> r) throws Exception {
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/ocsp-response");
    OCSPResp resp = new OCSPResp(r.body());
    assertThat(resp.getStatus()).isEqualTo(OCSPResp.SUCCESSFUL);
    return (BasicOCSPResp) resp.getResponseObject();
  }

  @Test
  void caPem_servesIntermediateThenRoot() throws Exception {
    HttpResponse<byte[]> r = get("/pki/ca.pem");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/pem-certificate-chain");
    assertThat(Pem.parseCertificates(new String(r.body(), StandardCharsets.US_ASCII)))
        .containsExactly(pki.ca().intermediate(), pki.ca().root());
  }

  @Test
  void crl_listsRevocationsAfterTheRecheckInterval_andOpensslVerifiesIt() throws Exception {
    BigInteger serial = issueLeaf();
    X509CRLHolder empty = new X509CRLHolder(get("/pki/crl").body());
    assertThat(empty.getRevokedCertificates()).isEmpty();

    revoked.put(serial, new RevokedCertificate(serial, now, RevocationReason.KEY_COMPROMISE));
    clock.advance(CrlPublisher.RECHECK_INTERVAL);
    HttpResponse<byte[]> r = get("/pki/crl");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/pkix-crl");
    X509CRLHolder crl = new X509CRLHolder(r.body());
    assertThat(crl.getRevokedCertificate(serial)).isNotNull();
    Files.write(dir.resolve("crl.der"), r.body());
    String out = Openssl.run(dir, "crl", "-inform", "DER", "-in", "crl.der", "-CAfile", "chain.pem", "-noout",
        "-text").requireSuccess().output();
    assertThat(out).contains("verify OK", "Serial Number: " + HexFormat.of().withUpperCase()
        .formatHex(serial.toByteArray()), "Key Compromise");
  }

  @Test
  void postOcsp_answersGoodRevokedUnknownFromTheRegistry() throws Exception {
    BigInteger good = issueLeaf();
    BigInteger bad = issueLeaf();
    revoked.put(bad, new RevokedCertificate(bad, now.minusSeconds(60), RevocationReason.SUPERSEDED));

    assertThat(basic(post("/pki/ocsp", "application/ocsp-request", ocspRequest(good))).getResponses()[0]
        .getCertStatus()).isNull();
    RevokedStatus r = (RevokedStatus) basic(post("/pki/ocsp", "application/ocsp-request", ocspRequest(bad)))
        .getResponses()[0].getCertStatus();
    assertThat(r.getRevocationReason()).isEqualTo(CRLReason.superseded);
    assertThat(r.getRevocationTime().toInstant()).isEqualTo(now.minusSeconds(60));
    assertThat(basic(post("/pki/ocsp", "application/ocsp-request; charset=binary",
        ocspRequest(BigInteger.valueOf(99)))).getResponses()[0].getCertStatus()).isInstanceOf(UnknownStatus.class);
  }

  @Test
  void getOcsp_base64AndBase64UrlInThePath_answered() throws Exception {
    // serials are random: take one whose standard base64 has an inner '/' but no '//' and no trailing '/', which
    // the HTTP layer would take as an empty path segment or strip (docs/ca.md: send base64url, or POST)
    BigInteger serial;
    byte[] der;
    String encoded;
    do {
      serial = issueLeaf();
      der = ocspRequest(serial);
      encoded = Base64.getEncoder().encodeToString(der);
    } while (!encoded.contains("/") || encoded.contains("//") || encoded.endsWith("/"));

    String url = Base64.getUrlEncoder().withoutPadding().encodeToString(der);
    assertThat(basic(get("/pki/ocsp/" + url)).getResponses()[0].getCertStatus()).isNull();
    String std = Base64.getEncoder().encodeToString(der);
    assertThat(basic(get("/pki/ocsp/" + std.replace("+", "%2B").replace("=", "%3D"))).getResponses()[0]
        .getCertStatus()).isNull();
    // a raw '/' of standard base64 is taken as part of the request
    assertThat(basic(get("/pki/ocsp/" + std)).getResponses()[0].getCertStatus()).isNull();
  }

  /** A known limit (docs/ca.md): Jetty refuses an ambiguous encoded slash before any route runs. */
  @Test
  void getOcsp_percentEncodedSlash_refusedByTheHttpLayer() throws Exception {
    assertThat(get("/pki/ocsp/MA%2FA").statusCode()).isEqualTo(400);
  }

  @Test
  void ocsp_malformedRequest_answered200WithMalformedRequestStatus() throws Exception {
    for (HttpResponse<byte[]> r : List.of(post("/pki/ocsp", "application/ocsp-request", "garbage".getBytes()),
        get("/pki/ocsp/MAA"))) {
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(new OCSPResp(r.body()).getStatus()).isEqualTo(OCSPResp.MALFORMED_REQUEST);
    }
  }

  @Test
  void postOcsp_wrongContentType_refused415() throws Exception {
    BigInteger serial = issueLeaf();
    for (String type : new String[] {"application/json", "application/octet-stream", null}) {
      HttpResponse<byte[]> r = post("/pki/ocsp", type, ocspRequest(serial));
      assertThat(r.statusCode()).as(String.valueOf(type)).isEqualTo(415);
      assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("\"code\":\"unsupported_media_type\"",
          "application/ocsp-request");
    }
  }

  @Test
  void postOcsp_oversizedBody_refused413() throws Exception {
    HttpResponse<byte[]> r = post("/pki/ocsp", "application/ocsp-request", new byte[PkiRoutes.MAX_OCSP_REQUEST_BYTES + 1]);
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("\"code\":\"body_too_large\"");
  }

  @Test
  void getOcsp_notBase64_refused400() throws Exception {
    HttpResponse<byte[]> r = get("/pki/ocsp/not*base64");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("\"code\":\"invalid_field\"");
  }

  @Test
  void opensslOcspClient_overHttp_verifiesGoodThenRevoked() throws Exception {
    BigInteger serial = issueLeaf();
    String[] ask = {"ocsp", "-url", base + "/pki/ocsp", "-issuer", "intermediate.pem", "-cert", "leaf.pem",
        "-CAfile", "root.pem", "-nonce"};

    String good = Openssl.run(dir, ask).requireSuccess().output();
    assertThat(good).contains("Response verify OK", "leaf.pem: good").doesNotContain("WARNING", "Nonce Verify error");

    revoked.put(serial, new RevokedCertificate(serial, now, RevocationReason.KEY_COMPROMISE));
    String bad = Openssl.run(dir, ask).requireSuccess().output();
    assertThat(bad).contains("Response verify OK", "leaf.pem: revoked", "Reason: keyCompromise");
  }

  @Test
  void crlDistributionPointAndOcspUrl_inIssuedCertificatesPointAtTheseRoutes() throws Exception {
    issueLeaf();
    String text = Openssl.run(dir, "x509", "-in", "leaf.pem", "-noout", "-ext",
        "crlDistributionPoints,authorityInfoAccess").requireSuccess().output();
    assertThat(text).contains("URI:" + TestCa.BASE_URL + "/pki/crl", "OCSP - URI:" + TestCa.BASE_URL + "/pki/ocsp");
  }
}
