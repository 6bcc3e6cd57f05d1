package dev.bindery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bindery.cli.FakeBinderyServer.Received;
import dev.bindery.cli.FakeBinderyServer.Reply;
import dev.bindery.cli.failure.ExitCodes;
import dev.bindery.cli.http.Json;
import dev.bindery.client.jose.Thumbprints;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.SignedJWT;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bindery token get|introspect|revoke}, {@code resource-server} and {@code token-policy} against a fake
 * server: {@code token get} over mutual TLS (the fake requires a client certificate), the OAuth form requests and
 * their RFC 6749 errors, and the operator commands' JSON bodies.
 */
class TokenCommandsTest {
  private static final String TOKEN_JWT = jwt("{\"typ\":\"at+jwt\",\"alg\":\"ES256\",\"kid\":\"key_1\"}",
      "{\"sub\":\"nhi_abc\",\"scope\":\"orders.read\",\"cnf\":{\"x5t#S256\":\"abc\"}}");
  private static WorkloadCa ca;
  private static TestPki pki;

  @TempDir Path dir;
  private FakeBinderyServer server;
  private Path caFile;
  private Path key;
  private Path cert;

  @BeforeAll
  static void generatePki() throws Exception {
    ca = WorkloadCa.generate();
    pki = TestPki.generate();
  }

  @BeforeEach
  void start() throws Exception {
    server = FakeBinderyServer.mutualTls(pki.mutualTlsServerContext());
    server.replyJson("GET", "/.well-known/oauth-authorization-server", 200, "{\"issuer\":\"" + server.url()
        + "\",\"token_endpoint\":\"" + server.url() + "/oauth2/token\",\"jwks_uri\":\"" + server.url()
        + "/oauth2/jwks\",\"mtls_endpoint_aliases\":{\"token_endpoint\":\"" + server.url() + "/oauth2/token\"}}");
    caFile = Files.writeString(dir.resolve("server-ca.pem"), pki.caPem());
    KeyPair pair = WorkloadCa.ecKey();
    key = WorkloadCa.writePkcs8(dir.resolve("svid.key"), pair.getPrivate());
    cert = Files.writeString(dir.resolve("svid.pem"), WorkloadCa.pem(ca.issue(pair.getPublic()), ca.intermediate,
        ca.root));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static String jwt(String header, String claims) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".c2ln";
  }

  private CliRun run(String... args) {
    Map<String, String> environment = new HashMap<>();
    environment.put("BINDERY_SERVER", server.url());
    environment.put("BINDERY_CA_FILE", caFile.toString());
    environment.put("BINDERY_TOKEN", ClientTestData.TOKEN);
    return CliRun.run(environment, args);
  }

  private CliRun tokenGet(String... extra) {
    return run(Stream.concat(Stream.of("token", "get", "--key", key.toString(), "--cert", cert.toString()),
        Stream.of(extra)).toArray(String[]::new));
  }

  private void tokenEndpointAnswers(String tokenType) {
    server.replyJson("POST", "/oauth2/token", 200, "{\"access_token\":\"" + TOKEN_JWT + "\",\"token_type\":\""
        + tokenType + "\",\"expires_in\":300,\"scope\":\"orders.read\"}");
  }

