package dev.bindery.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OAuth endpoints served on Jetty's core handler API ({@link CoreRoutes}, ahead of the servlet and Javalin
 * layers) answer exactly as the same handlers answer through Javalin: two servers, one with
 * {@code bindery.http.core-routes} on (the default) and one with it off, get the same requests (successes, every
 * kind of refusal the pipeline or the handlers produce) and must give the same statuses, error bodies and pipeline
 * headers. The core handler's counter shows that it, not Javalin, served the first server's requests.
 */
class CoreRoutesTest {
  static final String API = "https://api.example.com/";
  /** The response headers the pipeline or the handlers set; compared between the two servers. */
  static final List<String> HEADERS = List.of("Cache-Control", "Pragma", "X-Content-Type-Options", "Content-Type",
      "WWW-Authenticate", "DPoP-Nonce", "Allow");
  @TempDir static Path coreDir;
  @TempDir static Path javalinDir;
  static Side core;
  static Side javalin;

  /** One server with an identity (two scopes, an enrolled certificate) and a resource server that introspects. */
  record Side(TestServer s, OAuthSupport o, String id, OAuthSupport.Client client, OAuthSupport.Client introspector) {
    static Side start(Path dir, boolean coreRoutes) {
      TestServer s = TestServer.start(dir, Map.of("bindery.http.core-routes", Boolean.toString(coreRoutes)));
      OAuthSupport o = new OAuthSupport(s);
      String resourceServer = o.identity("introspect");
      o.resourceServer(API, resourceServer);
      OAuthSupport.Client introspector = o.enrol(resourceServer);
      String id = o.identity("billing.read", "billing.write");
      return new Side(s, o, id, o.enrol(id), introspector);
    }

    String form() {
      return "grant_type=client_credentials&client_id=" + id + "&resource=" + enc(API);
    }

    TestServer.Response post(HttpClient http, String path, String contentType, String body, String... headers) {
      return o.post(http, path, contentType, body, headers);
    }
  }

  @BeforeAll
  static void start() {
    core = Side.start(coreDir, true);
    javalin = Side.start(javalinDir, false);
  }

  @AfterAll
  static void stop() {
    core.s().close();
    javalin.s().close();
  }

  static String enc(String v) {
    return URLEncoder.encode(v, StandardCharsets.UTF_8);
  }

  @Test
  void coreHandlerWrapsJavalinAndServesOnlyItsRoutes() {
    CoreRoutes routes = core.s().server.app().coreRoutes();
    assertThat(routes).isNotNull();
    assertThat(routes.getServer().getHandler()).as("the server's first handler").isSameAs(routes);
    assertThat(routes.getHandler().getClass().getName()).as("Javalin's servlet context inside it")
        .endsWith("ServletContextHandler");
    long before = routes.served();
    assertThat(core.o().token(core.client().http(), core.form()).status()).isEqualTo(200);
    String token = core.o().token(core.client().http(), core.form()).json().get("access_token").asText();
    assertThat(core.post(core.introspector().http(), "/oauth2/introspect", OAuthSupport.FORM, "token=" + token)
        .status()).isEqualTo(200);
    assertThat(routes.served()).isEqualTo(before + 3);
    assertThat(core.s().get("/health/live", null).status()).isEqualTo(200);
    assertThat(core.s().get("/oauth2/jwks", null).status()).isEqualTo(200);
    assertThat(core.s().send("GET", "/oauth2/token", null, null).status()).isEqualTo(405);
    assertThat(core.post(core.client().http(), "/oauth2/token/", OAuthSupport.FORM, core.form()).status())
        .as("only the exact path").isEqualTo(404);
    assertThat(routes.served()).as("other routes, methods and paths pass through to Javalin").isEqualTo(before + 3);

    assertThat(javalin.s().server.app().coreRoutes()).as("bindery.http.core-routes=false").isNull();

    // the pipeline's request and refusal metrics count core requests too
    assertThat(core.o().token(core.client().http(), "client_id=" + core.id()).status()).isEqualTo(400);
    String metrics = core.s().get("/metrics", null).body();
    assertThat(metrics).containsPattern(
        "http_server_requests_seconds_count\\{method=\"POST\",route=\"/oauth2/token\",status=\"200\"} [1-9]");
    assertThat(metrics).containsPattern(
        "http_server_requests_seconds_count\\{method=\"POST\",route=\"/oauth2/token\",status=\"400\"} [1-9]");
    assertThat(metrics).containsPattern("bindery_requests_refused_total\\{code=\"invalid_request\"} [1-9]");
  }

