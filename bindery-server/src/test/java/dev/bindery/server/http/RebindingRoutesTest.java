package dev.bindery.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bindery.server.config.BinderyConfig;
import dev.bindery.testkit.pki.TestAttestation;
import dev.bindery.testkit.pki.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Re-binding over real HTTPS: the happy paths of rotate (continuity proof signed with the current key), recover
 * (owner and security officer approvals, a hardware-attested key at level 3 through the configured test vendor
 * root) and migrate; what apply does to the old certificate's tokens; and, for the rules the engine's own tests
 * prove, a few HTTP-level checks that the refusal arrives as the right problem and writes nothing.
 */
class RebindingRoutesTest {
  @TempDir static Path dir;
  static TestServer s;
  static Rebinding r;
  static TestAttestation vendor;

  @BeforeAll
  static void start() throws Exception {
    // the tests move the clock on (step-ups, expiries): it starts early enough to stay behind the real time that
    // TLS handshakes check certificates against
    Instant start = Instant.now().minus(Duration.ofHours(3));
    vendor = TestAttestation.yubikeyPiv(start.minusSeconds(60));
    Path roots = Files.writeString(Files.createDirectories(dir.resolve("roots")).resolve("yubico.pem"),
        vendor.rootPem());
    s = TestServer.start(dir.resolve("data"), Map.of(BinderyConfig.ATTESTATION_ROOTS, roots.toString()), start);
    r = new Rebinding(s);
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  // ---- happy paths -------------------------------------------------------------------------------------------

  @Test
  void rotate_level1_continuityProofByTheCurrentKey_appliedAsTheNextGenerationOfTheLineage() {
    String id = r.identity(1);
    Workloads.Held old = r.w.enrolled(id);
    KeyPair newKey = TestKeys.ecP256();

    TestServer.Response created = r.request(r.owner.token(), Rebinding.csrRequest("rotate", id, newKey,
        old.credentialId()));

    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonNode request = created.json();
    String chg = request.get("id").asText();
    assertThat(created.header("Location")).isEqualTo("/api/v1/change-requests/" + chg);
    assertThat(request.get("state").asText()).isEqualTo("pending");
    assertThat(request.get("missing").toString()).isEqualTo("[\"continuity\"]");
    assertThat(request.get("required").toString()).isEqualTo(
        "{\"continuity\":true,\"step_up_or_owner\":false,\"approvals\":[],\"attested_key\":false}");
    assertThat(request.at("/proposed/key_thumbprint").asText()).isEqualTo(Rebinding.jkt(newKey));
    assertThat(request.at("/proposed/credential_level").asInt()).isEqualTo(2);
    assertThat(request.at("/proposed/assurance").asText()).isEqualTo("software");
    assertThat(request.get("replaces").toString()).isEqualTo("[\"" + old.credentialId() + "\"]");
    assertThat(request.get("revocation_reason").asText()).isEqualTo("superseded");
    assertThat(request.at("/requester/id").asText()).isEqualTo(r.owner.id());
    // the proposed key is shown by its thumbprint only, never as the CSR it came in
    assertThat(created.body()).doesNotContain("CERTIFICATE REQUEST").doesNotContain("\"csr\"");

    JsonNode challenge = r.challenge(r.owner.token(), chg);
    assertThat(challenge.get("change_request_id").asText()).isEqualTo(chg);
    assertThat(challenge.at("/signing_input/chg").asText()).isEqualTo(chg);
    assertThat(challenge.at("/signing_input/nonce").asText()).isEqualTo(challenge.get("nonce").asText());
    assertThat(challenge.at("/signing_input/req").asText()).isEqualTo(Rebinding.digest(request));
    assertThat(Instant.parse(challenge.get("expires_at").asText()))
        .isBeforeOrEqualTo(s.clock.instant().plus(Duration.ofMinutes(10)));
    TestServer.Response proven = r.prove(r.owner.token(), chg, challenge,
        r.proof(old.key(), OAuthSupport.x5tS256(old.leaf()), challenge));
    assertThat(proven.status()).as(proven.body()).isEqualTo(200);
    assertThat(proven.json().get("state").asText()).isEqualTo("approved");
    assertThat(proven.json().at("/continuity/method").asText()).isEqualTo("challenge_signature");
    assertThat(proven.json().at("/continuity/credential_id").asText()).isEqualTo(old.credentialId());

    JsonNode applied = r.applied(r.owner.token(), chg);

    assertThat(applied.at("/change_request/state").asText()).isEqualTo("applied");
    assertThat(applied.at("/credential/bind_method").asText()).isEqualTo("rebinding");
    assertThat(applied.at("/credential/change_request_id").asText()).isEqualTo(chg);
    assertThat(applied.at("/credential/lineage_id").asText()).isEqualTo(old.lineageId());
    assertThat(applied.at("/credential/generation").asInt()).isEqualTo(2);
    assertThat(applied.get("revoked").toString()).isEqualTo("[\"" + old.credentialId() + "\"]");
    Workloads.Held renewed = Workloads.held(newKey, new TestServer.Response(200, null, applied.toString()));
    assertThat(renewed.leaf().getPublicKey()).isEqualTo(newKey.getPublic());
    assertThat(applied.get("spiffe_id").asText()).endsWith("/nhi/" + id);
    assertThat(r.tokenRequest(id, renewed).status()).isEqualTo(200);
    JsonNode oldNow = s.get("/api/v1/credentials/" + old.credentialId(), s.adminToken).json();
    assertThat(oldNow.get("status").asText()).isEqualTo("superseded");
    assertThat(oldNow.get("superseded_by").asText()).isEqualTo(applied.at("/credential/id").asText());
  }

  @Test
  void recover_level2_ownerAndSecurityOfficerApprovals_oldCertificateAndItsTokensRefused() {
    String id = r.identity(2);
    Workloads.Held old = r.w.enrolled(id);
    String oldToken = r.token(id, old);
    assertThat(r.active(oldToken)).isTrue();
    KeyPair newKey = TestKeys.ecP256();

    JsonNode request = r.requested(r.owner, Rebinding.csrRequest("recover", id, newKey, old.credentialId()));
    String chg = request.get("id").asText();
    assertThat(request.get("missing").toString()).isEqualTo("[\"approval:owner\",\"approval:security_officer\"]");
    assertThat(request.get("revocation_reason").asText()).isEqualTo("key_compromise");
    JsonNode afterOwner = r.approved(r.owner2, chg, "owner");
    assertThat(afterOwner.get("state").asText()).isEqualTo("pending");
    assertThat(afterOwner.get("missing").toString()).isEqualTo("[\"approval:security_officer\"]");
    JsonNode approved = r.approved(r.officer, chg, "security_officer");
    assertThat(approved.get("state").asText()).isEqualTo("approved");
    assertThat(approved.get("approvals")).extracting(a -> a.get("operator").asText() + "/" + a.get("role").asText())
        .containsExactly(r.owner2.id() + "/owner", r.officer.id() + "/security_officer");
    assertThat(approved.at("/approvals/0/comment").asText()).isEqualTo("checked");
    assertThat(approved.at("/approvals/0/step_up_at").isTextual()).isTrue();

    JsonNode applied = r.applied(r.owner.token(), chg);

    assertThat(applied.at("/change_request/state").asText()).isEqualTo("applied");
    assertThat(applied.at("/change_request/result/credential_id").asText())
        .isEqualTo(applied.at("/credential/id").asText());
    assertThat(applied.at("/credential/lineage_id").asText()).as("a recovery starts a new lineage")
        .isNotEqualTo(old.lineageId());
    JsonNode oldNow = s.get("/api/v1/credentials/" + old.credentialId(), s.adminToken).json();
    assertThat(oldNow.get("status").asText()).isEqualTo("revoked");
    assertThat(oldNow.get("revocation_reason").asText()).isEqualTo("key_compromise");
    // the old certificate is refused at the token endpoint, and the token it had is dead
    TestServer.Response refused = r.tokenRequest(id, old);
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.json().get("error").asText()).isEqualTo("invalid_client");
    assertThat(r.active(oldToken)).isFalse();
    Workloads.Held recovered = Workloads.held(newKey, new TestServer.Response(200, null, applied.toString()));
    assertThat(r.active(r.token(id, recovered))).isTrue();
    // the history keeps both, oldest first, and says what replaced the old one
    JsonNode bindings = s.get("/api/v1/identities/" + id + "/bindings", r.owner.token()).json().get("items");
    assertThat(bindings).hasSize(2);
    assertThat(bindings.get(0).get("id").asText()).isEqualTo(old.credentialId());
    assertThat(bindings.get(0).get("successor").asText()).isEqualTo(applied.at("/credential/id").asText());
    assertThat(bindings.get(0).get("replaced_by_change_request").asText()).isEqualTo(chg);
    assertThat(bindings.get(0).get("bind_method").asText()).isEqualTo("enrolment");
    assertThat(bindings.get(1).get("change_request_id").asText()).isEqualTo(chg);
    assertThat(bindings.get(1).get("bind_method").asText()).isEqualTo("rebinding");
    assertThat(bindings.get(1).get("successor").isNull()).isTrue();
  }

