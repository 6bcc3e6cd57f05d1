package dev.bindery.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bindery.identity.Scope;
import dev.bindery.operator.OperatorId;
import dev.bindery.support.SupportSettings;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code bindery.support.*}: defaults, every key's syntax, and refusals that name the key. */
class SupportConfigTest {
  static final String OP_A = "op_" + "a".repeat(26);
  static final String OP_B = "op_" + "b".repeat(26);

  private static SupportConfig of(Map<String, String> values) {
    return BinderyConfig.fromSources(values, Map.of()).support();
  }

  @Test
  void defaults_areTheDocumentedOnes() {
    SupportConfig c = of(Map.of());
    SupportSettings s = c.settings();

    assertThat(s.ticketPattern().pattern()).isEqualTo(SupportSettings.DEFAULT_TICKET_PATTERN);
    assertThat(s.evidenceMaxAge()).isEqualTo(Duration.ofHours(24));
    assertThat(s.temporaryTtl()).isEqualTo(Duration.ofMinutes(10));
    assertThat(s.temporaryTtlCap()).isEqualTo(Duration.ofMinutes(10));
    assertThat(s.requestTtl()).isEqualTo(Duration.ofHours(4));
    assertThat(s.privilegedScopes()).isEmpty();
    assertThat(s.resetsPerIdentity()).isEqualTo(new SupportSettings.Threshold(3, Duration.ofHours(24)));
    assertThat(s.identitiesPerAgent()).isEqualTo(new SupportSettings.Threshold(10, Duration.ofHours(1)));
    assertThat(s.unusualSourceWindow()).isEqualTo(Duration.ofHours(1));
    assertThat(s.agentHours()).isEmpty();
    assertThat(c.metricsReviewAge()).isEqualTo(Duration.ofHours(24));
    assertThat(c.metricsWindow()).isEqualTo(Duration.ofHours(24));
  }

  @Test
  void everyKey_parsed_fromTheFileOrTheEnvironment() {
    SupportConfig c = of(Map.ofEntries(
        Map.entry(SupportConfig.TICKET_PATTERN, "^SR[0-9]{6}$"),
        Map.entry(SupportConfig.EVIDENCE_MAX_AGE, "2h"),
        Map.entry(SupportConfig.TEMPORARY_TTL, "90s"),
        Map.entry(SupportConfig.TEMPORARY_TTL_CAP, "5m"),
        Map.entry(SupportConfig.REQUEST_TTL, "1d"),
        Map.entry(SupportConfig.PRIVILEGED_SCOPES, "billing.admin, payments.write"),
        Map.entry(SupportConfig.RESETS_PER_IDENTITY, "2/12h"),
        Map.entry(SupportConfig.IDENTITIES_PER_AGENT, "5/30m"),
        Map.entry(SupportConfig.UNUSUAL_SOURCE_WINDOW, "45m"),
        Map.entry(SupportConfig.AGENT_HOURS, OP_A + "=08:00-18:00@Europe/Berlin, " + OP_B + "=22:00-06:00@UTC"),
        Map.entry(SupportConfig.METRICS_REVIEW_AGE, "12h"),
        Map.entry(SupportConfig.METRICS_WINDOW, "7d")));
    SupportSettings s = c.settings();

    assertThat(s.ticketPattern().matcher("SR123456").matches()).isTrue();
    assertThat(s.ticketPattern().matcher("INC-4711").matches()).isFalse();
    assertThat(s.evidenceMaxAge()).isEqualTo(Duration.ofHours(2));
    assertThat(s.temporaryTtl()).isEqualTo(Duration.ofSeconds(90));
    assertThat(s.temporaryTtlCap()).isEqualTo(Duration.ofMinutes(5));
    assertThat(s.requestTtl()).isEqualTo(Duration.ofDays(1));
    assertThat(s.privilegedScopes()).containsExactlyInAnyOrder(new Scope("billing.admin"), new Scope("payments.write"));
    assertThat(s.resetsPerIdentity()).isEqualTo(new SupportSettings.Threshold(2, Duration.ofHours(12)));
    assertThat(s.identitiesPerAgent()).isEqualTo(new SupportSettings.Threshold(5, Duration.ofMinutes(30)));
    assertThat(s.unusualSourceWindow()).isEqualTo(Duration.ofMinutes(45));
    assertThat(s.agentHours()).containsEntry(OperatorId.parse(OP_A), new SupportSettings.WorkingHours(
        LocalTime.of(8, 0), LocalTime.of(18, 0), ZoneId.of("Europe/Berlin")));
    assertThat(s.agentHours().get(OperatorId.parse(OP_B)).contains(Instant.parse("2026-12-01T23:30:00Z"))).isTrue();
    assertThat(s.agentHours().get(OperatorId.parse(OP_B)).contains(Instant.parse("2026-12-01T12:00:00Z"))).isFalse();
    assertThat(c.metricsReviewAge()).isEqualTo(Duration.ofHours(12));
    assertThat(c.metricsWindow()).isEqualTo(Duration.ofDays(7));
    assertThat(BinderyConfig.fromSources(Map.of(), Map.of("BINDERY_SUPPORT_REQUEST_TTL", "30m")).support().settings()
        .requestTtl()).isEqualTo(Duration.ofMinutes(30));
  }

