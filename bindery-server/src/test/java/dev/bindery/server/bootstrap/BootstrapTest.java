package dev.bindery.server.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.bindery.server.config.BinderyConfig;
import dev.bindery.server.config.ConfigException;
import dev.bindery.server.files.SecureFiles;
import dev.bindery.server.http.MutableClock;
import dev.bindery.server.http.TestServer;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** First start on an empty store, restart, files mode, and what never reaches the logs. */
class BootstrapTest {
  @TempDir Path dir;

  private Map<String, String> devConfig() {
    Map<String, String> v = new HashMap<>();
    v.put(BinderyConfig.DATA_DIR, dir.resolve("data").toString());
    v.put(BinderyConfig.HTTP_PORT, "0");
    return v; // default database: an H2 file under the data directory, so a restart sees the same data
  }

  @Test
  void firstStart_writesOwnerOnlyTokenFileNeverLogsSecrets_restartKeepsState() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    try {
      BinderyConfig config = BinderyConfig.fromSources(devConfig(), Map.of());
      BinderyServer server = BinderyServer.start(config, new MutableClock(Instant.now()));
      String token;
      String caBefore;
      String identityCaBefore;
      try {
        assertThat(server.bootstrapped()).isTrue();
        Path tokenFile = server.bootstrapTokenFile();
        assertThat(Files.getPosixFilePermissions(tokenFile)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        token = Files.readString(tokenFile).strip();
        assertThat(token).startsWith("bnd_op_");
        Path masterKey = config.masterKeyFile();
        assertThat(Files.getPosixFilePermissions(masterKey)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.size(masterKey)).isEqualTo(32);
        assertThat(Files.getPosixFilePermissions(config.dataDir().resolve("tls/ca.key")))
            .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        caBefore = Files.readString(server.caFile());
        identityCaBefore = Files.readString(server.identityCaFile());

        // use the token and enrol TOTP so that secrets pass through every layer that logs
        HttpClient client = clientFor(server);
        var me = send(client, server, "GET", "/api/v1/operators/me", token, null);
        assertThat(me.statusCode()).isEqualTo(200);
        var totp = send(client, server, "POST", "/api/v1/operators/me/totp", token, "{}");
        assertThat(totp.statusCode()).isEqualTo(201);
        String secret = dev.bindery.server.http.Json.MAPPER.readTree(totp.body()).get("secret").asText();
        var badCode = send(client, server, "POST", "/api/v1/operators/me/totp/confirm", token, "{\"code\":\"98765x\"}");
        assertThat(badCode.statusCode()).isEqualTo(403);

        String logged = logs.list.stream().map(e -> e.getFormattedMessage() + " " + e.getMDCPropertyMap()
            + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage())).collect(Collectors.joining("\n"));
        assertThat(logged).contains(tokenFile.toAbsolutePath().toString());
        assertThat(logged).doesNotContain(token).doesNotContain(token.substring(7, 30)).doesNotContain("Bearer")
            .doesNotContain(secret).doesNotContain("98765x");
      } finally {
        server.stop();
      }

      BinderyServer again = BinderyServer.start(config, new MutableClock(Instant.now()));
      try {
        assertThat(again.bootstrapped()).isFalse();
        assertThat(Files.readString(again.bootstrapTokenFile()).strip()).isEqualTo(token);
        assertThat(Files.readString(again.caFile())).isEqualTo(caBefore);
        // the identity CA is stored in the database: the restart loads it, it does not make a new one
        assertThat(Files.readString(again.identityCaFile())).isEqualTo(identityCaBefore);
        assertThat(again.identityCa().root()).isEqualTo(
            dev.bindery.pki.Pem.parseCertificates(identityCaBefore).get(1));
        assertThat(send(clientFor(again), again, "GET", "/api/v1/operators/me", token, null).statusCode()).isEqualTo(200);
      } finally {
        again.stop();
      }
    } finally {
      root.detachAppender(logs);
    }
  }

  @Test
  void filesMode_requiresAnExistingMasterKey_thenServesTheGivenCertificate() throws Exception {
    // generate PEM material with a dev start, then use it as operator-supplied files
    BinderyServer dev = BinderyServer.start(BinderyConfig.fromSources(devConfig(), Map.of()), new MutableClock(Instant.now()));
    dev.stop();
    Path tls = dir.resolve("data/tls");
    Map<String, String> files = new HashMap<>();
    files.put(BinderyConfig.DATA_DIR, dir.resolve("prod").toString());
    files.put(BinderyConfig.HTTP_PORT, "0");
    files.put(BinderyConfig.TLS_MODE, "files");
    files.put(BinderyConfig.TLS_CERT_FILE, tls.resolve("server.pem").toString());
    files.put(BinderyConfig.TLS_KEY_FILE, tls.resolve("server.key").toString());
    files.put(BinderyConfig.DB_URL, "jdbc:h2:mem:files-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
    BinderyConfig config = BinderyConfig.fromSources(files, Map.of());
    assertThatThrownBy(() -> BinderyServer.start(config, new MutableClock(Instant.now())))
        .isInstanceOf(ConfigException.class).hasMessageContaining(BinderyConfig.MASTER_KEY_FILE);
    assertThat(config.masterKeyFile()).doesNotExist();

    SecureFiles.writeAtomically(config.masterKeyFile(), new byte[32], true);
    BinderyServer server = BinderyServer.start(config, new MutableClock(Instant.now()));
    try {
      assertThat(server.caFile()).isNull();
      HttpClient client = TestServerAccess.client(tls.resolve("ca.pem"));
      assertThat(send(client, server, "GET", "/health/ready", null, null).statusCode()).isEqualTo(200);
    } finally {
      server.stop();
    }
  }

  private static HttpClient clientFor(BinderyServer server) {
    return TestServerAccess.client(server.caFile());
  }

  private static java.net.http.HttpResponse<String> send(HttpClient client, BinderyServer server, String method,
      String path, String token, String body) throws Exception {
    var b = java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.baseUri() + path));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    b.method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
        : java.net.http.HttpRequest.BodyPublishers.ofString(body));
    return client.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
  }

  /** Reaches the test client factory of {@link TestServer}. */
  static final class TestServerAccess {
    static HttpClient client(Path ca) {
      return TestServer.clientTrusting(ca);
    }
  }
}