  @Test
  void migrate_level1_toARegisteredPublicKey_ownerApproval_oldBindingRevokedFirst() {
    String id = r.identity(1);
    Workloads.Held old = r.w.enrolled(id);
    String oldToken = r.token(id, old);
    KeyPair newKey = TestKeys.ecP256();
    Map<String, Object> body = new java.util.LinkedHashMap<>(Map.of("type", "migrate", "target", id,
        "reason", "agent moved to the new runtime", "jwk", Workloads.ecJwk(newKey),
        "expires_at", r.w.inFuture(Duration.ofDays(30)), "replaces", List.of(old.credentialId())));

    JsonNode request = r.requested(r.owner, body);
    String chg = request.get("id").asText();
    assertThat(request.at("/proposed/type").asText()).isEqualTo("public_key");
    assertThat(request.at("/proposed/key_thumbprint").asText()).isEqualTo(Rebinding.jkt(newKey));
    assertThat(request.get("missing").toString()).isEqualTo("[\"approval:owner\"]");
    r.approved(r.owner2, chg, "owner");
    JsonNode applied = r.applied(s.adminToken, chg);

    assertThat(applied.at("/credential/type").asText()).isEqualTo("public_key");
    assertThat(applied.at("/credential/thumbprint").asText()).isEqualTo(Rebinding.jkt(newKey));
    assertThat(applied.has("certificate_pem")).isFalse();
    assertThat(applied.at("/change_request/resolved_by").asText()).isEqualTo(
        s.get("/api/v1/operators/me", s.adminToken).json().get("id").asText());
    JsonNode oldNow = s.get("/api/v1/credentials/" + old.credentialId(), s.adminToken).json();
    assertThat(oldNow.get("status").asText()).isEqualTo("revoked");
    assertThat(oldNow.get("revocation_reason").asText()).isEqualTo("superseded");
    assertThat(r.active(oldToken)).isFalse();
    assertThat(r.tokenRequest(id, old).json().get("error").asText()).isEqualTo("invalid_client");
  }

