package dev.bindery.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.bindery.credential.IssuedEnrolmentCode;
import dev.bindery.credential.IssuedSvid;
import dev.bindery.identity.IdentityId;
import dev.bindery.pki.Pem;
import dev.bindery.security.Caller;
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
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Test support for the authorization server over real HTTPS: identities with scopes made through the API,
 * X.509-SVIDs enrolled through the node's credential service, HTTPS clients that present a client certificate,
 * token requests, DPoP proofs, and an independent ES256 verification of access tokens against the JWKS (JDK
 * {@code SunEC} and Jackson only: neither Nimbus nor BouncyCastle, which the server signs with).
 */
final class OAuthSupport {
  static final String FORM = "application/x-www-form-urlencoded";
  private static final AtomicInteger COUNTER = new AtomicInteger();
  final TestServer s;
  final Fixtures f;
  private final String adminId;

  OAuthSupport(TestServer s) {
    this.s = s;
    this.f = new Fixtures(s);
    f.team("payments");
    this.adminId = s.get("/api/v1/operators/me", s.adminToken).json().get("id").asText();
  }

  /** A key and its certificate (an enrolled X.509-SVID or a self-signed certificate). */
  record Client(KeyPair key, X509Certificate certificate, HttpClient http) {
    String x5t() {
      return x5tS256(certificate);
    }
  }

  /** A workload identity with these scopes (set by the admin). */
  String identity(String... scopes) {
    String id = f.identity(s.adminToken, "payments", "operator:" + adminId);
    if (scopes.length > 0) {
      StringBuilder b = new StringBuilder();
      for (String sc : scopes) {
        b.append(b.length() == 0 ? "" : ",").append('"').append(sc).append('"');
      }
      TestServer.Response r = s.send("PUT", "/api/v1/identities/" + id + "/scopes", s.adminToken,
          "{\"scopes\":[" + b + "],\"version\":1}");
      assertThat(r.status()).as(r.body()).isEqualTo(200);
    }
    return id;
  }

  /** Enrols a new P-256 key for the identity and returns a client presenting its certificate. */
  Client enrol(String identity) {
    KeyPair key = TestKeys.ecP256();
    X509Certificate cert = enrolKey(identity, key);
    return new Client(key, cert, clientWith(s, key, cert));
  }

  X509Certificate enrolKey(String identity, KeyPair key) {
    IssuedEnrolmentCode code = s.server.credentials().createEnrolmentCode(Caller.system("test"),
        IdentityId.parse(identity), null);
    IssuedSvid svid = s.server.credentials().enrol(code.code().reveal(), TestCsr.forKey(key).pem(), "test");
    return svid.certificate();
  }

  /** A self-signed certificate registered for the identity, and a client presenting it. */
  Client selfSigned(String identity) {
    KeyPair key = TestKeys.ecP256();
    X509Certificate cert = selfSignedCertificate(key, "CN=workload " + COUNTER.incrementAndGet());
    s.server.credentials().registerSelfSignedCertificate(Caller.system("test"), IdentityId.parse(identity),
        Pem.certificate(cert));
    return new Client(key, cert, clientWith(s, key, cert));
  }

  static X509Certificate selfSignedCertificate(KeyPair key, String dn) {
    try {
      X500Name name = new X500Name(dn);
      Instant now = Instant.now();
      return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name,
          BigInteger.valueOf(COUNTER.incrementAndGet()), Date.from(now.minusSeconds(60)),
          Date.from(now.plus(Duration.ofHours(1))), name, key.getPublic())
          .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** An HTTPS client trusting the server's dev CA that presents {@code chain} with {@code key}. */
  static HttpClient clientWith(TestServer s, KeyPair key, X509Certificate... chain) {
    return clientWith(s.server.caFile(), key, chain);
  }

  static HttpClient clientWith(Path serverCa, KeyPair key, X509Certificate... chain) {
    return Workloads.clientWith(serverCa, key, chain);
  }

  void resourceServer(String audience) {
    TestServer.Response r = s.post("/api/v1/resource-servers", s.adminToken,
        "{\"audience\":\"" + audience + "\",\"name\":\"rs " + COUNTER.incrementAndGet() + "\"}");
    assertThat(r.status()).as(r.body()).isIn(201, 409);
  }

  /** Registers {@code audience} linked to {@code identity}, which then introspects the tokens issued for it. */
  void resourceServer(String audience, String identity) {
    TestServer.Response r = s.post("/api/v1/resource-servers", s.adminToken, "{\"audience\":\"" + audience
        + "\",\"name\":\"rs " + COUNTER.incrementAndGet() + "\",\"identity_id\":\"" + identity + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
  }

  /** POST /oauth2/token with a form body. */
  TestServer.Response token(HttpClient http, String form, String... headers) {
    return post(http, "/oauth2/token", FORM, form, headers);
  }

  TestServer.Response post(HttpClient http, String path, String contentType, String body, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.server.baseUri() + path))
        .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return send(http, b.build());
  }

