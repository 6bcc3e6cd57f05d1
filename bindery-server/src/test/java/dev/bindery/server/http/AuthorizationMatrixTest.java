package dev.bindery.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.audit.AuditEvent;
import dev.bindery.audit.Outcome;
import com.fasterxml.jackson.databind.JsonNode;
import dev.bindery.pki.Pem;
import dev.bindery.testkit.pki.TestCsr;
import dev.bindery.testkit.pki.TestKeys;
import java.time.Duration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * For every route of the route table: a caller without the right is refused, the refusal is audited as
 * {@code denied}, and nothing changes. Routes open to any operator are checked with a revoked token (401,
 * audited); public routes answer without one. A new route without an entry here fails the test.
 */
class AuthorizationMatrixTest {
  @TempDir static Path dir;
  static TestServer s;
  static Fixtures f;
  static String identity;
  static String adminId;
  static Fixtures.Op plain;
  static Fixtures.Op auditor;
  static Fixtures.Op serviceDesk;
  static Fixtures.Op owner;
  static Fixtures.Op target;
  static String targetTokenId;
  /** A revoked token: refused on every authenticated route, and audited with its operator as the actor. */
  static Fixtures.Op revoked;
  /** A secret scanner: may report leaks and nothing else. */
  static Fixtures.Op leakReporter;
  static Workloads w;
  /** An X.509-SVID of the identity, enrolled before the matrix runs; every refused revocation leaves it active. */
  static Workloads.Held svid;
  /** A pending rotate of the identity, made by the admin; every refused action on it leaves it pending. */
  static String changeRequest;
  /** A continuity challenge of that request, asked for by the admin and never used. */
  static String challengeId;
  /**
   * Routes whose refusal of an operator without the right carries a more precise code than {@code forbidden}: an
   * approval is refused because the approver does not hold the role approved in.
   */
  static final Map<String, String> REFUSAL_CODES = Map.of(
      "POST /api/v1/change-requests/{id}/approvals", "approver_not_entitled",
      "POST /api/v1/support/actions/{id}/approve", "approver_not_entitled");
  /** A well-formed enrolment code that was never issued. */
  static final String UNKNOWN_CODE = "bnd_enr_" + "a".repeat(52);
  /** A well-formed disavow token that was never issued. */
  static final String UNKNOWN_DISAVOW = "bnd_dis_" + "a".repeat(52);
  /** The one webhook of team payments, registered by the admin before the matrix runs. */
  static String webhookId;
  /**
   * A pending support action (a re-enrolment of the auditor's factor, privileged because the auditor holds a role
   * other than service_desk), made by a service desk agent before the matrix runs; every refused action on it leaves
   * it pending.
   */
  static String supportAction;
  /** A well-formed support alert id that was never issued. */
  static final String UNKNOWN_ALERT = "sal_" + "a".repeat(26);

  /** A request for one route, built just before it is sent (versions are read fresh). */
  record Req(String method, String path, String body, String... headers) {}