  @Test
  void rotate_level2_continuityThenTheRequesterStepsUpAndApplies_appliedAtOnce() {
    String id = r.identity(2);
    Workloads.Held old = r.w.enrolled(id);
    KeyPair newKey = TestKeys.ecP256();
    // made without a fresh step-up: it needs the proof and the requester's step-up (or an owner approval)
    s.clock.advance(Duration.ofMinutes(10));
    JsonNode request = r.requested(r.owner, Rebinding.csrRequest("rotate", id, newKey, old.credentialId()));
    String chg = request.get("id").asText();
    assertThat(request.get("missing").toString()).isEqualTo("[\"continuity\",\"step_up_or_owner\"]");
    JsonNode proven = r.proven(r.owner, chg, old);
    assertThat(proven.get("state").asText()).isEqualTo("pending");
    assertThat(proven.get("missing").toString()).isEqualTo("[\"step_up_or_owner\"]");
    // applying without the step-up is refused, and nothing changes
    Rebinding.State before = r.state();
    r.assertRefused(r.action(r.owner.token(), chg, "apply", "{}"), 409, "approval_required", before, 1);

    r.stepUp(r.owner);
    JsonNode applied = r.applied(r.owner.token(), chg);

    assertThat(applied.at("/change_request/state").asText()).isEqualTo("applied");
    assertThat(applied.at("/change_request/requester_step_up_at").isTextual()).isTrue();
  }

