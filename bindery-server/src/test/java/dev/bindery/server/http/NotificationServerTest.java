package dev.bindery.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.bindery.audit.AuditEvent;
import dev.bindery.audit.AuditQuery;
import dev.bindery.audit.Outcome;
import dev.bindery.common.Secret;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.TeamId;
import dev.bindery.notify.NotificationService;
import dev.bindery.notify.WebhookId;
import dev.bindery.notify.WebhookSignature;
import dev.bindery.security.Caller;
import dev.bindery.server.config.BinderyConfig;
import dev.bindery.server.notify.WebhookReceiver;
import dev.bindery.testkit.FakeDisavowHandler;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Notifications end to end on a real server: webhooks over the API, deliveries to a receiver on the loopback
 * interface (signed, retried, recorded), the delivery status over the API, and the disavow link. The dispatcher is
 * driven with {@code runOnce()} and the server's clock; each test has its own team, identity and receiver, and its
 * webhooks are removed afterwards (which cancels what they had pending).
 */
class NotificationServerTest {
  private static final int MAX_ATTEMPTS = 3;
  @TempDir static Path dir;
  static TestServer s;
  static Fixtures f;
  static final FakeDisavowHandler HANDLER = new FakeDisavowHandler();

  private String team;
  private String identity;
  private WebhookReceiver receiver;
  private final List<String[]> created = new ArrayList<>();

