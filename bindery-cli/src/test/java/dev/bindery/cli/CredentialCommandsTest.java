package dev.bindery.cli;

import static dev.bindery.cli.JsonAssert.assertSameJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.cli.FakeBinderyServer.Received;
import dev.bindery.cli.http.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Operator commands for credentials: enrolment codes, listing, revocation and registration. */
class CredentialCommandsTest {
  private static final String ENROLMENT_CODE = "bnd_enr_ShownOnce0123456789";
  private static final String API_KEY = "bnd_ak_" + "A".repeat(52) + "BCDEFGH";

  @TempDir Path dir;
  private FakeBinderyServer server;

  @BeforeEach
  void start() throws Exception {
    server = FakeBinderyServer.http();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void enrolmentCodeCreate_postsTtlWithTokenAndPrintsTheCodeOnceWithNotice() {
    server.replyJson("POST", "/api/v1/identities/nhi_abc/enrolment-codes", 201, """
        {"code":"%s","identity_id":"nhi_abc","expires_at":"2026-11-23T19:50:00.123Z"}""".formatted(ENROLMENT_CODE));

    CliRun run = CliRun.against(server, "enrolment-code", "create", "nhi_abc", "--ttl", "5m");

    assertThat(run.exitCode()).isZero();
    Received request = server.onlyRequest();
    assertThat(request.header("Authorization")).isEqualTo("Bearer " + ClientTestData.TOKEN);
    assertSameJson(request.body(), "{\"ttl_seconds\":300}");
    assertThat(run.out()).containsPattern("(?m)^code +" + ENROLMENT_CODE + "$")
        .containsPattern("(?m)^expires_at +2026-11-23T19:50:00.123Z$");
    assertThat(run.out().split(ENROLMENT_CODE, -1)).hasSize(2);
    assertThat(run.err()).contains("shown only this once");
  }

  @Test
  void enrolmentCodeCreate_withoutTtl_postsEmptyObjectAndJsonOutputIsTheAnswer() {
    String answer = "{\"code\":\"" + ENROLMENT_CODE + "\",\"identity_id\":\"nhi_abc\",\"expires_at\":\"x\"}";
    server.replyJson("POST", "/api/v1/identities/nhi_abc/enrolment-codes", 201, answer);

    CliRun run = CliRun.against(server, "enrolment-code", "create", "nhi_abc", "-o", "json");

    assertThat(run.exitCode()).isZero();
    assertSameJson(server.onlyRequest().body(), "{}");
    assertSameJson(run.out(), answer);
  }

  @Test
  void enrolmentCodeCreate_forbidden403_exit1() {
    server.replyProblem("POST", "/api/v1/identities/nhi_abc/enrolment-codes", 403, "forbidden", "not an owner");

    CliRun run = CliRun.against(server, "enrolment-code", "create", "nhi_abc");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("error: forbidden: not an owner (request id req-42)");
  }

  @Test
  void credentialList_filtersByStatusAndPrintsTable() {
    server.replyJson("GET", "/api/v1/identities/nhi_abc/credentials", 200,
        "{\"items\":[" + ClientTestData.CREDENTIAL + "," + ClientTestData.API_KEY_CREDENTIAL + "]}");

    CliRun run = CliRun.against(server, "credential", "list", "nhi_abc", "--status", "active");

    assertThat(run.exitCode()).isZero();
    assertThat(server.onlyRequest().pathAndQuery()).isEqualTo("/api/v1/identities/nhi_abc/credentials?status=active");
    assertThat(run.out().lines()).containsExactly(
        "ID      IDENTITY_ID  TYPE       STATUS  USABLE  GENERATION  KEY_TYPE  NOT_AFTER                 LAST_USED_AT",
        "cred_1  nhi_abc      x509_svid  active  true    3           EC P-256  2026-11-24T19:40:00.123Z  -",
        "cred_9  nhi_abc      api_key    active  true    -           -         2027-01-31T00:00:00.000Z  -");
  }

  @Test
  void credentialList_jsonOutput_printsTheServerAnswer() {
    String page = "{\"items\":[" + ClientTestData.CREDENTIAL + "]}";
    server.replyJson("GET", "/api/v1/identities/nhi_abc/credentials", 200, page);

    CliRun run = CliRun.against(server, "credential", "list", "nhi_abc", "-o", "json");

    assertThat(run.exitCode()).isZero();
    assertThat(server.onlyRequest().pathAndQuery()).isEqualTo("/api/v1/identities/nhi_abc/credentials");
    assertSameJson(run.out(), page);
  }

  @Test
  void credentialGet_printsEveryField() {
    server.replyJson("GET", "/api/v1/credentials/cred_1", 200, ClientTestData.CREDENTIAL);

    CliRun run = CliRun.against(server, "credential", "get", "cred_1");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).containsPattern("(?m)^lineage_id +lin_1$").containsPattern("(?m)^serial +4f1c$")
        .containsPattern("(?m)^bind_method +renewal$");
  }