  @Test
  void recover_level3_keyAttestedByTheConfiguredVendorRoot_boundAsHardware() {
    String id = r.identity(3);
    Workloads.Held old = r.w.enrolled(id);
    KeyPair hardwareKey = TestKeys.ecP256();
    Map<String, Object> body = Rebinding.csrRequest("recover", id, hardwareKey, old.credentialId());
    // without an attestation the key counts as software-held: below level 3
    Rebinding.State before = r.state();
    r.assertRefused(r.request(r.owner.token(), body), 422, "assurance_too_low", before, 1);
    // an attestation of another key proves nothing about this one
    body.put("attestation", vendor.attest(TestKeys.ecP256().getPublic()).pem());
    before = r.state();
    r.assertRefused(r.request(r.owner.token(), body), 400, "attestation_invalid", before, 0);

    body.put("attestation", vendor.attest(hardwareKey.getPublic()).pem());
    JsonNode request = r.requested(r.owner, body);

    assertThat(request.at("/proposed/assurance").asText()).isEqualTo("hardware");
    assertThat(request.at("/proposed/credential_level").asInt()).isEqualTo(3);
    assertThat(request.at("/proposed/attested").asBoolean()).isTrue();
    assertThat(request.at("/required/attested_key").asBoolean()).isTrue();
    assertThat(request.toString()).doesNotContain("BEGIN CERTIFICATE");
    String chg = request.get("id").asText();
    r.approved(r.owner2, chg, "owner");
    r.approved(r.officer, chg, "security_officer");
    JsonNode applied = r.applied(r.owner.token(), chg);
    assertThat(applied.at("/credential/assurance").asText()).isEqualTo("hardware");
    JsonNode bindings = s.get("/api/v1/identities/" + id + "/bindings", s.adminToken).json().get("items");
    assertThat(bindings.get(1).get("credential_level").asInt()).isEqualTo(3);
  }

  // ---- refusals: the engine's rules arrive as problems, and nothing is written ---------------------------------

  @Test
  void approve_byTheRequester_403SelfApproval() {
    String id = r.identity(1);
    Workloads.Held old = r.w.enrolled(id);
    String chg = r.requested(r.owner, Rebinding.csrRequest("recover", id, TestKeys.ecP256(), old.credentialId()))
        .get("id").asText();
    r.stepUp(r.owner);
    Rebinding.State before = r.state();

    r.assertRefused(r.action(r.owner.token(), chg, "approvals", "{\"role\":\"owner\"}"), 403, "self_approval",
        before, 1);
  }

  @Test
  void approve_withoutAFreshStepUp_403StepUpRequired() {
    String id = r.identity(1);
    Workloads.Held old = r.w.enrolled(id);
    String chg = r.requested(r.owner, Rebinding.csrRequest("recover", id, TestKeys.ecP256(), old.credentialId()))
        .get("id").asText();
    s.clock.advance(Duration.ofMinutes(10));
    Rebinding.State before = r.state();

    r.assertRefused(r.action(r.owner2.token(), chg, "approvals", "{\"role\":\"owner\"}"), 403, "step_up_required",
        before, 1);
  }

  @Test
  void continuity_proofSignedByAnotherKey_422ContinuityProofInvalid_theChallengeStaysUsable() {
    String id = r.identity(1);
    Workloads.Held old = r.w.enrolled(id);
    String chg = r.requested(r.owner, Rebinding.csrRequest("rotate", id, TestKeys.ecP256(), old.credentialId()))
        .get("id").asText();
    JsonNode challenge = r.challenge(r.owner.token(), chg);
    String forged = r.proof(TestKeys.ecP256(), OAuthSupport.x5tS256(old.leaf()), challenge);
    Rebinding.State before = r.state();

    TestServer.Response refused = r.prove(r.owner.token(), chg, challenge, forged);

    r.assertRefused(refused, 422, "continuity_proof_invalid", before, 1);
    assertThat(refused.json().get("detail").asText()).contains("signature");
    assertThat(refused.json().get("field").asText()).isEqualTo("proof");
    // the refused proof used nothing up: the holder's own proof over the same challenge is accepted
    TestServer.Response proven = r.prove(r.owner.token(), chg, challenge,
        r.proof(old.key(), OAuthSupport.x5tS256(old.leaf()), challenge));
    assertThat(proven.status()).as(proven.body()).isEqualTo(200);
  }

