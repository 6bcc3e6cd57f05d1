package dev.bindery.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The webhook dispatcher's configuration keys ({@code bindery.notify.*}): defaults, values, refusals naming the key. */
class NotifyConfigTest {
  static BinderyConfig.NotifyConfig notifications(Map<String, String> values) {
    return BinderyConfig.fromSources(values, Map.of()).notifications();
  }

  static void assertRejected(Map<String, String> values, String key) {
    assertThatThrownBy(() -> BinderyConfig.fromSources(values, Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(key);
  }

  @Test
  void defaults_enabledEveryTwoSecondsTenSecondTimeoutTwelveAttemptsNoPlainHttp() {
    BinderyConfig.NotifyConfig c = notifications(Map.of());

    assertThat(c.enabled()).isTrue();
    assertThat(c.pollInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.maxAttempts()).isEqualTo(12);
    assertThat(c.allowLoopbackHttp()).isFalse();
  }

  @Test
  void values_fromTheFileAndTheEnvironment() {
    BinderyConfig.NotifyConfig c = notifications(Map.of(BinderyConfig.NOTIFY_ENABLED, "false",
        BinderyConfig.NOTIFY_POLL_INTERVAL, "30", BinderyConfig.NOTIFY_TIMEOUT, "5", BinderyConfig.NOTIFY_MAX_ATTEMPTS,
        "3", BinderyConfig.NOTIFY_ALLOW_LOOPBACK_HTTP, "true"));

    assertThat(c).isEqualTo(new BinderyConfig.NotifyConfig(false, Duration.ofSeconds(30), Duration.ofSeconds(5), 3,
        true));
    assertThat(BinderyConfig.fromSources(Map.of(), Map.of("BINDERY_NOTIFY_MAX_ATTEMPTS", "7")).notifications()
        .maxAttempts()).isEqualTo(7);
  }

  @Test
  void badValues_rejectedNamingTheKey() {
    assertRejected(Map.of(BinderyConfig.NOTIFY_ENABLED, "yes"), BinderyConfig.NOTIFY_ENABLED);
    assertRejected(Map.of(BinderyConfig.NOTIFY_POLL_INTERVAL, "0"), BinderyConfig.NOTIFY_POLL_INTERVAL);
    assertRejected(Map.of(BinderyConfig.NOTIFY_TIMEOUT, "61"), BinderyConfig.NOTIFY_TIMEOUT);
    assertRejected(Map.of(BinderyConfig.NOTIFY_MAX_ATTEMPTS, "0"), BinderyConfig.NOTIFY_MAX_ATTEMPTS);
    assertRejected(Map.of(BinderyConfig.NOTIFY_MAX_ATTEMPTS, "21"), BinderyConfig.NOTIFY_MAX_ATTEMPTS);
    assertRejected(Map.of(BinderyConfig.NOTIFY_ALLOW_LOOPBACK_HTTP, "1"), BinderyConfig.NOTIFY_ALLOW_LOOPBACK_HTTP);
  }
}
