package dev.bindery.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bindery.server.config.BinderyConfig;
import dev.bindery.server.config.SupportConfig;
import dev.bindery.testkit.pki.TestCsr;
import dev.bindery.testkit.pki.TestKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The support desk's reports, Prometheus metrics and anomaly alerts over real HTTPS, each test on a fresh server so
 * that its figures are exact: resets of one identity above 1 per day raise an alert, the metrics count unreviewed
 * actions older than one hour.
 */
class SupportReportsAndAlertsTest {
  @TempDir Path dir;
  TestServer s;
  SupportDesk d;

  @BeforeEach
  void start() {
    s = TestServer.start(dir, Map.of(SupportConfig.RESETS_PER_IDENTITY, "1/24h",
        SupportConfig.IDENTITIES_PER_AGENT, "100/1h", SupportConfig.METRICS_REVIEW_AGE, "1h",
        BinderyConfig.NOTIFY_ALLOW_LOOPBACK_HTTP, "true"), Instant.now().minus(Duration.ofHours(6)));
    d = new SupportDesk(s);
  }

  @AfterEach
  void stop() {
    d.close();
    s.close();
  }

  /** The value of one sample line of {@code /metrics}, or NaN when it is absent. */
  private double metric(String sample) {
    String body = s.get("/metrics", null).body();
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + " ([0-9.eE+-]+|NaN)$").matcher(body);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  @Test
  void report_countsPerTypeAgentAndTarget_andUnreviewedOlderThanTheAge() {
    String a = d.identity(1);
    String b = d.identity(1);
    String c = d.identity(2);
    d.created(d.agent, d.action("token_reissue", a, Map.of()));
    d.created(d.agent, d.action("token_reissue", b, Map.of()));
    d.created(d.agent2, d.action("credential_reset", c, Map.of()));

    TestServer.Response now = s.get("/api/v1/support/reports?review_age_hours=1&window_hours=24", d.officer.token());
    s.clock.advance(Duration.ofHours(2));
    TestServer.Response later = s.get("/api/v1/support/reports?review_age_hours=1", d.supervisor.token());

    assertThat(now.status()).as(now.body()).isEqualTo(200);
    JsonNode r = now.json();
    assertThat(r.get("review_age_hours").asInt()).isEqualTo(1);
    assertThat(r.get("window_hours").asInt()).isEqualTo(24);
    assertThat(r.get("unreviewed_older_than").asLong()).isZero();
    assertThat(r.at("/per_type/token_reissue").asLong()).isEqualTo(2);
    assertThat(r.at("/per_type/credential_reset").asLong()).isEqualTo(1);
    assertThat(r.at("/per_type/owner_reset").asLong()).isZero();
    assertThat(r.at("/per_agent/" + d.agent.id()).asLong()).isEqualTo(2);
    assertThat(r.at("/per_agent/" + d.agent2.id()).asLong()).isEqualTo(1);
    assertThat(r.get("per_target").size()).isEqualTo(3);
    assertThat(r.at("/per_target/identity:" + c).asLong()).isEqualTo(1);
    assertThat(r.get("open_alerts").asLong()).isZero();
    // the two applied reissues are unreviewed for more than an hour now; the pending reset is not applied
    assertThat(later.json().get("unreviewed_older_than").asLong()).isEqualTo(2);
    // the same two in the review queue, when it is asked for actions unreviewed for more than an hour (not three)
    assertThat(s.get("/api/v1/support/review?older_than_hours=1", d.officer.token()).json().get("items").size())
        .isEqualTo(2);
    assertThat(s.get("/api/v1/support/review?older_than_hours=3", d.officer.token()).json().get("items").size())
        .isZero();
    assertThat(s.get("/api/v1/support/review?older_than_hours=0", d.officer.token()).code())
        .isEqualTo("invalid_query");
    // out-of-range hours are refused naming the parameter; the agent may not read reports
    TestServer.Response zero = s.get("/api/v1/support/reports?review_age_hours=0", d.officer.token());
    assertThat(zero.code()).isEqualTo("invalid_query");
    assertThat(zero.json().get("field").asText()).isEqualTo("review_age_hours");
    assertThat(s.get("/api/v1/support/reports?window_hours=9000", d.officer.token()).code())
        .isEqualTo("invalid_query");
    assertThat(s.get("/api/v1/support/reports", d.agent.token()).code()).isEqualTo("forbidden");
  }