  @Test
  void create_secondOpenRequestForTheIdentity_409Conflict() {
    String id = r.identity(1);
    Workloads.Held old = r.w.enrolled(id);
    r.requested(r.owner, Rebinding.csrRequest("rotate", id, TestKeys.ecP256(), old.credentialId()));
    Rebinding.State before = r.state();

    r.assertRefused(r.request(r.owner2.token(), Rebinding.csrRequest("recover", id, TestKeys.ecP256(),
        old.credentialId())), 409, "change_request_conflict", before, 1);
  }

  @Test
  void create_fourthRecoveryWithinTheWindow_429AndTheIdentityIsLocked() {
    String id = r.identity(1);
    Workloads.Held old = r.w.enrolled(id);
    for (int i = 0; i < 3; i++) {
      String chg = r.requested(r.owner, Rebinding.csrRequest("recover", id, TestKeys.ecP256(),
          old.credentialId())).get("id").asText();
      assertThat(r.action(r.owner.token(), chg, "cancel", "{\"comment\":\"mistake\"}").status()).isEqualTo(200);
    }
    long requests = r.state().requests().size();

    TestServer.Response refused = r.request(r.owner.token(), Rebinding.csrRequest("recover", id,
        TestKeys.ecP256(), old.credentialId()));

    assertThat(refused.status()).as(refused.body()).isEqualTo(429);
    assertThat(refused.code()).isEqualTo("rebinding_rate_exceeded");
    assertThat(refused.header("Retry-After")).as("the lock does not end by itself").isNull();
    assertThat(r.state().requests()).hasSize((int) requests);
    JsonNode identity = r.identityJson(id);
    assertThat(identity.get("status").asText()).isEqualTo("locked");
    // locked: no tokens, no new requests
    assertThat(r.tokenRequest(id, old).json().get("error").asText()).isEqualTo("invalid_client");
    Rebinding.State before = r.state();
    r.assertRefused(r.request(r.owner.token(), Rebinding.csrRequest("rotate", id, TestKeys.ecP256(),
        old.credentialId())), 409, "identity_locked", before, 1);
  }

  @Test
  void create_unknownField_400UnknownField_notAudited() {
    String id = r.identity(1);
    Workloads.Held old = r.w.enrolled(id);
    Map<String, Object> body = Rebinding.csrRequest("rotate", id, TestKeys.ecP256(), old.credentialId());
    body.put("approved", true);
    Rebinding.State before = r.state();

    TestServer.Response refused = r.request(r.owner.token(), body);

    r.assertRefused(refused, 400, "unknown_field", before, 0);
    assertThat(refused.json().get("field").asText()).isEqualTo("approved");
  }

  @Test
  void create_malformedCsr_400CsrMalformed_notAudited() {
    String id = r.identity(1);
    Workloads.Held old = r.w.enrolled(id);
    Map<String, Object> body = Rebinding.csrRequest("rotate", id, TestKeys.ecP256(), old.credentialId());
    body.put("csr", "-----BEGIN CERTIFICATE REQUEST-----\nbm90IGEgY3Ny\n-----END CERTIFICATE REQUEST-----\n");
    Rebinding.State before = r.state();

    r.assertRefused(r.request(r.owner.token(), body), 400, "csr_malformed", before, 0);
  }

  @Test
  void create_malformedTargetOrReplacedId_400InvalidFieldNamingIt() {
    String id = r.identity(1);
    Workloads.Held old = r.w.enrolled(id);
    Map<String, Object> body = Rebinding.csrRequest("rotate", "nhi_nope", TestKeys.ecP256(), old.credentialId());
    Rebinding.State before = r.state();
    TestServer.Response target = r.request(r.owner.token(), body);
    r.assertRefused(target, 400, "invalid_field", before, 0);
    assertThat(target.json().get("field").asText()).isEqualTo("target");

    TestServer.Response replaced = r.request(r.owner.token(), Rebinding.csrRequest("rotate", id,
        TestKeys.ecP256(), "cred_nope"));
    r.assertRefused(replaced, 400, "invalid_field", before, 0);
    assertThat(replaced.json().get("field").asText()).isEqualTo("replaces");
  }

