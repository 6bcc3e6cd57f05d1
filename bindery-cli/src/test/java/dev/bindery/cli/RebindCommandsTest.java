package dev.bindery.cli;

import static dev.bindery.cli.JsonAssert.assertSameJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import dev.bindery.cli.FakeBinderyServer.Received;
import dev.bindery.cli.FakeBinderyServer.Reply;
import dev.bindery.cli.http.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bindery rebind ...} and the identity commands of re-binding, against a fake server. */
class RebindCommandsTest {
  static final String CHG = "chg_abc";
  static final String NONCE = "bm9uY2Utbm9uY2Utbm9uY2Utbm9uY2Utbm9uY2U";

  @TempDir Path dir;
  private FakeBinderyServer server;
  private WorkloadCa ca;

  @BeforeEach
  void start() throws Exception {
    server = FakeBinderyServer.http();
    ca = WorkloadCa.generate();
  }

  @AfterEach
  void stop() {
    server.close();
    assertThat(server.responderFailures()).isEmpty();
  }

  /** A change request as the API shows it, proposing {@code key} in place of cred_1. */
  static ObjectNode request(String type, String proposedType, PublicKey key) {
    ObjectNode r = (ObjectNode) Json.parse("""
        {"id":"chg_abc","type":"rotate","channel":"rebinding","target":"nhi_abc","target_version":3,
         "requester":{"kind":"operator","id":"op_1"},"reason":"rotation",
         "proposed":{"type":"x509_svid","key_thumbprint":"x","key_type":"EC P-256","credential_level":2,
                     "assurance":"software","attested":false,"expires_at":null},
         "replaces":["cred_1"],"revocation_reason":"superseded","downgrade":false,
         "required":{"continuity":true,"step_up_or_owner":false,"approvals":[],"attested_key":false},
         "missing":["continuity"],"continuity":null,"approvals":[],"requester_step_up_at":null,
         "state":"pending","created_at":"2026-11-23T19:40:00.123Z","expires_at":"2026-11-24T19:40:00.123Z",
         "resolved_at":null,"resolved_by":null,"result":null,"version":1}""");
    r.put("type", type);
    ((ObjectNode) r.get("proposed")).put("type", proposedType);
    ((ObjectNode) r.get("proposed")).put("key_thumbprint", jkt(key));
    return r;
  }

