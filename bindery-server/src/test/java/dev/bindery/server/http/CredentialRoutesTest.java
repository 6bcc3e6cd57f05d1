package dev.bindery.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.JWK;
import dev.bindery.audit.AuditEvent;
import dev.bindery.audit.Outcome;
import dev.bindery.pki.Pem;
import dev.bindery.testkit.pki.TestCsr;
import dev.bindery.testkit.pki.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The credential routes of docs/api.md end to end over HTTPS, by an owner and an admin: the JSON of every answer
 * exactly as the contract writes it, the one-time secrets shown once, revocation visible in the CRL, leak reports,
 * rotation policies and reports, and the retirement cascade.
 */
class CredentialRoutesTest {
  /** The fields of Credential JSON, in the contract's order. */
  static final List<String> CREDENTIAL_FIELDS = List.of("id", "identity_id", "type", "status", "usable", "lineage_id",
      "generation", "serial", "thumbprint", "key_type", "not_before", "not_after", "bound_by", "bound_at",
      "bind_method", "assurance", "last_used_at", "revoked_at", "revocation_reason", "superseded_by",
      "display_prefix", "change_request_id");
  private static final String TIME = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";

  @TempDir static Path dir;
  static TestServer s;
  static Fixtures f;
  static Workloads w;
  static Fixtures.Op owner;
  static String adminId;