  @BeforeAll
  static void start() {
    s = TestServer.start(dir);
    f = new Fixtures(s);
    f.team("payments");
    f.team("platform");
    f.team("other");
    f.adminStepUp();
    adminId = s.get("/api/v1/operators/me", s.adminToken).json().get("id").asText();
    TestServer.Response hook = s.post("/api/v1/teams/payments/webhooks", s.adminToken,
        "{\"url\":\"https://127.0.0.1:9/matrix\"}");
    assertThat(hook.status()).as(hook.body()).isEqualTo(201);
    webhookId = hook.json().get("id").asText();
    plain = f.operator("", "other");
    auditor = f.operator("auditor", "");
    serviceDesk = f.operator("service_desk", "other");
    owner = f.operator("", "payments");
    target = f.operator("service_desk", "other");
    targetTokenId = s.get("/api/v1/operators/" + target.id() + "/tokens", s.adminToken).json().at("/items/0/id").asText();
    identity = f.identity(s.adminToken, "payments", "team:platform");
    leakReporter = f.operator("leak_reporter", "");
    w = new Workloads(s);
    svid = w.enrolled(identity);
    TestServer.Response requested = s.post("/api/v1/change-requests", s.adminToken, Workloads.body(Map.of(
        "type", "rotate", "target", identity, "reason", "scheduled rotation", "csr", TestCsr.ecP256Pem(),
        "replaces", List.of(svid.credentialId()))));
    assertThat(requested.status()).as(requested.body()).isEqualTo(201);
    changeRequest = requested.json().get("id").asText();
    TestServer.Response challenge = s.post("/api/v1/change-requests/" + changeRequest + "/challenges", s.adminToken,
        "{}");
    assertThat(challenge.status()).as(challenge.body()).isEqualTo(201);
    challengeId = challenge.json().get("challenge_id").asText();
    Fixtures.Op supportAgent = f.operator("service_desk", "other");
    byte[] agentSeed = f.enrolTotp(supportAgent.token());
    assertThat(f.stepUp(supportAgent.token(), agentSeed).status()).isEqualTo(200);
    TestServer.Response support = s.post("/api/v1/support/actions", supportAgent.token(), supportBody(
        "factor_reenrol", "operator:" + auditor.id()));
    assertThat(support.status()).as(support.body()).isEqualTo(201);
    assertThat(support.json().get("state").asText()).isEqualTo("pending");
    supportAction = support.json().get("id").asText();
    revoked = f.operator("", "payments");
    String revokedTokenId = s.get("/api/v1/operators/" + revoked.id() + "/tokens", s.adminToken).json()
        .at("/items/0/id").asText();
    assertThat(s.send("DELETE", "/api/v1/operator-tokens/" + revokedTokenId, s.adminToken, null).status()).isEqualTo(204);
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  /** A support action with complete evidence (verified by the admin just now). */
  static String supportBody(String type, String target) {
    return Workloads.body(Map.of("type", type, "target", target, "reason", "caller lost access, INC-4711",
        "evidence", Map.of("ticket", "INC-4711", "claimed_requester", "Jane Doe", "verification", Map.of(
            "method", "callback", "reference", "call log #17", "verified_by", adminId,
            "verified_at", Json.time(s.clock.instant().minusSeconds(60))))));
  }

  static String idPath() {
    return "/api/v1/identities/" + identity;
  }

  static long identityVersion() {
    return f.version(idPath());
  }

  static long targetVersion() {
    return f.version("/api/v1/operators/" + target.id());
  }

  /** A well-formed request per route, so that only authorization can refuse it. */
  static Map<String, Supplier<Req>> requests() {
    Map<String, Supplier<Req>> m = new LinkedHashMap<>();
    String create = BadInputTest.VALID_CREATE;
    String subject = "{\"issuer\":\"https://ci.example\",\"subject\":\"" + Fixtures.unique("repo:") + "\"}";
    m.put("GET /health/live", () -> new Req("GET", "/health/live", null));
    m.put("GET /health/ready", () -> new Req("GET", "/health/ready", null));
    m.put("GET /metrics", () -> new Req("GET", "/metrics", null));
    m.put("GET /api/v1/openapi.json", () -> new Req("GET", "/api/v1/openapi.json", null));
    m.put("POST /api/v1/identities", () -> new Req("POST", "/api/v1/identities", create));
    m.put("POST /api/v1/identities/reprovision", () -> new Req("POST", "/api/v1/identities/reprovision",
        create.replace("}", ",\"external_subject\":" + subject + "}")));
    m.put("GET /api/v1/identities", () -> new Req("GET", "/api/v1/identities", null));
    m.put("GET /api/v1/identities/by-subject", () -> new Req("GET",
        "/api/v1/identities/by-subject?issuer=https://ci.example&subject=x", null));
    m.put("GET /api/v1/identities/{id}", () -> new Req("GET", idPath(), null));
    m.put("PATCH /api/v1/identities/{id}", () -> new Req("PATCH", idPath(),
        "{\"name\":\"renamed\",\"version\":" + identityVersion() + "}"));
    m.put("POST /api/v1/identities/{id}/suspend", () -> new Req("POST", idPath() + "/suspend",
        "{\"reason\":\"incident\",\"version\":" + identityVersion() + "}"));
    m.put("POST /api/v1/identities/{id}/resume", () -> new Req("POST", idPath() + "/resume",
        "{\"version\":" + identityVersion() + "}"));
    m.put("POST /api/v1/identities/{id}/retire", () -> new Req("POST", idPath() + "/retire",
        "{\"reason\":\"done\",\"version\":" + identityVersion() + "}"));
    m.put("PUT /api/v1/identities/{id}/owners", () -> new Req("PUT", idPath() + "/owners",
        "{\"owner_team\":\"other\",\"backup_owner\":\"team:platform\",\"version\":" + identityVersion() + "}"));
    m.put("PUT /api/v1/identities/{id}/scopes", () -> new Req("PUT", idPath() + "/scopes",
        "{\"scopes\":[\"billing.admin\"],\"version\":" + identityVersion() + "}"));
    m.put("GET /api/v1/identities/{id}/subjects", () -> new Req("GET", idPath() + "/subjects", null));
    m.put("POST /api/v1/identities/{id}/subjects", () -> new Req("POST", idPath() + "/subjects", subject));
    m.put("GET /api/v1/identities/{id}/history", () -> new Req("GET", idPath() + "/history", null));
    m.put("GET /api/v1/operators/me", () -> new Req("GET", "/api/v1/operators/me", null));
    m.put("POST /api/v1/operators/me/totp", () -> new Req("POST", "/api/v1/operators/me/totp", "{}"));
    m.put("POST /api/v1/operators/me/totp/recover", () -> new Req("POST", "/api/v1/operators/me/totp/recover",
        "{\"code\":\"bnd_tre_" + "a".repeat(52) + "\"}"));
    m.put("POST /api/v1/operators/me/totp/confirm", () -> new Req("POST", "/api/v1/operators/me/totp/confirm",
        "{\"code\":\"123456\"}"));
    m.put("POST /api/v1/operators/me/step-up", () -> new Req("POST", "/api/v1/operators/me/step-up",
        "{\"code\":\"123456\"}"));
    m.put("POST /api/v1/operators", () -> new Req("POST", "/api/v1/operators", "{\"name\":\"intruder\"}"));
    m.put("GET /api/v1/operators", () -> new Req("GET", "/api/v1/operators", null));
    m.put("GET /api/v1/operators/{id}", () -> new Req("GET", "/api/v1/operators/" + target.id(), null));
    m.put("POST /api/v1/operators/{id}/roles", () -> new Req("POST", "/api/v1/operators/" + target.id() + "/roles",
        "{\"role\":\"admin\",\"version\":" + targetVersion() + "}"));
    m.put("DELETE /api/v1/operators/{id}/roles/{role}", () -> new Req("DELETE",
        "/api/v1/operators/" + target.id() + "/roles/service_desk", null, "If-Match", "\"" + targetVersion() + "\""));
    m.put("POST /api/v1/operators/{id}/teams", () -> new Req("POST", "/api/v1/operators/" + target.id() + "/teams",
        "{\"team\":\"payments\",\"version\":" + targetVersion() + "}"));
    m.put("DELETE /api/v1/operators/{id}/teams/{team}", () -> new Req("DELETE",
        "/api/v1/operators/" + target.id() + "/teams/other", null, "If-Match", "\"" + targetVersion() + "\""));
    m.put("POST /api/v1/operators/{id}/disable", () -> new Req("POST", "/api/v1/operators/" + target.id() + "/disable",
        "{\"version\":" + targetVersion() + "}"));
    m.put("POST /api/v1/operators/{id}/enable", () -> new Req("POST", "/api/v1/operators/" + target.id() + "/enable",
        "{\"version\":" + targetVersion() + "}"));
    m.put("GET /api/v1/operators/{id}/tokens", () -> new Req("GET", "/api/v1/operators/" + target.id() + "/tokens", null));
    m.put("POST /api/v1/operators/{id}/tokens", () -> new Req("POST", "/api/v1/operators/" + target.id() + "/tokens",
        "{\"description\":\"stolen\"}"));
    m.put("DELETE /api/v1/operator-tokens/{token_id}", () -> new Req("DELETE", "/api/v1/operator-tokens/" + targetTokenId,
        null));
    m.put("POST /api/v1/teams", () -> new Req("POST", "/api/v1/teams", "{\"id\":\"rogue\",\"display_name\":\"Rogue\"}"));
    m.put("GET /api/v1/teams", () -> new Req("GET", "/api/v1/teams", null));
    m.put("GET /api/v1/audit/events", () -> new Req("GET", "/api/v1/audit/events", null));
    m.put("GET /api/v1/audit/export", () -> new Req("GET", "/api/v1/audit/export", null));
    m.put("POST /api/v1/audit/verify", () -> new Req("POST", "/api/v1/audit/verify", "{}"));
    // public PKI routes; an OCSP request that does not parse is still answered 200 (malformedRequest)
    m.put("GET /pki/ca.pem", () -> new Req("GET", "/pki/ca.pem", null));
    m.put("GET /pki/crl", () -> new Req("GET", "/pki/crl", null));
    m.put("POST /pki/ocsp", () -> new Req("POST", "/pki/ocsp", "x", "Content-Type", "application/ocsp-request"));
    m.put("GET /pki/ocsp/<request>", () -> new Req("GET", "/pki/ocsp/MAA=", null));
    // credentials and the CA
    String cred = "/api/v1/credentials/" + svid.credentialId();
    m.put("POST /api/v1/identities/{id}/enrolment-codes", () -> new Req("POST", idPath() + "/enrolment-codes", "{}"));
    m.put("GET /api/v1/identities/{id}/credentials", () -> new Req("GET", idPath() + "/credentials", null));
    m.put("POST /api/v1/identities/{id}/public-keys", () -> new Req("POST", idPath() + "/public-keys",
        Workloads.body(Map.of("jwk", Workloads.ecJwk(TestKeys.ecP256()), "expires_at", w.inFuture(Duration.ofDays(1))))));
    m.put("POST /api/v1/identities/{id}/self-signed-certificates", () -> new Req("POST",
        idPath() + "/self-signed-certificates", Workloads.body(Map.of("certificate_pem", Pem.certificate(
            Workloads.selfSigned(TestKeys.ecP256(), s.clock.instant().minusSeconds(60),
                s.clock.instant().plus(Duration.ofDays(1))))))));
    m.put("POST /api/v1/identities/{id}/api-keys", () -> new Req("POST", idPath() + "/api-keys",
        Workloads.body(Map.of("expires_at", w.inFuture(Duration.ofDays(1))))));
    m.put("GET /api/v1/credentials/{cred_id}", () -> new Req("GET", cred, null));
    m.put("POST /api/v1/credentials/{cred_id}/revoke", () -> new Req("POST", cred + "/revoke",
        "{\"reason\":\"key_compromise\"}"));
    m.put("POST /api/v1/certificates/{serial_hex}/revoke", () -> new Req("POST",
        "/api/v1/certificates/" + svid.serial() + "/revoke", "{\"reason\":\"key_compromise\"}"));
    m.put("GET /api/v1/policies/rotation", () -> new Req("GET", "/api/v1/policies/rotation", null));
    m.put("PUT /api/v1/policies/rotation/{identity_kind}/{credential_type}", () -> new Req("PUT",
        "/api/v1/policies/rotation/workload/api_key", "{\"max_lifetime_seconds\":31536000,\"rotate_after_seconds\":60}"));
    m.put("GET /api/v1/reports/credentials/expiring", () -> new Req("GET", "/api/v1/reports/credentials/expiring?days=7",
        null));
    m.put("GET /api/v1/reports/credentials/overdue", () -> new Req("GET", "/api/v1/reports/credentials/overdue", null));
    m.put("GET /api/v1/reports/credentials/never-used", () -> new Req("GET", "/api/v1/reports/credentials/never-used",
        null));
    m.put("GET /api/v1/reports/credentials/unused", () -> new Req("GET", "/api/v1/reports/credentials/unused?days=30",
        null));
    m.put("GET /api/v1/reports/identities/without-credentials", () -> new Req("GET",
        "/api/v1/reports/identities/without-credentials", null));
    m.put("POST /api/v1/leaks", () -> new Req("POST", "/api/v1/leaks", "{\"value\":\"not a credential\"}"));
    // workloads: an unknown code, and a renewal without a client certificate
    m.put("POST /api/v1/enrol", () -> new Req("POST", "/api/v1/enrol",
        Workloads.body(Map.of("code", UNKNOWN_CODE, "csr", TestCsr.ecP256Pem()))));
    m.put("POST /api/v1/renew", () -> new Req("POST", "/api/v1/renew",
        Workloads.body(Map.of("csr", TestCsr.ecP256Pem()))));
    // the authorization server: public metadata and keys; the token endpoint authenticates OAuth clients by their
    // certificate, so without one it answers invalid_client
    m.put("GET /.well-known/oauth-authorization-server", () -> new Req("GET", "/.well-known/oauth-authorization-server",
        null));
    m.put("GET /oauth2/jwks", () -> new Req("GET", "/oauth2/jwks", null));
    m.put("GET /oauth2/revocations", () -> new Req("GET", "/oauth2/revocations?since=0", null));
    m.put("POST /oauth2/token", () -> new Req("POST", "/oauth2/token", "grant_type=client_credentials&client_id="
        + identity, "Content-Type", "application/x-www-form-urlencoded"));
    m.put("POST /oauth2/introspect", () -> new Req("POST", "/oauth2/introspect", "token=x", "Content-Type",
        "application/x-www-form-urlencoded"));
    m.put("POST /oauth2/revoke", () -> new Req("POST", "/oauth2/revoke", "token=x&client_id=" + identity,
        "Content-Type", "application/x-www-form-urlencoded"));
    m.put("POST /api/v1/resource-servers", () -> new Req("POST", "/api/v1/resource-servers",
        "{\"audience\":\"urn:example:rogue\",\"name\":\"Rogue\"}"));
    m.put("GET /api/v1/resource-servers", () -> new Req("GET", "/api/v1/resource-servers", null));
    m.put("GET /api/v1/identities/{id}/token-policy", () -> new Req("GET", idPath() + "/token-policy", null));
    m.put("PUT /api/v1/identities/{id}/token-policy", () -> new Req("PUT", idPath() + "/token-policy",
        "{\"allow_unbound_tokens\":true}"));
    m.put("POST /api/v1/tokens/{jti}/revoke", () -> new Req("POST", "/api/v1/tokens/tok_" + "a".repeat(26) + "/revoke",
        "{\"reason\":\"stolen\"}"));
    m.put("POST /api/v1/identities/{id}/tokens/revoke", () -> new Req("POST", idPath() + "/tokens/revoke",
        "{\"reason\":\"stolen\"}"));
    // notifications: the webhooks of team payments, the notifications of the identity, and an unknown disavow link
    m.put("POST /api/v1/teams/{team}/webhooks", () -> new Req("POST", "/api/v1/teams/payments/webhooks",
        "{\"url\":\"https://127.0.0.1:9/rogue\"}"));
    m.put("GET /api/v1/teams/{team}/webhooks", () -> new Req("GET", "/api/v1/teams/payments/webhooks", null));
    m.put("DELETE /api/v1/teams/{team}/webhooks/{webhook_id}", () -> new Req("DELETE",
        "/api/v1/teams/payments/webhooks/" + webhookId, null));
    m.put("GET /api/v1/notifications", () -> new Req("GET", "/api/v1/notifications?identity=" + identity, null));
    m.put("POST /api/v1/disavow/{token}", () -> new Req("POST", "/api/v1/disavow/" + UNKNOWN_DISAVOW, null));
    // re-binding: assurance and locks, change requests, and the workload's own requests over mutual TLS
    m.put("PUT /api/v1/identities/{id}/assurance", () -> new Req("PUT", idPath() + "/assurance",
        "{\"level\":2,\"reason\":\"payments\",\"version\":" + identityVersion() + "}"));
    m.put("POST /api/v1/identities/{id}/lock", () -> new Req("POST", idPath() + "/lock",
        "{\"reason\":\"review\",\"version\":" + identityVersion() + "}"));
    m.put("POST /api/v1/identities/{id}/unlock", () -> new Req("POST", idPath() + "/unlock",
        "{\"reason\":\"cleared\",\"version\":" + identityVersion() + "}"));
    m.put("GET /api/v1/identities/{id}/bindings", () -> new Req("GET", idPath() + "/bindings", null));
    String chg = "/api/v1/change-requests/" + changeRequest;
    m.put("POST /api/v1/change-requests", () -> new Req("POST", "/api/v1/change-requests", Workloads.body(Map.of(
        "type", "recover", "target", identity, "reason", "lost key", "csr", TestCsr.ecP256Pem(),
        "replaces", List.of(svid.credentialId())))));
    m.put("GET /api/v1/change-requests", () -> new Req("GET", "/api/v1/change-requests?target=" + identity, null));
    m.put("GET /api/v1/change-requests/{id}", () -> new Req("GET", chg, null));
    m.put("POST /api/v1/change-requests/{id}/challenges", () -> new Req("POST", chg + "/challenges", "{}"));
    m.put("POST /api/v1/change-requests/{id}/continuity", () -> new Req("POST", chg + "/continuity",
        "{\"challenge_id\":\"" + challengeId + "\",\"proof\":\"e30.e30.c2ln\"}"));
    m.put("POST /api/v1/change-requests/{id}/approvals", () -> new Req("POST", chg + "/approvals",
        "{\"role\":\"owner\",\"comment\":\"fine\"}"));
    m.put("POST /api/v1/change-requests/{id}/reject", () -> new Req("POST", chg + "/reject", "{\"comment\":\"no\"}"));
    m.put("POST /api/v1/change-requests/{id}/cancel", () -> new Req("POST", chg + "/cancel", "{\"comment\":\"no\"}"));
    m.put("POST /api/v1/change-requests/{id}/apply", () -> new Req("POST", chg + "/apply", "{}"));
    m.put("POST /api/v1/workload/change-requests", () -> new Req("POST", "/api/v1/workload/change-requests",
        Workloads.body(Map.of("reason", "rotation", "csr", TestCsr.ecP256Pem()))));
    m.put("POST /api/v1/workload/change-requests/{id}/apply", () -> new Req("POST",
        "/api/v1/workload/change-requests/" + changeRequest + "/apply", "{}"));
    // the support desk: the pending support action, and an alert id never issued
    String sup = "/api/v1/support/actions/" + supportAction;
    m.put("POST /api/v1/support/actions", () -> new Req("POST", "/api/v1/support/actions",
        supportBody("token_reissue", "identity:" + identity)));
    m.put("GET /api/v1/support/actions", () -> new Req("GET", "/api/v1/support/actions?state=pending", null));
    m.put("GET /api/v1/support/actions/{id}", () -> new Req("GET", sup, null));
    m.put("POST /api/v1/support/actions/{id}/approve", () -> new Req("POST", sup + "/approve",
        "{\"comment\":\"fine\"}"));
    m.put("POST /api/v1/support/actions/{id}/reject", () -> new Req("POST", sup + "/reject", "{\"comment\":\"no\"}"));
    m.put("POST /api/v1/support/actions/{id}/cancel", () -> new Req("POST", sup + "/cancel", "{}"));
    m.put("POST /api/v1/support/actions/{id}/apply", () -> new Req("POST", sup + "/apply", "{}"));
    m.put("GET /api/v1/support/review", () -> new Req("GET", "/api/v1/support/review", null));
    m.put("POST /api/v1/support/review/{id}", () -> new Req("POST", "/api/v1/support/review/" + supportAction,
        "{\"decision\":\"flagged\"}"));
    m.put("GET /api/v1/support/reports", () -> new Req("GET", "/api/v1/support/reports?review_age_hours=1", null));
    m.put("GET /api/v1/support/alerts", () -> new Req("GET", "/api/v1/support/alerts?open=true", null));
    m.put("POST /api/v1/support/alerts/{id}/clear", () -> new Req("POST",
        "/api/v1/support/alerts/" + UNKNOWN_ALERT + "/clear", "{}"));
    return m;
  }

  static TestServer.Response send(Req r, String token) {
    return s.send(r.method(), r.path(), token, r.body(), r.headers());
  }

  static Map<String, Route> routeTable() {
    return s.server.app().routes().stream().collect(Collectors.toMap(Route::key, r -> r, (a, b) -> a, LinkedHashMap::new));
  }

  @Test
  void everyRoute_hasAnEntryInThisMatrix() {
    assertThat(requests().keySet()).containsExactlyInAnyOrderElementsOf(routeTable().keySet());
  }

  @Test
  void everyRoute_callerWithoutTheRight_refusedAndAuditedAsDenied() {
    Map<String, Supplier<Req>> requests = requests();
    List<String> failures = new ArrayList<>();
    for (Route route : routeTable().values()) {
      Req req = requests.get(route.key()).get();
      long identities = s.identityCount();
      long audit = s.auditHead();
      TestServer.Response r;
      String expectedCode;
      String actor;
      switch (route.access()) {
        case PUBLIC -> {
          r = send(req, null);
          if (r.status() != 200) {
            failures.add(route.key() + ": public route answered " + r.status());
          }
          continue;
        }
        // an OAuth client without a certificate: an RFC 6749 error, counted in a metric and not audited
        case OAUTH_CLIENT, RESOURCE_SERVER -> {
          r = send(req, null);
          if (r.status() != 401 || !"invalid_client".equals(r.json().path("error").asText())
              || s.auditHead() != audit) {
            failures.add(route.key() + ": expected an unaudited 401 invalid_client, got " + r.status() + " "
                + r.body() + " and " + (s.auditHead() - audit) + " audit events");
          }
          continue;
        }
        // no client certificate: refused before anything is looked up, and not audited (anyone can send this)
        case WORKLOAD_CERTIFICATE -> {
          r = send(req, null);
          if (r.status() != 401 || !"client_certificate_required".equals(r.code()) || s.auditHead() != audit) {
            failures.add(route.key() + ": expected an unaudited 401 client_certificate_required, got " + r.status()
                + " " + r.body() + " and " + (s.auditHead() - audit) + " audit events");
          }
          continue;
        }
        // the code is the authentication: an unknown one is refused and audited
        case ENROLMENT_CODE -> {
          r = send(req, null);
          expectedCode = "enrolment_code_invalid";
          actor = "anonymous";
        }
        // the token in the path is the authentication: an unknown one is refused (404) and audited
        case DISAVOW_TOKEN -> {
          r = send(req, null);
          expectedCode = "disavow_link_invalid";
          actor = "anonymous";
        }
        // open to every operator: only an unusable token is refused
        case AUTHENTICATED, SELF, LEAK_REPORT -> {
          r = send(req, revoked.token());
          expectedCode = "token_revoked";
          actor = revoked.id();
        }
        // plain: no role, member of team "other" only; the identity is owned by "payments"/"platform"
        default -> {
          r = send(req, plain.token());
          expectedCode = REFUSAL_CODES.getOrDefault(route.key(), "forbidden");
          actor = plain.id();
        }
      }
      int expectedStatus = expectedCode.equals("forbidden") || REFUSAL_CODES.containsValue(expectedCode) ? 403
          : expectedCode.equals("disavow_link_invalid") ? 404 : 401;
      if (r.status() != expectedStatus || !expectedCode.equals(r.code())) {
        failures.add(route.key() + ": expected " + expectedStatus + " " + expectedCode + ", got " + r.status() + " " + r.body());
        continue;
      }
      if (s.auditHead() != audit + 1) {
        failures.add(route.key() + ": expected exactly one audit event, got " + (s.auditHead() - audit));
        continue;
      }
      AuditEvent e = s.lastAuditEvent();
      if (e.outcome() != Outcome.DENIED || !e.actor().equals(actor) || !expectedCode.equals(e.details().get("code"))) {
        failures.add(route.key() + ": audit event is " + e.outcome() + " by " + e.actor() + " " + e.details());
      }
      if (s.identityCount() != identities) {
        failures.add(route.key() + ": an identity was written");
      }
    }
    assertThat(failures).isEmpty();
    assertUnchanged();
  }

  /** The auditor reads everything the audit log offers, and every write route refuses it. */
  @Test
  void auditor_readsButEveryWriteRouteRefuses() {
    Map<String, Supplier<Req>> requests = requests();
    List<String> failures = new ArrayList<>();
    for (Route route : routeTable().values()) {
      boolean write = !route.method().name().equals("GET");
      // self-service on one's own credentials and the audit check are not writes to the registry
      if (!route.access().operatorToken() || route.access() == Access.SELF || route.access() == Access.AUDIT_READ) {
        continue;
      }
      Req req = requests.get(route.key()).get();
      long audit = s.auditHead();
      TestServer.Response r = send(req, auditor.token());
      if (write) {
        if (r.status() != 403 || !REFUSAL_CODES.getOrDefault(route.key(), "forbidden").equals(r.code())) {
          failures.add(route.key() + ": auditor got " + r.status() + " " + r.body());
        } else if (s.auditHead() != audit + 1 || s.lastAuditEvent().outcome() != Outcome.DENIED) {
          failures.add(route.key() + ": refusal not audited");
        }
      } else if (r.status() != 200 && !route.key().equals("GET /api/v1/identities/by-subject")
          && !route.key().equals("GET /api/v1/operators/{id}/tokens")) {
        failures.add(route.key() + ": auditor could not read: " + r.status() + " " + r.body());
      }
    }
    assertThat(failures).isEmpty();
    for (String audit : List.of("/api/v1/audit/events", "/api/v1/audit/export")) {
      assertThat(s.get(audit, auditor.token()).status()).isEqualTo(200);
    }
    assertThat(s.post("/api/v1/audit/verify", auditor.token(), "{}").json().get("ok").asBoolean()).isTrue();
    assertUnchanged();
  }

  /** A leak reporter (a secret scanner) reports leaks; every other route refuses it, reads included. */
  @Test
  void leakReporter_everyRouteButTheLeakReportRefuses() {
    Map<String, Supplier<Req>> requests = requests();
    List<String> failures = new ArrayList<>();
    for (Route route : routeTable().values()) {
      // its own TOTP and step-up are self-service of its account
      if (!route.access().operatorToken() || route.access() == Access.SELF || route.access() == Access.LEAK_REPORT) {
        continue;
      }
      long identities = s.identityCount();
      TestServer.Response r = send(requests.get(route.key()).get(), leakReporter.token());
      if (r.status() != 403 || !"forbidden".equals(r.code())) {
        failures.add(route.key() + ": leak reporter got " + r.status() + " " + r.body());
      }
      if (s.identityCount() != identities) {
        failures.add(route.key() + ": an identity was written");
      }
    }
    assertThat(failures).isEmpty();
    TestServer.Response report = s.post("/api/v1/leaks", leakReporter.token(), "{\"value\":\"not a credential\"}");
    assertThat(report.status()).as(report.body()).isEqualTo(200);
    assertThat(report.json().get("matched").asBoolean()).isFalse();
    assertUnchanged();
  }

  /** An auditor is read-only: a leak report revokes credentials, so it is refused, audited, and revokes nothing. */
  @Test
  void auditor_leakReportOfAValidCertificate_refusedAuditedAndNothingRevoked() {
    long audit = s.auditHead();
    TestServer.Response r = s.post("/api/v1/leaks", auditor.token(),
        Workloads.body(Map.of("value", Pem.certificate(svid.leaf()))));
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.code()).isEqualTo("forbidden");
    assertThat(s.auditHead()).isEqualTo(audit + 1);
    AuditEvent e = s.lastAuditEvent();
    assertThat(e.outcome()).isEqualTo(Outcome.DENIED);
    assertThat(e.actor()).isEqualTo(auditor.id());
    assertThat(e.action()).isEqualTo("credential.leak.report");
    assertUnchanged();
  }