  @Test
  void credentialGet_unknown404_exit1WithProblem() {
    server.replyProblem("GET", "/api/v1/credentials/cred_x", 404, "credential_not_found", "no such credential");

    CliRun run = CliRun.against(server, "credential", "get", "cred_x");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("error: credential_not_found: no such credential");
  }

  @Test
  void credentialRevoke_byId_postsReason() {
    server.replyJson("POST", "/api/v1/credentials/cred_1/revoke", 200, ClientTestData.CREDENTIAL);

    CliRun run = CliRun.against(server, "credential", "revoke", "cred_1", "--reason", "key_compromise");

    assertThat(run.exitCode()).isZero();
    Received request = server.onlyRequest();
    assertThat(request.method()).isEqualTo("POST");
    assertSameJson(request.body(), "{\"reason\":\"key_compromise\"}");
    assertThat(run.out()).containsPattern("(?m)^id +cred_1$");
  }

  @Test
  void credentialRevoke_bySerialAsOpensslPrintsIt_postsCanonicalLowercaseHex() {
    server.replyJson("POST", "/api/v1/certificates/8f1c0a/revoke", 200, ClientTestData.CREDENTIAL);

    CliRun run = CliRun.against(server, "credential", "revoke", "--serial", "00:8F:1C:0A", "--reason",
        "CESSATION_OF_OPERATION");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(server.onlyRequest().pathAndQuery()).isEqualTo("/api/v1/certificates/8f1c0a/revoke");
    assertSameJson(server.onlyRequest().body(), "{\"reason\":\"cessation_of_operation\"}");
  }

  @Test
  void credentialRevoke_alreadyRevoked409_exit1() {
    server.replyProblem("POST", "/api/v1/credentials/cred_1/revoke", 409, "credential_already_revoked", "done");

    CliRun run = CliRun.against(server, "credential", "revoke", "cred_1", "--reason", "superseded");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("credential_already_revoked");
  }

  @Test
  void credentialRevoke_unknownReason_usageErrorListingReasonsNothingSent() {
    CliRun run = CliRun.against(server, "credential", "revoke", "cred_1", "--reason", "certificate_hold");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("unspecified, key_compromise, ca_compromise");
    assertThat(server.received()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"xyz", "0", "00:00", "1234567890123456789012345678901234567890ff"})
  void credentialRevoke_badSerial_usageErrorNothingSent(String serial) {
    CliRun run = CliRun.against(server, "credential", "revoke", "--serial", serial, "--reason", "unspecified");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--serial must be");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void credentialRevoke_idAndSerialTogether_usageError() {
    CliRun run = CliRun.against(server, "credential", "revoke", "cred_1", "--serial", "4f", "--reason",
        "unspecified");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(server.received()).isEmpty();
  }

  @Test
  void credentialRevoke_reasonMissing_usageError() {
    CliRun run = CliRun.against(server, "credential", "revoke", "cred_1");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--reason");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void publicKeyRegister_postsJwkAndExpiryInApiTimeFormat() throws Exception {
    Path jwk = Files.writeString(dir.resolve("key.jwk"),
        "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}");
    server.replyJson("POST", "/api/v1/identities/nhi_abc/public-keys", 201, ClientTestData.CREDENTIAL);

    CliRun run = CliRun.against(server, "public-key", "register", "nhi_abc", "--jwk-file", jwk.toString(),
        "--expires-at", "2027-01-31T09:00:00+09:00");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertSameJson(server.onlyRequest().body(), """
        {"jwk":{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},
         "expires_at":"2027-01-31T00:00:00.000Z"}""");
  }

