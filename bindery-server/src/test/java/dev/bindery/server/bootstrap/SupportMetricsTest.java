package dev.bindery.server.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.identity.Identity;
import dev.bindery.support.SupportActionType;
import dev.bindery.support.SupportAlert;
import dev.bindery.support.SupportSettings;
import dev.bindery.testkit.SupportFixture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The support desk's Prometheus meters over the support service on the in-memory store: values from the report,
 * refreshed at most every {@link SupportMetrics#MAX_AGE} of the injected clock, and the alerts-raised counter counting
 * audited alerts and never going down when one is cleared.
 */
class SupportMetricsTest {
  /** Resets of one identity above 1 per day raise an alert; unreviewed means for more than an hour. */
  private final SupportFixture f = new SupportFixture(SupportSettings.DEFAULT.withThresholds(
      new SupportSettings.Threshold(1, Duration.ofHours(24)), new SupportSettings.Threshold(100, Duration.ofHours(1))));
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final SupportMetrics metrics = new SupportMetrics(registry, f.service, f.b.store(), f.b.clock(),
      Duration.ofHours(1), Duration.ofHours(24));

  private double gauge(String name, String... tags) {
    return registry.get(name).tags(tags).gauge().value();
  }

  private double raised() {
    return registry.get("bindery.support.alerts.raised").functionCounter().count();
  }

  @Test
  void noActions_everyMeterIsZero_oneSeriesPerActionType() {
    assertThat(gauge("bindery.support.actions.unreviewed")).isZero();
    assertThat(gauge("bindery.support.alerts.open")).isZero();
    assertThat(raised()).isZero();
    assertThat(registry.get("bindery.support.actions.window").gauges()).hasSize(SupportActionType.values().length);
    for (SupportActionType type : SupportActionType.values()) {
      assertThat(gauge("bindery.support.actions.window", "type", type.wire())).isZero();
    }
  }

  /** The server keeps no reference to its metrics object: the registry's meters must keep it alive. */
  @Test
  void meters_keepWorking_whenNothingButTheRegistryHoldsTheMetricsObject() {
    SimpleMeterRegistry own = new SimpleMeterRegistry();
    new SupportMetrics(own, f.service, f.b.store(), f.b.clock(), Duration.ofHours(1), Duration.ofHours(24));
    f.create(f.agent, f.request(SupportActionType.TOKEN_REISSUE, f.workload(1).id()));
    // a full collection clears weak references (HotSpot runs System.gc() synchronously)
    System.gc();

    assertThat(own.get("bindery.support.actions.window").tags("type", "token_reissue").gauge().value()).isEqualTo(1);
    assertThat(own.get("bindery.support.alerts.raised").functionCounter().count()).isZero();
  }

  @Test
  void values_cachedUntilTheSnapshotIsOlderThanItsMaximumAge() {
    Identity a = f.workload(1);
    f.create(f.agent, f.request(SupportActionType.TOKEN_REISSUE, a.id()));
    assertThat(gauge("bindery.support.actions.window", "type", "token_reissue")).isEqualTo(1);

    f.create(f.agent2, f.request(SupportActionType.TOKEN_REISSUE, f.workload(1).id()));
    assertThat(gauge("bindery.support.actions.window", "type", "token_reissue")).as("cached").isEqualTo(1);
    f.advance(SupportMetrics.MAX_AGE.minusMillis(1));
    assertThat(gauge("bindery.support.actions.window", "type", "token_reissue")).as("still cached").isEqualTo(1);
    f.advance(Duration.ofMillis(2));
    assertThat(gauge("bindery.support.actions.window", "type", "token_reissue")).isEqualTo(2);
    assertThat(gauge("bindery.support.actions.unreviewed")).isZero();

    f.advance(Duration.ofHours(2));
    assertThat(gauge("bindery.support.actions.unreviewed")).isEqualTo(2);
    assertThat(gauge("bindery.support.actions.window", "type", "credential_reset")).isZero();
  }

  @Test
  void alertsRaised_countsEveryAuditedAlert_andStaysWhenOneIsCleared() {
    Identity a = f.workload(1);
    f.create(f.agent, f.request(SupportActionType.TOKEN_REISSUE, a.id()));
    f.create(f.agent, f.request(SupportActionType.TOKEN_REISSUE, a.id()));
    assertThat(raised()).isEqualTo(1);
    assertThat(gauge("bindery.support.alerts.open")).isEqualTo(1);

    List<SupportAlert> open = f.service.alerts(f.caller(f.securityOfficer), true, null, 10);
    f.service.clearAlert(f.steppedUp(f.securityOfficer), open.get(0).id(), "confirmed with the owner");
    f.advance(SupportMetrics.MAX_AGE.plusSeconds(1));

    assertThat(gauge("bindery.support.alerts.open")).isZero();
    assertThat(raised()).isEqualTo(1);
  }
}
