package dev.bindery.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.audit.AuditEvent;
import dev.bindery.audit.Outcome;
import dev.bindery.pki.Pem;
import dev.bindery.testkit.pki.TestCsr;
import dev.bindery.testkit.pki.TestKeys;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input to every credential route, over HTTPS: each case answers a precise 4xx problem naming what is wrong,
 * writes nothing (the credentials, the identity's enrolment codes, the rotation policies, the identity registry
 * and the audit log are compared before and after; refusals the contract audits write exactly one denied event
 * and nothing else), and the server keeps answering.
 */
class CredentialBadInputTest {
  @TempDir static Path dir;
  static TestServer s;
  static Fixtures f;
  static Workloads w;
  static String identity;
  static Workloads.Held svid;
  Workloads.Snapshot before;

  @BeforeAll
  static void start() {
    s = TestServer.start(dir);
    f = new Fixtures(s);
    w = new Workloads(s);
    f.team("payments");
    f.team("platform");
    identity = f.identity(s.adminToken, "payments", "team:platform");
    svid = w.enrolled(identity);
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  @BeforeEach
  void snapshot() {
    before = w.snapshot(identity);
  }

  @AfterEach
  void serverStillAnswers() {
    assertThat(s.get("/health/live", null).status()).isEqualTo(200);
  }

  private static String path(String suffix) {
    return "/api/v1/identities/" + identity + suffix;
  }

  /** The problem is exactly {@code status} / {@code code} (and names {@code field} if given); nothing written. */
  private void refused(TestServer.Response r, int status, String code, String field) {
    assertProblem(r, status, code, field);
    assertThat(w.snapshot(identity)).as("nothing written").isEqualTo(before);
  }

  private void refused(TestServer.Response r, int status, String code) {
    refused(r, status, code, null);
  }

  /** As {@link #refused}, but the contract audits this refusal: exactly one denied event, nothing else. */
  private void refusedAndAudited(TestServer.Response r, int status, String code, String action) {
    assertProblem(r, status, code, null);
    Workloads.Snapshot after = w.snapshot(identity);
    assertThat(after.auditHead()).isEqualTo(before.auditHead() + 1);
    assertThat(new Workloads.Snapshot(after.credentials(), after.codes(), after.policies(), before.auditHead(),
        after.identities())).isEqualTo(before);
    AuditEvent e = s.lastAuditEvent();
    assertThat(e.outcome()).isEqualTo(Outcome.DENIED);
    assertThat(e.action()).isEqualTo(action);
    assertThat(e.details()).containsEntry("code", code);
    before = after;
  }

  private static void assertProblem(TestServer.Response r, int status, String code, String field) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    assertThat(r.code()).as(r.body()).isEqualTo(code);
    if (field != null) {
      assertThat(r.json().get("field").asText()).as(r.body()).isEqualTo(field);
    }
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("at dev.bindery");
  }

  private static TestServer.Response post(String path, String body) {
    return s.post(path, s.adminToken, body);
  }

  private static String enrolBody(String code, String csr) {
    return Workloads.body(Map.of("code", code, "csr", csr));
  }

  // ---- bodies: the strict JSON rules on every new route with a body ------------------------------------

  @Test
  void everyBodyRoute_malformedJsonUnknownFieldWrongTypeAndContentType_preciseProblemNothingWritten() {
    Map<String, String> routes = new LinkedHashMap<>();
    routes.put(path("/enrolment-codes"), "ttl_seconds");
    routes.put(path("/public-keys"), "jwk");
    routes.put(path("/self-signed-certificates"), "certificate_pem");
    routes.put(path("/api-keys"), "expires_at");
    routes.put("/api/v1/credentials/" + svid.credentialId() + "/revoke", "reason");
    routes.put("/api/v1/certificates/" + svid.serial() + "/revoke", "reason");
    routes.put("/api/v1/leaks", "value");
    routes.put("/api/v1/enrol", "code");
    for (Map.Entry<String, String> route : routes.entrySet()) {
      String p = route.getKey();
      String token = p.equals("/api/v1/enrol") ? null : s.adminToken;
      refused(s.post(p, token, "{\"" + route.getValue() + "\": "), 400, "malformed_json");
      refused(s.post(p, token, "[1,2]"), 400, "malformed_json");
      refused(s.post(p, token, "{\"" + route.getValue() + "\":true,\"extra\":1}"), 400, "unknown_field", "extra");
      refused(s.post(p, token, "{\"" + route.getValue() + "\":true}"), 400, "invalid_field", route.getValue());
      refused(s.send("POST", p, token, "{}", "Content-Type", "text/plain"), 415, "unsupported_media_type");
    }
    refused(s.send("PUT", "/api/v1/policies/rotation/workload/api_key", s.adminToken, "{\"max_lifetime_seconds\":"),
        400, "malformed_json");
    refused(s.send("PUT", "/api/v1/policies/rotation/workload/api_key", s.adminToken,
        "{\"max_lifetime_seconds\":60,\"rotate_after_seconds\":60,\"note\":1}"), 400, "unknown_field", "note");
  }