  @Test
  void metrics_gaugesFromTheReport_cachedForAFewSecondsOfTheClock() {
    d.created(d.agent, d.action("token_reissue", d.identity(1), Map.of()));
    d.stepUp(d.agent);
    String perType = "bindery_support_actions_window{type=\"token_reissue\"}";

    assertThat(metric(perType)).isEqualTo(1.0);
    assertThat(metric("bindery_support_actions_window{type=\"credential_reset\"}")).isEqualTo(0.0);
    assertThat(metric("bindery_support_actions_unreviewed")).isEqualTo(0.0);
    assertThat(metric("bindery_support_alerts_open")).isEqualTo(0.0);
    assertThat(metric("bindery_support_alerts_raised_total")).isEqualTo(0.0);
    // a new action does not show until the snapshot is older than its maximum age
    TestServer.Response second = d.create(d.agent, d.action("token_reissue", d.identity(1), Map.of()));
    assertThat(second.status()).as(second.body()).isEqualTo(201);
    assertThat(metric(perType)).isEqualTo(1.0);
    s.clock.advance(Duration.ofSeconds(6));
    assertThat(metric(perType)).isEqualTo(2.0);
    s.clock.advance(Duration.ofHours(2));
    assertThat(metric("bindery_support_actions_unreviewed")).isEqualTo(2.0);
  }

  @Test
  void resetsOfOneIdentityOverTheThreshold_raiseAnAlert_theAgentNeedsASupervisorUntilItIsCleared() {
    String id = d.identity(1);
    JsonNode first = d.created(d.agent, d.action("credential_reset", id, Map.of()));
    assertThat(first.get("state").asText()).isEqualTo("applied");

    JsonNode second = d.created(d.agent, d.action("token_reissue", id, Map.of()));

    assertThat(second.get("state").asText()).isEqualTo("pending");
    assertThat(second.at("/required/because").toString()).isEqualTo("[\"agent_under_supervision\"]");
    TestServer.Response open = s.get("/api/v1/support/alerts?open=true", d.officer.token());
    assertThat(open.status()).as(open.body()).isEqualTo(200);
    assertThat(open.json().get("items").size()).isEqualTo(1);
    JsonNode alert = open.json().at("/items/0");
    assertThat(alert.get("kind").asText()).isEqualTo("identity_resets");
    assertThat(alert.get("agent").asText()).isEqualTo(d.agent.id());
    assertThat(alert.get("target").asText()).isEqualTo("identity:" + id);
    assertThat(alert.get("support_action_id").asText()).isEqualTo(second.get("id").asText());
    assertThat(alert.at("/details/count").asText()).isEqualTo("2");
    assertThat(alert.at("/details/max").asText()).isEqualTo("1");
    assertThat(alert.get("open").asBoolean()).isTrue();
    s.clock.advance(Duration.ofSeconds(6));
    assertThat(metric("bindery_support_alerts_open")).isEqualTo(1.0);
    assertThat(metric("bindery_support_alerts_raised_total")).isEqualTo(1.0);
    // under supervision: the agent's next action on another identity waits for a supervisor too
    JsonNode third = d.created(d.agent, d.action("token_reissue", d.identity(1), Map.of()));
    assertThat(third.get("state").asText()).isEqualTo("pending");
    // clearing: a security officer with a fresh step-up
    String alertId = alert.get("id").asText();
    TestServer.Response byAgent = s.post("/api/v1/support/alerts/" + alertId + "/clear", d.agent.token(), "{}");
    s.clock.advance(Duration.ofMinutes(6));
    TestServer.Response stale = s.post("/api/v1/support/alerts/" + alertId + "/clear", d.officer.token(), "{}");
    d.stepUp(d.officer);
    TestServer.Response cleared = s.post("/api/v1/support/alerts/" + alertId + "/clear", d.officer.token(),
        "{\"comment\":\"the owner confirmed both calls\"}");

    assertThat(byAgent.code()).isEqualTo("forbidden");
    assertThat(stale.code()).isEqualTo("step_up_required");
    assertThat(cleared.status()).as(cleared.body()).isEqualTo(200);
    assertThat(cleared.json().get("open").asBoolean()).isFalse();
    assertThat(cleared.json().get("cleared_by").asText()).isEqualTo(d.officer.id());
    assertThat(cleared.json().get("clear_comment").asText()).isEqualTo("the owner confirmed both calls");
    assertThat(s.get("/api/v1/support/alerts?open=true", d.officer.token()).json().get("items").size()).isZero();
    assertThat(s.get("/api/v1/support/alerts", d.auditor().token()).json().get("items").size()).isEqualTo(1);
    s.clock.advance(Duration.ofSeconds(6));
    assertThat(metric("bindery_support_alerts_open")).isEqualTo(0.0);
    assertThat(metric("bindery_support_alerts_raised_total")).isEqualTo(1.0);
    JsonNode after = d.created(d.agent, d.action("token_reissue", d.identity(1), Map.of()));
    assertThat(after.get("state").asText()).isEqualTo("applied");
  }