  @BeforeAll
  static void start() {
    s = TestServer.start(dir, Map.of(BinderyConfig.NOTIFY_ALLOW_LOOPBACK_HTTP, "true",
        BinderyConfig.NOTIFY_MAX_ATTEMPTS, Integer.toString(MAX_ATTEMPTS), BinderyConfig.NOTIFY_TIMEOUT, "3"), HANDLER);
    f = new Fixtures(s);
    f.team("backup");
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  @BeforeEach
  void perTest() throws Exception {
    team = Fixtures.unique("team-");
    f.team(team);
    identity = f.identity(s.adminToken, team, "team:backup");
    receiver = new WebhookReceiver();
  }

  @AfterEach
  void cleanUp() {
    for (String[] w : created) {
      try {
        notifications().removeWebhook(Caller.system("cleanup"), new TeamId(w[0]), new WebhookId(w[1]));
      } catch (RuntimeException e) {
        // removed by the test itself
      }
    }
    receiver.close();
  }

  private static NotificationService notifications() {
    return s.server.notifications();
  }

  /** Registers a webhook on {@code onTeam} as the stepped-up admin; returns the creation response. */
  private JsonNode register(String onTeam, String url) {
    f.adminStepUp();
    TestServer.Response r = s.post("/api/v1/teams/" + onTeam + "/webhooks", s.adminToken, "{\"url\":\"" + url + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    created.add(new String[] {onTeam, r.json().get("id").asText()});
    return r.json();
  }

  /** Queues an event about the test's identity in its own transaction, as the change-request engine would. */
  private int queue(String event, boolean disavow, String changeRequest) {
    return s.server.transactor().inTransaction(t -> notifications().queue(t, IdentityId.parse(identity), event,
        Map.of("credential_id", "cred_x"), s.clock.instant(), disavow, changeRequest));
  }

  /** Dispatches until nothing is due now; returns the number of attempts made. */
  private int dispatch() {
    int total = 0;
    int n;
    while ((n = s.server.webhookDispatcher().runOnce()) > 0) {
      total += n;
    }
    return total;
  }

  private List<WebhookReceiver.Received> about(String event) {
    return receiver.received().stream().filter(r -> event.equals(r.header("Bindery-Event"))).toList();
  }

  private JsonNode notificationsOfIdentity() {
    TestServer.Response r = s.get("/api/v1/notifications?identity=" + identity, s.adminToken);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("items");
  }

  private static double counter(String name) {
    String metrics = s.get("/metrics", null).body();
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " ([0-9.E]+)$").matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  // ---- webhooks over the API ----------------------------------------------------------------------------------

  @Test
  void createWebhook_secretOnlyInTheCreationResponse_neverInListsAuditOrLogs() {
    CapturedLogs logs = CapturedLogs.all();
    String secret;
    String token;
    try (logs) {
      JsonNode created = register(team, receiver.url("/hook/capability-path"));
      secret = created.get("secret").asText();
      assertThat(secret).matches("bnd_whs_[a-z2-7]{52}");
      queue("rebinding.requested", true, "chg_logs");
      dispatch();
      String body = about("rebinding.requested").get(0).bodyText();
      token = body.replaceAll(".*/api/v1/disavow/(bnd_dis_[a-z2-7]{52}).*", "$1");
      assertThat(token).startsWith("bnd_dis_");
      TestServer.Response followed = s.post("/api/v1/disavow/" + token, null, null);
      assertThat(followed.status()).as(followed.body()).isEqualTo(200);
      assertThat(s.post("/api/v1/disavow/" + token, null, null).status()).isEqualTo(404);
    }

    TestServer.Response list = s.get("/api/v1/teams/" + team + "/webhooks", s.adminToken);
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.body()).doesNotContain(secret).doesNotContain(secret.substring(8)).doesNotContain("secret");
    assertThat(list.json().at("/items/0/url").asText()).isEqualTo(receiver.url("/hook/capability-path"));
    TestServer.Response ofIdentity = s.get("/api/v1/notifications?identity=" + identity, s.adminToken);
    assertThat(ofIdentity.body()).doesNotContain(token).doesNotContain("bnd_dis_");
    String audit = s.get("/api/v1/audit/export", s.adminToken).body();
    assertThat(audit).doesNotContain(secret.substring(8)).doesNotContain(token.substring(8))
        .doesNotContain("capability-path");
    assertThat(logs.events()).isNotEmpty();
    for (ILoggingEvent e : logs.events()) {
      assertThat(e.getFormattedMessage()).doesNotContain(secret.substring(8)).doesNotContain(token.substring(8))
          .doesNotContain("capability-path");
    }
  }

  @Test
  void createWebhook_badUrl_invalidFieldNamingUrlAndNothingRegistered() {
    f.adminStepUp();
    for (String url : List.of("http://hooks.example.com/x", "file:///etc/passwd", "ftp://127.0.0.1/x",
        "https://user:pw@hooks.example.com/", "https://hooks.example.com/#f", "https://" + "a".repeat(2048) + ".com/")) {
      TestServer.Response r = s.post("/api/v1/teams/" + team + "/webhooks", s.adminToken,
          "{\"url\":" + Json.text(url) + "}");
      assertThat(r.status()).as(url).isEqualTo(400);
      assertThat(r.code()).isEqualTo("invalid_field");
      assertThat(r.json().get("field").asText()).isEqualTo("url");
    }
    TestServer.Response missing = s.post("/api/v1/teams/" + team + "/webhooks", s.adminToken, "{}");
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.code()).isEqualTo("missing_field");
    TestServer.Response unknownTeam = s.post("/api/v1/teams/ghosts/webhooks", s.adminToken,
        "{\"url\":\"https://127.0.0.1:9/x\"}");
    assertThat(unknownTeam.status()).isEqualTo(404);
    assertThat(unknownTeam.code()).isEqualTo("team_not_found");
    assertThat(s.get("/api/v1/teams/" + team + "/webhooks", s.adminToken).json().get("items").size()).isZero();
  }

  @Test
  void createWebhook_memberWithoutStepUp_stepUpRequired() {
    Fixtures.Op member = f.operator("", team);
    TestServer.Response r = s.post("/api/v1/teams/" + team + "/webhooks", member.token(),
        "{\"url\":\"https://127.0.0.1:9/x\"}");

    assertThat(r.status()).isEqualTo(403);
    assertThat(r.code()).isEqualTo("step_up_required");
    assertThat(s.lastAuditEvent().outcome()).isEqualTo(Outcome.DENIED);
    assertThat(s.get("/api/v1/teams/" + team + "/webhooks", member.token()).json().get("items").size()).isZero();
  }