  @Test
  void serviceDesk_cannotGrantRoles() {
    long audit = s.auditHead();
    TestServer.Response r = s.post("/api/v1/operators/" + target.id() + "/roles", serviceDesk.token(),
        "{\"role\":\"admin\",\"version\":" + targetVersion() + "}");
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.code()).isEqualTo("forbidden");
    assertThat(s.auditHead()).isEqualTo(audit + 1);
    assertThat(s.lastAuditEvent().actor()).isEqualTo(serviceDesk.id());
    assertThat(s.lastAuditEvent().action()).isEqualTo("operator.grant_role");
    assertUnchanged();
  }

  @Test
  void owner_cannotWidenTheScopesOfTheirOwnIdentity() {
    TestServer.Response r = s.send("PUT", idPath() + "/scopes", owner.token(),
        "{\"scopes\":[\"everything\"],\"version\":" + identityVersion() + "}");
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.code()).isEqualTo("forbidden");
    // but an owner may edit the profile
    TestServer.Response edit = s.send("PATCH", idPath(), owner.token(), "{\"contact\":\"oncall@example.com\"}",
        "If-Match", "\"" + identityVersion() + "\"");
    assertThat(edit.status()).as(edit.body()).isEqualTo(200);
  }

  /** Nothing any refused caller sent has changed the identity or the target operator. */
  private static void assertUnchanged() {
    TestServer.Response i = s.get(idPath(), s.adminToken);
    assertThat(i.json().get("status").asText()).isEqualTo("active");
    assertThat(i.json().get("owner_team").asText()).isEqualTo("payments");
    assertThat(i.json().get("scopes").size()).isZero();
    TestServer.Response op = s.get("/api/v1/operators/" + target.id(), s.adminToken);
    assertThat(op.json().get("roles").toString()).isEqualTo("[\"service_desk\"]");
    assertThat(op.json().get("teams").toString()).isEqualTo("[\"other\"]");
    assertThat(op.json().get("status").asText()).isEqualTo("active");
    assertThat(s.get("/api/v1/operators/" + target.id() + "/tokens", s.adminToken).json().at("/items/0/revoked_at").isNull())
        .isTrue();
    assertThat(s.get("/api/v1/teams", s.adminToken).body()).doesNotContain("rogue");
    // credentials: the one SVID is still active, nothing was registered, the policy is the default
    TestServer.Response creds = s.get(idPath() + "/credentials", s.adminToken);
    assertThat(creds.json().get("items").size()).as(creds.body()).isEqualTo(1);
    assertThat(creds.json().at("/items/0/status").asText()).isEqualTo("active");
    assertThat(creds.json().at("/items/0/id").asText()).isEqualTo(svid.credentialId());
    TestServer.Response policies = s.get("/api/v1/policies/rotation", s.adminToken);
    for (JsonNode p : policies.json().get("items")) {
      if (p.get("identity_kind").asText().equals("workload") && p.get("credential_type").asText().equals("api_key")) {
        assertThat(p.get("max_lifetime_seconds").asLong()).isEqualTo(Duration.ofDays(90).toSeconds());
      }
    }
    assertThat(s.get("/api/v1/resource-servers", s.adminToken).body()).doesNotContain("rogue");
    assertThat(s.get(idPath() + "/token-policy", s.adminToken).json().get("allow_unbound_tokens").asBoolean())
        .isFalse();
    // no refused request revoked a token: the revocation feed is empty
    assertThat(s.server.transactor().read((dev.bindery.store.Tx t) -> t.revocationEvents().since(0, 10))).isEmpty();
    JsonNode hooks = s.get("/api/v1/teams/payments/webhooks", s.adminToken).json().get("items");
    assertThat(hooks.size()).isEqualTo(1);
    assertThat(hooks.get(0).get("id").asText()).isEqualTo(webhookId);
    // re-binding: the level is the default, the admin's request is still pending with nothing given, and no other
    // request was made
    assertThat(i.json().get("assurance_level").asInt()).isEqualTo(1);
    TestServer.Response request = s.get("/api/v1/change-requests/" + changeRequest, s.adminToken);
    assertThat(request.json().get("state").asText()).isEqualTo("pending");
    assertThat(request.json().get("approvals").size()).isZero();
    assertThat(request.json().get("continuity").isNull()).isTrue();
    assertThat(s.get("/api/v1/change-requests?target=" + identity, s.adminToken).json().get("items").size())
        .isEqualTo(1);
    // the support desk: the one support action is still pending with no approval, and no other was made
    TestServer.Response support = s.get("/api/v1/support/actions/" + supportAction, s.adminToken);
    assertThat(support.json().get("state").asText()).isEqualTo("pending");
    assertThat(support.json().get("approvals").size()).isZero();
    assertThat(s.get("/api/v1/support/actions", s.adminToken).json().get("items").size()).isEqualTo(1);
  }
}
