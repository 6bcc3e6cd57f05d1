package dev.bindery.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bindery.cli.ClientContext;
import dev.bindery.client.resource.BinderyTokenVerifier;
import dev.bindery.client.resource.RequestFacts;
import dev.bindery.client.resource.VerificationResult;
import dev.bindery.client.revocation.RevocationFeed;
import dev.bindery.client.tls.TlsContexts;
import dev.bindery.client.token.AccessToken;
import dev.bindery.client.token.BinderyTokenClient;
import dev.bindery.client.token.DPoPProofFactory;
import dev.bindery.client.token.OAuthErrorException;
import dev.bindery.server.bootstrap.BinderyServer;
import dev.bindery.server.config.BinderyConfig;
import dev.bindery.testkit.TestClientAssertion;
import dev.bindery.testkit.pki.TestKeys;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The SDK against a real server, nothing faked: a workload enrols with the real {@code bindery} command line, gets
 * tokens with {@link BinderyTokenClient} over mutual TLS (and with DPoP) or with private_key_jwt and DPoP, and a
 * resource server's {@link BinderyTokenVerifier} checks them with the certificate or proof the request would carry.
 */
class TokensEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AUDIENCE = "https://orders.example";
  @TempDir Path dir;
  private BinderyServer server;
  private Map<String, String> env;
  private Path work;

  @BeforeEach
  void start() throws Exception {
    server = BinderyServer.start(BinderyConfig.fromSources(Map.of(BinderyConfig.DATA_DIR,
        dir.resolve("data").toString(), BinderyConfig.HTTP_PORT, "0"), Map.of()), Clock.systemUTC());
    env = Map.of("BINDERY_SERVER", server.baseUri().toString(), "BINDERY_CA_FILE", server.caFile().toString(),
        "BINDERY_TOKEN_FILE", server.bootstrapTokenFile().toString());
    work = Files.createDirectory(dir.resolve("work"));
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  private String ok(String... args) {
    CommandLine cli = Main.commandLine(new ClientContext(env, Duration.ofSeconds(10), Duration.ofSeconds(60),
        new ByteArrayInputStream(new byte[0])));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    assertThat(exit).as(String.join(" ", args) + "\n" + out + err).isZero();
    return out.toString();
  }

  private JsonNode okJson(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--output");
    all.add("json");
    return JSON.readTree(ok(all.toArray(new String[0])));
  }

  /** An identity with scopes, enrolled: returns its id; key and certificate in work/svid.key, work/svid.pem. */
  private String enrolledWorkload() throws Exception {
    ok("team", "create", "payments", "--display-name", "Payments");
    ok("team", "create", "platform", "--display-name", "Platform");
    String id = okJson("identity", "create", "--kind", "workload", "--name", "orders-client", "--owner-team",
        "payments", "--backup-owner", "team:platform").get("id").asText();
    ok("identity", "scopes", id, "--scope", "orders.read", "--scope", "orders.write");
    Path codeFile = work.resolve("enrolment-code");
    Files.writeString(codeFile, okJson("enrolment-code", "create", id, "--ttl", "5m").get("code").asText());
    ok("enroll", "--code-file", codeFile.toString(), "--key-out", work.resolve("svid.key").toString(),
        "--cert-out", work.resolve("svid.pem").toString());
    return id;
  }

  private void registerResourceServer() throws Exception {
    String operatorToken = Files.readString(server.bootstrapTokenFile()).strip();
    HttpResponse<String> created = HttpClient.newBuilder().sslContext(TlsContexts.trusting(server.caFile())).build()
        .send(HttpRequest.newBuilder(URI.create(server.baseUri() + "/api/v1/resource-servers"))
            .header("Authorization", "Bearer " + operatorToken).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"audience\":\"" + AUDIENCE + "\",\"name\":\"Orders\"}"))
            .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
  }

  private BinderyTokenClient.Builder tokenClient(String id) {
    return BinderyTokenClient.builder().issuer(server.baseUri().toString()).clientId(id)
        .mutualTls(work.resolve("svid.key"), work.resolve("svid.pem"), server.caFile())
        .resources(AUDIENCE);
  }

  private BinderyTokenVerifier verifier() {
    return BinderyTokenVerifier.builder().issuer(server.baseUri().toString()).audience(AUDIENCE)
        .trustedCaFile(server.caFile()).withoutRevocationFeed().build();
  }

  private X509Certificate certificate(Path pem) throws Exception {
    try (var in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  private static RequestFacts.Builder get() {
    return RequestFacts.builder("GET", AUDIENCE + "/orders/42");
  }

  private static JsonNode claims(String jwt) throws Exception {
    return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
  }

  @Test
  void certificateBoundToken_acceptedWithItsCertificateOnly() throws Exception {
    String id = enrolledWorkload();
    registerResourceServer();
    X509Certificate first = certificate(work.resolve("svid.pem"));

    AccessToken token = tokenClient(id).scopes("orders.read").build().token();
    assertThat(token.type()).isEqualTo(AccessToken.Type.BEARER);
    assertThat(token.scopes()).containsExactly("orders.read");
    // the binding is RFC 8705's x5t#S256 of the certificate the client presented
    assertThat(claims(token.value()).get("cnf").get("x5t#S256").asText()).isEqualTo(Base64.getUrlEncoder()
        .withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256").digest(first.getEncoded())));

    BinderyTokenVerifier verifier = verifier();
    VerificationResult accepted = verifier.verify(
        get().authorization(token.authorizationHeader()).clientCertificate(first).build(), List.of("orders.read"));
    assertThat(accepted.isAccepted()).as(String.valueOf(accepted)).isTrue();
    assertThat(accepted.token().subject()).isEqualTo(id);
    assertThat(accepted.token().clientId()).isEqualTo(id);
    assertThat(accepted.token().scopes()).containsExactly("orders.read");
    assertThat(accepted.token().audience()).containsExactly(AUDIENCE);
    assertThat(accepted.token().issuer()).isEqualTo(server.baseUri().toString());

    // a scope the token does not carry
    VerificationResult insufficient = verifier.verify(
        get().authorization(token.authorizationHeader()).clientCertificate(first).build(), List.of("orders.write"));
    assertThat(insufficient.rejection().status()).isEqualTo(403);
    assertThat(insufficient.rejection().errorCode()).isEqualTo("insufficient_scope");

    // no certificate at all
    VerificationResult noCertificate = verifier.verify(get().authorization(token.authorizationHeader()).build());
    assertThat(noCertificate.isAccepted()).isFalse();
    assertThat(noCertificate.rejection().status()).isEqualTo(401);
    assertThat(noCertificate.rejection().errorCode()).isEqualTo("invalid_token");
    assertThat(noCertificate.rejection().wwwAuthenticate()).anyMatch(h -> h.startsWith("Bearer")
        && h.contains("error=\"invalid_token\""));

    // another certificate of the same identity (its renewal, valid and from the same CA) does not carry the token
    ok("renew", "--key", work.resolve("svid.key").toString(), "--cert", work.resolve("svid.pem").toString());
    X509Certificate second = certificate(work.resolve("svid.pem"));
    assertThat(second.getSerialNumber()).isNotEqualTo(first.getSerialNumber());
    VerificationResult otherCertificate = verifier.verify(
        get().authorization(token.authorizationHeader()).clientCertificate(second).build());
    assertThat(otherCertificate.isAccepted()).isFalse();
    assertThat(otherCertificate.rejection().status()).isEqualTo(401);
    assertThat(otherCertificate.rejection().errorCode()).isEqualTo("invalid_token");

    // the renewed certificate gets its own token, which the verifier accepts with that certificate
    AccessToken renewed = tokenClient(id).build().token();
    assertThat(renewed.scopes()).containsExactlyInAnyOrder("orders.read", "orders.write");
    assertThat(verifier.verify(get().authorization(renewed.authorizationHeader()).clientCertificate(second).build())
        .isAccepted()).isTrue();
    assertThat(verifier.verify(get().authorization(renewed.authorizationHeader()).clientCertificate(first).build())
        .rejection().errorCode()).isEqualTo("invalid_token");
  }

  /** The feed's events after {@code since}, read with the operator token. */
  private JsonNode feedAfter(long since) throws Exception {
    HttpResponse<String> page = HttpClient.newBuilder().sslContext(TlsContexts.trusting(server.caFile())).build()
        .send(HttpRequest.newBuilder(URI.create(server.baseUri() + "/oauth2/revocations?since=" + since))
            .header("Authorization", "Bearer " + Files.readString(server.bootstrapTokenFile()).strip()).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    return JSON.readTree(page.body());
  }

  /**
   * Runs a revoking command of the distribution's command line and returns the one feed event it appended, after
   * checking that the feed had applied it within a second of the command's answer (awaited, not slept).
   */
  private JsonNode revokeThroughTheCli(RevocationFeed feed, String... command) throws Exception {
    long before = feedAfter(0).get("next_since").asLong();
    ok(command);
    long answered = System.nanoTime();
    JsonNode events = feedAfter(before).get("events");
    assertThat(events).as("the event the command appended").hasSize(1);
    assertThat(feed.awaitSequence(events.get(0).get("seq").asLong(), Duration.ofSeconds(1))).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - answered)).isLessThan(Duration.ofSeconds(1));
    return events.get(0);
  }

  @Test
  void certificateBoundToken_revokedByItsHolderThenThroughItsCertificate_refusedByAFeedFollowingVerifier()
      throws Exception {
    String id = enrolledWorkload();
    registerResourceServer();
    // the resource server's own identity reads the feed: the introspect scope, its certificate over mutual TLS
    String resourceServer = okJson("identity", "create", "--kind", "workload", "--name", "orders-api",
        "--owner-team", "platform", "--backup-owner", "team:payments").get("id").asText();
    ok("identity", "scopes", resourceServer, "--scope", "introspect");
    Path codeFile = work.resolve("rs-enrolment-code");
    Files.writeString(codeFile, okJson("enrolment-code", "create", resourceServer).get("code").asText());
    ok("enroll", "--code-file", codeFile.toString(), "--key-out", work.resolve("rs.key").toString(), "--cert-out",
        work.resolve("rs.pem").toString());
    SSLContext resourceServerTls = TlsContexts.mutualTls(work.resolve("rs.key"), work.resolve("rs.pem"),
        server.caFile());
    X509Certificate certificate = certificate(work.resolve("svid.pem"));
    String token = ok("token", "get", "--key", work.resolve("svid.key").toString(), "--cert",
        work.resolve("svid.pem").toString(), "--resource", AUDIENCE).strip();
    String sameCertificate = tokenClient(id).build().token().value();

    try (RevocationFeed feed = RevocationFeed.builder().issuer(server.baseUri().toString())
        .sslContext(resourceServerTls).build()) {
      feed.pollOnce();
      feed.start();
      BinderyTokenVerifier verifier = BinderyTokenVerifier.builder().issuer(server.baseUri().toString())
          .audience(AUDIENCE).sslContext(resourceServerTls).revocationFeed(feed).build();
      RequestFacts request = get().authorization("Bearer " + token).clientCertificate(certificate).build();
      RequestFacts other = get().authorization("Bearer " + sameCertificate).clientCertificate(certificate).build();
      assertThat(verifier.verify(request).isAccepted()).isTrue();
      assertThat(verifier.verify(other).isAccepted()).isTrue();

      // RFC 7009 by the holder, with the command line: that token only
      JsonNode holderRevocation = revokeThroughTheCli(feed, "token", "revoke", "--key",
          work.resolve("svid.key").toString(), "--cert", work.resolve("svid.pem").toString(), token);
      assertThat(holderRevocation.get("type").asText()).isEqualTo("token");
      assertThat(holderRevocation.get("value").asText()).isEqualTo(claims(token).get("jti").asText());
      VerificationResult revoked = verifier.verify(request);
      assertThat(revoked.rejection().status()).isEqualTo(401);
      assertThat(revoked.rejection().errorCode()).isEqualTo("invalid_token");
      assertThat(revoked.rejection().description()).isEqualTo("token revoked");
      assertThat(verifier.verify(other).isAccepted()).as("another token of the certificate").isTrue();

      // the certificate's credential revoked: every token bound to it
      String credential = okJson("credential", "list", id).get("items").get(0).get("id").asText();
      JsonNode credentialRevocation = revokeThroughTheCli(feed, "credential", "revoke", credential, "--reason",
          "key_compromise");
      assertThat(credentialRevocation.get("type").asText()).isEqualTo("x5t#S256");
      assertThat(credentialRevocation.get("value").asText())
          .isEqualTo(claims(sameCertificate).get("cnf").get("x5t#S256").asText());
      VerificationResult cascaded = verifier.verify(other);
      assertThat(cascaded.rejection().errorCode()).isEqualTo("invalid_token");
      assertThat(cascaded.rejection().description()).isEqualTo("token revoked");
    }
  }

  @Test
  void dpopBoundToken_acceptedWithAProofOfItsKey_refusedAsBearerOrWithAnotherKey() throws Exception {
    String id = enrolledWorkload();
    registerResourceServer();
    DPoPProofFactory dpop = DPoPProofFactory.generate(Clock.systemUTC());
    BinderyTokenClient client = tokenClient(id).dpop(dpop).build();

    AccessToken token = client.token();
    assertThat(token.type()).isEqualTo(AccessToken.Type.DPOP);
    assertThat(token.authorizationHeader()).startsWith("DPoP ");
    JsonNode cnf = claims(token.value()).get("cnf");
    assertThat(cnf.get("jkt").asText()).isEqualTo(dpop.jwkThumbprint());
    assertThat(cnf.has("x5t#S256")).isFalse();

    BinderyTokenVerifier verifier = verifier();
    URI uri = URI.create(AUDIENCE + "/orders/42");
    VerificationResult accepted = verifier.verify(get().authorization(token.authorizationHeader())
        .dpop(client.dpopProof("GET", uri, token, null)).build(), List.of("orders.read"));
    assertThat(accepted.isAccepted()).as(String.valueOf(accepted)).isTrue();
    assertThat(accepted.token().confirmation().keyThumbprint()).contains(dpop.jwkThumbprint());

    // the same token as a Bearer token, even with a proof alongside
    VerificationResult asBearer = verifier.verify(get().authorization("Bearer " + token.value())
        .dpop(client.dpopProof("GET", uri, token, null)).build());
    assertThat(asBearer.isAccepted()).isFalse();
    assertThat(asBearer.rejection().status()).isEqualTo(401);
    assertThat(asBearer.rejection().errorCode()).isEqualTo("invalid_token");

    // a proof from another key
    DPoPProofFactory other = DPoPProofFactory.generate(Clock.systemUTC());
    VerificationResult otherKey = verifier.verify(get().authorization(token.authorizationHeader())
        .dpop(other.proofForResource("GET", uri, token, null)).build());
    assertThat(otherKey.isAccepted()).isFalse();
    assertThat(otherKey.rejection().errorCode()).isEqualTo("invalid_token");

    // no proof at all
    VerificationResult noProof = verifier.verify(get().authorization(token.authorizationHeader()).build());
    assertThat(noProof.isAccepted()).isFalse();
    assertThat(noProof.rejection().errorCode()).isEqualTo("invalid_dpop_proof");
  }

  @Test
  void privateKeyJwt_registeredKeyAlsoTheDpopKey_boundToItAndRefusedOnceTheKeyIsRevoked() throws Exception {
    String id = enrolledWorkload();
    registerResourceServer();
    KeyPair key = TestKeys.ecP256();
    Path jwk = work.resolve("client.jwk");
    Files.writeString(jwk, TestClientAssertion.publicJwk(key.getPublic()));
    String credentialId = okJson("public-key", "register", id, "--jwk-file", jwk.toString(), "--expires-at",
        Instant.now().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS).toString()).get("id").asText();
    DPoPProofFactory dpop = DPoPProofFactory.of(key, Clock.systemUTC());
    BinderyTokenClient client = BinderyTokenClient.builder().issuer(server.baseUri().toString()).clientId(id)
        .privateKeyJwt(key).trustedCaFile(server.caFile()).dpop(dpop).resources(AUDIENCE).build();

    AccessToken token = client.token();

    assertThat(token.type()).isEqualTo(AccessToken.Type.DPOP);
    assertThat(claims(token.value()).get("sub").asText()).isEqualTo(id);
    assertThat(claims(token.value()).at("/cnf/jkt").asText()).as("bound to the registered key itself")
        .isEqualTo(TestClientAssertion.thumbprint(key.getPublic())).isEqualTo(dpop.jwkThumbprint());
    URI uri = URI.create(AUDIENCE + "/orders/42");
    VerificationResult accepted = verifier().verify(get().authorization(token.authorizationHeader())
        .dpop(client.dpopProof("GET", uri, token, null)).build(), List.of("orders.read"));
    assertThat(accepted.isAccepted()).as(String.valueOf(accepted)).isTrue();
    // each request signs a new assertion (new jti): a second token is issued too
    assertThat(client.requestNewToken().value()).isNotEqualTo(token.value());

    ok("credential", "revoke", credentialId, "--reason", "key_compromise");
    assertThatThrownBy(client::requestNewToken).isInstanceOfSatisfying(OAuthErrorException.class, e -> {
      assertThat(e.error()).isEqualTo("invalid_client");
      assertThat(e.status()).isEqualTo(401);
    });
  }

  @Test
  void tokenRequest_forAnUnregisteredAudience_refusedWithInvalidTarget() throws Exception {
    String id = enrolledWorkload();
    assertThatThrownBy(() -> tokenClient(id).build().token()).isInstanceOfSatisfying(OAuthErrorException.class,
        e -> {
          assertThat(e.error()).isEqualTo("invalid_target");
          assertThat(e.status()).isEqualTo(400);
        });
  }
}