  @Test
  void coreRequests_oneAccessLogLineUnderTheRequestId_noTokenInAnyLog() {
    CapturedLogs logs = CapturedLogs.all();
    TestServer.Response issued;
    TestServer.Response refused;
    try (logs) {
      issued = core.o().token(core.client().http(), core.form());
      refused = core.o().token(core.client().http(), core.form() + "&scope=billing.admin");
    }
    assertThat(issued.status()).isEqualTo(200);
    assertThat(refused.status()).isEqualTo(400);
    String token = issued.json().get("access_token").asText();
    List<ILoggingEvent> access = logs.events().stream()
        .filter(e -> e.getLoggerName().equals("dev.bindery.server.http.access")).toList();
    assertThat(access).hasSize(2);
    assertThat(access.get(0).getFormattedMessage())
        .startsWith("event=http_request method=POST route=/oauth2/token status=200 duration_ms=");
    assertThat(access.get(0).getMDCPropertyMap()).containsEntry("request_id", issued.header("X-Request-Id"));
    assertThat(access.get(1).getFormattedMessage()).contains("status=400").endsWith(" code=invalid_scope");
    assertThat(access.get(1).getMDCPropertyMap()).containsEntry("request_id", refused.header("X-Request-Id"));
    for (ILoggingEvent e : logs.events()) {
      assertThat(e.getFormattedMessage()).doesNotContain(token).doesNotContain(token.split("\\.")[2]);
    }
  }

  @Test
  void bothPathsAnswerTheSameToEveryKindOfRequest() {
    Map<String, List<String>> onCore = answers(core);
    Map<String, List<String>> onJavalin = answers(javalin);
    assertThat(onCore.keySet()).containsExactlyElementsOf(onJavalin.keySet());
    for (String name : onCore.keySet()) {
      assertThat(onCore.get(name)).as(name).isEqualTo(onJavalin.get(name));
    }
    // and the answers are the refusals they should be, not the same failure twice
    assertThat(onCore.get("token").get(0)).isEqualTo("200");
    assertThat(onCore.get("no grant_type").get(0)).isEqualTo("400");
    assertThat(onCore.get("no grant_type").get(1)).contains("\"error\":\"invalid_request\"");
    assertThat(onCore.get("password grant").get(1)).contains("\"error\":\"unsupported_grant_type\"");
    assertThat(onCore.get("text/plain").get(1)).contains("application/x-www-form-urlencoded");
    assertThat(onCore.get("basic authorization").get(0)).isEqualTo("401");
    assertThat(onCore.get("basic authorization")).contains("WWW-Authenticate: Basic realm=\"bindery\"");
    assertThat(onCore.get("query parameter").get(1)).contains("\"error\":\"invalid_request\"").contains("debug");
    assertThat(onCore.get("query with an empty name").get(0)).isEqualTo("400");
    assertThat(onCore.get("query with only a value").get(0)).isEqualTo("400");
    assertThat(onCore.get("repeated client_id").get(1)).contains("repeated");
    assertThat(onCore.get("20 KiB body").get(1)).contains("exceeds");
    assertThat(onCore.get("no client certificate").get(0)).isEqualTo("401");
    assertThat(onCore.get("scope not granted").get(1)).contains("\"error\":\"invalid_scope\"");
    assertThat(onCore.get("presented request id")).contains("X-Request-Id: parity-1");
    assertThat(onCore.get("introspect").get(1)).contains("\"active\":true");
    assertThat(onCore.get("introspect without a certificate").get(0)).isEqualTo("401");
    assertThat(onCore.get("revoke").get(0)).isEqualTo("200");
    assertThat(onCore.get("revoke").get(1)).isEmpty();
    assertThat(onCore.get("introspect after revoke").get(1)).isEqualTo("{\"active\":false}");
    assertThat(onCore.get("token").stream().filter(h -> h.startsWith("X-Request-Id: req_")).count()).isEqualTo(1);
  }