  // ---- the "new credential from an unusual source" alert: the support desk's code redeemed ---------------------

  @Test
  void resetCodeRedeemedFromASourceNeverSeenForTheIdentity_raisesAnAlertForTheAgentOfTheReset() {
    String id = d.identity(1);
    String sup = d.created(d.agent, d.action("credential_reset", id, Map.of())).get("id").asText();

    TestServer.Response enrolled = new Workloads(s).enrol(d.deliveredEnrolmentCode(id),
        TestCsr.forKey(TestKeys.ecP256()).pem());

    assertThat(enrolled.status()).as(enrolled.body()).isEqualTo(201);
    JsonNode alerts = s.get("/api/v1/support/alerts?open=true", d.officer.token()).json().get("items");
    assertThat(alerts.size()).as(alerts.toString()).isEqualTo(1);
    assertThat(alerts.at("/0/kind").asText()).isEqualTo("unusual_enrolment_source");
    assertThat(alerts.at("/0/agent").asText()).isEqualTo(d.agent.id());
    assertThat(alerts.at("/0/target").asText()).isEqualTo("identity:" + id);
    assertThat(alerts.at("/0/support_action_id").asText()).isEqualTo(sup);
    assertThat(alerts.at("/0/details/source").asText()).isEqualTo("127.0.0.1");
    // the agent is under supervision now
    JsonNode next = d.created(d.agent, d.action("token_reissue", d.identity(1), Map.of()));
    assertThat(next.at("/required/because").toString()).isEqualTo("[\"agent_under_supervision\"]");
  }

  @Test
  void resetCodeRedeemedFromTheSourceOfAnEarlierEnrolment_noAlert() {
    String id = d.identity(1);
    new Workloads(s).enrolled(id);
    d.created(d.agent, d.action("credential_reset", id, Map.of()));

    TestServer.Response enrolled = new Workloads(s).enrol(d.deliveredEnrolmentCode(id),
        TestCsr.forKey(TestKeys.ecP256()).pem());

    assertThat(enrolled.status()).as(enrolled.body()).isEqualTo(201);
    assertThat(s.get("/api/v1/support/alerts", d.officer.token()).json().get("items").size()).isZero();
  }

  // ---- the same alert for an ordinary owner's code: any new credential within the window after a reset -----------