  @Test
  void requiredFieldsMissing_missingFieldNamingIt() {
    refused(post(path("/public-keys"), Workloads.body(Map.of("jwk", Workloads.ecJwk(TestKeys.ecP256())))), 400,
        "missing_field", "expires_at");
    refused(post(path("/api-keys"), "{}"), 400, "missing_field", "expires_at");
    refused(post(path("/self-signed-certificates"), "{}"), 400, "missing_field", "certificate_pem");
    refused(post("/api/v1/credentials/" + svid.credentialId() + "/revoke", "{}"), 400, "missing_field", "reason");
    refused(post("/api/v1/leaks", "{}"), 400, "missing_field", "value");
    refused(s.post("/api/v1/enrol", null, "{\"code\":\"bnd_enr_x\"}"), 400, "missing_field", "csr");
    refused(s.send("PUT", "/api/v1/policies/rotation/workload/api_key", s.adminToken, "{\"max_lifetime_seconds\":60}"),
        400, "missing_field", "rotate_after_seconds");
  }

  // ---- enrolment ---------------------------------------------------------------------------------------

  @Test
  void enrol_badCsrs_eachItsCodeNotAuditedAndTheCodeStillWorks() {
    String code = w.code(s.adminToken, identity);
    before = w.snapshot(identity);
    KeyPair key = TestKeys.ecP256();
    String csr = TestCsr.forKey(key).pem();
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put("garbage", "garbage");
    bad.put("truncated", csr.substring(0, csr.length() / 2));
    bad.put("truncated base64", "-----BEGIN CERTIFICATE REQUEST-----\nMIIBKzCB0gIBADBY\n-----END CERTIFICATE REQUEST-----\n");
    bad.put("a certificate, not a request", Pem.certificate(svid.leaf()));
    bad.put("two requests", csr + csr);
    bad.put("der base64 without armour", csr.replaceAll("-----[A-Z ]+-----", "").strip());
    for (Map.Entry<String, String> e : bad.entrySet()) {
      refused(w.enrol(code, e.getValue()), 400, "csr_malformed");
    }
    refused(w.enrol(code, TestCsr.forKey(key).tamperSignature().pem()), 400, "csr_signature_invalid");
    refused(w.enrol(code, TestCsr.forKey(TestKeys.rsa(1024)).pem()), 400, "key_too_weak");
    refused(w.enrol(code, TestCsr.forKey(TestKeys.ecP521()).pem()), 400, "key_unsupported");
    refused(w.enrol(code, TestCsr.forKey(TestKeys.dsa()).pem()), 400, "key_unsupported");
    refused(w.enrol(code, TestCsr.forKey(key).requestBasicConstraints(true).pem()), 400, "csr_not_permitted");
    refused(w.enrol(code, TestCsr.forKey(key).requestDnsName("billing.example").pem()), 400, "csr_not_permitted");
    refused(w.enrol(code, TestCsr.forKey(key).requestUri("spiffe://bindery.test/nhi/nhi_aaaaaaaaaaaaaaaaaaaaaaaaaa")
        .pem()), 400, "csr_not_permitted");
    refused(s.post("/api/v1/enrol", null, "{\"code\":\"" + code + "\",\"csr\":42}"), 400, "invalid_field", "csr");

    // the code was never consumed by any of these
    TestServer.Response ok = w.enrol(code, TestCsr.forKey(key).requestUri("spiffe://bindery.test/nhi/" + identity).pem());
    assertThat(ok.status()).as(ok.body()).isEqualTo(201);
  }

