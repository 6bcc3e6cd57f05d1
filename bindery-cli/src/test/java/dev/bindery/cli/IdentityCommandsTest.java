package dev.bindery.cli;

import static dev.bindery.cli.JsonAssert.assertSameJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.cli.FakeBinderyServer.Received;
import dev.bindery.cli.http.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IdentityCommandsTest {
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
  void create_allOptions_postsJsonBodyWithBearerTokenAndPrintsIdentity() {
    server.replyJson("POST", "/api/v1/identities", 201, ClientTestData.IDENTITY,
        Map.of("Location", "/api/v1/identities/nhi_abc"));

    CliRun run = CliRun.against(server, "identity", "create", "--kind", "workload", "--name", "billing-worker",
        "--description", "bills", "--label", "env=prod", "--label", "tier=1", "--owner-team", "payments",
        "--backup-owner", "team:platform", "--scope", "billing.read", "--scope", "billing.write",
        "--subject-issuer", "https://issuer.example", "--subject", "repo:x");

    assertThat(run.exitCode()).isZero();
    Received request = server.onlyRequest();
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.pathAndQuery()).isEqualTo("/api/v1/identities");
    assertThat(request.header("Authorization")).isEqualTo("Bearer " + ClientTestData.TOKEN);
    assertThat(request.header("Content-Type")).isEqualTo("application/json");
    assertThat(request.header("If-Match")).isNull();
    assertSameJson(request.body(), """
        {"kind":"workload","name":"billing-worker","description":"bills","labels":{"env":"prod","tier":"1"},
         "owner_team":"payments","backup_owner":"team:platform","scopes":["billing.read","billing.write"],
         "external_subject":{"issuer":"https://issuer.example","subject":"repo:x"}}""");
    assertThat(run.out()).containsPattern("(?m)^id +nhi_abc$").containsPattern("(?m)^labels +env=prod$")
        .containsPattern("(?m)^description +-$");
    assertThat(run.all()).doesNotContain(ClientTestData.TOKEN);
  }

  @Test
  void create_subjectAlreadyLinked200_saysNothingWasCreated() {
    server.replyJson("POST", "/api/v1/identities", 200, ClientTestData.IDENTITY);

    CliRun run = CliRun.against(server, "identity", "create", "--kind", "workload", "--name", "w",
        "--owner-team", "payments", "--backup-owner", "team:platform", "--subject-issuer", "i", "--subject", "s");

    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).contains("already linked to this subject: nothing was created");
  }

  @Test
  void create_subjectWithoutIssuer_usageErrorAndNoRequest() {
    CliRun run = CliRun.against(server, "identity", "create", "--kind", "workload", "--name", "w",
        "--owner-team", "payments", "--backup-owner", "team:platform", "--subject", "s");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--subject-issuer and --subject go together");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void create_missingRequiredOption_usageExitCode2() {
    CliRun run = CliRun.against(server, "identity", "create", "--kind", "workload");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Missing required options");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void get_jsonOutput_printsServerJsonPrettyPrinted() {
    server.replyJson("GET", "/api/v1/identities/nhi_abc", 200, ClientTestData.IDENTITY, Map.of("ETag", "\"7\""));

    CliRun run = CliRun.against(server, "identity", "get", "nhi_abc", "--output", "json");

    assertThat(run.exitCode()).isZero();
    Received request = server.onlyRequest();
    assertThat(request.method()).isEqualTo("GET");
    assertThat(request.pathAndQuery()).isEqualTo("/api/v1/identities/nhi_abc");
    assertThat(request.header("Accept")).isEqualTo("application/json");
    assertThat(run.out()).isEqualTo(Json.pretty(Json.parse(ClientTestData.IDENTITY)) + System.lineSeparator());
    assertThat(run.out()).contains("\n  \"id\" : \"nhi_abc\"");
  }

  @Test
  void get_bySubject_encodesIssuerAndSubjectAsQuery() {
    server.replyJson("GET", "/api/v1/identities/by-subject", 200, ClientTestData.IDENTITY);

    CliRun run = CliRun.against(server, "identity", "get", "--issuer", "https://token.actions.example",
        "--subject", "repo:org/app:ref main");

    assertThat(run.exitCode()).isZero();
    assertThat(server.onlyRequest().pathAndQuery()).isEqualTo("/api/v1/identities/by-subject"
        + "?issuer=https%3A%2F%2Ftoken.actions.example&subject=repo%3Aorg%2Fapp%3Aref%20main");
  }

  @Test
  void get_idAndSubjectTogether_usageError() {
    CliRun run = CliRun.against(server, "identity", "get", "nhi_abc", "--issuer", "i", "--subject", "s");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(server.received()).isEmpty();
  }

  @Test
  void get_identityIdWithSlash_isOneEncodedPathSegment() {
    CliRun.against(server, "identity", "get", "../operators");

    assertThat(server.onlyRequest().pathAndQuery()).isEqualTo("/api/v1/identities/..%2Foperators");
  }

  @Test
  void get_dotDotId_sentAsEncodedDataNotAsPathTraversal() {
    CliRun.against(server, "identity", "get", "..");

    assertThat(server.onlyRequest().pathAndQuery()).isEqualTo("/api/v1/identities/%2E%2E");
  }

  @Test
  void get_emptyId_usageErrorAndNoRequest() {
    CliRun run = CliRun.against(server, "identity", "get", "");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(server.received()).isEmpty();
  }

  @Test
  void list_filters_sentAsQueryAndPrintedAsAlignedTableWithNextCursorHint() {
    server.replyJson("GET", "/api/v1/identities", 200, """
        {"items":[%s,{"id":"nhi_longer_id","kind":"agent","name":"a","owner_team":"ml",
         "backup_owner":"operator:op_1","status":"suspended","version":12}],"next_cursor":"c2"}"""
        .formatted(ClientTestData.IDENTITY));

    CliRun run = CliRun.against(server, "identity", "list", "--kind", "workload", "--owner-team", "payments",
        "--status", "active", "--label", "env=prod", "--tenant", "t1", "--name-prefix", "bill", "--limit", "2",
        "--cursor", "c1");

    assertThat(run.exitCode()).isZero();
    assertThat(server.onlyRequest().pathAndQuery()).isEqualTo("/api/v1/identities?kind=workload"
        + "&owner_team=payments&status=active&label=env%3Dprod&tenant=t1&name_prefix=bill&limit=2&cursor=c1");
    assertThat(run.out().lines()).containsExactly(
        "ID             KIND      NAME            STATUS     OWNER_TEAM  BACKUP_OWNER   VERSION",
        "nhi_abc        workload  billing-worker  active     payments    team:platform  7",
        "nhi_longer_id  agent     a               suspended  ml          operator:op_1  12");
    assertThat(run.err()).contains("more results: repeat with --cursor c2");
  }

  @Test
  void list_controlCharactersInServerValues_areEscapedInTable() {
    server.replyJson("GET", "/api/v1/identities", 200,
        "{\"items\":[{\"id\":\"nhi_x\",\"name\":\"evil\\u001b[2Jname\"}],\"next_cursor\":null}");

    CliRun run = CliRun.against(server, "identity", "list");

    assertThat(run.out()).contains("evil\\u001b[2Jname").doesNotContain("\u001b");
  }

  @Test
  void update_withoutVersion_getsEtagThenPatchesWithIfMatch() {
    server.replyJson("GET", "/api/v1/identities/nhi_abc", 200, ClientTestData.IDENTITY, Map.of("ETag", "\"7\""));
    server.replyJson("PATCH", "/api/v1/identities/nhi_abc", 200, ClientTestData.IDENTITY);

    CliRun run = CliRun.against(server, "identity", "update", "nhi_abc", "--name", "renamed",
        "--clear-description", "--label", "tier=2", "--remove-label", "env");

    assertThat(run.exitCode()).isZero();
    List<Received> requests = server.received();
    assertThat(requests).extracting(Received::method).containsExactly("GET", "PATCH");
    Received patch = requests.get(1);
    assertThat(patch.pathAndQuery()).isEqualTo("/api/v1/identities/nhi_abc");
    assertThat(patch.header("If-Match")).isEqualTo("\"7\"");
    assertThat(patch.header("Authorization")).isEqualTo("Bearer " + ClientTestData.TOKEN);
    assertSameJson(patch.body(), "{\"name\":\"renamed\",\"description\":null,\"labels\":{\"tier\":\"2\",\"env\":null}}");
  }

  @Test
  void update_withVersion_sendsIfMatchWithoutReadingFirst() {
    server.replyJson("PATCH", "/api/v1/identities/nhi_abc", 200, ClientTestData.IDENTITY);

    CliRun run = CliRun.against(server, "identity", "update", "nhi_abc", "--contact", "oncall", "--version", "3");

    assertThat(run.exitCode()).isZero();
    Received patch = server.onlyRequest();
    assertThat(patch.method()).isEqualTo("PATCH");
    assertThat(patch.header("If-Match")).isEqualTo("\"3\"");
    assertSameJson(patch.body(), "{\"contact\":\"oncall\"}");
  }

  @Test
  void update_nothingToChange_usageErrorAndNoRequest() {
    CliRun run = CliRun.against(server, "identity", "update", "nhi_abc", "--version", "3");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("nothing to change");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void update_staleVersion409_exit1WithProblemCodeAndDetailOnStderr() {
    server.replyProblem("PATCH", "/api/v1/identities/nhi_abc", 409, "version_conflict",
        "identity nhi_abc is at version 8");

    CliRun run = CliRun.against(server, "identity", "update", "nhi_abc", "--name", "x", "--version", "7");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("error: version_conflict: identity nhi_abc is at version 8 (request id req-42)");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void update_resourceWithoutEtag_serverContractErrorExit4() {
    server.replyJson("GET", "/api/v1/identities/nhi_abc", 200, ClientTestData.IDENTITY);

    CliRun run = CliRun.against(server, "identity", "update", "nhi_abc", "--name", "x");

    assertThat(run.exitCode()).isEqualTo(4);
    assertThat(run.err()).contains("no ETag");
    assertThat(server.received()).hasSize(1);
  }

  @Test
  void suspend_reason_postsReasonWithIfMatch() {
    server.replyJson("POST", "/api/v1/identities/nhi_abc/suspend", 200, ClientTestData.IDENTITY);

    CliRun run = CliRun.against(server, "identity", "suspend", "nhi_abc", "--reason", "leaked key", "--version", "7");

    assertThat(run.exitCode()).isZero();
    Received request = server.onlyRequest();
    assertThat(request.header("If-Match")).isEqualTo("\"7\"");
    assertSameJson(request.body(), "{\"reason\":\"leaked key\"}");
  }

  @Test
  void resume_withoutVersion_readsEtagAndPostsEmptyObject() {
    server.replyJson("GET", "/api/v1/identities/nhi_abc", 200, ClientTestData.IDENTITY, Map.of("ETag", "W/\"9\""));
    server.replyJson("POST", "/api/v1/identities/nhi_abc/resume", 200, ClientTestData.IDENTITY);

    CliRun run = CliRun.against(server, "identity", "resume", "nhi_abc");

    assertThat(run.exitCode()).isZero();
    Received post = server.received().get(1);
    assertThat(post.header("If-Match")).isEqualTo("\"9\"");
    assertSameJson(post.body(), "{}");
  }

  @Test
  void retire_reasonRequired() {
    CliRun run = CliRun.against(server, "identity", "retire", "nhi_abc", "--version", "1");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(server.received()).isEmpty();
  }

  @Test
  void retire_postsReason() {
    server.replyJson("POST", "/api/v1/identities/nhi_abc/retire", 200, ClientTestData.IDENTITY);

    CliRun run = CliRun.against(server, "identity", "retire", "nhi_abc", "--reason", "decommissioned",
        "--version", "7");

    assertThat(run.exitCode()).isZero();
    assertSameJson(server.onlyRequest().body(), "{\"reason\":\"decommissioned\"}");
  }

  @Test
  void link_postsIssuerAndSubject() {
    server.replyJson("POST", "/api/v1/identities/nhi_abc/subjects", 201,
        "{\"issuer\":\"i\",\"subject\":\"s\",\"identity_id\":\"nhi_abc\",\"linked_at\":\"2026-11-23T19:40:00.123Z\"}");

    CliRun run = CliRun.against(server, "identity", "link", "nhi_abc", "--issuer", "i", "--subject", "s");

    assertThat(run.exitCode()).isZero();
    assertSameJson(server.onlyRequest().body(), "{\"issuer\":\"i\",\"subject\":\"s\"}");
    assertThat(run.out()).containsPattern("(?m)^identity_id +nhi_abc$");
  }

  @Test
  void link_subjectAlreadyLinked409_exit1() {
    server.replyProblem("POST", "/api/v1/identities/nhi_abc/subjects", 409, "subject_already_linked", "taken");

    CliRun run = CliRun.against(server, "identity", "link", "nhi_abc", "--issuer", "i", "--subject", "s");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("error: subject_already_linked: taken");
  }

  @Test
  void history_pagesAuditEventsAsTable() {
    server.replyJson("GET", "/api/v1/identities/nhi_abc/history", 200, """
        {"items":[{"seq":1,"time":"2026-11-23T19:40:00.123Z","actor":"op_1","action":"identity.create",
          "target":"nhi_abc","details":{},"outcome":"success","request_id":"r1","prev_hash":"00","hash":"ab"}],
         "next_cursor":null}""");

    CliRun run = CliRun.against(server, "identity", "history", "nhi_abc", "--limit", "10");

    assertThat(run.exitCode()).isZero();
    assertThat(server.onlyRequest().pathAndQuery()).isEqualTo("/api/v1/identities/nhi_abc/history?limit=10");
    assertThat(run.out().lines()).containsExactly(
        "SEQ  TIME                      ACTOR  ACTION           TARGET   OUTCOME  REQUEST_ID",
        "1    2026-11-23T19:40:00.123Z  op_1   identity.create  nhi_abc  success  r1");
    assertThat(run.err()).doesNotContain("more results");
  }

  @Test
  void subjects_listsLinkedSubjects() {
    server.replyJson("GET", "/api/v1/identities/nhi_abc/subjects", 200,
        "{\"items\":[{\"issuer\":\"i\",\"subject\":\"s\",\"identity_id\":\"nhi_abc\",\"linked_at\":\"t\"}]}");

    CliRun run = CliRun.against(server, "identity", "subjects", "nhi_abc");

    assertThat(run.exitCode()).isZero();
    assertThat(server.onlyRequest().method()).isEqualTo("GET");
    assertThat(run.out().lines()).containsExactly(
        "ISSUER  SUBJECT  IDENTITY_ID  LINKED_AT",
        "i       s        nhi_abc      t");
  }

  @Test
  void owners_putsOwnersWithIfMatch() {
    server.replyJson("PUT", "/api/v1/identities/nhi_abc/owners", 200, ClientTestData.IDENTITY);

    CliRun run = CliRun.against(server, "identity", "owners", "nhi_abc", "--owner-team", "ml",
        "--backup-owner", "operator:op_1", "--version", "7");

    assertThat(run.exitCode()).isZero();
    Received request = server.onlyRequest();
    assertThat(request.method()).isEqualTo("PUT");
    assertThat(request.header("If-Match")).isEqualTo("\"7\"");
    assertSameJson(request.body(), "{\"owner_team\":\"ml\",\"backup_owner\":\"operator:op_1\"}");
  }

  @Test
  void owners_stepUpRequired403_exit1() {
    server.replyProblem("PUT", "/api/v1/identities/nhi_abc/owners", 403, "step_up_required", "prove a code");

    CliRun run = CliRun.against(server, "identity", "owners", "nhi_abc", "--owner-team", "ml",
        "--backup-owner", "operator:op_1", "--version", "7");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("error: step_up_required: prove a code");
  }

  @Test
  void scopes_putsTheFullList() {
    server.replyJson("PUT", "/api/v1/identities/nhi_abc/scopes", 200, ClientTestData.IDENTITY);

    CliRun run = CliRun.against(server, "identity", "scopes", "nhi_abc", "--scope", "a.read", "--scope", "b.write",
        "--version", "7");

    assertThat(run.exitCode()).isZero();
    assertSameJson(server.onlyRequest().body(), "{\"scopes\":[\"a.read\",\"b.write\"]}");
    assertThat(server.onlyRequest().header("If-Match")).isEqualTo("\"7\"");
  }

  @Test
  void scopes_none_putsEmptyList() {
    server.replyJson("PUT", "/api/v1/identities/nhi_abc/scopes", 200, ClientTestData.IDENTITY);

    CliRun run = CliRun.against(server, "identity", "scopes", "nhi_abc", "--none", "--version", "7");

    assertThat(run.exitCode()).isZero();
    assertSameJson(server.onlyRequest().body(), "{\"scopes\":[]}");
  }

  @Test
  void scopes_neitherScopeNorNone_usageErrorSoNothingIsClearedByAccident() {
    CliRun run = CliRun.against(server, "identity", "scopes", "nhi_abc", "--version", "7");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(server.received()).isEmpty();
  }

  @Test
  void reprovision_requiresSubject() {
    CliRun run = CliRun.against(server, "identity", "reprovision", "--kind", "workload", "--name", "w",
        "--owner-team", "payments", "--backup-owner", "team:platform");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(server.received()).isEmpty();
  }

  @Test
  void reprovision_postsToReprovisionRoute() {
    server.replyJson("POST", "/api/v1/identities/reprovision", 201, ClientTestData.IDENTITY);

    CliRun run = CliRun.against(server, "identity", "reprovision", "--kind", "workload", "--name", "w",
        "--owner-team", "payments", "--backup-owner", "team:platform", "--subject-issuer", "i", "--subject", "s");

    assertThat(run.exitCode()).isZero();
    assertSameJson(server.onlyRequest().body(), """
        {"kind":"workload","name":"w","owner_team":"payments","backup_owner":"team:platform",
         "external_subject":{"issuer":"i","subject":"s"}}""");
  }
}
