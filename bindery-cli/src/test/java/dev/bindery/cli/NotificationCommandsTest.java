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
        {"items":[{"id":"ntf_1","event":"change_request.created","identity_id":"nhi_1","webhook_id":"whk_1",
         "disavow_link":true,"state":"pending","attempt_count":2,"last_status":500,"last_error":"http_status",
         "created_at":"c","attempts":[]},
         {"id":"ntf_2","event":"change_request.approval","identity_id":"nhi_1","webhook_id":"whk_1",
         "disavow_link":false,"state":"delivered","attempt_count":1,"last_status":204,"last_error":null,
         "created_at":"d","attempts":[]}],"next_cursor":"abc"}""");

    CliRun run = CliRun.against(server, "notification", "list", "--identity", "nhi_1", "--limit", "10");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(server.onlyRequest().pathAndQuery()).isEqualTo("/api/v1/notifications?identity=nhi_1&limit=10");
    // the disavow-link flag says which notifications carry a "this was not us" link
    assertThat(run.out().lines()).containsExactly(
        "ID     EVENT                    IDENTITY_ID  WEBHOOK_ID  DISAVOW_LINK  STATE      ATTEMPT_COUNT  LAST_STATUS"
            + "  LAST_ERROR   CREATED_AT",
        "ntf_1  change_request.created   nhi_1        whk_1       true          pending    2              500        "
            + "  http_status  c",
        "ntf_2  change_request.approval  nhi_1        whk_1       false         delivered  1              204        "
            + "  -            d");
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