  private static Map<String, List<String>> form(String body) {
    Map<String, List<String>> form = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      String[] kv = pair.split("=", 2);
      form.computeIfAbsent(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), k -> new java.util.ArrayList<>())
          .add(URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
    }
    return form;
  }

  private Received tokenRequest() {
    return server.received().stream().filter(r -> r.pathAndQuery().equals("/oauth2/token")).findFirst()
        .orElseThrow();
  }

  @Test
  void tokenGet_overMutualTls_sendsClientIdFromCertificateScopesAndResources_printsToken() throws Exception {
    tokenEndpointAnswers("Bearer");

    CliRun run = tokenGet("--scope", "orders.read", "--resource", "https://orders.example", "--resource",
        "https://billing.example");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().strip()).isEqualTo(TOKEN_JWT);
    Received request = tokenRequest();
    assertThat(request.clientCertificates()).as("presented in the handshake").hasSize(3);
    assertThat(request.header("Authorization")).as("no operator token is sent").isNull();
    assertThat(request.header("DPoP")).isNull();
    assertThat(form(request.body())).containsExactly(Map.entry("grant_type", List.of("client_credentials")),
        Map.entry("client_id", List.of(WorkloadCa.IDENTITY)), Map.entry("scope", List.of("orders.read")),
        Map.entry("resource", List.of("https://orders.example", "https://billing.example")));
  }

  @Test
  void tokenGet_decode_printsHeaderAndClaims() {
    tokenEndpointAnswers("Bearer");

    CliRun run = tokenGet("--decode");

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode decoded = Json.parse(run.out());
    assertThat(decoded.get("header").get("typ").asText()).isEqualTo("at+jwt");
    assertThat(decoded.get("claims").get("cnf").get("x5t#S256").asText()).isEqualTo("abc");
    assertThat(run.out()).doesNotContain(TOKEN_JWT);
  }

  @Test
  void tokenGet_outputJson_printsTheTokenResponse() {
    tokenEndpointAnswers("Bearer");

    CliRun run = tokenGet("--output", "json");

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonAssert.assertSameJson(run.out(), "{\"access_token\":\"" + TOKEN_JWT
        + "\",\"token_type\":\"Bearer\",\"expires_in\":300,\"scope\":\"orders.read\"}");
  }

  @Test
  void tokenGet_dpopKey_sendsAProofOfThatKeyForTheTokenEndpoint() throws Exception {
    tokenEndpointAnswers("DPoP");
    KeyPair dpopKey = WorkloadCa.ecKey();
    Path dpopFile = WorkloadCa.writePkcs8(dir.resolve("dpop.key"), dpopKey.getPrivate());

    CliRun run = tokenGet("--dpop-key", dpopFile.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    SignedJWT proof = SignedJWT.parse(tokenRequest().header("DPoP"));
    assertThat(proof.getHeader().getType().toString()).isEqualTo("dpop+jwt");
    assertThat(proof.getJWTClaimsSet().getStringClaim("htm")).isEqualTo("POST");
    assertThat(proof.getJWTClaimsSet().getStringClaim("htu")).isEqualTo(server.url() + "/oauth2/token");
    // the proof's key is the public half of the file's private key: the CLI derived it correctly
    ECKey expected = new ECKey.Builder(Curve.P_256, (ECPublicKey) dpopKey.getPublic()).build();
    assertThat(Thumbprints.jkt((ECKey) proof.getHeader().getJWK())).isEqualTo(Thumbprints.jkt(expected));
    assertThat(proof.verify(new com.nimbusds.jose.crypto.ECDSAVerifier(expected))).isTrue();
  }

  @Test
  void tokenGet_dpopKeyNotP256_refusedAsUsageBeforeAnyRequest() throws Exception {
    KeyPair rsa = java.security.KeyPairGenerator.getInstance("RSA").generateKeyPair();
    Path dpopFile = WorkloadCa.writePkcs8(dir.resolve("rsa.key"), rsa.getPrivate());

    CliRun run = tokenGet("--dpop-key", dpopFile.toString());

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("is not an EC P-256 private key");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void tokenGet_privateKeyJwt_sendsAnAssertionSignedByTheKeyWithoutAClientCertificate() throws Exception {
    try (FakeBinderyServer plain = FakeBinderyServer.https(pki.serverContext)) {
      plain.replyJson("GET", "/.well-known/oauth-authorization-server", 200, "{\"issuer\":\"" + plain.url()
          + "\",\"token_endpoint\":\"" + plain.url() + "/oauth2/token\",\"jwks_uri\":\"" + plain.url()
          + "/oauth2/jwks\"}");
      plain.replyJson("POST", "/oauth2/token", 200, "{\"access_token\":\"" + TOKEN_JWT
          + "\",\"token_type\":\"DPoP\",\"expires_in\":300}");
      KeyPair registered = WorkloadCa.ecKey();
      Path keyFile = WorkloadCa.writePkcs8(dir.resolve("client.key"), registered.getPrivate());

      CliRun run = CliRun.run(Map.of("BINDERY_SERVER", plain.url(), "BINDERY_CA_FILE", caFile.toString()),
          "token", "get", "--private-key-jwt", keyFile.toString(), "--client-id", WorkloadCa.IDENTITY, "--kid",
          "key-1", "--dpop");

      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(run.out().strip()).isEqualTo(TOKEN_JWT);
      Received request = plain.received().stream().filter(r -> r.pathAndQuery().equals("/oauth2/token"))
          .findFirst().orElseThrow();
      assertThat(request.clientCertificates()).isEmpty();
      assertThat(request.header("DPoP")).isNotNull();
      Map<String, List<String>> form = form(request.body());
      assertThat(form.get("client_assertion_type"))
          .containsExactly("urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
      SignedJWT assertion = SignedJWT.parse(form.get("client_assertion").get(0));
      assertThat(assertion.getHeader().getKeyID()).isEqualTo("key-1");
      assertThat(assertion.getJWTClaimsSet().getIssuer()).isEqualTo(WorkloadCa.IDENTITY);
      assertThat(assertion.getJWTClaimsSet().getSubject()).isEqualTo(WorkloadCa.IDENTITY);
      assertThat(assertion.getJWTClaimsSet().getAudience()).containsExactly(plain.url());
      assertThat(assertion.verify(new com.nimbusds.jose.crypto.ECDSAVerifier((ECPublicKey) registered.getPublic())))
          .isTrue();
    }
  }

  @Test
  void tokenGet_privateKeyJwtWithCertificateOrWithoutClientId_refusedAsUsageBeforeAnyRequest() throws Exception {
    Path keyFile = WorkloadCa.writePkcs8(dir.resolve("client.key"), WorkloadCa.ecKey().getPrivate());

    CliRun both = tokenGet("--private-key-jwt", keyFile.toString(), "--client-id", WorkloadCa.IDENTITY);
    CliRun noClientId = run("token", "get", "--private-key-jwt", keyFile.toString());
    CliRun neither = run("token", "get", "--client-id", WorkloadCa.IDENTITY);

    assertThat(both.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(both.err()).contains("not both");
    assertThat(noClientId.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(noClientId.err()).contains("--private-key-jwt needs --client-id");
    assertThat(neither.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(neither.err()).contains("give --key and --cert");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void tokenGet_refused_exitsOneWithTheOAuthErrorAndPrintsNoToken() {
    server.replyJson("POST", "/oauth2/token", 400,
        "{\"error\":\"invalid_scope\",\"error_description\":\"scope not granted\"}");

    CliRun run = tokenGet("--scope", "admin");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.REFUSED);
    assertThat(run.err()).contains("error: invalid_scope: scope not granted");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void tokenGet_httpServer_refusedAsUsage() {
    CliRun run = run("token", "get", "--server", "http://127.0.0.1:1", "--key", key.toString(), "--cert",
        cert.toString());

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("--server must be an https:// URL");
  }

  @Test
  void tokenIntrospect_withCertificate_postsTheTokenFormOverMutualTlsWithoutOperatorToken() {
    server.replyJson("POST", "/oauth2/introspect", 200, "{\"active\":true,\"sub\":\"nhi_abc\"}");

    CliRun run = run("token", "introspect", TOKEN_JWT, "--key", key.toString(), "--cert", cert.toString(),
        "--output", "json");

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonAssert.assertSameJson(run.out(), "{\"active\":true,\"sub\":\"nhi_abc\"}");
    Received request = server.onlyRequest();
    assertThat(request.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
    assertThat(request.header("Authorization")).isNull();
    assertThat(request.clientCertificates()).hasSize(3);
    assertThat(form(request.body())).containsExactly(Map.entry("token", List.of(TOKEN_JWT)));
  }

  @Test
  void tokenIntrospect_withoutCertificate_sendsTheOperatorToken_readsTokenFromStdin() throws Exception {
    try (FakeBinderyServer https = FakeBinderyServer.https(pki.serverContext)) {
      https.replyJson("POST", "/oauth2/introspect", 200, "{\"active\":false}");
      Map<String, String> environment = Map.of("BINDERY_SERVER", https.url(), "BINDERY_CA_FILE",
          caFile.toString(), "BINDERY_TOKEN", ClientTestData.TOKEN);

      CliRun run = CliRun.runWithStdin(environment, TOKEN_JWT + "\n", "token", "introspect", "-", "--output",
          "json");

      assertThat(run.exitCode()).as(run.err()).isZero();
      JsonAssert.assertSameJson(run.out(), "{\"active\":false}");
      Received request = https.onlyRequest();
      assertThat(request.header("Authorization")).isEqualTo("Bearer " + ClientTestData.TOKEN);
      assertThat(request.clientCertificates()).isEmpty();
      assertThat(form(request.body())).containsExactly(Map.entry("token", List.of(TOKEN_JWT)));
      assertThat(run.all()).doesNotContain(ClientTestData.TOKEN);
    }
  }

  @Test
  void tokenIntrospect_answerWithoutActive_isAServerError() {
    server.replyJson("POST", "/oauth2/introspect", 200, "{\"sub\":\"nhi_abc\"}");

    CliRun run = run("token", "introspect", TOKEN_JWT, "--key", key.toString(), "--cert", cert.toString());

    assertThat(run.exitCode()).isEqualTo(ExitCodes.SERVER_ERROR);
    assertThat(run.out()).isEmpty();
  }

  @Test
  void tokenRevoke_errorAnswer_exitsOneNamingTheRfcCode_neverEchoesTheToken() {
    server.replyJson("POST", "/oauth2/revoke", 401, "{\"error\":\"invalid_client\"}");

    CliRun run = run("token", "revoke", TOKEN_JWT, "--key", key.toString(), "--cert", cert.toString());

    assertThat(run.exitCode()).isEqualTo(ExitCodes.REFUSED);
    assertThat(run.err()).contains("error: invalid_client");
    assertThat(run.all()).doesNotContain(TOKEN_JWT);
    assertThat(form(server.onlyRequest().body())).containsExactly(Map.entry("token", List.of(TOKEN_JWT)),
        Map.entry("client_id", List.of(WorkloadCa.IDENTITY)));
  }

  @Test
  void tokenRevoke_withCertificate_sendsTheTokenAndTheClientIdOfTheCertificate_noOperatorToken() {
    server.reply("POST", "/oauth2/revoke", new Reply(200, null, "", Map.of()));

    CliRun run = run("token", "revoke", TOKEN_JWT, "--key", key.toString(), "--cert", cert.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("token revoked");
    Received request = server.onlyRequest();
    assertThat(request.header("Authorization")).isNull();
    assertThat(request.clientCertificates()).hasSize(3);
    // the holder authenticates as at the token endpoint, where client_id is required with mutual TLS
    assertThat(form(request.body())).containsExactly(Map.entry("token", List.of(TOKEN_JWT)),
        Map.entry("client_id", List.of(WorkloadCa.IDENTITY)));
  }

  @Test
  void tokenRevoke_clientIdOption_overridesTheCertificateName() {
    server.reply("POST", "/oauth2/revoke", new Reply(200, null, "", Map.of()));

    CliRun run = run("token", "revoke", TOKEN_JWT, "--key", key.toString(), "--cert", cert.toString(),
        "--client-id", "nhi_other");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(form(server.onlyRequest().body())).containsExactly(Map.entry("token", List.of(TOKEN_JWT)),
        Map.entry("client_id", List.of("nhi_other")));
  }

  @Test
  void tokenRevoke_clientIdWithoutCertificate_usageError_noRequest() {
    CliRun run = run("token", "revoke", TOKEN_JWT, "--client-id", "nhi_other");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("--client-id goes with --key and --cert");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void tokenRevoke_keyWithoutCert_usageError_noRequest() {
    CliRun run = run("token", "revoke", TOKEN_JWT, "--key", key.toString());

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("give --key and --cert together");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void usageError_neverEchoesAnAccessToken() {
    CliRun run = run("token", "revoke", TOKEN_JWT, "--bogus");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).doesNotContain(TOKEN_JWT);
  }
}