  @Test
  void enrol_reusedExpiredUnknownCodesAndInactiveIdentity_401AuditedOnceNothingElse() {
    String code = w.code(s.adminToken, identity);
    assertThat(w.enrol(code, TestCsr.ecP256Pem()).status()).isEqualTo(201);
    String expiring = w.code(s.adminToken, identity);
    before = w.snapshot(identity);

    refusedAndAudited(w.enrol(code, TestCsr.ecP256Pem()), 401, "enrolment_code_used", "credential.enrol");
    refusedAndAudited(w.enrol("bnd_enr_" + "b".repeat(52), TestCsr.ecP256Pem()), 401, "enrolment_code_invalid",
        "credential.enrol");
    refusedAndAudited(w.enrol("not-a-code", TestCsr.ecP256Pem()), 401, "enrolment_code_invalid", "credential.enrol");
    s.clock.advance(Duration.ofSeconds(600));
    refusedAndAudited(w.enrol(expiring, TestCsr.ecP256Pem()), 401, "enrolment_code_expired", "credential.enrol");
    assertThat(s.lastAuditEvent().detailsJson()).doesNotContain(expiring);

    String other = f.identity(s.adminToken, "payments", "team:platform");
    String suspendedCode = w.code(s.adminToken, other);
    assertThat(s.post("/api/v1/identities/" + other + "/suspend", s.adminToken,
        "{\"version\":" + f.version("/api/v1/identities/" + other) + "}").status()).isEqualTo(200);
    before = w.snapshot(identity);
    refusedAndAudited(w.enrol(suspendedCode, TestCsr.ecP256Pem()), 401, "identity_not_active", "credential.enrol");
  }

  @Test
  void enrolmentCode_badTtlOrIdentity_preciseProblem() {
    refused(post(path("/enrolment-codes"), "{\"ttl_seconds\":0}"), 400, "invalid_field", "ttl_seconds");
    refused(post(path("/enrolment-codes"), "{\"ttl_seconds\":601}"), 400, "invalid_field", "ttl_seconds");
    refused(post(path("/enrolment-codes"), "{\"ttl_seconds\":-5}"), 400, "invalid_field", "ttl_seconds");
    refused(post(path("/enrolment-codes"), "{\"ttl_seconds\":12345678901234567890}"), 400, "invalid_field",
        "ttl_seconds");
    refused(post(path("/enrolment-codes"), "{\"ttl_seconds\":60.5}"), 400, "invalid_field", "ttl_seconds");
    refused(post("/api/v1/identities/nhi_aaaaaaaaaaaaaaaaaaaaaaaaaa/enrolment-codes", "{}"), 404, "identity_not_found");
    refused(post("/api/v1/identities/nope/enrolment-codes", "{}"), 400, "invalid_identifier");
  }

  // ---- revocation --------------------------------------------------------------------------------------

  @Test
  void revoke_unknownOrMalformedCredentialOrSerialAndBadReasons_preciseProblem() {
    refused(post("/api/v1/credentials/cred_aaaaaaaaaaaaaaaaaaaaaaaaaa/revoke", "{\"reason\":\"unspecified\"}"), 404,
        "credential_not_found");
    refused(post("/api/v1/credentials/not-a-credential/revoke", "{\"reason\":\"unspecified\"}"), 400,
        "invalid_identifier");
    refused(post("/api/v1/certificates/abc123/revoke", "{\"reason\":\"unspecified\"}"), 404, "credential_not_found");
    refused(post("/api/v1/certificates/xyz/revoke", "{\"reason\":\"unspecified\"}"), 400, "invalid_identifier");
    refused(post("/api/v1/certificates/0/revoke", "{\"reason\":\"unspecified\"}"), 400, "invalid_identifier");
    refused(post("/api/v1/certificates/" + "f".repeat(41) + "/revoke", "{\"reason\":\"unspecified\"}"), 400,
        "invalid_identifier");
    refused(post("/api/v1/certificates/" + svid.serial() + "/revoke", "{\"reason\":\"certificate_hold\"}"), 400,
        "invalid_field", "reason");
    refused(post("/api/v1/credentials/" + svid.credentialId() + "/revoke", "{\"reason\":\"KEY_COMPROMISE\"}"), 400,
        "invalid_field", "reason");
    refused(post("/api/v1/credentials/" + svid.credentialId() + "/revoke", "{\"reason\":1}"), 400,
        "invalid_field", "reason");
    refused(s.get("/api/v1/credentials/cred_aaaaaaaaaaaaaaaaaaaaaaaaaa", s.adminToken), 404, "credential_not_found");
    refused(s.get("/api/v1/credentials/cred_", s.adminToken), 400, "invalid_identifier");
  }

