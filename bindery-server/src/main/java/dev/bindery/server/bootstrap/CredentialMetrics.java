package dev.bindery.server.bootstrap;

import dev.bindery.credential.CredentialEvents;
import dev.bindery.credential.CredentialGauges;
import dev.bindery.credential.CredentialService;
import dev.bindery.credential.Lineage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.ToDoubleFunction;

/**
 * The credential metrics: {@code bindery_credential_lineage_quarantined_total} (a counter, fed by
 * {@link CredentialEvents}) and the report gauges {@code bindery_credentials_expiring},
 * {@code bindery_credentials_overdue_rotation}, {@code bindery_credentials_never_used},
 * {@code bindery_credentials_unused} and {@code bindery_identities_without_credential}. The gauges read one
 * snapshot of {@link CredentialService#gauges()}, refreshed at most every {@link #GAUGE_MAX_AGE}, so a scrape
 * costs the database a few counting queries at most that often.
 */
final class CredentialMetrics implements CredentialEvents {
  static final Duration GAUGE_MAX_AGE = Duration.ofSeconds(30);

  private final Counter quarantined;
  private final Clock clock;
  private CredentialService service;
  private CredentialGauges snapshot;
  private Instant takenAt;

  CredentialMetrics(MeterRegistry registry, Clock clock) {
    this.clock = clock;
    this.quarantined = Counter.builder("bindery.credential.lineage.quarantined")
        .description("lineages quarantined because a superseded certificate was presented").register(registry);
    gauge(registry, "bindery.credentials.expiring", "active credentials expiring within 7 days", CredentialGauges::expiring);
    gauge(registry, "bindery.credentials.overdue.rotation", "active credentials older than their rotate-after age",
        CredentialGauges::overdueRotation);
    gauge(registry, "bindery.credentials.never.used", "active credentials never used", CredentialGauges::neverUsed);
    gauge(registry, "bindery.credentials.unused", "active credentials not used for 30 days", CredentialGauges::unused);
    gauge(registry, "bindery.identities.without.credential", "live identities with no active credential",
        CredentialGauges::identitiesWithoutCredential);
  }

  private void gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<CredentialGauges> value) {
    Gauge.builder(name, this, m -> m.current() == null ? Double.NaN : value.applyAsDouble(m.current()))
        .description(description).register(registry);
  }

  /** The service whose counts the gauges show (it is built after this listener). */
  void bind(CredentialService credentials) {
    this.service = credentials;
  }

  private synchronized CredentialGauges current() {
    Instant now = clock.instant();
    if (service != null && (snapshot == null || takenAt.plus(GAUGE_MAX_AGE).isBefore(now))) {
      snapshot = service.gauges();
      takenAt = now;
    }
    return snapshot;
  }

  @Override
  public void lineageQuarantined(Lineage lineage) {
    quarantined.increment();
  }
}