  @BeforeAll
  static void start() {
    s = TestServer.start(dir);
    f = new Fixtures(s);
    w = new Workloads(s);
    f.team("payments");
    f.team("platform");
    owner = f.operator("", "payments");
    adminId = s.get("/api/v1/operators/me", s.adminToken).json().get("id").asText();
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  private static String identity() {
    return f.identity(s.adminToken, "payments", "team:platform");
  }

  private static List<String> fields(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static String base64url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String x5t(X509Certificate c) throws Exception {
    return base64url(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
  }

  @Test
  void enrolmentCode_owner_shownOnceWithItsExpiry() {
    String id = identity();

    TestServer.Response r = s.post("/api/v1/identities/" + id + "/enrolment-codes", owner.token(),
        "{\"ttl_seconds\":120}");

    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(fields(r.json())).containsExactly("code", "identity_id", "expires_at");
    assertThat(r.json().get("code").asText()).matches("bnd_enr_[a-z2-7]{52}");
    assertThat(r.json().get("identity_id").asText()).isEqualTo(id);
    assertThat(r.json().get("expires_at").asText()).isEqualTo(Json.time(s.clock.instant().plusSeconds(120)));
    assertThat(s.get("/api/v1/identities/" + id + "/history", s.adminToken).body())
        .doesNotContain(r.json().get("code").asText());
    TestServer.Response byDefault = s.post("/api/v1/identities/" + id + "/enrolment-codes", owner.token(), null);
    assertThat(byDefault.status()).as(byDefault.body()).isEqualTo(201);
    assertThat(byDefault.json().get("expires_at").asText()).isEqualTo(Json.time(s.clock.instant().plusSeconds(600)));
  }

  @Test
  void enrol_validCodeAndCsr_issuedCertificateJsonAsTheContract() throws Exception {
    String id = identity();
    String code = w.code(owner.token(), id);
    KeyPair key = TestKeys.ecP256();

    TestServer.Response r = w.enrol(code, TestCsr.forKey(key).pem());

    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(r.header("Content-Type")).startsWith("application/json");
    assertThat(r.header("Cache-Control")).isEqualTo("no-store");
    JsonNode body = r.json();
    assertThat(fields(body)).containsExactly("credential", "spiffe_id", "certificate_pem", "chain_pem");
    X509Certificate cert = Pem.parseCertificates(body.get("certificate_pem").asText()).get(0);
    assertThat(Pem.parseCertificates(body.get("certificate_pem").asText())).hasSize(1);
    assertThat(body.get("chain_pem").asText()).isEqualTo(s.get("/pki/ca.pem", null).body());
    assertThat(cert.getPublicKey()).isEqualTo(key.getPublic());
    assertThat(body.get("spiffe_id").asText()).isEqualTo("spiffe://bindery.test/nhi/" + id);
    JsonNode c = body.get("credential");
    assertThat(fields(c)).containsExactlyElementsOf(CREDENTIAL_FIELDS);
    assertThat(c.get("id").asText()).matches("cred_[a-z2-7]{26}");
    assertThat(c.get("identity_id").asText()).isEqualTo(id);
    assertThat(c.get("type").asText()).isEqualTo("x509_svid");
    assertThat(c.get("status").asText()).isEqualTo("active");
    assertThat(c.get("usable").asBoolean()).isTrue();
    assertThat(c.get("lineage_id").asText()).startsWith("lin_");
    assertThat(c.get("generation").isInt()).isTrue();
    assertThat(c.get("generation").asInt()).isEqualTo(1);
    // lowercase hex without leading zeros, as the CLI sends it back for revocation
    assertThat(c.get("serial").asText()).isEqualTo(cert.getSerialNumber().toString(16)).matches("[1-9a-f][0-9a-f]*");
    assertThat(c.get("thumbprint").asText()).isEqualTo(x5t(cert));
    assertThat(c.get("key_type").asText()).isEqualTo("EC P-256");
    assertThat(c.get("not_before").asText()).matches(TIME).isEqualTo(Json.time(cert.getNotBefore().toInstant()));
    assertThat(c.get("not_after").asText()).isEqualTo(Json.time(cert.getNotAfter().toInstant()));
    assertThat(Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant()))
        .isEqualTo(Duration.ofHours(24));
    // the operator who made the code bound it
    assertThat(c.get("bound_by").asText()).isEqualTo(owner.id());
    assertThat(c.get("bound_at").asText()).matches(TIME);
    assertThat(c.get("bind_method").asText()).isEqualTo("enrolment");
    assertThat(c.get("assurance").asText()).isEqualTo("software");
    for (String absent : List.of("last_used_at", "revoked_at", "revocation_reason", "superseded_by", "display_prefix")) {
      assertThat(c.get(absent).isNull()).as(absent).isTrue();
    }
    // the same JSON from the credential routes
    TestServer.Response got = s.get("/api/v1/credentials/" + c.get("id").asText(), owner.token());
    assertThat(got.json()).isEqualTo(c);
    TestServer.Response list = s.get("/api/v1/identities/" + id + "/credentials?status=active", owner.token());
    assertThat(list.json().get("items")).containsExactly(c);
    assertThat(s.get("/api/v1/identities/" + id + "/credentials?status=revoked", owner.token()).json().get("items"))
        .isEmpty();
  }

  @Test
  void enrol_codeUsedOnce_theAnswerIsAuditedWithoutTheCode() {
    String id = identity();
    String code = w.code(s.adminToken, id);
    long audit = s.auditHead();

    TestServer.Response r = w.enrol(code, TestCsr.ecP256Pem());

    assertThat(r.status()).isEqualTo(201);
    AuditEvent e = s.lastAuditEvent();
    assertThat(s.auditHead()).isEqualTo(audit + 1);
    assertThat(e.action()).isEqualTo("credential.enrol");
    assertThat(e.actor()).isEqualTo(id);
    assertThat(e.requestId()).isEqualTo(r.header("X-Request-Id"));
    assertThat(e.detailsJson()).doesNotContain(code);
    TestServer.Response again = w.enrol(code, TestCsr.ecP256Pem());
    assertThat(again.status()).isEqualTo(401);
    assertThat(again.code()).isEqualTo("enrolment_code_used");
  }

  @Test
  void registerPublicKey_thumbprintIsRfc7638AndGenerationNull() throws Exception {
    String id = identity();
    Map<String, Object> jwk = Workloads.ecJwk(TestKeys.ecP256());
    String expires = w.inFuture(Duration.ofDays(30));

    TestServer.Response r = s.post("/api/v1/identities/" + id + "/public-keys", owner.token(),
        Workloads.body(Map.of("jwk", jwk, "expires_at", expires)));

    assertThat(r.status()).as(r.body()).isEqualTo(201);
    JsonNode c = r.json();
    assertThat(fields(c)).containsExactlyElementsOf(CREDENTIAL_FIELDS);
    assertThat(r.header("Location")).isEqualTo("/api/v1/credentials/" + c.get("id").asText());
    assertThat(c.get("type").asText()).isEqualTo("public_key");
    assertThat(c.get("thumbprint").asText()).isEqualTo(JWK.parse(jwk).computeThumbprint().toString());
    assertThat(c.get("generation").isNull()).isTrue();
    assertThat(c.get("lineage_id").isNull()).isTrue();
    assertThat(c.get("serial").isNull()).isTrue();
    assertThat(c.get("not_after").asText()).isEqualTo(expires);
    assertThat(c.get("bind_method").asText()).isEqualTo("registration");
    assertThat(c.get("bound_by").asText()).isEqualTo(owner.id());
    // a key is bound once, ever
    TestServer.Response again = s.post("/api/v1/identities/" + id + "/public-keys", owner.token(),
        Workloads.body(Map.of("jwk", jwk, "expires_at", expires)));
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.code()).isEqualTo("credential_exists");
  }

  @Test
  void registerSelfSignedCertificate_thumbprintIsX5tS256AndExpiryItsNotAfter() throws Exception {
    String id = identity();
    Instant notAfter = s.clock.instant().plus(Duration.ofDays(10)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    X509Certificate cert = Workloads.selfSigned(TestKeys.ecP256(), s.clock.instant().minusSeconds(60), notAfter);

    TestServer.Response r = s.post("/api/v1/identities/" + id + "/self-signed-certificates", s.adminToken,
        Workloads.body(Map.of("certificate_pem", Pem.certificate(cert))));

    assertThat(r.status()).as(r.body()).isEqualTo(201);
    JsonNode c = r.json();
    assertThat(c.get("type").asText()).isEqualTo("self_signed_certificate");
    assertThat(c.get("thumbprint").asText()).isEqualTo(x5t(cert));
    assertThat(c.get("not_after").asText()).isEqualTo(Json.time(notAfter));
    assertThat(c.get("serial").isNull()).isTrue();
    assertThat(c.get("generation").isNull()).isTrue();
    assertThat(c.get("bound_by").asText()).isEqualTo(adminId);
  }

  @Test
  void createApiKey_keyShownOnceOnlyItsPrefixAfterwards() {
    String id = identity();

    TestServer.Response r = s.post("/api/v1/identities/" + id + "/api-keys", owner.token(),
        Workloads.body(Map.of("expires_at", w.inFuture(Duration.ofDays(30)))));

    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(fields(r.json())).containsExactly("credential", "api_key");
    String key = r.json().get("api_key").asText();
    assertThat(key).matches("bnd_ak_[a-z2-7]{59}");
    JsonNode c = r.json().get("credential");
    assertThat(c.get("type").asText()).isEqualTo("api_key");
    assertThat(c.get("display_prefix").asText()).isEqualTo(key.substring(0, 12));
    assertThat(c.get("thumbprint").isNull()).isTrue();
    assertThat(c.get("key_type").isNull()).isTrue();
    TestServer.Response later = s.get("/api/v1/credentials/" + c.get("id").asText(), owner.token());
    assertThat(later.body()).doesNotContain(key).doesNotContain(key.substring(12));
    assertThat(s.get("/api/v1/identities/" + id + "/history", s.adminToken).body()).doesNotContain(key.substring(12));
  }

  @Test
  void revoke_byIdThenBySerial_crlListsTheCertificateAndASecondRevocationConflicts() {
    String id = identity();
    Workloads.Held first = w.enrolled(id);
    Workloads.Held second = w.enrolled(id);

    TestServer.Response byId = s.post("/api/v1/credentials/" + first.credentialId() + "/revoke", owner.token(),
        "{\"reason\":\"key_compromise\"}");
    TestServer.Response bySerial = s.post("/api/v1/certificates/" + second.serial() + "/revoke", owner.token(),
        "{\"reason\":\"cessation_of_operation\"}");

    assertThat(byId.status()).as(byId.body()).isEqualTo(200);
    assertThat(byId.json().get("status").asText()).isEqualTo("revoked");
    assertThat(byId.json().get("usable").asBoolean()).isFalse();
    assertThat(byId.json().get("revocation_reason").asText()).isEqualTo("key_compromise");
    assertThat(byId.json().get("revoked_at").asText()).isEqualTo(Json.time(s.clock.instant()));
    assertThat(bySerial.status()).as(bySerial.body()).isEqualTo(200);
    assertThat(bySerial.json().get("id").asText()).isEqualTo(second.credentialId());
    assertThat(bySerial.json().get("revocation_reason").asText()).isEqualTo("cessation_of_operation");
    assertThat(w.crlReason(first.serial())).isEqualTo(1);
    assertThat(w.crlReason(second.serial())).isEqualTo(5);
    TestServer.Response again = s.post("/api/v1/certificates/" + first.serial().toUpperCase() + "/revoke",
        s.adminToken, "{\"reason\":\"unspecified\"}");
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.code()).isEqualTo("credential_already_revoked");
  }

  @Test
  void leakReport_overHttp_revokesWhatMatchesThenSaysAlreadyRevokedAndRevealsNothingForOthers() {
    String id = identity();
    Workloads.Held svid = w.enrolled(id);
    String key = s.post("/api/v1/identities/" + id + "/api-keys", owner.token(),
        Workloads.body(Map.of("expires_at", w.inFuture(Duration.ofDays(30))))).json().get("api_key").asText();
    String apiKeyId = s.get("/api/v1/identities/" + id + "/credentials?status=active", owner.token()).json()
        .findValuesAsText("id").stream().filter(c -> !c.equals(svid.credentialId())).findFirst().orElseThrow();
    Fixtures.Op plain = f.operator("", "");

    TestServer.Response cert = s.post("/api/v1/leaks", plain.token(),
        Workloads.body(Map.of("value", Pem.certificate(svid.leaf()))));
    TestServer.Response apiKey = s.post("/api/v1/leaks", plain.token(), Workloads.body(Map.of("value", key)));
    TestServer.Response again = s.post("/api/v1/leaks", plain.token(), Workloads.body(Map.of("value", key)));
    TestServer.Response nothing = s.post("/api/v1/leaks", plain.token(),
        Workloads.body(Map.of("value", "bnd_ak_" + "a".repeat(59))));

    assertThat(cert.status()).as(cert.body()).isEqualTo(200);
    assertThat(cert.json().get("matched").asBoolean()).isTrue();
    assertThat(cert.json().get("revoked")).hasSize(1);
    assertThat(fields(cert.json().at("/revoked/0"))).containsExactly("credential_id", "identity_id", "type");
    assertThat(cert.json().at("/revoked/0/credential_id").asText()).isEqualTo(svid.credentialId());
    assertThat(cert.json().at("/revoked/0/identity_id").asText()).isEqualTo(id);
    assertThat(cert.json().at("/revoked/0/type").asText()).isEqualTo("x509_svid");
    assertThat(w.crlReason(svid.serial())).isEqualTo(1);
    assertThat(apiKey.json().at("/revoked/0/credential_id").asText()).isEqualTo(apiKeyId);
    JsonNode revokedKey = s.get("/api/v1/credentials/" + apiKeyId, owner.token()).json();
    assertThat(revokedKey.get("status").asText()).isEqualTo("revoked");
    assertThat(revokedKey.get("revocation_reason").asText()).isEqualTo("key_compromise");
    assertThat(again.json().get("matched").asBoolean()).isTrue();
    assertThat(again.json().get("revoked")).isEmpty();
    assertThat(again.json().at("/already_revoked/0/credential_id").asText()).isEqualTo(apiKeyId);
    assertThat(nothing.status()).isEqualTo(200);
    assertThat(nothing.body()).isEqualTo("{\"matched\":false,\"revoked\":[],\"already_revoked\":[]}");
    AuditEvent e = s.lastAuditEvent();
    assertThat(e.action()).isEqualTo("credential.leak.report");
    assertThat(e.outcome()).isEqualTo(Outcome.SUCCESS);
    assertThat(e.detailsJson()).doesNotContain("bnd_ak_");
  }

  @Test
  void rotationPolicy_setByAdminThenEnforcedOnNewApiKeys() {
    String id = identity();
    TestServer.Response all = s.get("/api/v1/policies/rotation", owner.token());
    assertThat(all.json().get("items")).hasSize(6 * 4);
    assertThat(fields(all.json().at("/items/0"))).containsExactly("identity_kind", "credential_type",
        "max_lifetime_seconds", "rotate_after_seconds");

    TestServer.Response set = s.send("PUT", "/api/v1/policies/rotation/pipeline/api_key", s.adminToken,
        "{\"max_lifetime_seconds\":86400,\"rotate_after_seconds\":3600}");

    assertThat(set.status()).as(set.body()).isEqualTo(200);
    assertThat(set.body()).isEqualTo("{\"identity_kind\":\"pipeline\",\"credential_type\":\"api_key\","
        + "\"max_lifetime_seconds\":86400,\"rotate_after_seconds\":3600}");
    assertThat(s.get("/api/v1/policies/rotation", owner.token()).json().get("items")).contains(set.json());
    String pipeline = s.post("/api/v1/identities", s.adminToken, "{\"kind\":\"pipeline\",\"name\":\"ci\","
        + "\"owner_team\":\"payments\",\"backup_owner\":\"team:platform\"}").json().get("id").asText();
    TestServer.Response tooLong = s.post("/api/v1/identities/" + pipeline + "/api-keys", owner.token(),
        Workloads.body(Map.of("expires_at", w.inFuture(Duration.ofDays(2)))));
    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(tooLong.code()).isEqualTo("lifetime_exceeds_policy");
    assertThat(tooLong.json().get("field").asText()).isEqualTo("expires_at");
    // the workload policy is untouched
    assertThat(s.post("/api/v1/identities/" + id + "/api-keys", owner.token(),
        Workloads.body(Map.of("expires_at", w.inFuture(Duration.ofDays(2))))).status()).isEqualTo(201);
  }

  @Test
  void reports_expiringNeverUsedAndIdentitiesWithoutCredentials() {
    String withSvid = identity();
    String without = identity();
    Workloads.Held svid = w.enrolled(withSvid);

    JsonNode expiring = s.get("/api/v1/reports/credentials/expiring?days=2", owner.token()).json();
    JsonNode neverUsed = s.get("/api/v1/reports/credentials/never-used", owner.token()).json();
    JsonNode unused = s.get("/api/v1/reports/credentials/unused?days=1", owner.token()).json();
    JsonNode overdue = s.get("/api/v1/reports/credentials/overdue", owner.token()).json();
    JsonNode identities = s.get("/api/v1/reports/identities/without-credentials", owner.token()).json();

    assertThat(expiring.get("items").findValuesAsText("id")).contains(svid.credentialId());
    assertThat(fields(expiring.at("/items/0"))).containsExactlyElementsOf(CREDENTIAL_FIELDS);
    assertThat(neverUsed.get("items").findValuesAsText("id")).contains(svid.credentialId());
    assertThat(unused.get("items").findValuesAsText("id")).doesNotContain(svid.credentialId());
    assertThat(overdue.get("items").findValuesAsText("id")).doesNotContain(svid.credentialId());
    List<String> ids = new ArrayList<>();
    identities.get("items").forEach(i -> ids.add(i.get("id").asText()));
    assertThat(ids).contains(without).doesNotContain(withSvid);
    assertThat(identities.at("/items/0/kind").isTextual()).isTrue();
  }

  @Test
  void retireAndSuspend_cascadeVisibleOverHttp() {
    String id = identity();
    Workloads.Held svid = w.enrolled(id);
    s.post("/api/v1/identities/" + id + "/api-keys", owner.token(),
        Workloads.body(Map.of("expires_at", w.inFuture(Duration.ofDays(30)))));

    TestServer.Response suspended = s.post("/api/v1/identities/" + id + "/suspend", s.adminToken,
        "{\"reason\":\"incident\",\"version\":" + f.version("/api/v1/identities/" + id) + "}");
    assertThat(suspended.status()).as(suspended.body()).isEqualTo(200);
    for (JsonNode c : s.get("/api/v1/identities/" + id + "/credentials", owner.token()).json().get("items")) {
      assertThat(c.get("status").asText()).isEqualTo("active");
      assertThat(c.get("usable").asBoolean()).as("suspension blocks every credential").isFalse();
    }
    assertThat(w.crlReason(svid.serial())).isNull();
    assertThat(s.post("/api/v1/identities/" + id + "/resume", s.adminToken,
        "{\"version\":" + f.version("/api/v1/identities/" + id) + "}").status()).isEqualTo(200);
    assertThat(s.get("/api/v1/credentials/" + svid.credentialId(), owner.token()).json().get("usable").asBoolean())
        .isTrue();

    f.adminStepUp();
    TestServer.Response retired = s.post("/api/v1/identities/" + id + "/retire", s.adminToken,
        "{\"reason\":\"decommissioned\",\"version\":" + f.version("/api/v1/identities/" + id) + "}");

    assertThat(retired.status()).as(retired.body()).isEqualTo(200);
    JsonNode items = s.get("/api/v1/identities/" + id + "/credentials", owner.token()).json().get("items");
    assertThat(items).hasSize(2);
    for (JsonNode c : items) {
      assertThat(c.get("status").asText()).isEqualTo("revoked");
      assertThat(c.get("revocation_reason").asText()).isEqualTo("cessation_of_operation");
      assertThat(c.get("usable").asBoolean()).isFalse();
    }
    assertThat(w.crlReason(svid.serial())).isEqualTo(5);
    TestServer.Response code = s.post("/api/v1/identities/" + id + "/enrolment-codes", s.adminToken, "{}");
    assertThat(code.status()).isEqualTo(409);
    assertThat(code.code()).isEqualTo("identity_retired");
  }

  @Test
  void enrol_chainPemVerifiesWithTheCaFileOfTheDataDirectory() throws Exception {
    Workloads.Held svid = w.enrolled(identity());
    List<X509Certificate> chain = Pem.parseCertificates(Files.readString(s.server.identityCaFile()));

    svid.leaf().verify(chain.get(0).getPublicKey());
    chain.get(0).verify(chain.get(1).getPublicKey());
    assertThat(svid.chain().subList(1, 3)).isEqualTo(chain);
  }
}