  // ---- registration --------------------------------------------------------------------------------------

  @Test
  void registerPublicKey_privateOrBadJwkAndBadExpiry_preciseProblem() {
    KeyPair key = TestKeys.ecP256();
    String expires = w.inFuture(Duration.ofDays(1));
    Map<String, Object> jwk = new LinkedHashMap<>(Workloads.ecJwk(key));
    Map<String, Object> privateJwk = new LinkedHashMap<>(jwk);
    privateJwk.put("d", "AQAB");
    refused(post(path("/public-keys"), Workloads.body(Map.of("jwk", privateJwk, "expires_at", expires))), 400,
        "private_key_not_accepted");
    refused(post(path("/public-keys"), Workloads.body(Map.of("jwk", Map.of("kty", "oct", "k", "c2VjcmV0"),
        "expires_at", expires))), 400, "private_key_not_accepted");
    refused(post(path("/public-keys"), Workloads.body(Map.of("jwk", "not an object", "expires_at", expires))), 400,
        "invalid_field", "jwk");
    refused(post(path("/public-keys"), Workloads.body(Map.of("jwk", Map.of("keys", java.util.List.of(jwk)),
        "expires_at", expires))), 400, "invalid_field", "jwk");
    refused(post(path("/public-keys"), Workloads.body(Map.of("jwk", Map.of("kty", "EC", "crv", "P-256", "x", "AAAA",
        "y", "AAAA"), "expires_at", expires))), 400, "invalid_field", "jwk");
    for (String badTime : new String[] {"tomorrow", "2030-01-01T00:00:00", "2030-01-01", "2030-13-01T00:00:00Z"}) {
      refused(post(path("/public-keys"), Workloads.body(Map.of("jwk", jwk, "expires_at", badTime))), 400,
          "invalid_field", "expires_at");
    }
    refused(post(path("/public-keys"), Workloads.body(Map.of("jwk", jwk, "expires_at",
        Json.time(s.clock.instant().minusSeconds(1))))), 400, "invalid_field", "expires_at");
    refused(post(path("/public-keys"), Workloads.body(Map.of("jwk", jwk, "expires_at",
        w.inFuture(Duration.ofDays(366))))), 400, "lifetime_exceeds_policy", "expires_at");
  }

  @Test
  void registerSelfSignedCertificate_garbageTruncatedWrongTypeExpiredOrNotSelfSigned_preciseProblem() {
    KeyPair key = TestKeys.ecP256();
    String pem = Pem.certificate(Workloads.selfSigned(key, s.clock.instant().minusSeconds(60),
        s.clock.instant().plus(Duration.ofDays(1))));
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put("garbage", "garbage");
    bad.put("truncated", pem.substring(0, pem.length() - 40));
    bad.put("truncated der", "-----BEGIN CERTIFICATE-----\nMIIBKzCB0gIBADBY\n-----END CERTIFICATE-----\n");
    bad.put("a request", TestCsr.forKey(key).pem());
    bad.put("issued by the identity CA", Pem.certificate(svid.leaf()));
    bad.put("expired", Pem.certificate(Workloads.selfSigned(key, s.clock.instant().minus(Duration.ofDays(2)),
        s.clock.instant().minus(Duration.ofDays(1)))));
    bad.put("two certificates", pem + pem);
    for (Map.Entry<String, String> e : bad.entrySet()) {
      TestServer.Response r = post(path("/self-signed-certificates"),
          Workloads.body(Map.of("certificate_pem", e.getValue())));
      assertThat(r.code()).as(e.getKey() + ": " + r.body()).isEqualTo("certificate_malformed");
      refused(r, 400, "certificate_malformed", "certificate_pem");
    }
    refused(post(path("/self-signed-certificates"), Workloads.body(Map.of("certificate_pem", Pem.certificate(
        Workloads.selfSigned(TestKeys.rsa(1024), s.clock.instant().minusSeconds(60),
            s.clock.instant().plus(Duration.ofDays(1))))))), 400, "key_too_weak");
  }