  @Test
  void anErrorThrownByACoreHandler_500ServerErrorWithoutDetails_loggedUnderTheRequestId() throws Exception {
    Route boom = Route.post("/boom", "boom").access(Access.PUBLIC)
        .errors(new dev.bindery.server.oauth.OAuthErrors(dev.bindery.oauth.OAuthEvents.NONE))
        .handleExchange(ex -> {
          throw new StackOverflowError("internal detail 7f3a");
        });
    ApiApp app = new ApiApp(List.of(boom), null, 1_048_576, new HttpMetrics(
        new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
            io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT)));
    io.javalin.Javalin javalin = app.create((server, http) -> {
      org.eclipse.jetty.server.ServerConnector c = new org.eclipse.jetty.server.ServerConnector(server);
      c.setHost("127.0.0.1");
      c.setPort(0);
      return c;
    }, 1_048_576);
    javalin.start();
    try (CapturedLogs logs = CapturedLogs.of(ApiApp.class)) {
      TestServer.Response r = OAuthSupport.send(HttpClient.newHttpClient(), HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + javalin.port() + "/boom")).timeout(Duration.ofSeconds(30))
          .POST(HttpRequest.BodyPublishers.ofString("x")).build());
      assertThat(r.status()).isEqualTo(500);
      assertThat(r.body()).isEqualTo(
          "{\"error\":\"server_error\",\"error_description\":\"the server failed; quote the request id\"}");
      assertThat(r.header("Cache-Control")).isEqualTo("no-store");
      assertThat(app.coreRoutes().served()).isEqualTo(1);
      assertThat(logs.events()).hasSize(1);
      assertThat(logs.events().get(0).getFormattedMessage()).contains("event=unexpected_failure route=/boom")
          .contains("StackOverflowError");
      assertThat(logs.events().get(0).getMDCPropertyMap()).containsEntry("request_id", r.header("X-Request-Id"));
    } finally {
      javalin.stop();
    }
  }

  /** The same requests on one side: status, body (successes reduced to what does not vary), headers. */
  static Map<String, List<String>> answers(Side side) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    HttpClient http = side.client().http();
    String form = side.form();
    TestServer.Response issued = side.o().token(http, form);
    out.put("token", answer(issued));
    out.put("no grant_type", answer(side.o().token(http, "client_id=" + side.id())));
    out.put("password grant", answer(side.o().token(http, form.replace("client_credentials", "password"))));
    out.put("text/plain", answer(side.post(http, "/oauth2/token", "text/plain", form)));
    out.put("basic authorization", answer(side.o().token(http, form, "Authorization", "Basic Y2xpZW50OnNlY3JldA==")));
    out.put("query parameter", answer(side.post(http, "/oauth2/token?debug=1", OAuthSupport.FORM, form)));
    out.put("query with an empty name", answer(side.post(http, "/oauth2/token?&", OAuthSupport.FORM, form)));
    out.put("query with only a value", answer(side.post(http, "/oauth2/token?=x", OAuthSupport.FORM, form)));
    out.put("repeated client_id", answer(side.o().token(http, form + "&client_id=" + side.id())));
    out.put("20 KiB body", answer(side.o().token(http, form + "&pad=" + "x".repeat(20 * 1024))));
    out.put("no client certificate", answer(side.o().token(side.s().client, form)));
    out.put("scope not granted", answer(side.o().token(http, form + "&scope=billing.admin")));
    out.put("presented request id", answer(side.o().token(http, form, "X-Request-Id", "parity-1")));
    String token = issued.json().get("access_token").asText();
    out.put("introspect", answer(side.post(side.introspector().http(), "/oauth2/introspect", OAuthSupport.FORM,
        "token=" + token)));
    out.put("introspect without a certificate", answer(side.post(side.s().client, "/oauth2/introspect",
        OAuthSupport.FORM, "token=" + token)));
    out.put("revoke", answer(side.post(http, "/oauth2/revoke", OAuthSupport.FORM, "token=" + token + "&client_id="
        + side.id())));
    out.put("introspect after revoke", answer(side.post(side.introspector().http(), "/oauth2/introspect",
        OAuthSupport.FORM, "token=" + token)));
    out.put("GET token", answer(OAuthSupport.send(http, HttpRequest.newBuilder(
        URI.create(side.s().server.baseUri() + "/oauth2/token")).timeout(Duration.ofSeconds(30)).GET().build())));
    return out;
  }

  @Test
  void refusedWhileTheClientWaitsFor100Continue_answeredAtOnce_noContinueAndNoBodyAwaited() throws Exception {
    long served = core.s().server.app().coreRoutes().served();
    try (RawConnection c = RawConnection.open(core.s())) {
      c.send("POST /oauth2/token?debug=1 HTTP/1.1\r\nHost: localhost\r\n"
          + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 29\r\nExpect: 100-continue\r\n\r\n");
      // the body is never sent: waiting for it (a drain) would leave both sides waiting until the read timeout
      RawConnection.Answer a = c.read();
      assertThat(a.statusLine()).as("a final answer, not 100 Continue").startsWith("HTTP/1.1 400 ");
      assertThat(a.body()).contains("\"invalid_request\"").contains("debug");
    }
    assertThat(core.s().server.app().coreRoutes().served()).isEqualTo(served + 1);
  }

  @Test
  void refusedBeforeItsBodyArrives_theBodyIsDrained_andTheSameConnectionAnswersTheNextRequest() throws Exception {
    long served = core.s().server.app().coreRoutes().served();
    try (RawConnection c = RawConnection.open(core.s())) {
      String form = "grant_type=client_credentials";
      c.send("POST /oauth2/token?debug=1 HTTP/1.1\r\nHost: localhost\r\n"
          + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + form.length() + "\r\n\r\n");
      // the body only once the handler has refused the request: a server that answered without draining would have
      // finished this exchange with the body unread, and Jetty then closes the connection
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (core.s().server.app().coreRoutes().served() == served) {
        assertThat(System.nanoTime()).as("the request reached the core handler").isLessThan(deadline);
        Thread.onSpinWait();
      }
      Thread.sleep(200); // lets a server that does not drain finish its answer first; with the drain, timing is moot
      c.send(form);
      assertThat(c.read().statusLine()).startsWith("HTTP/1.1 400 ");
      c.send("POST /oauth2/token HTTP/1.1\r\nHost: localhost\r\n"
          + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + form.length() + "\r\n\r\n" + form);
      RawConnection.Answer second = c.read();
      assertThat(second.statusLine()).as("the body of the first was not taken for a second request")
          .startsWith("HTTP/1.1 401 ");
      assertThat(second.body()).contains("\"invalid_client\"");
    }
  }

  /** HTTP/1.1 by hand over one TLS connection, with a read timeout so that a server waiting for bytes fails fast. */
  record RawConnection(javax.net.ssl.SSLSocket socket, java.io.InputStream in) implements AutoCloseable {
    record Answer(String statusLine, String body) {}

    static RawConnection open(TestServer s) throws Exception {
      javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
      java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("dev-ca", dev.bindery.server.tls.PemFiles.readCertificates(s.server.caFile()).get(0));
      javax.net.ssl.TrustManagerFactory tmf =
          javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      ssl.init(null, tmf.getTrustManagers(), null);
      javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) ssl.getSocketFactory()
          .createSocket("127.0.0.1", s.server.port());
      socket.setSoTimeout(10_000);
      javax.net.ssl.SSLParameters p = socket.getSSLParameters();
      p.setEndpointIdentificationAlgorithm("HTTPS");
      p.setServerNames(List.of(new javax.net.ssl.SNIHostName("localhost")));
      socket.setSSLParameters(p);
      socket.startHandshake();
      return new RawConnection(socket, new java.io.BufferedInputStream(socket.getInputStream()));
    }

    void send(String text) throws java.io.IOException {
      socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
    }

    /** One answer: status line, headers up to the blank line, then Content-Length bytes of body. */
    Answer read() throws java.io.IOException {
      String status = line();
      int length = 0;
      for (String h = line(); !h.isEmpty(); h = line()) {
        if (h.regionMatches(true, 0, "Content-Length:", 0, 15)) {
          length = Integer.parseInt(h.substring(15).trim());
        }
      }
      return new Answer(status, new String(in.readNBytes(length), StandardCharsets.UTF_8));
    }

    private String line() throws java.io.IOException {
      StringBuilder b = new StringBuilder();
      for (int c = in.read(); c != '\n'; c = in.read()) {
        if (c < 0) {
          throw new java.io.EOFException("connection closed after: " + b);
        }
        if (c != '\r') {
          b.append((char) c);
        }
      }
      return b.toString();
    }

    @Override
    public void close() throws java.io.IOException {
      socket.close();
    }
  }

  static List<String> answer(TestServer.Response r) {
    List<String> out = new ArrayList<>();
    out.add(Integer.toString(r.status()));
    out.add(stable(r));
    for (String h : HEADERS) {
      if (h.equals("Content-Type") && r.body().isEmpty()) {
        continue; // an empty answer: Javalin adds its default text/plain, the core path sends none
      }
      r.headers().firstValue(h).ifPresent(v -> out.add(h + ": " + v));
    }
    r.headers().firstValue("X-Request-Id").ifPresent(v -> out.add("X-Request-Id: " + (v.startsWith("req_")
        ? "req_" : v)));
    return out;
  }

  /** Error bodies whole; a token or introspection answer by its member names and the values that do not vary. */
  static String stable(TestServer.Response r) {
    if (r.status() != 200 || r.body().isEmpty()) {
      return r.body().replaceAll("\"request_id\":\"req_[a-z2-7]+\"", "\"request_id\":\"req_\"");
    }
    JsonNode json = r.json();
    if (json.has("access_token")) {
      return new TreeSet<>(iterable(json)) + " token_type=" + json.get("token_type").asText() + " expires_in="
          + json.get("expires_in").asText() + " scope=" + json.get("scope").asText();
    }
    if (json.path("active").asBoolean()) {
      return "{\"active\":true} " + new TreeSet<>(iterable(json)) + " scope=" + json.get("scope").asText();
    }
    return r.body();
  }

  static List<String> iterable(JsonNode json) {
    List<String> names = new ArrayList<>();
    json.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