  @Test
  void list_filtersByTargetStateAndType_pagedWithACursor() {
    String id = r.identity(1);
    Workloads.Held old = r.w.enrolled(id);
    String first = r.requested(r.owner, Rebinding.csrRequest("recover", id, TestKeys.ecP256(),
        old.credentialId())).get("id").asText();
    r.action(r.owner.token(), first, "cancel", "{}");
    String second = r.requested(r.owner, Rebinding.csrRequest("rotate", id, TestKeys.ecP256(),
        old.credentialId())).get("id").asText();

    JsonNode page1 = s.get("/api/v1/change-requests?target=" + id + "&limit=1", r.owner.token()).json();
    assertThat(page1.get("items")).hasSize(1);
    JsonNode page2 = s.get("/api/v1/change-requests?target=" + id + "&limit=1&cursor="
        + page1.get("next_cursor").asText(), r.owner.token()).json();
    assertThat(List.of(page1.at("/items/0/id").asText(), page2.at("/items/0/id").asText()))
        .containsExactlyInAnyOrder(first, second);
    assertThat(page2.get("next_cursor").isNull()).isTrue();
    assertThat(s.get("/api/v1/change-requests?target=" + id + "&state=cancelled", s.adminToken).json()
        .at("/items/0/id").asText()).isEqualTo(first);
    JsonNode rotates = s.get("/api/v1/change-requests?target=" + id + "&type=rotate", s.adminToken).json();
    assertThat(rotates.get("items")).hasSize(1);
    assertThat(rotates.at("/items/0/id").asText()).isEqualTo(second);
    TestServer.Response badState = s.get("/api/v1/change-requests?state=done", s.adminToken);
    assertThat(badState.status()).isEqualTo(400);
    assertThat(badState.code()).isEqualTo("invalid_query");
    assertThat(s.get("/api/v1/change-requests/chg_nope", s.adminToken).code()).isEqualTo("invalid_identifier");
  }

  @Test
  void rejectAndCancel_terminal_furtherActionsRefused() {
    String id = r.identity(1);
    Workloads.Held old = r.w.enrolled(id);
    String chg = r.requested(r.owner, Rebinding.csrRequest("recover", id, TestKeys.ecP256(), old.credentialId()))
        .get("id").asText();

    TestServer.Response rejected = r.action(r.officer.token(), chg, "reject", "{\"comment\":\"not planned\"}");

    assertThat(rejected.status()).as(rejected.body()).isEqualTo(200);
    assertThat(rejected.json().get("state").asText()).isEqualTo("rejected");
    assertThat(rejected.json().get("resolved_by").asText()).isEqualTo(r.officer.id());
    Rebinding.State before = r.state();
    r.assertRefused(r.action(r.owner.token(), chg, "cancel", "{}"), 409, "invalid_transition", before, 1);
    before = r.state();
    r.assertRefused(r.action(r.owner.token(), chg, "apply", "{}"), 409, "invalid_transition", before, 1);
  }

  // ---- assurance and locks ---------------------------------------------------------------------------------------

  @Test
  void assurance_raiseByAnOwner_lowerOnlyByASteppedUpSecurityOfficer() {
    String id = r.identity(1);
    String path = "/api/v1/identities/" + id + "/assurance";
    TestServer.Response noVersion = s.send("PUT", path, r.owner.token(), "{\"level\":2}");
    assertThat(noVersion.status()).isEqualTo(428);
    assertThat(noVersion.code()).isEqualTo("version_required");

    TestServer.Response raised = s.send("PUT", path, r.owner.token(), "{\"level\":2,\"reason\":\"payments\"}",
        "If-Match", "\"1\"");

    assertThat(raised.status()).as(raised.body()).isEqualTo(200);
    assertThat(raised.json().get("assurance_level").asInt()).isEqualTo(2);
    assertThat(raised.header("ETag")).isEqualTo("\"2\"");
    assertThat(s.lastAuditEvent().action()).isEqualTo("identity.assurance.raise");
    TestServer.Response stale = s.send("PUT", path, r.owner.token(), "{\"level\":3}", "If-Match", "\"1\"");
    assertThat(stale.code()).isEqualTo("version_conflict");
    TestServer.Response byOwner = s.send("PUT", path, r.owner.token(), "{\"level\":1}", "If-Match", "\"2\"");
    assertThat(byOwner.status()).isEqualTo(403);
    assertThat(byOwner.code()).isEqualTo("forbidden");
    s.clock.advance(Duration.ofMinutes(10));
    TestServer.Response noStepUp = s.send("PUT", path, r.officer.token(), "{\"level\":1}", "If-Match", "\"2\"");
    assertThat(noStepUp.code()).isEqualTo("step_up_required");
    assertThat(r.identityJson(id).get("assurance_level").asInt()).isEqualTo(2);
    TestServer.Response huge = s.send("PUT", path, r.owner.token(), "{\"level\":4294967298}", "If-Match", "\"2\"");
    assertThat(huge.status()).isEqualTo(400);
    assertThat(huge.json().get("field").asText()).isEqualTo("level");

    r.stepUp(r.officer);
    TestServer.Response lowered = s.send("PUT", path, r.officer.token(), "{\"level\":1,\"reason\":\"retiring\"}",
        "If-Match", "\"2\"");

    assertThat(lowered.status()).as(lowered.body()).isEqualTo(200);
    assertThat(lowered.json().get("assurance_level").asInt()).isEqualTo(1);
    assertThat(s.lastAuditEvent().action()).isEqualTo("identity.assurance.lower");
  }

