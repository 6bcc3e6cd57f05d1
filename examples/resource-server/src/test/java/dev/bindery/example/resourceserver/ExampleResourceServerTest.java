package dev.bindery.example.resourceserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bindery.cli.ClientCommands;
import dev.bindery.cli.ClientContext;
import dev.bindery.client.tls.TlsContexts;
import dev.bindery.server.bootstrap.BinderyServer;
import dev.bindery.server.config.BinderyConfig;
import dev.bindery.testkit.pki.Openssl;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The example resource server against a real Bindery server: a token from {@code bindery token get} is accepted
 * over a connection presenting its certificate, and refused without one or with another certificate of the same
 * identity.
 */
class ExampleResourceServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AUDIENCE = "https://orders.example";
  @TempDir Path dir;
  private BinderyServer bindery;
  private ExampleResourceServer example;
  private Map<String, String> env;

  @BeforeEach
  void start() throws Exception {
    bindery = BinderyServer.start(BinderyConfig.fromSources(Map.of(BinderyConfig.DATA_DIR,
        dir.resolve("data").toString(), BinderyConfig.HTTP_PORT, "0"), Map.of()), Clock.systemUTC());
    env = Map.of("BINDERY_SERVER", bindery.baseUri().toString(), "BINDERY_CA_FILE", bindery.caFile().toString(),
        "BINDERY_TOKEN_FILE", bindery.bootstrapTokenFile().toString());
    Openssl.run(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
        "rs.key", "-out", "rs.pem", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-days", "1")
        .requireSuccess();
    example = ExampleResourceServer.start(new ExampleResourceServer.Settings(bindery.baseUri().toString(), AUDIENCE,
        bindery.caFile(), bindery.identityCaFile(), dir.resolve("rs.pem"), dir.resolve("rs.key"), "127.0.0.1", 0));
  }

  @AfterEach
  void stop() {
    example.close();
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

  private HttpResponse<String> hello(SSLContext tls, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + example.port() + "/hello"));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HttpClient.newBuilder().sslContext(tls).build().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void hello_boundTokenFromTheCli_acceptedOnlyWithItsCertificate() throws Exception {
    bindery("team", "create", "payments", "--display-name", "Payments");
    bindery("team", "create", "platform", "--display-name", "Platform");
    String id = JSON.readTree(bindery("identity", "create", "--kind", "workload", "--name", "orders-client",
        "--owner-team", "payments", "--backup-owner", "team:platform", "--output", "json")).get("id").asText();
    bindery("identity", "scopes", id, "--scope", "orders.read");
    bindery("resource-server", "create", AUDIENCE, "--name", "Orders");
    Files.writeString(dir.resolve("code"), JSON.readTree(bindery("enrolment-code", "create", id, "--ttl", "5m",
        "--output", "json")).get("code").asText());
    Path key = dir.resolve("svid.key");
    Path cert = dir.resolve("svid.pem");
    bindery("enroll", "--code-file", dir.resolve("code").toString(), "--key-out", key.toString(), "--cert-out",
        cert.toString());
    String token = bindery("token", "get", "--key", key.toString(), "--cert", cert.toString(), "--resource",
        AUDIENCE).strip();
    Path rsCa = dir.resolve("rs.pem");

    HttpResponse<String> accepted = hello(TlsContexts.mutualTls(key, cert, rsCa), "Bearer " + token);
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
    JsonNode body = JSON.readTree(accepted.body());
    assertThat(body.get("subject").asText()).isEqualTo(id);
    assertThat(body.get("scopes").toString()).isEqualTo("[\"orders.read\"]");

    HttpResponse<String> noCertificate = hello(TlsContexts.trusting(rsCa), "Bearer " + token);
    assertThat(noCertificate.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(noCertificate.body()).get("error").asText()).isEqualTo("invalid_token");
    assertThat(noCertificate.headers().allValues("WWW-Authenticate"))
        .anyMatch(h -> h.startsWith("Bearer") && h.contains("error=\"invalid_token\""));

    HttpResponse<String> noToken = hello(TlsContexts.mutualTls(key, cert, rsCa), null);
    assertThat(noToken.statusCode()).isEqualTo(401);
    assertThat(noToken.headers().allValues("WWW-Authenticate")).anyMatch(h -> h.startsWith("Bearer"));

    // another certificate of the same identity: its renewal
    bindery("renew", "--key", key.toString(), "--cert", cert.toString());
    HttpResponse<String> otherCertificate = hello(TlsContexts.mutualTls(key, cert, rsCa), "Bearer " + token);
    assertThat(otherCertificate.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(otherCertificate.body()).get("error").asText()).isEqualTo("invalid_token");
  }
}
