package dev.bindery.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bindery.audit.AuditEvent;
import dev.bindery.audit.AuditQuery;
import dev.bindery.server.bootstrap.BinderyServer;
import dev.bindery.server.config.BinderyConfig;
import dev.bindery.server.tls.PemFiles;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real server for end-to-end tests: dev TLS in a temporary data directory, a fresh in-memory H2 database,
 * a free loopback port, a controllable clock, and a JDK HttpClient that trusts only the generated dev CA.
 */
public final class TestServer implements AutoCloseable {
  public final MutableClock clock;
  public final BinderyServer server;
  public final HttpClient client;
  public final String adminToken;

  private TestServer(MutableClock clock, BinderyServer server, HttpClient client, String adminToken) {
    this.clock = clock;
    this.server = server;
    this.client = client;
    this.adminToken = adminToken;
  }

  public static TestServer start(Path dataDir) {
    return start(dataDir, Map.of());
  }

  public static TestServer start(Path dataDir, Map<String, String> overrides) {
    return start(dataDir, overrides, Instant.now());
  }

  /**
   * A server whose clock starts at {@code clockStart}. Start it in the past when a test moves the clock on by more
   * than a little and then presents certificates over TLS: the handshake checks their validity against the real
   * time, and an X.509-SVID is valid from the server clock's instant of issue.
   */
  public static TestServer start(Path dataDir, Map<String, String> overrides, Instant clockStart) {
    return start(dataDir, overrides, clockStart, null);
  }

  /**
   * A server whose disavow links call {@code disavowHandler} (null: the change-request engine's). The webhook
   * dispatcher does not run on its own unless {@code overrides} turn {@code bindery.notify.enabled} on: tests call
   * its {@code runOnce()}.
   */
  public static TestServer start(Path dataDir, Map<String, String> overrides,
      dev.bindery.notify.DisavowHandler disavowHandler) {
    return start(dataDir, overrides, Instant.now(), disavowHandler);
  }

  /**
   * A server whose followed links of change requests go to the change-request engine and links of support actions
   * to {@code supportDisavows}; the dispatcher is driven by the test as above.
   */
  public static TestServer startWithSupportDisavows(Path dataDir, Map<String, String> overrides,
      dev.bindery.support.SupportDisavowHandler supportDisavows) {
    return start(dataDir, overrides, Instant.now(), null, supportDisavows);
  }

  private static TestServer start(Path dataDir, Map<String, String> overrides, Instant clockStart,
      dev.bindery.notify.DisavowHandler disavowHandler) {
    return start(dataDir, overrides, clockStart, disavowHandler, null);
  }

  private static TestServer start(Path dataDir, Map<String, String> overrides, Instant clockStart,
      dev.bindery.notify.DisavowHandler disavowHandler, dev.bindery.support.SupportDisavowHandler supportDisavows) {
    Map<String, String> values = new HashMap<>();
    values.put(BinderyConfig.NOTIFY_ENABLED, "false");
    values.put(BinderyConfig.DATA_DIR, dataDir.toString());
    values.put(BinderyConfig.HTTP_PORT, "0");
    values.put(BinderyConfig.DB_URL, "jdbc:h2:mem:test-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    values.put(BinderyConfig.DB_POOL_SIZE, "4");
    values.putAll(overrides);
    MutableClock clock = new MutableClock(clockStart);
    BinderyServer server = BinderyServer.start(BinderyConfig.fromSources(values, Map.of()), clock, disavowHandler,
        supportDisavows);
    try {
      String token = Files.readString(server.bootstrapTokenFile()).strip();
      return new TestServer(clock, server, client(server.caFile()), token);
    } catch (IOException e) {
      server.stop();
      throw new IllegalStateException(e);
    }
  }

  /** A client that trusts only the given CA certificate (PEM). */
  public static HttpClient clientTrusting(Path caFile) {
    return client(caFile);
  }

  static HttpClient client(Path caFile) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("dev-ca", PemFiles.readCertificates(caFile).get(0));
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), new SecureRandom());
      return HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10)).build();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A response with its problem/JSON body parsed on demand. */
  public record Response(int status, HttpHeaders headers, String body) {
    public JsonNode json() {
      try {
        return Json.MAPPER.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }

    public String code() {
      return json().path("code").asText(null);
    }

    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  public Response send(String method, String path, String token, String body, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUri() + path)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    boolean contentTypeGiven = false;
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
      contentTypeGiven |= headers[i].equalsIgnoreCase("Content-Type");
    }
    if (body != null && !contentTypeGiven) {
      b.header("Content-Type", "application/json");
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    return send(b.build());
  }

  public Response send(HttpRequest request) {
    try {
      HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public Response get(String path, String token) {
    return send("GET", path, token, null);
  }

  public Response post(String path, String token, String body) {
    return send("POST", path, token, body);
  }

  public long auditHead() {
    return server.transactor().read(t -> t.audit().head().seq());
  }

  public AuditEvent lastAuditEvent() {
    long head = auditHead();
    List<AuditEvent> events = server.transactor().read(t -> t.audit().query(
        new AuditQuery(null, null, null, null, null, head - 1, 1)));
    return events.get(0);
  }

  public long identityCount() {
    return server.transactor().read(t -> t.identities().count());
  }

  @Override
  public void close() {
    server.stop();
  }
}