  @Test
  void ownerCodeRedeemedWithinTheWindowAfterAReset_fromASourceNeverSeen_raisesTheAlertAuditedAndSupervises() {
    String id = d.identity(1);
    String sup = d.created(d.agent, d.action("credential_reset", id, Map.of())).get("id").asText();
    s.clock.advance(Duration.ofMinutes(30));
    Workloads w = new Workloads(s);
    String code = w.code(d.owner.token(), id);

    TestServer.Response enrolled = w.enrol(code, TestCsr.forKey(TestKeys.ecP256()).pem());

    assertThat(enrolled.status()).as(enrolled.body()).isEqualTo(201);
    JsonNode alerts = s.get("/api/v1/support/alerts?open=true", d.officer.token()).json().get("items");
    assertThat(alerts.size()).as(alerts.toString()).isEqualTo(1);
    assertThat(alerts.at("/0/kind").asText()).isEqualTo("unusual_enrolment_source");
    assertThat(alerts.at("/0/agent").asText()).isEqualTo(d.agent.id());
    assertThat(alerts.at("/0/support_action_id").asText()).isEqualTo(sup);
    assertThat(alerts.at("/0/details/source").asText()).isEqualTo("127.0.0.1");
    JsonNode audited = s.get("/api/v1/audit/events?action=support.alert", d.officer.token()).json().get("items");
    assertThat(audited.size()).as(audited.toString()).isEqualTo(1);
    assertThat(audited.at("/0/actor").asText()).isEqualTo("system");
    assertThat(audited.at("/0/details/kind").asText()).isEqualTo("unusual_enrolment_source");
    assertThat(audited.at("/0/details/supervision_required").asBoolean()).isTrue();
    JsonNode next = d.created(d.agent, d.action("token_reissue", d.identity(1), Map.of()));
    assertThat(next.at("/required/because").toString()).isEqualTo("[\"agent_under_supervision\"]");
  }

  @Test
  void ownerCodeRedeemedAfterAReset_fromTheSourceOfAnEarlierOrdinaryEnrolment_noAlert() {
    String id = d.identity(1);
    Workloads w = new Workloads(s);
    w.enrolled(id);
    d.created(d.agent, d.action("credential_reset", id, Map.of()));

    TestServer.Response enrolled = w.enrol(w.code(d.owner.token(), id), TestCsr.forKey(TestKeys.ecP256()).pem());

    assertThat(enrolled.status()).as(enrolled.body()).isEqualTo(201);
    assertThat(s.get("/api/v1/support/alerts", d.officer.token()).json().get("items").size()).isZero();
    assertThat(s.get("/api/v1/audit/events?action=support.alert", d.officer.token()).json().get("items").size()).isZero();
  }

  @Test
  void ownerCodeRedeemedLongerThanTheWindowAfterAReset_fromASourceNeverSeen_noAlert() {
    String id = d.identity(1);
    d.created(d.agent, d.action("credential_reset", id, Map.of()));
    s.clock.advance(Duration.ofMinutes(61));
    Workloads w = new Workloads(s);

    TestServer.Response enrolled = w.enrol(w.code(d.owner.token(), id), TestCsr.forKey(TestKeys.ecP256()).pem());

    assertThat(enrolled.status()).as(enrolled.body()).isEqualTo(201);
    assertThat(s.get("/api/v1/support/alerts", d.officer.token()).json().get("items").size()).isZero();
    JsonNode next = d.created(d.agent, d.action("token_reissue", d.identity(1), Map.of()));
    assertThat(next.get("state").asText()).isEqualTo("applied");
  }

  // ---- "this was not us" ---------------------------------------------------------------------------------------

  @Test
  void disavowLinkOfAnAppliedOwnerReset_restoresTheOwnerAndLocksTheIdentity() {
    String id = d.identity(1);
    String sup = d.created(d.agent, d.action("owner_reset", id, Map.of("owning_team", "billing"))).get("id")
        .asText();
    assertThat(d.identityJson(id).get("owner_team").asText()).isEqualTo("billing");
    JsonNode applied = d.delivered("support.applied", id).stream()
        .filter(b -> !b.path("disavow_url").isNull()).findFirst().orElseThrow();
    String url = applied.get("disavow_url").asText();

    TestServer.Response followed = s.post(url.substring(url.indexOf("/api/v1/")), null, null);

    assertThat(followed.status()).as(followed.body()).isEqualTo(200);
    JsonNode identity = d.identityJson(id);
    assertThat(identity.get("status").asText()).isEqualTo("locked");
    assertThat(identity.get("owner_team").asText()).isEqualTo("payments");
    assertThat(d.get(sup).get("disavowed_at").isNull()).isFalse();
  }
}