  @Test
  void aCapBelowTheDefaultTtl_lowersTheDefaultTtlWithIt() {
    assertThat(of(Map.of(SupportConfig.TEMPORARY_TTL_CAP, "2m")).settings().temporaryTtl())
        .isEqualTo(Duration.ofMinutes(2));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "bindery.support.ticket-pattern|[unclosed|bindery.support.ticket-pattern is not a regular expression",
      "bindery.support.evidence-max-age|24|bindery.support.evidence-max-age: must be a duration with a unit, such as "
          + "90s, 10m, 4h or 1d, not '24'",
      "bindery.support.evidence-max-age|8d|bindery.support.evidence-max-age must be between",
      "bindery.support.temporary-ttl|11m|bindery.support.temporary-ttl must be between",
      "bindery.support.temporary-ttl-cap|1h|bindery.support.temporary-ttl-cap must be between",
      "bindery.support.temporary-ttl|10s|bindery.support.temporary-ttl must be between",
      "bindery.support.request-ttl|0m|bindery.support.request-ttl must be between",
      "bindery.support.privileged-scopes|billing.admin,,x|bindery.support.privileged-scopes: '' is not a scope",
      "bindery.support.alerts.resets-per-identity|3|bindery.support.alerts.resets-per-identity: must be <count>/<window>",
      "bindery.support.alerts.resets-per-identity|0/1h|bindery.support.alerts.resets-per-identity: an alert threshold's "
          + "max is at least 1",
      "bindery.support.alerts.identities-per-agent|10/31d|bindery.support.alerts.identities-per-agent: an alert "
          + "threshold's window is between 1 minute and 30 days",
      "bindery.support.alerts.unusual-source-window|soon|bindery.support.alerts.unusual-source-window: must be a "
          + "duration",
      "bindery.support.alerts.agent-hours|08:00-18:00@UTC|bindery.support.alerts.agent-hours: '08:00-18:00@UTC' names "
          + "no operator",
      "bindery.support.alerts.agent-hours|alice=08:00-18:00@UTC|bindery.support.alerts.agent-hours: 'alice' is not an "
          + "operator id",
      "bindery.support.alerts.agent-hours|op_aaaaaaaaaaaaaaaaaaaaaaaaaa=8-18|bindery.support.alerts.agent-hours: "
          + "op_aaaaaaaaaaaaaaaaaaaaaaaaaa: working hours are written HH:mm-HH:mm@Zone",
      "bindery.support.alerts.agent-hours|op_aaaaaaaaaaaaaaaaaaaaaaaaaa=08:00-18:00@UTC,op_aaaaaaaaaaaaaaaaaaaaaaaaaa="
          + "09:00-17:00@UTC|bindery.support.alerts.agent-hours: operator op_aaaaaaaaaaaaaaaaaaaaaaaaaa is listed twice",
      "bindery.support.metrics.review-age|30s|bindery.support.metrics.review-age: must be between 1m and 365d",
      "bindery.support.metrics.window|400d|bindery.support.metrics.window: must be between 1m and 366d"})
  void badValue_refusedAtStart_namingTheKey(String key, String value, String message) {
    assertThatThrownBy(() -> of(Map.of(key, value))).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void unknownSupportKey_refusedLikeAnyOther() {
    assertThatThrownBy(() -> of(Map.of("bindery.support.ticket-format", "x"))).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("unknown configuration key 'bindery.support.ticket-format'");
  }
}