  @ParameterizedTest
  @ValueSource(strings = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
  void publicKeyRegister_jwkWithPrivateMember_refusedLocallyNothingSent(String member) throws Exception {
    Path jwk = Files.writeString(dir.resolve("key.jwk"),
        "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"a\",\"y\":\"b\",\"" + member + "\":\"SECRETVALUE\"}");

    CliRun run = CliRun.against(server, "public-key", "register", "nhi_abc", "--jwk-file", jwk.toString(),
        "--expires-at", "2027-01-31T00:00:00Z");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("holds a private key (member \"" + member + "\")").doesNotContain("SECRETVALUE");
    assertThat(server.received()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"not json", "[1,2]", "{\"keys\":[]}", "{\"crv\":\"P-256\"}"})
  void publicKeyRegister_notOneJwk_usageErrorNothingSent(String content) throws Exception {
    Path jwk = Files.writeString(dir.resolve("key.jwk"), content);

    CliRun run = CliRun.against(server, "public-key", "register", "nhi_abc", "--jwk-file", jwk.toString(),
        "--expires-at", "2027-01-31T00:00:00Z");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("JWK file " + jwk);
    assertThat(server.received()).isEmpty();
  }

  @Test
  void publicKeyRegister_badTime_usageErrorNothingSent() throws Exception {
    Path jwk = Files.writeString(dir.resolve("key.jwk"), "{\"kty\":\"OKP\"}");

    CliRun run = CliRun.against(server, "public-key", "register", "nhi_abc", "--jwk-file", jwk.toString(),
        "--expires-at", "next tuesday");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("is not an RFC 3339 time");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void publicKeyRegister_lifetimeExceedsPolicy400_exit1() throws Exception {
    Path jwk = Files.writeString(dir.resolve("key.jwk"), "{\"kty\":\"OKP\"}");
    server.replyProblem("POST", "/api/v1/identities/nhi_abc/public-keys", 400, "lifetime_exceeds_policy",
        "at most 90 days");

    CliRun run = CliRun.against(server, "public-key", "register", "nhi_abc", "--jwk-file", jwk.toString(),
        "--expires-at", "2099-01-01T00:00:00Z");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("lifetime_exceeds_policy: at most 90 days");
  }

  @Test
  void certificateRegister_postsTheOneCertificateReEncoded() throws Exception {
    KeyPair key = WorkloadCa.ecKey();
    X509Certificate certificate = WorkloadCa.generate().issue(key.getPublic());
    Path file = Files.writeString(dir.resolve("self.pem"), "comment line\n" + WorkloadCa.pem(certificate));
    server.replyJson("POST", "/api/v1/identities/nhi_abc/self-signed-certificates", 201, ClientTestData.CREDENTIAL);

    CliRun run = CliRun.against(server, "certificate", "register", "nhi_abc", "--cert-file", file.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertSameJson(server.onlyRequest().body(), Json.object().put("certificate_pem", WorkloadCa.pem(certificate))
        .toString());
  }

  @Test
  void certificateRegister_fileAlsoHoldsPrivateKey_refusedNothingSent() throws Exception {
    KeyPair key = WorkloadCa.ecKey();
    X509Certificate certificate = WorkloadCa.generate().issue(key.getPublic());
    Path file = WorkloadCa.writePkcs8(dir.resolve("both.pem"), key.getPrivate());
    Files.writeString(file, Files.readString(file) + WorkloadCa.pem(certificate));

    CliRun run = CliRun.against(server, "certificate", "register", "nhi_abc", "--cert-file", file.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("also holds a private key");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void certificateRegister_twoCertificatesOrGarbage_usageErrorNothingSent() throws Exception {
    WorkloadCa ca = WorkloadCa.generate();
    Path two = Files.writeString(dir.resolve("two.pem"), WorkloadCa.pem(ca.root, ca.intermediate));
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n"
        + "-----END CERTIFICATE-----\n");

    CliRun twoRun = CliRun.against(server, "certificate", "register", "nhi_abc", "--cert-file", two.toString());
    CliRun garbageRun = CliRun.against(server, "certificate", "register", "nhi_abc", "--cert-file",
        garbage.toString());

    assertThat(twoRun.exitCode()).isEqualTo(2);
    assertThat(twoRun.err()).contains("holds 2 certificates; give exactly one");
    assertThat(garbageRun.exitCode()).isEqualTo(2);
    assertThat(garbageRun.err()).contains("does not hold PEM certificates");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void apiKeyCreate_postsExpiryAndPrintsTheKeyOnceWithNotice() {
    server.replyJson("POST", "/api/v1/identities/nhi_abc/api-keys", 201,
        "{\"credential\":" + ClientTestData.API_KEY_CREDENTIAL + ",\"api_key\":\"" + API_KEY + "\"}");

    CliRun run = CliRun.against(server, "api-key", "create", "nhi_abc", "--expires-at", "2027-01-31T00:00:00Z");

    assertThat(run.exitCode()).isZero();
    assertSameJson(server.onlyRequest().body(), "{\"expires_at\":\"2027-01-31T00:00:00.000Z\"}");
    assertThat(run.out()).containsPattern("(?m)^api_key +" + API_KEY + "$")
        .containsPattern("(?m)^id +cred_9$").containsPattern("(?m)^display_prefix +bnd_ak_abcde$");
    assertThat(run.out().split(API_KEY, -1)).hasSize(2);
    assertThat(run.err()).contains("shown only this once");
  }

  @Test
  void apiKeyCreate_jsonOutput_printsTheAnswerWithTheKey() {
    String answer = "{\"credential\":" + ClientTestData.API_KEY_CREDENTIAL + ",\"api_key\":\"" + API_KEY + "\"}";
    server.replyJson("POST", "/api/v1/identities/nhi_abc/api-keys", 201, answer);

    CliRun run = CliRun.against(server, "api-key", "create", "nhi_abc", "--expires-at", "2027-01-31T00:00:00Z",
        "-o", "json");

    assertThat(run.exitCode()).isZero();
    assertSameJson(run.out(), answer);
    assertThat(run.err()).contains("shown only this once");
  }

  @Test
  void apiKeyCreate_expiryMissing_usageErrorNothingSent() {
    CliRun run = CliRun.against(server, "api-key", "create", "nhi_abc");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--expires-at");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void groupHelp_listsSubcommandsAndExitCodes() {
    for (String group : new String[] {"enrolment-code", "credential", "public-key", "certificate", "api-key"}) {
      CliRun run = CliRun.run(Map.of(), group, "--help");

      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).contains("Exit codes:");
    }
  }
}