  static String jkt(PublicKey key) {
    try {
      return new ECKey.Builder(Curve.P_256, (ECPublicKey) key).build().computeThumbprint().toString();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** The request digest of docs/rebinding.md, computed here. */
  static String digest(JsonNode r) throws Exception {
    String canonical = r.get("id").asText() + "\n" + r.get("type").asText() + "\n" + r.get("target").asText() + "\n"
        + r.at("/proposed/key_thumbprint").asText() + "\n" + r.at("/replaces/0").asText();
    return Base64.getUrlEncoder().withoutPadding().encodeToString(
        MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
  }

  static String x5t(X509Certificate c) throws Exception {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(
        MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
  }

  static String challenge(String req) {
    return """
        {"challenge_id":"chl_abc","change_request_id":"chg_abc","nonce":"%s","expires_at":"2026-11-23T19:50:00.000Z",
         "signing_input":{"chg":"chg_abc","nonce":"%s","req":"%s"}}""".formatted(NONCE, NONCE, req);
  }

  // ---- request -------------------------------------------------------------------------------------------------

  @Test
  void request_withCsrFile_postsTheRequestAndPrintsIt() throws Exception {
    KeyPair key = WorkloadCa.ecKey();
    Path csr = Files.writeString(dir.resolve("new.csr"), "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n"
        + "-----END CERTIFICATE REQUEST-----\n");
    Path attestation = Files.writeString(dir.resolve("attestation.pem"), WorkloadCa.pem(ca.intermediate, ca.root));
    server.replyJson("POST", "/api/v1/change-requests", 201, request("recover", "x509_svid", key.getPublic())
        .toString());

    CliRun run = CliRun.against(server, "rebind", "request", "--type", "recover", "--target", "nhi_abc",
        "--reason", "key lost", "--replaces", "cred_1", "--replaces", "cred_2", "--csr", csr.toString(),
        "--attestation", attestation.toString());

    assertThat(run.exitCode()).as(run.all()).isZero();
    JsonNode body = Json.parse(server.onlyRequest().body());
    assertThat(body.get("type").asText()).isEqualTo("recover");
    assertThat(body.get("target").asText()).isEqualTo("nhi_abc");
    assertThat(body.get("reason").asText()).isEqualTo("key lost");
    assertThat(body.get("replaces").toString()).isEqualTo("[\"cred_1\",\"cred_2\"]");
    assertThat(body.get("csr").asText()).isEqualTo(Files.readString(csr));
    assertThat(body.get("attestation").asText()).isEqualTo(Files.readString(attestation));
    assertThat(body.has("downgrade")).isFalse();
    assertThat(run.out()).containsPattern("(?m)^id +chg_abc$").containsPattern("(?m)^state +pending$");
  }

  @Test
  void request_newKeyOut_keyWrittenOwnerOnlyAndOnlyItsCsrSent() throws Exception {
    Path keyFile = dir.resolve("new.key");
    server.respond("POST", "/api/v1/change-requests", received -> {
      PublicKey proposed = WorkloadCa.publicKeyOf(WorkloadCa.verifiedCsr(received.body()));
      return new Reply(201, "application/json", request("rotate", "x509_svid", proposed).toString(), Map.of());
    });

    CliRun run = CliRun.against(server, "rebind", "request", "--type", "rotate", "--target", "nhi_abc",
        "--reason", "rotation", "--replaces", "cred_1", "--new-key-out", keyFile.toString(), "-o", "json");

    assertThat(run.exitCode()).as(run.all()).isZero();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
    String body = server.onlyRequest().body();
    assertThat(body).doesNotContain("PRIVATE KEY");
    PublicKey sent = WorkloadCa.publicKeyOf(WorkloadCa.verifiedCsr(body));
    assertThat(WorkloadCa.pair(WorkloadCa.readPkcs8(keyFile, "EC"), sent)).isTrue();
    assertThat(Json.parse(run.out()).at("/proposed/key_thumbprint").asText()).isEqualTo(jkt(sent));
    assertThat(run.err()).contains("never sent");
  }

  @Test
  void request_refusedByTheServer_noKeyFileLeft() throws Exception {
    Path keyFile = dir.resolve("new.key");
    server.replyProblem("POST", "/api/v1/change-requests", 409, "change_request_conflict", "already open");

    CliRun run = CliRun.against(server, "rebind", "request", "--type", "rotate", "--target", "nhi_abc",
        "--reason", "rotation", "--replaces", "cred_1", "--new-key-out", keyFile.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("change_request_conflict");
    assertThat(keyFile).doesNotExist();
    try (var files = Files.list(dir)) {
      assertThat(files.toList()).as("no temporary file either").isEmpty();
    }
  }

  @Test
  void request_twoNewCredentialsOrACsrFileWithAPrivateKey_usageErrorNothingSent() throws Exception {
    Path csr = Files.writeString(dir.resolve("new.csr"), "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n"
        + "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n");

    CliRun both = CliRun.against(server, "rebind", "request", "--type", "rotate", "--target", "nhi_abc",
        "--reason", "r", "--replaces", "cred_1", "--csr", csr.toString(), "--new-key-out", "x.key");
    CliRun privateKey = CliRun.against(server, "rebind", "request", "--type", "rotate", "--target", "nhi_abc",
        "--reason", "r", "--replaces", "cred_1", "--csr", csr.toString());

    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("exactly one new credential");
    assertThat(privateKey.exitCode()).isEqualTo(2);
    assertThat(privateKey.err()).contains("holds a private key");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void request_jwkFile_sentWithItsExpiry() throws Exception {
    KeyPair key = WorkloadCa.ecKey();
    Path jwk = Files.writeString(dir.resolve("key.jwk"), new ECKey.Builder(Curve.P_256, (ECPublicKey) key.getPublic())
        .build().toJSONString());
    server.replyJson("POST", "/api/v1/change-requests", 201, request("migrate", "public_key", key.getPublic())
        .toString());

    CliRun run = CliRun.against(server, "rebind", "request", "--type", "migrate", "--target", "nhi_abc",
        "--reason", "new runtime", "--replaces", "cred_1", "--jwk-file", jwk.toString(), "--expires-at",
        "2027-01-31T00:00:00Z");

    assertThat(run.exitCode()).as(run.all()).isZero();
    JsonNode body = Json.parse(server.onlyRequest().body());
    assertThat(body.at("/jwk/kty").asText()).isEqualTo("EC");
    assertThat(body.get("expires_at").asText()).isEqualTo("2027-01-31T00:00:00.000Z");
    assertThat(body.has("csr")).isFalse();
  }

  // ---- prove ---------------------------------------------------------------------------------------------------

  @Test
  void prove_signsTheChallengeWithTheLocalKey_aJwsThatVerifiesAndNamesTheCertificate() throws Exception {
    KeyPair current = WorkloadCa.ecKey();
    X509Certificate certificate = ca.issue(current.getPublic());
    Path keyFile = WorkloadCa.writePkcs8(dir.resolve("svid.key"), current.getPrivate());
    Path certFile = Files.writeString(dir.resolve("svid.pem"), WorkloadCa.pem(certificate, ca.intermediate));
    ObjectNode request = request("rotate", "x509_svid", WorkloadCa.ecKey().getPublic());
    server.replyJson("GET", "/api/v1/change-requests/" + CHG, 200, request.toString());
    server.replyJson("POST", "/api/v1/change-requests/" + CHG + "/challenges", 201, challenge(digest(request)));
    ObjectNode proven = request.deepCopy().put("state", "approved");
    server.replyJson("POST", "/api/v1/change-requests/" + CHG + "/continuity", 200, proven.toString());
    long before = Instant.now().getEpochSecond();

    CliRun run = CliRun.against(server, "rebind", "prove", CHG, "--key", keyFile.toString(), "--cert",
        certFile.toString());

    assertThat(run.exitCode()).as(run.all()).isZero();
    Received submitted = server.received().get(2);
    assertThat(submitted.pathAndQuery()).isEqualTo("/api/v1/change-requests/" + CHG + "/continuity");
    JsonNode body = Json.parse(submitted.body());
    assertThat(body.get("challenge_id").asText()).isEqualTo("chl_abc");
    JWSObject jws = JWSObject.parse(body.get("proof").asText());
    assertThat(jws.getHeader().getAlgorithm().getName()).isEqualTo("ES256");
    assertThat(jws.getHeader().getType().getType()).isEqualTo("bindery-continuity+jwt");
    assertThat(jws.getHeader().getKeyID()).isEqualTo(x5t(certificate));
    assertThat(jws.verify(new ECDSAVerifier((ECPublicKey) current.getPublic()))).isTrue();
    Map<String, Object> claims = jws.getPayload().toJSONObject();
    assertThat(claims).containsEntry("chg", CHG).containsEntry("nonce", NONCE).containsEntry("req", digest(request));
    assertThat(((Number) claims.get("iat")).longValue()).isBetween(before, Instant.now().getEpochSecond());
    assertThat(claims).containsOnlyKeys("chg", "nonce", "req", "iat");
    for (Received r : server.received()) {
      assertThat(r.body()).doesNotContain("PRIVATE KEY");
    }
    assertThat(run.out()).containsPattern("(?m)^state +approved$");
    assertThat(run.err()).contains("signing for chg_abc: rotate of nhi_abc");
  }

  @Test
  void prove_challengeForAnotherRequestDigest_refusedBeforeSigning_exit4() throws Exception {
    KeyPair current = WorkloadCa.ecKey();
    Path keyFile = WorkloadCa.writePkcs8(dir.resolve("svid.key"), current.getPrivate());
    Path certFile = Files.writeString(dir.resolve("svid.pem"), WorkloadCa.pem(ca.issue(current.getPublic())));
    ObjectNode request = request("rotate", "x509_svid", WorkloadCa.ecKey().getPublic());
    server.replyJson("GET", "/api/v1/change-requests/" + CHG, 200, request.toString());
    Path challenge = Files.writeString(dir.resolve("challenge.json"),
        challenge(digest(request("recover", "x509_svid", WorkloadCa.ecKey().getPublic()))));

    CliRun run = CliRun.against(server, "rebind", "prove", CHG, "--key", keyFile.toString(), "--cert",
        certFile.toString(), "--challenge", challenge.toString());

    assertThat(run.exitCode()).isEqualTo(4);
    assertThat(run.err()).contains("nothing was signed");
    assertThat(server.received()).extracting(Received::method).containsExactly("GET");
  }

  @Test
  void prove_keyThatIsNotTheCertificates_usageError() throws Exception {
    Path keyFile = WorkloadCa.writePkcs8(dir.resolve("other.key"), WorkloadCa.ecKey().getPrivate());
    Path certFile = Files.writeString(dir.resolve("svid.pem"), WorkloadCa.pem(ca.issue(WorkloadCa.ecKey().getPublic())));
    server.replyJson("GET", "/api/v1/change-requests/" + CHG, 200, request("rotate", "x509_svid",
        WorkloadCa.ecKey().getPublic()).toString());

    CliRun run = CliRun.against(server, "rebind", "prove", CHG, "--key", keyFile.toString(), "--cert",
        certFile.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("does not hold the private key");
    assertThat(server.received()).extracting(Received::method).containsExactly("GET");
  }

  // ---- approve, reject, cancel, apply ---------------------------------------------------------------------------

  @Test
  void approveRejectCancel_postTheirBodies() {
    String view = request("recover", "x509_svid", keyOf()).toString();
    server.replyJson("POST", "/api/v1/change-requests/" + CHG + "/approvals", 200, view);
    server.replyJson("POST", "/api/v1/change-requests/" + CHG + "/reject", 200, view);
    server.replyJson("POST", "/api/v1/change-requests/" + CHG + "/cancel", 200, view);

    assertThat(CliRun.against(server, "rebind", "approve", CHG, "--role", "security_officer", "--comment", "ok")
        .exitCode()).isZero();
    assertThat(CliRun.against(server, "rebind", "reject", CHG, "--comment", "no").exitCode()).isZero();
    assertThat(CliRun.against(server, "rebind", "cancel", CHG).exitCode()).isZero();

    List<Received> received = server.received();
    assertSameJson(received.get(0).body(), "{\"role\":\"security_officer\",\"comment\":\"ok\"}");
    assertSameJson(received.get(1).body(), "{\"comment\":\"no\"}");
    assertSameJson(received.get(2).body(), "{}");
  }

  @Test
  void apply_certificateChecked_thenWrittenWithItsChain() throws Exception {
    KeyPair proposed = WorkloadCa.ecKey();
    ObjectNode request = request("recover", "x509_svid", proposed.getPublic()).put("state", "approved");
    server.replyJson("GET", "/api/v1/change-requests/" + CHG, 200, request.toString());
    server.replyJson("POST", "/api/v1/change-requests/" + CHG + "/apply", 200,
        applied(request, ca.issue(proposed.getPublic())));
    Path certOut = dir.resolve("new.pem");

    CliRun run = CliRun.against(server, "rebind", "apply", CHG, "--cert-out", certOut.toString());

    assertThat(run.exitCode()).as(run.all()).isZero();
    List<X509Certificate> written = WorkloadCa.readCertificates(certOut);
    assertThat(written).hasSize(3);
    assertThat(written.get(0).getPublicKey()).isEqualTo(proposed.getPublic());
    assertThat(run.out()).containsPattern("(?m)^state +applied$").containsPattern("(?m)^revoked +cred_1$");
  }

  @Test
  void apply_certificateForAnotherKey_nothingWritten_exit4() throws Exception {
    ObjectNode request = request("recover", "x509_svid", WorkloadCa.ecKey().getPublic()).put("state", "approved");
    server.replyJson("GET", "/api/v1/change-requests/" + CHG, 200, request.toString());
    server.replyJson("POST", "/api/v1/change-requests/" + CHG + "/apply", 200,
        applied(request, ca.issue(WorkloadCa.ecKey().getPublic())));
    Path certOut = dir.resolve("new.pem");

    CliRun run = CliRun.against(server, "rebind", "apply", CHG, "--cert-out", certOut.toString());

    assertThat(run.exitCode()).isEqualTo(4);
    assertThat(certOut).doesNotExist();
  }

  @Test
  void apply_certificateRequestWithoutCertOut_usageErrorBeforeApplying() {
    server.replyJson("GET", "/api/v1/change-requests/" + CHG, 200, request("recover", "x509_svid", keyOf())
        .toString());

    CliRun run = CliRun.against(server, "rebind", "apply", CHG);

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--cert-out");
    assertThat(server.received()).extracting(Received::method).containsExactly("GET");
  }

  private String applied(ObjectNode request, X509Certificate leaf) {
    ObjectNode answer = (ObjectNode) Json.parse(ca.issuedJson(leaf, 1));
    answer.set("change_request", request.deepCopy().put("state", "applied"));
    answer.set("revoked", Json.parse("[\"cred_1\"]"));
    return answer.toString();
  }

  private static PublicKey keyOf() {
    try {
      return WorkloadCa.ecKey().getPublic();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  // ---- reads and identity commands ------------------------------------------------------------------------------

  @Test
  void list_filtersAndPaging_asQueryParameters_tableOfRequests() {
    server.replyJson("GET", "/api/v1/change-requests", 200, "{\"items\":[" + request("rotate", "x509_svid", keyOf())
        + "],\"next_cursor\":\"c2\"}");

    CliRun run = CliRun.against(server, "rebind", "list", "--target", "nhi_abc", "--state", "pending", "--type",
        "rotate", "--limit", "10");

    assertThat(run.exitCode()).as(run.all()).isZero();
    assertThat(server.onlyRequest().pathAndQuery())
        .isEqualTo("/api/v1/change-requests?target=nhi_abc&state=pending&type=rotate&limit=10");
    assertThat(run.out()).containsPattern("(?m)^ID +TYPE +TARGET +STATE +MISSING")
        .containsPattern("(?m)^chg_abc +rotate +nhi_abc +pending +continuity ");
    assertThat(run.err()).contains("--cursor c2");
  }

  /** The approved request of a level-3 recovery as the API shows it: two approvals, one with a comment. */
  private static ObjectNode approvedRecovery() {
    ObjectNode r = request("recover", "x509_svid", keyOf()).put("state", "approved");
    r.set("required", Json.parse("{\"continuity\":false,\"step_up_or_owner\":false,"
        + "\"approvals\":[\"owner\",\"security_officer\"],\"attested_key\":true}"));
    r.set("missing", Json.parse("[]"));
    r.set("approvals", Json.parse("""
        [{"operator":"op_ada","role":"owner","at":"2026-11-23T19:41:00.000Z","step_up_at":"2026-11-23T19:40:50.000Z",
          "comment":"runner replaced, key checked"},
         {"operator":"op_sam","role":"security_officer","at":"2026-11-23T19:42:00.000Z",
          "step_up_at":"2026-11-23T19:41:55.000Z","comment":null}]"""));
    return r;
  }

  @Test
  void show_table_oneLinePerApproval_nestedListsStayOneValue() {
    server.replyJson("GET", "/api/v1/change-requests/" + CHG, 200, approvedRecovery().toString());

    CliRun run = CliRun.against(server, "rebind", "show", CHG);

    assertThat(run.exitCode()).as(run.all()).isZero();
    assertThat(run.out().lines()).contains(
        "requester             operator:op_1",
        "required              continuity=false step_up_or_owner=false approvals=owner,security_officer"
            + " attested_key=true",
        "approvals             owner:op_ada at 2026-11-23T19:41:00.000Z (step-up 2026-11-23T19:40:50.000Z),"
            + " comment: runner replaced, key checked",
        "                      security_officer:op_sam at 2026-11-23T19:42:00.000Z (step-up 2026-11-23T19:41:55.000Z)",
        "missing               -",
        "continuity            -",
        "result                -");
    assertThat(run.out()).containsPattern("(?m)^proposed +type=x509_svid key_thumbprint=\\S+ key_type=EC P-256 "
        + "credential_level=2 assurance=software attested=false expires_at=-$");
  }

  @Test
  void show_json_theServersAnswerUnchanged() {
    ObjectNode view = approvedRecovery();
    server.replyJson("GET", "/api/v1/change-requests/" + CHG, 200, view.toString());

    CliRun run = CliRun.against(server, "rebind", "show", CHG, "--output", "json");

    assertThat(run.exitCode()).as(run.all()).isZero();
    assertSameJson(run.out(), view.toString());
  }

  @Test
  void list_table_approvalsAsRoleOperatorList() {
    server.replyJson("GET", "/api/v1/change-requests", 200, "{\"items\":[" + approvedRecovery() + ","
        + request("rotate", "x509_svid", keyOf()).put("id", "chg_def") + "],\"next_cursor\":null}");

    CliRun run = CliRun.against(server, "rebind", "list");

    assertThat(run.exitCode()).as(run.all()).isZero();
    assertThat(run.out()).containsPattern("(?m)^ID +TYPE +TARGET +STATE +MISSING +APPROVALS +REQUESTER +EXPIRES_AT$")
        .containsPattern("(?m)^chg_abc +recover +nhi_abc +approved +- +owner:op_ada,security_officer:op_sam "
            + "+operator:op_1 +2026-11-24T19:40:00.123Z$")
        .containsPattern("(?m)^chg_def +rotate +nhi_abc +pending +continuity +- +operator:op_1 ");
  }

  @Test
  void identityBindings_tableOfEveryCredential() {
    server.replyJson("GET", "/api/v1/identities/nhi_abc/bindings", 200, """
        {"items":[{"id":"cred_1","type":"x509_svid","thumbprint":"t1","key_type":"EC P-256","serial":"4f",
          "credential_level":2,"assurance":"software","bind_method":"enrolment","bound_by":"op_1",
          "bound_at":"2026-11-23T19:40:00.123Z","change_request_id":null,"status":"revoked","usable":false,
          "not_after":"2026-11-24T19:40:00.123Z","revoked_at":"2026-11-23T20:00:00.000Z",
          "revocation_reason":"key_compromise","successor":"cred_2","replaced_by_change_request":"chg_abc"}]}""");

    CliRun run = CliRun.against(server, "identity", "bindings", "nhi_abc");

    assertThat(run.exitCode()).as(run.all()).isZero();
    assertThat(run.out()).containsPattern("(?m)^ID +TYPE +STATUS +ASSURANCE +BIND_METHOD +BOUND_BY ")
        .containsPattern("(?m)^cred_1 +x509_svid +revoked +software +enrolment +op_1 .* key_compromise +cred_2$");
  }

  @Test
  void identityAssurance_levelAndReasonWithTheReadVersion() {
    server.replyJson("GET", "/api/v1/identities/nhi_abc", 200, ClientTestData.IDENTITY, Map.of("ETag", "\"7\""));
    server.replyJson("PUT", "/api/v1/identities/nhi_abc/assurance", 200, ClientTestData.IDENTITY);

    CliRun run = CliRun.against(server, "identity", "assurance", "nhi_abc", "3", "--reason", "production");

    assertThat(run.exitCode()).as(run.all()).isZero();
    Received put = server.received().get(1);
    assertThat(put.header("If-Match")).isEqualTo("\"7\"");
    assertSameJson(put.body(), "{\"level\":3,\"reason\":\"production\"}");
  }

  @Test
  void identityLockAndUnlock_reasonRequired_versionSent() {
    server.replyJson("POST", "/api/v1/identities/nhi_abc/lock", 200, ClientTestData.IDENTITY);
    server.replyJson("POST", "/api/v1/identities/nhi_abc/unlock", 200, ClientTestData.IDENTITY);

    CliRun missing = CliRun.against(server, "identity", "lock", "nhi_abc", "--version", "7");
    CliRun lock = CliRun.against(server, "identity", "lock", "nhi_abc", "--reason", "review", "--version", "7");
    CliRun unlock = CliRun.against(server, "identity", "unlock", "nhi_abc", "--reason", "cleared", "--version", "8");

    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(lock.exitCode()).as(lock.all()).isZero();
    assertThat(unlock.exitCode()).as(unlock.all()).isZero();
    List<Received> received = server.received();
    assertThat(received).hasSize(2);
    assertThat(received.get(0).header("If-Match")).isEqualTo("\"7\"");
    assertSameJson(received.get(0).body(), "{\"reason\":\"review\"}");
    assertThat(received.get(1).pathAndQuery()).isEqualTo("/api/v1/identities/nhi_abc/unlock");
    assertThat(received.get(1).header("If-Match")).isEqualTo("\"8\"");
  }

  @Test
  void identityCreate_assuranceLevel_sent() {
    server.replyJson("POST", "/api/v1/identities", 201, ClientTestData.IDENTITY);

    CliRun run = CliRun.against(server, "identity", "create", "--kind", "workload", "--name", "ci",
        "--owner-team", "payments", "--backup-owner", "team:platform", "--assurance-level", "3");

    assertThat(run.exitCode()).as(run.all()).isZero();
    assertThat(Json.parse(server.onlyRequest().body()).get("assurance_level").asInt()).isEqualTo(3);
  }
}
