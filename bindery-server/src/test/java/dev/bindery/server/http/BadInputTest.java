package dev.bindery.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.audit.Outcome;
import dev.bindery.server.config.BinderyConfig;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad-input case of docs/api.md, end to end over HTTPS: each asserts the status, the stable code, that
 * nothing was written (identity count and audit head unchanged), and the server keeps answering.
 */
class BadInputTest {
  static final int MAX_BODY = 4096;
  @TempDir static Path dir;
  static TestServer s;
  static Fixtures f;
  static String identityId;
  long identitiesBefore;
  long auditBefore;

  static final String VALID_CREATE = "{\"kind\":\"workload\",\"name\":\"billing\",\"owner_team\":\"payments\","
      + "\"backup_owner\":\"team:platform\"}";

  @BeforeAll
  static void start() {
    s = TestServer.start(dir, Map.of(BinderyConfig.MAX_BODY_BYTES, Integer.toString(MAX_BODY)));
    f = new Fixtures(s);
    f.team("payments");
    f.team("platform");
    identityId = f.identity(s.adminToken, "payments", "team:platform");
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  private void snapshot() {
    identitiesBefore = s.identityCount();
    auditBefore = s.auditHead();
  }

  private void assertNothingWritten() {
    assertThat(s.identityCount()).isEqualTo(identitiesBefore);
    assertThat(s.auditHead()).isEqualTo(auditBefore);
  }

  @AfterEach
  void serverStillAnswers() {
    assertThat(s.get("/health/live", null).status()).isEqualTo(200);
  }

  private static void assertProblem(TestServer.Response r, int status, String code) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    assertThat(r.code()).isEqualTo(code);
    assertThat(r.json().get("type").asText()).isEqualTo("https://bindery.dev/problems/" + code);
    assertThat(r.json().get("status").asInt()).isEqualTo(status);
    assertThat(r.json().get("request_id").asText()).isEqualTo(r.header("X-Request-Id")).isNotEmpty();
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("at dev.bindery");
  }

  @Test
  void create_malformedJson_400MalformedJsonNothingWritten() {
    snapshot();
    assertProblem(s.post("/api/v1/identities", s.adminToken, "{\"kind\": \"workload\","), 400, "malformed_json");
    assertProblem(s.post("/api/v1/identities", s.adminToken, VALID_CREATE + " {}"), 400, "malformed_json");
    assertProblem(s.post("/api/v1/identities", s.adminToken, "{\"name\":\"a\",\"name\":\"b\"}"), 400, "malformed_json");
    assertNothingWritten();
  }

  @Test
  void create_nonObjectJson_400MalformedJson() {
    snapshot();
    assertProblem(s.post("/api/v1/identities", s.adminToken, "[" + VALID_CREATE + "]"), 400, "malformed_json");
    assertProblem(s.post("/api/v1/identities", s.adminToken, "\"text\""), 400, "malformed_json");
    assertProblem(s.post("/api/v1/identities", s.adminToken, "null"), 400, "malformed_json");
    assertNothingWritten();
  }

  @Test
  void create_unknownField_400NamingTheField() {
    snapshot();
    TestServer.Response r = s.post("/api/v1/identities", s.adminToken,
        VALID_CREATE.replace("}", ",\"colour\":\"red\"}"));
    assertProblem(r, 400, "unknown_field");
    assertThat(r.json().get("field").asText()).isEqualTo("colour");
    TestServer.Response nested = s.post("/api/v1/identities", s.adminToken, VALID_CREATE.replace("}",
        ",\"external_subject\":{\"issuer\":\"https://i.example\",\"subject\":\"s\",\"extra\":1}}"));
    assertProblem(nested, 400, "unknown_field");
    assertThat(nested.json().get("field").asText()).isEqualTo("external_subject.extra");
    assertNothingWritten();
  }

  @Test
  void create_missingField_400MissingField() {
    snapshot();
    TestServer.Response r = s.post("/api/v1/identities", s.adminToken, VALID_CREATE.replace("\"name\":\"billing\",", ""));
    assertProblem(r, 400, "missing_field");
    assertThat(r.json().get("field").asText()).isEqualTo("name");
    assertNothingWritten();
  }

