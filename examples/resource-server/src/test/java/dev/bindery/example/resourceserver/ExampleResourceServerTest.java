package dev.bindery.example.resourceserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bindery.cli.app.ClientCommands;
import dev.bindery.cli.ClientContext;
import dev.bindery.client.issuer.IssuerUnavailableException;
import dev.bindery.client.tls.TlsContexts;
import dev.bindery.example.resourceserver.ExampleResourceServer.FeedAccess;
import dev.bindery.server.bootstrap.BinderyServer;
import dev.bindery.server.config.BinderyConfig;
import dev.bindery.testkit.pki.Openssl;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.BindException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
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
 * The example resource server against a real Bindery server, along the README walkthrough: a token from
 * {@code bindery token get} is accepted over a connection presenting its certificate and refused without one or
 * with another certificate of the same identity; once revoked (by its holder with {@code bindery token revoke}, or
 * through its certificate with {@code bindery credential revoke}) the example refuses it as soon as its revocation
 * feed has the event, which must be within a second of the revoke command's answer.
 */
class ExampleResourceServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AUDIENCE = "https://orders.example";
  private static final Duration PROPAGATION_LIMIT = Duration.ofSeconds(1);
  @TempDir Path dir;
  private BinderyServer bindery;
  private ExampleResourceServer example;
  private Map<String, String> env;
  private Path rsCa;

  @BeforeEach
  void start() throws Exception {
    bindery = BinderyServer.start(BinderyConfig.fromSources(Map.of(BinderyConfig.DATA_DIR,
        dir.resolve("data").toString(), BinderyConfig.HTTP_PORT, "0"), Map.of()), Clock.systemUTC());
    env = Map.of("BINDERY_SERVER", bindery.baseUri().toString(), "BINDERY_CA_FILE", bindery.caFile().toString(),
        "BINDERY_TOKEN_FILE", bindery.bootstrapTokenFile().toString());
    Openssl.run(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
        "rs.key", "-out", "rs.pem", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-days", "1")
        .requireSuccess();
    rsCa = dir.resolve("rs.pem");
    bindery("team", "create", "payments", "--display-name", "Payments");
    bindery("team", "create", "platform", "--display-name", "Platform");
    bindery("resource-server", "create", AUDIENCE, "--name", "Orders");
  }

  @AfterEach
  void stop() {
    if (example != null) {
      example.close();
    }
    bindery.stop();
  }

  private String bindery(String... args) {
    CommandLine cli = ClientCommands.clientOnly(new ClientContext(env, Duration.ofSeconds(10),
        Duration.ofSeconds(60), new ByteArrayInputStream(new byte[0])));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    assertThat(cli.execute(args)).as(String.join(" ", args) + "\n" + out + err).isZero();
    return out.toString();
  }

  private JsonNode binderyJson(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--output", "json"));
    return JSON.readTree(bindery(all.toArray(String[]::new)));
  }

  /** A workload identity with these scopes; returns its id. */
  private String identity(String name, String... scopes) throws Exception {
    String id = binderyJson("identity", "create", "--kind", "workload", "--name", name, "--owner-team", "payments",
        "--backup-owner", "team:platform").get("id").asText();
    List<String> command = new ArrayList<>(List.of("identity", "scopes", id));
    for (String scope : scopes) {
      command.addAll(List.of("--scope", scope));
    }
    bindery(command.toArray(String[]::new));
    return id;
  }

  /** Enrols a new lineage of the identity with the CLI: {@code <name>.key}, {@code <name>.pem}; its credential id. */
  private String enrol(String id, String name) throws Exception {
    Path code = dir.resolve(name + ".code");
    Files.writeString(code, binderyJson("enrolment-code", "create", id, "--ttl", "5m").get("code").asText());
    return binderyJson("enroll", "--code-file", code.toString(), "--key-out", key(name).toString(), "--cert-out",
        cert(name).toString()).get("credential").get("id").asText();
  }

  private Path key(String name) {
    return dir.resolve(name + ".key");
  }

  private Path cert(String name) {
    return dir.resolve(name + ".pem");
  }

  private ExampleResourceServer startExample(FeedAccess feedAccess) throws Exception {
    return ExampleResourceServer.start(new ExampleResourceServer.Settings(bindery.baseUri().toString(), AUDIENCE,
        bindery.caFile(), bindery.identityCaFile(), rsCa, dir.resolve("rs.key"), "127.0.0.1", 0, feedAccess));
  }

  /** The example fed with the certificate of its own identity, which holds the introspect scope. */
  private ExampleResourceServer startExampleWithItsOwnIdentity() throws Exception {
    enrol(identity("orders-api", "introspect"), "orders-api");
    return startExample(new FeedAccess.IdentityCertificate(key("orders-api"), cert("orders-api")));
  }

  private String token(String name) {
    return bindery("token", "get", "--key", key(name).toString(), "--cert", cert(name).toString(), "--resource",
        AUDIENCE, "--scope", "orders.read").strip();
  }

  private HttpResponse<String> hello(SSLContext tls, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + example.port() + "/hello"));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HttpClient.newBuilder().sslContext(tls).build().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> helloAs(String name, String token) throws Exception {
    return hello(TlsContexts.mutualTls(key(name), cert(name), rsCa), "Bearer " + token);
  }

  private static void assertInvalidToken(HttpResponse<String> response, String description) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("error").asText()).isEqualTo("invalid_token");
    assertThat(body.get("error_description").asText()).isEqualTo(description);
    assertThat(response.headers().allValues("WWW-Authenticate"))
        .anyMatch(h -> h.startsWith("Bearer") && h.contains("error=\"invalid_token\""));
  }

  /** The feed as Bindery serves it after {@code since}, read with the operator token. */
  private JsonNode feedAfter(long since) throws Exception {
    HttpResponse<String> page = HttpClient.newBuilder().sslContext(TlsContexts.trusting(bindery.caFile())).build()
        .send(HttpRequest.newBuilder(URI.create(bindery.baseUri() + "/oauth2/revocations?since=" + since))
            .header("Authorization", "Bearer " + Files.readString(bindery.bootstrapTokenFile()).strip()).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    return JSON.readTree(page.body());
  }

  /**
   * Runs the revoke command, checks that Bindery appended exactly the expected feed event, and returns how long
   * after the command's answer the example's feed had applied it (at most the limit, else the test fails).
   */
  private Duration revokeAndAwaitFeed(String type, String value, String... revokeCommand) throws Exception {
    long before = feedAfter(0).get("next_since").asLong();
    bindery(revokeCommand);
    long answered = System.nanoTime();
    JsonNode events = feedAfter(before).get("events");
    assertThat(events).hasSize(1);
    assertThat(events.get(0).get("type").asText()).isEqualTo(type);
    assertThat(events.get(0).get("value").asText()).isEqualTo(value);
    assertThat(example.awaitRevocationEvent(events.get(0).get("seq").asLong(), PROPAGATION_LIMIT))
        .as("the example's revocation feed applied the event within " + PROPAGATION_LIMIT).isTrue();
    return Duration.ofNanos(System.nanoTime() - answered);
  }

  private static JsonNode claims(String jwt) throws Exception {
    return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
  }

  private static String thumbprint(Path pem) throws Exception {
    try (var in = Files.newInputStream(pem)) {
      X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      return Base64.getUrlEncoder().withoutPadding()
          .encodeToString(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    }
  }

  @Test
  void hello_boundTokenFromTheCli_acceptedOnlyWithItsCertificate() throws Exception {
    String id = identity("orders-client", "orders.read");
    enrol(id, "app");
    example = startExampleWithItsOwnIdentity();
    String token = token("app");

    HttpResponse<String> accepted = helloAs("app", token);
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
    JsonNode body = JSON.readTree(accepted.body());
    assertThat(body.get("subject").asText()).isEqualTo(id);
    assertThat(body.get("scopes").toString()).isEqualTo("[\"orders.read\"]");

    assertInvalidToken(hello(TlsContexts.trusting(rsCa), "Bearer " + token),
        "token is certificate-bound: no client certificate");

    HttpResponse<String> noToken = hello(TlsContexts.mutualTls(key("app"), cert("app"), rsCa), null);
    assertThat(noToken.statusCode()).isEqualTo(401);
    assertThat(noToken.headers().allValues("WWW-Authenticate")).anyMatch(h -> h.startsWith("Bearer"));

    // another valid certificate of the same identity from the same CA: a second enrolment, as in the README
    enrol(id, "app-2");
    assertInvalidToken(helloAs("app-2", token), "client certificate does not match the token binding");
    // and the bound certificate still works: the refusals above revoked nothing
    assertThat(helloAs("app", token).statusCode()).isEqualTo(200);
  }

  @Test
  void hello_tokenRevokedByItsHolder_refusedWithinASecond_otherTokensOfTheCertificateStillAccepted()
      throws Exception {
    enrol(identity("orders-client", "orders.read"), "app");
    example = startExampleWithItsOwnIdentity();
    String token = token("app");
    String other = token("app");
    assertThat(helloAs("app", token).statusCode()).isEqualTo(200);

    Duration propagation = revokeAndAwaitFeed("token", claims(token).get("jti").asText(),
        "token", "revoke", "--key", key("app").toString(), "--cert", cert("app").toString(), token);

    assertInvalidToken(helloAs("app", token), "token revoked");
    assertThat(propagation).isLessThan(PROPAGATION_LIMIT);
    // only that token: another token of the same certificate is still accepted
    assertThat(helloAs("app", other).statusCode()).isEqualTo(200);
  }

  @Test
  void hello_certificateCredentialRevoked_everyTokenBoundToItRefusedWithinASecond() throws Exception {
    String credential = enrol(identity("orders-client", "orders.read"), "app");
    example = startExampleWithItsOwnIdentity();
    String token = token("app");
    String second = token("app");
    assertThat(helloAs("app", token).statusCode()).isEqualTo(200);

    Duration propagation = revokeAndAwaitFeed("x5t#S256", thumbprint(cert("app")),
        "credential", "revoke", credential, "--reason", "key_compromise");

    assertInvalidToken(helloAs("app", token), "token revoked");
    assertInvalidToken(helloAs("app", second), "token revoked");
    assertThat(propagation).isLessThan(PROPAGATION_LIMIT);
  }

  @Test
  void hello_feedReadWithAnOperatorToken_revocationRefused() throws Exception {
    String credential = enrol(identity("orders-client", "orders.read"), "app");
    example = startExample(new FeedAccess.OperatorToken(bindery.bootstrapTokenFile()));
    String token = token("app");
    assertThat(helloAs("app", token).statusCode()).isEqualTo(200);

    revokeAndAwaitFeed("x5t#S256", thumbprint(cert("app")), "credential", "revoke", credential, "--reason",
        "key_compromise");

    assertInvalidToken(helloAs("app", token), "token revoked");
  }

  @Test
  void hello_withoutRevocationFeed_revokedTokenStillAccepted() throws Exception {
    String credential = enrol(identity("orders-client", "orders.read"), "app");
    example = startExample(FeedAccess.none());
    String token = token("app");
    bindery("credential", "revoke", credential, "--reason", "key_compromise");

    // the documented cost of going without the feed: accepted until the token expires
    assertThat(helloAs("app", token).statusCode()).isEqualTo(200);
    assertThat(example.awaitRevocationEvent(1, Duration.ZERO)).isFalse();
  }

  @Test
  void start_feedCertificateOfAnIdentityWithoutTheIntrospectScope_refusedAndNothingListens() throws Exception {
    enrol(identity("orders-api", "orders.read"), "orders-api");
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    ExampleResourceServer.Settings settings = new ExampleResourceServer.Settings(bindery.baseUri().toString(),
        AUDIENCE, bindery.caFile(), bindery.identityCaFile(), rsCa, dir.resolve("rs.key"), "127.0.0.1", port,
        new FeedAccess.IdentityCertificate(key("orders-api"), cert("orders-api")));

    assertThatThrownBy(() -> ExampleResourceServer.start(settings))
        .isInstanceOf(IssuerUnavailableException.class).hasMessage("revocation feed: HTTP 401");
    // the listener was never opened: the port is still free
    try (ServerSocket again = new ServerSocket(port, 0, java.net.InetAddress.getLoopbackAddress())) {
      assertThat(again.getLocalPort()).isEqualTo(port);
    } catch (BindException e) {
      throw new AssertionError("the example opened its listener although its feed was refused", e);
    }
  }

  @Test
  void start_feedCertificateRevoked_refused() throws Exception {
    String credential = enrol(identity("orders-api", "introspect"), "orders-api");
    bindery("credential", "revoke", credential, "--reason", "key_compromise");

    assertThatThrownBy(() -> startExample(new FeedAccess.IdentityCertificate(key("orders-api"), cert("orders-api"))))
        .isInstanceOf(IssuerUnavailableException.class).hasMessage("revocation feed: HTTP 401");
  }
}
