package dev.bindery.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bindery.audit.AuditEvent;
import dev.bindery.audit.AuditVerifier;
import dev.bindery.audit.VerificationResult;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OpenAPI document, health, metrics, request ids and the audit export, over real HTTPS. */
class OpenApiAndOperationsTest {
  @TempDir static Path dir;
  static TestServer s;

  @BeforeAll
  static void start() {
    s = TestServer.start(dir);
    new Fixtures(s).team("payments");
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  @Test
  void openApi_listsExactlyTheRegisteredRoutes() {
    TestServer.Response r = s.get("/api/v1/openapi.json", null);
    assertThat(r.status()).isEqualTo(200);
    JsonNode doc = r.json();
    assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");
    Set<String> documented = new HashSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext(); ) {
      Map.Entry<String, JsonNode> p = paths.next();
      p.getValue().fieldNames().forEachRemaining(m -> documented.add(m.toUpperCase(Locale.ROOT) + " " + p.getKey()));
    }
    Set<String> registered = s.server.app().registeredEndpoints();
    Set<String> table = s.server.app().routes().stream().map(Route::key).collect(Collectors.toSet());
    assertThat(documented).isEqualTo(registered).isEqualTo(table);
    // the body schema is the one the parser enforces
    JsonNode create = doc.at("/paths/~1api~1v1~1identities/post/requestBody/content/application~1json/schema");
    assertThat(create.get("additionalProperties").asBoolean()).isFalse();
    assertThat(create.get("required").toString()).contains("owner_team").doesNotContain("\"description\"");
    assertThat(doc.at("/paths/~1health~1live/get/security").size()).isZero();
    assertThat(doc.at("/paths/~1api~1v1~1identities/get/security").size()).isEqualTo(1);
  }

  @Test
  void openApi_credentialRoutes_workloadsAuthenticateWithoutOperatorTokens() {
    JsonNode doc = s.get("/api/v1/openapi.json", null).json();
    JsonNode renew = doc.at("/paths/~1api~1v1~1renew/post");
    JsonNode enrol = doc.at("/paths/~1api~1v1~1enrol/post");

    assertThat(renew.get("security").toString()).isEqualTo("[{\"workloadCertificate\":[]}]");
    assertThat(doc.at("/components/securitySchemes/workloadCertificate/type").asText()).isEqualTo("mutualTLS");
    assertThat(enrol.get("security").size()).isZero();
    assertThat(enrol.at("/requestBody/content/application~1json/schema/required").toString())
        .isEqualTo("[\"code\",\"csr\"]");
    assertThat(enrol.at("/responses/201").isObject()).isTrue();
    JsonNode jwk = doc.at("/paths/~1api~1v1~1identities~1{id}~1public-keys/post/requestBody/content/application~1json"
        + "/schema/properties/jwk");
    assertThat(jwk.get("type").asText()).isEqualTo("object");
    assertThat(jwk.has("additionalProperties")).isFalse();
    assertThat(doc.at("/paths/~1api~1v1~1leaks/post/x-bindery-access").asText()).contains("but an auditor");
    assertThat(doc.at("/paths/~1api~1v1~1leaks/post/security").size()).isEqualTo(1);
    // If-Match belongs to changes of versioned resources only
    assertThat(renew.get("parameters")).isNull();
    assertThat(doc.at("/paths/~1api~1v1~1identities~1{id}~1suspend/post/parameters").toString()).contains("If-Match");
  }

  @Test
  void health_liveAndReady() {
    TestServer.Response live = s.get("/health/live", null);
    assertThat(live.status()).isEqualTo(200);
    assertThat(live.json().get("status").asText()).isEqualTo("up");
    TestServer.Response ready = s.get("/health/ready", null);
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().get("status").asText()).isEqualTo("ready");
  }

  @Test
  void requestId_clientValueEchoedInvalidReplaced() {
    TestServer.Response r = s.send("GET", "/health/live", null, null, "X-Request-Id", "abc-123.x_y");
    assertThat(r.header("X-Request-Id")).isEqualTo("abc-123.x_y");
    TestServer.Response bad = s.send("GET", "/health/live", null, null, "X-Request-Id", "x".repeat(65) + ";drop");
    assertThat(bad.header("X-Request-Id")).startsWith("req_");
  }

  @Test
  void metrics_countRequestsByRouteAndRefusalsByCode() {
    s.get("/api/v1/identities/nhi_aaaaaaaaaaaaaaaaaaaaaaaaaa", s.adminToken);
    s.get("/api/v1/identities", null);
    String metrics = s.get("/metrics", null).body();
    assertThat(metrics).contains("http_server_requests_seconds_count{method=\"GET\",route=\"/api/v1/identities/{id}\","
        + "status=\"404\"}");
    assertThat(metrics).contains("bindery_requests_refused_total{code=\"identity_not_found\"}");
    assertThat(metrics).contains("bindery_requests_refused_total{code=\"unauthenticated\"}");
    assertThat(metrics).doesNotContain("nhi_aaaaaaaaaaaaaaaaaaaaaaaaaa");
  }

  @Test
  void auditExport_parsesWithExactNumbersAndVerifiesOffline() throws Exception {
    String adminId = s.get("/api/v1/operators/me", s.adminToken).json().get("id").asText();
    new Fixtures(s).identity(s.adminToken, "payments", "operator:" + adminId);
    TestServer.Response export = s.get("/api/v1/audit/export", s.adminToken);
    assertThat(export.status()).isEqualTo(200);
    assertThat(export.header("Content-Type")).startsWith("application/x-ndjson");
    AuditVerifier verifier = new AuditVerifier();
    long lines = 0;
    for (String line : export.body().split("\n")) {
      AuditEvent e = AuditJson.parse(line);
      assertThat(verifier.accept(e)).as("event " + e.seq()).isTrue();
      lines++;
    }
    VerificationResult result = verifier.finish(null);
    assertThat(result.ok()).isTrue();
    assertThat(result.eventsChecked()).isEqualTo(lines).isGreaterThan(2);
  }

  @Test
  void auditJson_integersAreLongsAndDecimalsBigDecimal() throws Exception {
    AuditEvent e = AuditJson.parse("{\"seq\":1,\"time\":\"2026-01-01T00:00:00.000Z\",\"actor\":\"system\","
        + "\"action\":\"x\",\"target\":\"\",\"details\":{\"n\":3,\"d\":1.50,\"big\":123456789012345678901234567890,"
        + "\"list\":[1,2.0]},\"outcome\":\"success\",\"request_id\":\"r\",\"prev_hash\":\"p\",\"hash\":\"h\"}");
    assertThat(e.details().get("n")).isEqualTo(3L);
    assertThat(e.details().get("d")).isEqualTo(new BigDecimal("1.50"));
    assertThat(e.details().get("big")).isEqualTo(new BigDecimal("123456789012345678901234567890"));
    assertThat(e.detailsJson()).isEqualTo("{\"big\":123456789012345678901234567890,\"d\":1.50,\"list\":[1,2.0],\"n\":3}");
  }
}