  @Test
  void removeWebhook_204ThenGoneAndItsPendingNotificationsCancelled() {
    String id = register(team, receiver.url("/hook")).get("id").asText();
    queue("rebinding.requested", false, "chg_r");
    f.adminStepUp();

    TestServer.Response r = s.send("DELETE", "/api/v1/teams/" + team + "/webhooks/" + id, s.adminToken, null);

    assertThat(r.status()).as(r.body()).isEqualTo(204);
    assertThat(s.get("/api/v1/teams/" + team + "/webhooks", s.adminToken).json().get("items").size()).isZero();
    JsonNode items = notificationsOfIdentity();
    assertThat(items.size()).isEqualTo(1);
    assertThat(items.get(0).get("state").asText()).isEqualTo("cancelled");
    assertThat(dispatch()).as("nothing left to post").isZero();
    assertThat(receiver.received()).isEmpty();
    TestServer.Response again = s.send("DELETE", "/api/v1/teams/" + team + "/webhooks/" + id, s.adminToken, null);
    assertThat(again.status()).isEqualTo(404);
    assertThat(again.code()).isEqualTo("webhook_not_found");
  }

  // ---- delivery ---------------------------------------------------------------------------------------------

  @Test
  void dispatch_postsSignedJsonThatVerifiesWithTheSecretAndCarriesTheDisavowLink() throws Exception {
    JsonNode created = register(team, receiver.url("/hook"));
    Secret secret = Secret.of(created.get("secret").asText());
    queue("rebinding.requested", true, "chg_sig");
    long now = s.clock.instant().getEpochSecond();

    dispatch();

    List<WebhookReceiver.Received> got = about("rebinding.requested");
    assertThat(got).hasSize(1);
    WebhookReceiver.Received r = got.get(0);
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo("/hook");
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    JsonNode body = Json.MAPPER.readTree(r.body());
    assertThat(r.header("Bindery-Delivery")).isEqualTo(body.get("id").asText()).startsWith("ntf_");
    assertThat(r.header("Bindery-Delivery-Attempt")).isEqualTo("1");
    assertThat(body.get("event").asText()).isEqualTo("rebinding.requested");
    assertThat(body.get("identity_id").asText()).isEqualTo(identity);
    assertThat(body.get("team").asText()).isEqualTo(team);
    assertThat(body.get("change_request_id").asText()).isEqualTo("chg_sig");
    assertThat(body.at("/details/credential_id").asText()).isEqualTo("cred_x");
    assertThat(body.get("disavow_url").asText())
        .matches(Pattern.quote(s.server.baseUri().toString()) + "/api/v1/disavow/bnd_dis_[a-z2-7]{52}");
    assertThat(body.get("disavow_expires_at").asText()).isEqualTo(Json.time(s.clock.instant().plus(Duration.ofHours(72))));
    // the signature, recomputed here with javax.crypto from the documented recipe
    String header = r.header(WebhookSignature.HEADER);
    Matcher m = Pattern.compile("t=([0-9]+),v1=([0-9a-f]{64})").matcher(header);
    assertThat(m.matches()).as(header).isTrue();
    assertThat(Long.parseLong(m.group(1))).isEqualTo(now);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.revealBytes(), "HmacSHA256"));
    mac.update((m.group(1) + ".").getBytes(StandardCharsets.US_ASCII));
    assertThat(HexFormat.of().formatHex(mac.doFinal(r.body()))).isEqualTo(m.group(2));
    assertThat(WebhookSignature.verify(secret, header, r.body(), s.clock.instant(), Duration.ofMinutes(5))).isTrue();
    // a changed body, another secret, or an old timestamp do not verify
    byte[] altered = r.bodyText().replace("chg_sig", "chg_sag").getBytes(StandardCharsets.UTF_8);
    assertThat(WebhookSignature.verify(secret, header, altered, s.clock.instant(), Duration.ofMinutes(5))).isFalse();
    assertThat(WebhookSignature.verify(Secret.of("bnd_whs_" + "a".repeat(52)), header, r.body(), s.clock.instant(),
        Duration.ofMinutes(5))).isFalse();
    assertThat(WebhookSignature.verify(secret, header, r.body(), s.clock.instant().plus(Duration.ofMinutes(6)),
        Duration.ofMinutes(5))).isFalse();
    JsonNode status = notificationsOfIdentity().get(0);
    assertThat(status.get("state").asText()).isEqualTo("delivered");
    assertThat(status.get("disavow_link").asBoolean()).isTrue();
  }

  @Test
  void dispatch_500ThenSuccess_retriedAfterTheBackoffAndEveryAttemptRecorded() {
    register(team, receiver.url("/hook"));
    dispatch(); // the webhook.added notice
    double retried = counter("bindery_notifications_retried_total");
    double delivered = counter("bindery_notifications_delivered_total");
    receiver.answer(500);
    queue("rebinding.applied", false, "chg_retry");

    assertThat(dispatch()).isEqualTo(1);
    assertThat(dispatch()).as("not due before its backoff").isZero();
    s.clock.advance(Duration.ofMillis(999));
    assertThat(dispatch()).as("still not due").isZero();
    s.clock.advance(Duration.ofMillis(1));
    assertThat(dispatch()).isEqualTo(1);

    List<WebhookReceiver.Received> got = about("rebinding.applied");
    assertThat(got).hasSize(2);
    assertThat(got.get(0).header("Bindery-Delivery")).isEqualTo(got.get(1).header("Bindery-Delivery"));
    assertThat(got).extracting(x -> x.header("Bindery-Delivery-Attempt")).containsExactly("1", "2");
    JsonNode n = notificationsOfIdentity().get(0);
    assertThat(n.get("state").asText()).isEqualTo("delivered");
    assertThat(n.get("attempt_count").asInt()).isEqualTo(2);
    assertThat(n.get("last_status").asInt()).isEqualTo(204);
    assertThat(n.get("next_attempt_at").isNull()).isTrue();
    assertThat(n.at("/attempts/0/status").asInt()).isEqualTo(500);
    assertThat(n.at("/attempts/0/error").asText()).isEqualTo("http_status");
    assertThat(n.at("/attempts/0/outcome").asText()).isEqualTo("retry");
    assertThat(n.at("/attempts/1/status").asInt()).isEqualTo(204);
    assertThat(n.at("/attempts/1/outcome").asText()).isEqualTo("delivered");
    assertThat(n.at("/attempts/1/error").isNull()).isTrue();
    assertThat(counter("bindery_notifications_retried_total")).isEqualTo(retried + 1);
    assertThat(counter("bindery_notifications_delivered_total")).isEqualTo(delivered + 1);
  }

  @Test
  void dispatch_failsEveryAttempt_failedAfterMaxAttemptsAndNeverPostedAgain() {
    register(team, receiver.url("/hook"));
    dispatch();
    double failed = counter("bindery_notifications_failed_total");
    receiver.answer(503, 503, 503, 503);
    queue("rebinding.applied", false, "chg_fail");

    for (int i = 0; i < MAX_ATTEMPTS + 2; i++) {
      dispatch();
      s.clock.advance(Duration.ofMinutes(10));
    }

    assertThat(about("rebinding.applied")).hasSize(MAX_ATTEMPTS);
    JsonNode n = notificationsOfIdentity().get(0);
    assertThat(n.get("state").asText()).isEqualTo("failed");
    assertThat(n.get("attempt_count").asInt()).isEqualTo(MAX_ATTEMPTS);
    assertThat(n.get("attempts").size()).isEqualTo(MAX_ATTEMPTS);
    assertThat(n.at("/attempts/" + (MAX_ATTEMPTS - 1) + "/outcome").asText()).isEqualTo("failed");
    assertThat(n.get("completed_at").isNull()).isFalse();
    assertThat(counter("bindery_notifications_failed_total")).isEqualTo(failed + 1);
  }

  @Test
  void dispatch_noListenerOrRedirect_recordedAsFailuresAndRedirectsNotFollowed() throws Exception {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = probe.getLocalPort();
    }
    register(team, "http://127.0.0.1:" + closedPort + "/nobody");
    dispatch();
    JsonNode refused = s.get("/api/v1/notifications?team=" + team, s.adminToken).json().at("/items/0");
    assertThat(refused.get("state").asText()).isEqualTo("pending");
    assertThat(refused.at("/attempts/0/status").isNull()).isTrue();
    assertThat(refused.at("/attempts/0/error").asText()).isEqualTo("ConnectException");

    try (WebhookReceiver elsewhere = new WebhookReceiver()) {
      String redirecting = Fixtures.unique("redirect-");
      f.team(redirecting);
      receiver.redirectTo(elsewhere.url("/stolen"));
      register(redirecting, receiver.url("/hook"));
      dispatch();

      assertThat(receiver.received()).hasSize(1);
      assertThat(elsewhere.received()).as("a redirect is not followed").isEmpty();
      JsonNode n = s.get("/api/v1/notifications?team=" + redirecting, s.adminToken).json().at("/items/0");
      assertThat(n.at("/attempts/0/status").asInt()).isEqualTo(302);
      assertThat(n.at("/attempts/0/error").asText()).isEqualTo("http_status");
      assertThat(n.get("state").asText()).isEqualTo("pending");
    }
  }

  @Test
  void queue_inATransactionThatRollsBack_nothingIsQueuedOrPosted() {
    register(team, receiver.url("/hook"));
    dispatch();
    int before = receiver.received().size();

    assertThatThrownBy(() -> s.server.transactor().inTransaction(t -> {
      notifications().queue(t, IdentityId.parse(identity), "rebinding.applied", Map.of(), s.clock.instant(), true,
          "chg_rollback");
      throw new IllegalStateException("the change failed");
    })).hasMessage("the change failed");
    dispatch();

    assertThat(notificationsOfIdentity().size()).isZero();
    assertThat(receiver.received()).hasSize(before);
    List<dev.bindery.notify.DisavowToken> tokens = s.server.transactor()
        .read(t -> t.disavowTokens().listForIdentity(IdentityId.parse(identity)));
    assertThat(tokens).isEmpty();
  }

  @Test
  void queue_ownerAndBackupTeamsWebhooksEachGetTheirOwnSignedCopy() throws Exception {
    try (WebhookReceiver backupReceiver = new WebhookReceiver()) {
      Secret own = Secret.of(register(team, receiver.url("/hook")).get("secret").asText());
      Secret backup = Secret.of(register("backup", backupReceiver.url("/hook")).get("secret").asText());
      dispatch();

      assertThat(queue("rebinding.requested", false, "chg_both")).isEqualTo(2);
      dispatch();

      WebhookReceiver.Received toOwner = about("rebinding.requested").get(0);
      WebhookReceiver.Received toBackup = backupReceiver.received().stream()
          .filter(r -> "rebinding.requested".equals(r.header("Bindery-Event"))).findFirst().orElseThrow();
      assertThat(WebhookSignature.verify(own, toOwner.header(WebhookSignature.HEADER), toOwner.body(),
          s.clock.instant(), Duration.ofMinutes(1))).isTrue();
      assertThat(WebhookSignature.verify(backup, toBackup.header(WebhookSignature.HEADER), toBackup.body(),
          s.clock.instant(), Duration.ofMinutes(1))).isTrue();
      assertThat(WebhookSignature.verify(own, toBackup.header(WebhookSignature.HEADER), toBackup.body(),
          s.clock.instant(), Duration.ofMinutes(1))).as("each webhook signs with its own secret").isFalse();
    }
  }

  // ---- notification status --------------------------------------------------------------------------------------

  @Test
  void listNotifications_ownerReadsOutsiderRefusedAndBadQueriesRejected() {
    register(team, receiver.url("/hook"));
    queue("rebinding.requested", false, "chg_list");
    Fixtures.Op owner = f.operator("", team);
    Fixtures.Op outsider = f.operator("", "backup");
    Fixtures.Op teamless = f.operator("", "");

    assertThat(s.get("/api/v1/notifications?identity=" + identity, owner.token()).json().get("items").size())
        .isEqualTo(1);
    assertThat(s.get("/api/v1/notifications?identity=" + identity, outsider.token()).status())
        .as("the backup team owns it too").isEqualTo(200);
    TestServer.Response refused = s.get("/api/v1/notifications?identity=" + identity, teamless.token());
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.code()).isEqualTo("forbidden");
    assertThat(s.get("/api/v1/notifications?team=" + team, teamless.token()).status()).isEqualTo(403);
    for (String query : List.of("", "?identity=nope", "?identity=" + identity + "&team=" + team, "?team=Bad_Team",
        "?identity=" + identity + "&cursor=zzz", "?identity=" + identity + "&limit=501")) {
      TestServer.Response r = s.get("/api/v1/notifications" + query, s.adminToken);
      assertThat(r.status()).as(query + " " + r.body()).isEqualTo(400);
    }
  }

  // ---- disavow ------------------------------------------------------------------------------------------------

  @Test
  void disavow_followedOnceThen404AuditedUnknownAnd404() throws Exception {
    register(team, receiver.url("/hook"));
    queue("rebinding.requested", true, "chg_disavow");
    dispatch();
    String url = Json.MAPPER.readTree(about("rebinding.requested").get(0).body()).get("disavow_url").asText();
    String path = url.substring(s.server.baseUri().toString().length());
    int callsBefore = HANDLER.calls().size();

    TestServer.Response first = s.post(path, null, null);

    assertThat(first.status()).as(first.body()).isEqualTo(200);
    assertThat(first.json().get("disavowed").asBoolean()).isTrue();
    assertThat(first.json().get("change_request_id").asText()).isEqualTo("chg_disavow");
    assertThat(first.json().get("identity_id").asText()).isEqualTo(identity);
    assertThat(HANDLER.calls()).hasSize(callsBefore + 1);
    assertThat(HANDLER.calls().get(callsBefore)).isEqualTo(new FakeDisavowHandler.Call("chg_disavow",
        IdentityId.parse(identity), s.clock.instant()));
    AuditEvent followed = s.lastAuditEvent();
    assertThat(followed.action()).isEqualTo("notification.disavow");
    assertThat(followed.outcome()).isEqualTo(Outcome.SUCCESS);

    long head = s.auditHead();
    TestServer.Response second = s.post(path, null, null);
    assertThat(second.status()).isEqualTo(404);
    assertThat(second.code()).isEqualTo("disavow_link_invalid");
    assertThat(second.header("Content-Type")).startsWith("application/problem+json");
    assertThat(second.header("WWW-Authenticate")).isNull();
    assertThat(s.auditHead()).isEqualTo(head + 1);
    AuditEvent denied = s.lastAuditEvent();
    assertThat(denied.outcome()).isEqualTo(Outcome.DENIED);
    assertThat(denied.actor()).isEqualTo("anonymous");
    assertThat(denied.target()).isEqualTo(identity);
    assertThat(HANDLER.calls()).hasSize(callsBefore + 1);

    TestServer.Response unknown = s.post("/api/v1/disavow/bnd_dis_" + "c".repeat(52), null, null);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.code()).isEqualTo("disavow_link_invalid");
    assertThat(unknown.json().get("detail").asText()).isEqualTo(second.json().get("detail").asText());
    assertThat(s.send("GET", path, null, null).status()).as("a link scanner's GET does nothing").isEqualTo(405);
  }

  @Test
  void disavow_afterItsLifetime_404AndTheHandlerIsNotCalled() throws Exception {
    register(team, receiver.url("/hook"));
    queue("rebinding.requested", true, "chg_late");
    dispatch();
    String url = Json.MAPPER.readTree(about("rebinding.requested").get(0).body()).get("disavow_url").asText();
    int callsBefore = HANDLER.calls().size();
    s.clock.advance(Duration.ofHours(72));

    TestServer.Response late = s.post(url.substring(s.server.baseUri().toString().length()), null, null);

    assertThat(late.status()).isEqualTo(404);
    assertThat(late.code()).isEqualTo("disavow_link_invalid");
    AuditEvent denied = s.lastAuditEvent();
    assertThat(denied.outcome()).isEqualTo(Outcome.DENIED);
    assertThat(denied.details().get("reason").toString()).contains("expired");
    assertThat(HANDLER.calls()).hasSize(callsBefore);
    List<AuditEvent> disavows = s.server.transactor().read(t -> t.audit().query(
        new AuditQuery(identity, null, "notification.disavow", null, null, 0, 10)));
    assertThat(disavows).extracting(AuditEvent::outcome).containsExactly(Outcome.DENIED);
  }
}
