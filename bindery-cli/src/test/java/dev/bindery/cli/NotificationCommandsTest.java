package dev.bindery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NotificationCommandsTest {
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
  void list_byIdentity_queriesAndPrintsTheDeliveryState() {
    server.replyJson("GET", "/api/v1/notifications", 200, """
        {"items":[{"id":"ntf_1","event":"rebinding.requested","identity_id":"nhi_1","webhook_id":"whk_1",
         "state":"pending","attempt_count":2,"last_status":500,"last_error":"http_status","created_at":"c",
         "attempts":[]}],"next_cursor":"abc"}""");

    CliRun run = CliRun.against(server, "notification", "list", "--identity", "nhi_1", "--limit", "10");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(server.onlyRequest().pathAndQuery()).isEqualTo("/api/v1/notifications?identity=nhi_1&limit=10");
    assertThat(run.out().lines()).containsExactly(
        "ID     EVENT                IDENTITY_ID  WEBHOOK_ID  STATE    ATTEMPT_COUNT  LAST_STATUS  LAST_ERROR   CREATED_AT",
        "ntf_1  rebinding.requested  nhi_1        whk_1       pending  2              500          http_status  c");
    assertThat(run.err()).contains("--cursor abc");
  }

  @Test
  void list_byTeam_queriesTheTeam() {
    server.replyJson("GET", "/api/v1/notifications", 200, "{\"items\":[],\"next_cursor\":null}");

    CliRun run = CliRun.against(server, "notification", "list", "--team", "payments");

    assertThat(run.exitCode()).isZero();
    assertThat(server.onlyRequest().pathAndQuery()).isEqualTo("/api/v1/notifications?team=payments");
  }

  @Test
  void list_bothOrNeitherSubject_usageErrorAndNoRequest() {
    CliRun both = CliRun.against(server, "notification", "list", "--identity", "nhi_1", "--team", "payments");
    CliRun neither = CliRun.against(server, "notification", "list");

    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(neither.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("mutually exclusive");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void list_forbidden403_exit1() {
    server.replyProblem("GET", "/api/v1/notifications", 403, "forbidden", "only an owner may read");

    CliRun run = CliRun.against(server, "notification", "list", "--identity", "nhi_1");

    assertThat(run.exitCode()).isNotZero();
    assertThat(run.err()).contains("error: forbidden: only an owner may read");
  }
}