  @Test
  void create_assuranceLevelOutOfRange_400InvalidField() {
    TestServer.Response r4 = s.post("/api/v1/identities", s.adminToken, Workloads.body(Map.of("kind", "workload",
        "name", "too-high", "owner_team", "payments", "backup_owner", "team:platform", "assurance_level", 4)));
    assertThat(r4.status()).isEqualTo(400);
    assertThat(r4.code()).isEqualTo("invalid_field");
    assertThat(r4.json().get("field").asText()).isEqualTo("assurance_level");
  }

  @Test
  void lockAndUnlock_lockedIdentityGetsNoTokens_onlyASteppedUpSecurityOfficerUnlocks() {
    String id = r.identity(1);
    Workloads.Held held = r.w.enrolled(id);
    String token = r.token(id, held);
    String path = "/api/v1/identities/" + id;
    long version = r.f.version(path);

    TestServer.Response locked = s.post(path + "/lock", s.adminToken, "{\"reason\":\"suspicious renewals\","
        + "\"version\":" + version + "}");

    assertThat(locked.status()).as(locked.body()).isEqualTo(200);
    assertThat(locked.json().get("status").asText()).isEqualTo("locked");
    assertThat(locked.json().get("status_reason").asText()).isEqualTo("suspicious renewals");
    assertThat(r.active(token)).isFalse();
    assertThat(r.tokenRequest(id, held).json().get("error").asText()).isEqualTo("invalid_client");
    long lockedVersion = version + 1;
    TestServer.Response resume = s.post(path + "/resume", s.adminToken, "{\"version\":" + lockedVersion + "}");
    assertThat(resume.status()).isEqualTo(409);
    assertThat(resume.code()).isEqualTo("identity_locked");
    TestServer.Response byAdmin = s.post(path + "/unlock", s.adminToken, "{\"reason\":\"ok\",\"version\":"
        + lockedVersion + "}");
    assertThat(byAdmin.code()).isEqualTo("forbidden");
    TestServer.Response noReason = s.post(path + "/unlock", r.officer.token(), "{\"version\":" + lockedVersion + "}");
    assertThat(noReason.code()).isEqualTo("missing_field");
    assertThat(r.identityJson(id).get("status").asText()).isEqualTo("locked");

    r.stepUp(r.officer);
    TestServer.Response unlocked = s.post(path + "/unlock", r.officer.token(), "{\"reason\":\"reviewed\"}");
    assertThat(unlocked.code()).as("the version is required").isEqualTo("version_required");
    unlocked = s.send("POST", path + "/unlock", r.officer.token(), "{\"reason\":\"reviewed\"}",
        "If-Match", "\"" + lockedVersion + "\"");

    assertThat(unlocked.status()).as(unlocked.body()).isEqualTo(200);
    assertThat(unlocked.json().get("status").asText()).isEqualTo("active");
    assertThat(r.active(token)).as("a token issued before the lock stays refused").isFalse();
    assertThat(r.tokenRequest(id, held).status()).isEqualTo(200);
  }
}