  @Test
  void createApiKey_badOrTooLongExpiry_preciseProblem() {
    refused(post(path("/api-keys"), "{\"expires_at\":\"never\"}"), 400, "invalid_field", "expires_at");
    refused(post(path("/api-keys"), "{\"expires_at\":null}"), 400, "missing_field", "expires_at");
    refused(post(path("/api-keys"), Workloads.body(Map.of("expires_at", w.inFuture(Duration.ofDays(91))))), 400,
        "lifetime_exceeds_policy", "expires_at");
  }

  // ---- policies, reports, queries ------------------------------------------------------------------------

  @Test
  void setRotationPolicy_unknownKindTypeOrBounds_preciseProblem() {
    String ok = "{\"max_lifetime_seconds\":3600,\"rotate_after_seconds\":60}";
    refused(s.send("PUT", "/api/v1/policies/rotation/robot/api_key", s.adminToken, ok), 400, "invalid_field",
        "identity_kind");
    refused(s.send("PUT", "/api/v1/policies/rotation/workload/password", s.adminToken, ok), 400, "invalid_field",
        "credential_type");
    refused(s.send("PUT", "/api/v1/policies/rotation/workload/api_key", s.adminToken,
        "{\"max_lifetime_seconds\":0,\"rotate_after_seconds\":0}"), 400, "invalid_field", "max_lifetime_seconds");
    refused(s.send("PUT", "/api/v1/policies/rotation/workload/api_key", s.adminToken,
        "{\"max_lifetime_seconds\":60,\"rotate_after_seconds\":61}"), 400, "invalid_field", "rotate_after_seconds");
    refused(s.send("PUT", "/api/v1/policies/rotation/workload/x509_svid", s.adminToken,
        "{\"max_lifetime_seconds\":" + Duration.ofDays(31).toSeconds() + ",\"rotate_after_seconds\":60}"), 400,
        "invalid_field", "max_lifetime_seconds");
    refused(s.send("PUT", "/api/v1/policies/rotation/workload/api_key", s.adminToken,
        "{\"max_lifetime_seconds\":-9223372036854775808,\"rotate_after_seconds\":60}"), 400, "invalid_field",
        "max_lifetime_seconds");
  }

  @Test
  void reportsAndLists_badQueries_invalidQuery() {
    refused(s.get("/api/v1/reports/credentials/expiring", s.adminToken), 400, "invalid_query", "days");
    refused(s.get("/api/v1/reports/credentials/expiring?days=0", s.adminToken), 400, "invalid_query", "days");
    refused(s.get("/api/v1/reports/credentials/expiring?days=3651", s.adminToken), 400, "invalid_query", "days");
    refused(s.get("/api/v1/reports/credentials/unused?days=seven", s.adminToken), 400, "invalid_query", "days");
    refused(s.get("/api/v1/reports/credentials/unused?days=99999999999", s.adminToken), 400, "invalid_query", "days");
    refused(s.get("/api/v1/reports/credentials/overdue?days=1", s.adminToken), 400, "invalid_query", "days");
    refused(s.get(path("/credentials?status=expired"), s.adminToken), 400, "invalid_query", "status");
    refused(s.get(path("/credentials?limit=5"), s.adminToken), 400, "invalid_query", "limit");
    refused(s.get("/api/v1/identities/nhi_aaaaaaaaaaaaaaaaaaaaaaaaaa/credentials", s.adminToken), 404,
        "identity_not_found");
  }

  @Test
  void leak_hugeOrNonStringValue_preciseProblem() {
    refused(post("/api/v1/leaks", "{\"value\":42}"), 400, "invalid_field", "value");
    refused(post("/api/v1/leaks", "{\"value\":\"   \"}"), 400, "missing_field", "value");
    refused(post("/api/v1/leaks", Workloads.body(Map.of("value", "x".repeat(64 * 1024 + 1)))), 400, "invalid_field",
        "value");
  }
}