  static TestServer.Response send(HttpClient http, HttpRequest request) {
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new TestServer.Response(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  String tokenUrl() {
    return s.server.baseUri() + "/oauth2/token";
  }

  JsonNode jwks() {
    TestServer.Response r = s.get("/oauth2/jwks", null);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  // ---- JWT inspection and independent verification ------------------------------------------------------

  static JsonNode header(String jwt) {
    return json(jwt.split("\\.")[0]);
  }

  static JsonNode claims(String jwt) {
    return json(jwt.split("\\.")[1]);
  }

  private static JsonNode json(String b64) {
    try {
      return Json.MAPPER.readTree(Base64.getUrlDecoder().decode(b64));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * True if {@code jwt} is an ES256 JWS whose signature verifies with the JWKS key named by its {@code kid}, using
   * only the JDK (SunEC, P1363 signature format) and Jackson.
   */
  static boolean verifiesWithJwks(String jwt, JsonNode jwks) {
    String[] parts = jwt.split("\\.");
    JsonNode header = header(jwt);
    if (!"ES256".equals(header.path("alg").asText())) {
      return false;
    }
    for (JsonNode key : jwks.get("keys")) {
      if (key.path("kid").asText().equals(header.path("kid").asText())) {
        try {
          Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format", "SunEC");
          verifier.initVerify(ecPublicKey(key));
          verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
          return verifier.verify(Base64.getUrlDecoder().decode(parts[2]));
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      }
    }
    return false;
  }

  static PublicKey ecPublicKey(JsonNode jwk) throws Exception {
    assertThat(jwk.path("kty").asText()).isEqualTo("EC");
    assertThat(jwk.path("crv").asText()).isEqualTo("P-256");
    AlgorithmParameters p = AlgorithmParameters.getInstance("EC", "SunEC");
    p.init(new ECGenParameterSpec("secp256r1"));
    ECPoint point = new ECPoint(new BigInteger(1, Base64.getUrlDecoder().decode(jwk.get("x").asText())),
        new BigInteger(1, Base64.getUrlDecoder().decode(jwk.get("y").asText())));
    return KeyFactory.getInstance("EC", "SunEC").generatePublic(new ECPublicKeySpec(point,
        p.getParameterSpec(ECParameterSpec.class)));
  }

  static String x5tS256(X509Certificate c) {
    try {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(
          MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  // ---- DPoP ---------------------------------------------------------------------------------------------

  static ECKey dpopKey() {
    try {
      return new ECKeyGenerator(Curve.P_256).generate();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** A DPoP proof (RFC 9449) signed with {@code key}; {@code nonce} may be null. */
  static String proof(ECKey key, String htm, String htu, Instant iat, String jti, String nonce) {
    try {
      JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().jwtID(jti).claim("htm", htm).claim("htu", htu)
          .issueTime(Date.from(iat));
      if (nonce != null) {
        claims.claim("nonce", nonce);
      }
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType("dpop+jwt"))
          .jwk(key.toPublicJWK()).build(), claims.build());
      jwt.sign(new ECDSASigner(key));
      return jwt.serialize();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  String proof(ECKey key) {
    return proof(key, "POST", tokenUrl(), s.clock.instant(), UUID.randomUUID().toString(), null);
  }
}
