package dev.bindery.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bindery.audit.AuditEvent;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator routes of the token service: registering resource servers (admin, audited) and token policies (admin
 * or security officer, audited with before and after), and what a policy changes at the token endpoint.
 */
class TokenAdminRoutesTest {
  static final String RS = "/api/v1/resource-servers";
  @TempDir static Path dir;
  static TestServer s;
  static OAuthSupport o;
  static Fixtures.Op member;

  @BeforeAll
  static void start() {
    s = TestServer.start(dir);
    o = new OAuthSupport(s);
    member = o.f.operator("", "payments");
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  // ---- resource servers ---------------------------------------------------------------------------------

  @Test
  void registerResourceServer_admin_createdListedAndAudited() {
    TestServer.Response r = s.post(RS, s.adminToken, "{\"audience\":\"https://orders.example/\",\"name\":\"Orders\"}");

    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(r.json().get("audience").asText()).isEqualTo("https://orders.example/");
    assertThat(r.json().get("name").asText()).isEqualTo("Orders");
    AuditEvent e = s.lastAuditEvent();
    assertThat(e.action()).isEqualTo("resource_server.create");
    assertThat(e.target()).isEqualTo("https://orders.example/");
    JsonNode list = s.get(RS, member.token()).json().get("items");
    assertThat(list.toString()).contains("https://orders.example/");
  }

  @Test
  void registerResourceServer_withIdentity_linkShownInTheAnswerAndTheList() {
    String id = o.identity("introspect");

    TestServer.Response r = s.post(RS, s.adminToken,
        "{\"audience\":\"https://linked.example/\",\"name\":\"Linked\",\"identity_id\":\"" + id + "\"}");

    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(r.json().get("identity_id").asText()).isEqualTo(id);
    assertThat(s.lastAuditEvent().details()).containsEntry("identity_id", id);
    for (JsonNode item : s.get(RS, member.token()).json().get("items")) {
      if (item.get("audience").asText().equals("https://linked.example/")) {
        assertThat(item.get("identity_id").asText()).isEqualTo(id);
      } else {
        assertThat(item.get("identity_id").isNull()).as(item.toString()).isTrue();
      }
    }
  }

  @Test
  void registerResourceServer_malformedOrUnknownIdentity_refusedAndNothingWritten() {
    long head = s.auditHead();

    TestServer.Response malformed = s.post(RS, s.adminToken,
        "{\"audience\":\"urn:example:bad\",\"name\":\"Bad\",\"identity_id\":\"op_123\"}");
    TestServer.Response unknown = s.post(RS, s.adminToken,
        "{\"audience\":\"urn:example:bad\",\"name\":\"Bad\",\"identity_id\":\"nhi_" + "a".repeat(26) + "\"}");

    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.code()).isEqualTo("invalid_field");
    assertThat(malformed.json().get("field").asText()).isEqualTo("identity_id");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.code()).isEqualTo("identity_not_found");
    assertThat(s.auditHead()).isEqualTo(head);
    assertThat(s.get(RS, s.adminToken).body()).doesNotContain("urn:example:bad");
  }

  @Test
  void registerResourceServer_twice_conflictAndNothingWritten() {
    s.post(RS, s.adminToken, "{\"audience\":\"urn:example:twice\",\"name\":\"Once\"}");
    long head = s.auditHead();

    TestServer.Response r = s.post(RS, s.adminToken, "{\"audience\":\"urn:example:twice\",\"name\":\"Twice\"}");

    assertThat(r.status()).isEqualTo(409);
    assertThat(r.code()).isEqualTo("resource_server_exists");
    assertThat(s.auditHead()).isEqualTo(head);
  }

  @Test
  void registerResourceServer_malformedAudience_invalidFieldAndNothingWritten() {
    long head = s.auditHead();
    for (String bad : new String[] {"relative/path", "https://x.example/#frag", "has space:x", ""}) {
      TestServer.Response r = s.post(RS, s.adminToken, "{\"audience\":\"" + bad + "\",\"name\":\"Bad\"}");
      assertThat(r.status()).as(bad).isEqualTo(400);
      assertThat(r.code()).isEqualTo("invalid_field");
    }
    assertThat(s.auditHead()).isEqualTo(head);
  }

  @Test
  void registerResourceServer_notAnAdmin_forbiddenAndAuditedAsDenied() {
    TestServer.Response r = s.post(RS, member.token(), "{\"audience\":\"urn:example:denied\",\"name\":\"No\"}");

    assertThat(r.status()).isEqualTo(403);
    assertThat(r.code()).isEqualTo("forbidden");
    AuditEvent e = s.lastAuditEvent();
    assertThat(e.action()).isEqualTo("resource_server.create");
    assertThat(e.outcome().name()).isEqualTo("DENIED");
    assertThat(s.get(RS, s.adminToken).body()).doesNotContain("urn:example:denied");
  }

  // ---- token policies -----------------------------------------------------------------------------------

  @Test
  void tokenPolicy_default_boundOnlyWithTheConfiguredLifetime() {
    String id = o.identity("a.read");

    TestServer.Response r = s.get("/api/v1/identities/" + id + "/token-policy", member.token());

    assertThat(r.status()).isEqualTo(200);
    JsonNode p = r.json();
    assertThat(p.get("identity_id").asText()).isEqualTo(id);
    assertThat(p.get("allow_unbound_tokens").asBoolean()).isFalse();
    assertThat(p.get("token_lifetime_seconds").isNull()).isTrue();
    assertThat(p.get("effective_token_lifetime_seconds").asLong()).isEqualTo(300);
    assertThat(p.get("version").asLong()).isZero();
    assertThat(p.get("updated_by").isNull()).isTrue();
  }

  @Test
  void tokenPolicy_setByAdmin_visibleAuditedWithBeforeAndAfterAndAppliedToTokens() {
    o.resourceServer("https://policy.example/");
    String id = o.identity("a.read");
    OAuthSupport.Client c = o.enrol(id);

    TestServer.Response put = s.send("PUT", "/api/v1/identities/" + id + "/token-policy", s.adminToken,
        "{\"allow_unbound_tokens\":true,\"token_lifetime_seconds\":120}");

    assertThat(put.status()).as(put.body()).isEqualTo(200);
    assertThat(put.json().get("allow_unbound_tokens").asBoolean()).isTrue();
    assertThat(put.json().get("token_lifetime_seconds").asLong()).isEqualTo(120);
    assertThat(put.json().get("version").asLong()).isEqualTo(1);
    AuditEvent e = s.lastAuditEvent();
    assertThat(e.action()).isEqualTo("token_policy.set");
    assertThat(e.target()).isEqualTo(id);
    Map<String, Object> before = new HashMap<>();
    before.put("allow_unbound_tokens", false);
    before.put("token_lifetime_seconds", null);
    assertThat(e.details().get("before")).isEqualTo(before);
    assertThat(e.details().get("after")).isEqualTo(Map.of("allow_unbound_tokens", true, "token_lifetime_seconds", 120L));
    JsonNode read = s.get("/api/v1/identities/" + id + "/token-policy", member.token()).json();
    assertThat(read.get("allow_unbound_tokens").asBoolean()).isTrue();
    assertThat(read.get("updated_by").asText()).startsWith("op_");
    assertThat(s.get("/api/v1/identities/" + id + "/history", s.adminToken).body()).contains("token_policy.set");

    TestServer.Response token = o.token(c.http(), "grant_type=client_credentials&client_id=" + id + "&resource="
        + URLEncoder.encode("https://policy.example/", StandardCharsets.UTF_8));
    assertThat(token.status()).as(token.body()).isEqualTo(200);
    assertThat(token.json().get("expires_in").asLong()).isEqualTo(120);
    assertThat(OAuthSupport.claims(token.json().get("access_token").asText()).at("/cnf/x5t#S256").asText())
        .as("allowing unbound tokens does not unbind a client that presents a certificate").isEqualTo(c.x5t());
  }

  @Test
  void tokenPolicy_setByAnOwner_forbiddenAndUnchanged() {
    String id = o.identity("a.read");

    TestServer.Response r = s.send("PUT", "/api/v1/identities/" + id + "/token-policy", member.token(),
        "{\"allow_unbound_tokens\":true}");

    assertThat(r.status()).isEqualTo(403);
    assertThat(r.code()).isEqualTo("forbidden");
    assertThat(s.lastAuditEvent().outcome().name()).isEqualTo("DENIED");
    assertThat(s.get("/api/v1/identities/" + id + "/token-policy", s.adminToken).json()
        .get("allow_unbound_tokens").asBoolean()).isFalse();
  }

  @Test
  void tokenPolicy_lifetimeOutOfBoundsOrBadBody_invalidAndNothingWritten() {
    String id = o.identity("a.read");
    String path = "/api/v1/identities/" + id + "/token-policy";
    long head = s.auditHead();

    TestServer.Response tooShort = s.send("PUT", path, s.adminToken,
        "{\"allow_unbound_tokens\":false,\"token_lifetime_seconds\":5}");
    TestServer.Response tooLong = s.send("PUT", path, s.adminToken,
        "{\"allow_unbound_tokens\":false,\"token_lifetime_seconds\":3601}");
    TestServer.Response missing = s.send("PUT", path, s.adminToken, "{\"token_lifetime_seconds\":60}");
    TestServer.Response wrongType = s.send("PUT", path, s.adminToken, "{\"allow_unbound_tokens\":\"yes\"}");

    assertThat(tooShort.code()).isEqualTo("invalid_field");
    assertThat(tooShort.json().get("field").asText()).isEqualTo("token_lifetime_seconds");
    assertThat(tooLong.code()).isEqualTo("invalid_field");
    assertThat(missing.code()).isEqualTo("missing_field");
    assertThat(wrongType.code()).isEqualTo("invalid_field");
    assertThat(s.auditHead()).isEqualTo(head);
  }

  @Test
  void tokenPolicy_unknownIdentity_notFound() {
    TestServer.Response r = s.get("/api/v1/identities/nhi_aaaaaaaaaaaaaaaaaaaaaaaaaa/token-policy", s.adminToken);

    assertThat(r.status()).isEqualTo(404);
    assertThat(r.code()).isEqualTo("identity_not_found");
  }
}
