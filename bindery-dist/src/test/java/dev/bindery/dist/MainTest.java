package dev.bindery.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.bindery.cli.ClientContext;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The distribution's top-level command: server and client commands side by side, one help, one version. */
class MainTest {
  private record Run(int exitCode, String out, String err) {}

  private static Run run(Map<String, String> environment, String... args) {
    CommandLine bindery = Main.commandLine(new ClientContext(environment, Duration.ofSeconds(5),
        Duration.ofSeconds(10)));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    bindery.setOut(new PrintWriter(out, true));
    bindery.setErr(new PrintWriter(err, true));
    int exitCode = bindery.execute(args);
    return new Run(exitCode, out.toString(), err.toString());
  }

  @Test
  void help_listsServerAndClientCommandsAndExitCodes() {
    Run run = run(Map.of(), "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).containsPattern("(?m)^ +dev ").containsPattern("(?m)^ +server ")
        .containsPattern("(?m)^ +identity ").containsPattern("(?m)^ +operator ")
        .containsPattern("(?m)^ +team ").containsPattern("(?m)^ +audit ")
        .contains("Exit codes:").containsPattern("5 +audit verification found a broken chain");
  }

  @Test
  void help_listsCredentialAndWorkloadCommands() {
    Run run = run(Map.of(), "--help");

    for (String command : new String[] {"enrolment-code", "credential", "public-key", "certificate", "api-key",
        "leak", "report", "policy", "renew"}) {
      assertThat(run.out()).containsPattern("(?m)^ +" + command + " ");
    }
    assertThat(run.out()).containsPattern("(?m)^ +enroll, enrol ")
        .containsPattern("6 +a certificate was issued but could not be saved");
  }

  @Test
  void enrollThroughTopLevel_usesContextEnvironmentAndSendsNoToken() throws Exception {
    AtomicReference<String> authorization = new AtomicReference<>("unset");
    AtomicReference<String> path = new AtomicReference<>();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
      path.set(exchange.getRequestURI().getPath());
      byte[] body = "{\"code\":\"enrolment_code_used\",\"detail\":\"used\"}".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
      exchange.sendResponseHeaders(401, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    Path dir = Files.createTempDirectory("bindery-dist-enrol");
    try {
      Run run = run(Map.of("BINDERY_SERVER", "http://127.0.0.1:" + server.getAddress().getPort(),
          "BINDERY_TOKEN", "bnd_op_distTest", "BINDERY_ENROLMENT_CODE", "bnd_enr_distTest"), "enroll",
          "--key-out", dir.resolve("k").toString(), "--cert-out", dir.resolve("c").toString());

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.err()).contains("enrolment_code_used: used");
      assertThat(path.get()).isEqualTo("/api/v1/enrol");
      assertThat(authorization.get()).isNull();
      try (var files = Files.list(dir)) {
        assertThat(files).isEmpty();
      }
    } finally {
      server.stop(0);
      try (var files = Files.list(dir)) {
        files.forEach(file -> file.toFile().delete());
      }
      Files.delete(dir);
    }
  }

  @Test
  void version_printsBinderyVersion() {
    Run run = run(Map.of(), "--version");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("bindery ");
  }

  @Test
  void devAndServerHelp_reachTheServerCommands() {
    assertThat(run(Map.of(), "dev", "--help").out()).contains("--data-dir");
    assertThat(run(Map.of(), "server", "--help").out()).contains("--config");
  }

  @Test
  void noCommand_usageError2() {
    Run run = run(Map.of());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("missing command");
  }

  @Test
  void clientCommand_throughTopLevel_usesContextEnvironmentAndToken() throws Exception {
    AtomicReference<String> authorization = new AtomicReference<>();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/api/v1/operators/me", exchange -> {
      authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
      byte[] body = "{\"id\":\"op_1\",\"name\":\"alice\"}".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    try {
      Run run = run(Map.of("BINDERY_SERVER", "http://127.0.0.1:" + server.getAddress().getPort(),
          "BINDERY_TOKEN", "bnd_op_distTest"), "operator", "me");

      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).containsPattern("(?m)^name +alice$");
      assertThat(authorization.get()).isEqualTo("Bearer bnd_op_distTest");
    } finally {
      server.stop(0);
    }
  }
}