  @Test
  void create_wrongType_400InvalidField() {
    snapshot();
    TestServer.Response r = s.post("/api/v1/identities", s.adminToken, VALID_CREATE.replace("\"billing\"", "5"));
    assertProblem(r, 400, "invalid_field");
    assertThat(r.json().get("field").asText()).isEqualTo("name");
    TestServer.Response kind = s.post("/api/v1/identities", s.adminToken, VALID_CREATE.replace("workload", "robot"));
    assertProblem(kind, 400, "invalid_field");
    assertThat(kind.json().get("field").asText()).isEqualTo("kind");
    TestServer.Response labels = s.post("/api/v1/identities", s.adminToken,
        VALID_CREATE.replace("}", ",\"labels\":{\"env\":1}}"));
    assertProblem(labels, 400, "invalid_field");
    assertNothingWritten();
  }

  @Test
  void create_oversizedBody_413BodyTooLarge() {
    snapshot();
    String big = VALID_CREATE.replace("}", ",\"description\":\"" + "x".repeat(MAX_BODY) + "\"}");
    assertProblem(s.post("/api/v1/identities", s.adminToken, big), 413, "body_too_large");
    // Without a Content-Length (chunked), the limit is enforced while reading.
    HttpRequest chunked = HttpRequest.newBuilder(URI.create(s.server.baseUri() + "/api/v1/identities"))
        .header("Authorization", "Bearer " + s.adminToken).header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofInputStream(
            () -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8)))).build();
    assertProblem(s.send(chunked), 413, "body_too_large");
    assertNothingWritten();
  }

  @Test
  void create_wrongContentType_415() {
    snapshot();
    assertProblem(s.send("POST", "/api/v1/identities", s.adminToken, VALID_CREATE, "Content-Type", "text/plain"),
        415, "unsupported_media_type");
    assertProblem(s.send("POST", "/api/v1/identities", s.adminToken, VALID_CREATE, "Content-Type",
        "application/json; charset=iso-8859-1"), 415, "unsupported_media_type");
    assertNothingWritten();
  }

  @Test
  void get_invalidIdentifierInPath_400InvalidIdentifier() {
    snapshot();
    assertProblem(s.get("/api/v1/identities/not-an-id", s.adminToken), 400, "invalid_identifier");
    assertProblem(s.send("PATCH", "/api/v1/identities/nhi_TOO-SHORT", s.adminToken, "{\"name\":\"x\",\"version\":1}"),
        400, "invalid_identifier");
    assertProblem(s.get("/api/v1/operators/op_x", s.adminToken), 400, "invalid_identifier");
    assertNothingWritten();
  }

  @Test
  void get_unknownIdentity_404IdentityNotFound() {
    assertProblem(s.get("/api/v1/identities/nhi_aaaaaaaaaaaaaaaaaaaaaaaaaa", s.adminToken), 404, "identity_not_found");
  }

  @Test
  void create_clientSuppliedId_400IdentifierNotAccepted() {
    snapshot();
    TestServer.Response r = s.post("/api/v1/identities", s.adminToken,
        VALID_CREATE.replace("{", "{\"id\":\"nhi_aaaaaaaaaaaaaaaaaaaaaaaaaa\","));
    assertProblem(r, 400, "identifier_not_accepted");
    assertThat(r.json().get("field").asText()).isEqualTo("id");
    assertNothingWritten();
  }

  @Test
  void link_duplicateExternalSubject_409AndCreateIsIdempotent() {
    String subject = "{\"issuer\":\"https://ci.example\",\"subject\":\"" + Fixtures.unique("repo:") + "\"}";
    TestServer.Response created = s.post("/api/v1/identities", s.adminToken,
        VALID_CREATE.replace("}", ",\"external_subject\":" + subject + "}"));
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.header("Location")).isEqualTo("/api/v1/identities/" + created.json().get("id").asText());
    snapshot();
    assertProblem(s.post("/api/v1/identities/" + identityId + "/subjects", s.adminToken, subject), 409,
        "subject_already_linked");
    assertNothingWritten();
    TestServer.Response again = s.post("/api/v1/identities", s.adminToken,
        VALID_CREATE.replace("}", ",\"external_subject\":" + subject + "}"));
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().get("id").asText()).isEqualTo(created.json().get("id").asText());
    assertNothingWritten();
  }

  @Test
  void patch_staleVersion_409VersionConflictNothingChanged() {
    long v = f.version("/api/v1/identities/" + identityId);
    TestServer.Response ok = s.send("PATCH", "/api/v1/identities/" + identityId, s.adminToken,
        "{\"description\":\"first\"}", "If-Match", "\"" + v + "\"");
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    assertThat(ok.header("ETag")).isEqualTo("\"" + (v + 1) + "\"");
    snapshot();
    TestServer.Response stale = s.send("PATCH", "/api/v1/identities/" + identityId, s.adminToken,
        "{\"description\":\"second\",\"version\":" + v + "}");
    assertProblem(stale, 409, "version_conflict");
    assertNothingWritten();
    assertThat(s.get("/api/v1/identities/" + identityId, s.adminToken).json().get("description").asText())
        .isEqualTo("first");
  }

  @Test
  void patch_missingVersion_428VersionRequired() {
    snapshot();
    assertProblem(s.send("PATCH", "/api/v1/identities/" + identityId, s.adminToken, "{\"description\":\"x\"}"),
        428, "version_required");
    assertProblem(s.send("DELETE", "/api/v1/operators/" + adminId() + "/teams/payments", s.adminToken, null),
        428, "version_required");
    assertNothingWritten();
  }

  private static String adminId() {
    return s.get("/api/v1/operators/me", s.adminToken).json().get("id").asText();
  }

  @Test
  void unknownRouteAndWrongMethod_problemJson() {
    assertProblem(s.get("/api/v1/nothing-here", s.adminToken), 404, "not_found");
    assertProblem(s.send("DELETE", "/api/v1/identities", s.adminToken, null), 405, "method_not_allowed");
  }

  @Test
  void missingToken_401WithBearerChallenge() {
    snapshot();
    TestServer.Response r = s.post("/api/v1/identities", null, VALID_CREATE);
    assertProblem(r, 401, "unauthenticated");
    assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
    assertNothingWritten();
  }

  @Test
  void unknownToken_401TokenInvalidNothingWritten() {
    snapshot();
    TestServer.Response r = s.post("/api/v1/identities", "bnd_op_" + "a".repeat(52), VALID_CREATE);
    assertProblem(r, 401, "token_invalid");
    assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
    // not audited: recording every guessed token would let anyone fill the audit log (core decision)
    assertNothingWritten();
  }

  @Test
  void revokedToken_401TokenRevoked() {
    Fixtures.Op op = f.operator("", "payments");
    String tokenId = s.get("/api/v1/operators/" + op.id() + "/tokens", s.adminToken).json().at("/items/0/id").asText();
    assertThat(s.send("DELETE", "/api/v1/operator-tokens/" + tokenId, s.adminToken, null).status()).isEqualTo(204);
    snapshot();
    TestServer.Response r = s.post("/api/v1/identities", op.token(), VALID_CREATE);
    assertProblem(r, 401, "token_revoked");
    assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
    assertThat(s.identityCount()).isEqualTo(identitiesBefore);
    assertThat(s.auditHead()).isEqualTo(auditBefore + 1);
    assertThat(s.lastAuditEvent().outcome()).isEqualTo(Outcome.DENIED);
    assertThat(s.lastAuditEvent().actor()).isEqualTo(op.id());
  }

  @Test
  void disabledOperator_401OperatorDisabled() {
    Fixtures.Op op = f.operator("", "payments");
    long v = f.version("/api/v1/operators/" + op.id());
    assertThat(s.post("/api/v1/operators/" + op.id() + "/disable", s.adminToken, "{\"version\":" + v + "}").status())
        .isEqualTo(200);
    snapshot();
    assertProblem(s.post("/api/v1/identities", op.token(), VALID_CREATE), 401, "operator_disabled");
    assertThat(s.identityCount()).isEqualTo(identitiesBefore);
    assertThat(s.auditHead()).isEqualTo(auditBefore + 1);
  }

  @Test
  void unknownQueryParameter_400InvalidQuery() {
    TestServer.Response r = s.get("/api/v1/identities?colour=red", s.adminToken);
    assertProblem(r, 400, "invalid_query");
    assertThat(r.json().get("field").asText()).isEqualTo("colour");
    assertProblem(s.get("/api/v1/identities?cursor=bogus", s.adminToken), 400, "invalid_cursor");
  }
}
