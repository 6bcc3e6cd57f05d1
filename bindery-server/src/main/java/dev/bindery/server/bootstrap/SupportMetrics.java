package dev.bindery.server.bootstrap;

import dev.bindery.audit.AuditEvent;
import dev.bindery.audit.AuditQuery;
import dev.bindery.audit.Outcome;
import dev.bindery.store.Transactor;
import dev.bindery.support.SupportActionType;
import dev.bindery.support.SupportReport;
import dev.bindery.support.SupportService;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The support desk's metrics (docs/api.md, "Support desk"): the gauges {@code bindery_support_actions_unreviewed}
 * (applied actions unreviewed for longer than {@code bindery.support.metrics.review-age}),
 * {@code bindery_support_actions_window{type=...}} (actions made within {@code bindery.support.metrics.window}, one
 * series per action type), {@code bindery_support_alerts_open}, and the counter
 * {@code bindery_support_alerts_raised_total} (every anomaly alert ever raised, from the audited
 * {@code support.alert} events, so every node of a cluster reports the same total).
 *
 * <p>A scrape does not query the store: the values come from one snapshot ({@link SupportService#reportForMetrics}
 * and the audit events appended since the previous one, read by their indexed action and sequence number), taken at
 * most every {@link #MAX_AGE} of the injected clock. If taking one fails, the previous values stay and the failure is
 * logged (a scrape never fails because of the database).
 */
final class SupportMetrics {
  private static final Logger LOG = LoggerFactory.getLogger(SupportMetrics.class);
  static final Duration MAX_AGE = Duration.ofSeconds(5);
  private static final int AUDIT_PAGE = AuditQuery.MAX_LIMIT;

  private final SupportService support;
  private final Transactor store;
  private final Clock clock;
  private final Duration reviewAge;
  private final Duration window;
  private SupportReport snapshot;
  private Instant takenAt;
  private long alertsRaised;
  /** The last audit sequence number counted for {@link #alertsRaised}. */
  private long alertsCountedThrough;

  SupportMetrics(MeterRegistry registry, SupportService support, Transactor store, Clock clock, Duration reviewAge,
      Duration window) {
    this.support = Objects.requireNonNull(support);
    this.store = Objects.requireNonNull(store);
    this.clock = Objects.requireNonNull(clock);
    this.reviewAge = Objects.requireNonNull(reviewAge);
    this.window = Objects.requireNonNull(window);
    gauge(registry, "bindery.support.actions.unreviewed", "applied support actions unreviewed for longer than "
        + "bindery.support.metrics.review-age (" + reviewAge.toHours() + "h)", r -> r.unreviewedOlderThan(), null);
    for (SupportActionType type : SupportActionType.values()) {
      gauge(registry, "bindery.support.actions.window", "support actions made within bindery.support.metrics.window ("
          + window.toHours() + "h), per type", r -> r.perType().getOrDefault(type.wire(), 0L), type.wire());
    }
    gauge(registry, "bindery.support.alerts.open", "support anomaly alerts not cleared", r -> r.openAlerts(), null);
    FunctionCounter.builder("bindery.support.alerts.raised", this, m -> m.raised())
        .description("support anomaly alerts raised (audited support.alert events)").register(registry);
  }

  private void gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<SupportReport> value,
      String type) {
    // strong: nothing else holds this object, and a weakly held one would be collected and every meter read NaN
    // (the alerts-raised counter, which can only hold it weakly, relies on these references too)
    Gauge.Builder<SupportMetrics> b = Gauge.builder(name, this, m -> {
      SupportReport r = m.current();
      return r == null ? Double.NaN : value.applyAsDouble(r);
    }).description(description).strongReference(true);
    if (type != null) {
      b.tag("type", type);
    }
    b.register(registry);
  }

  private synchronized double raised() {
    current();
    return alertsRaised;
  }

  /** The snapshot, refreshed when it is older than {@link #MAX_AGE}. */
  synchronized SupportReport current() {
    Instant now = clock.instant();
    if (snapshot != null && takenAt.plus(MAX_AGE).isAfter(now)) {
      return snapshot;
    }
    try {
      SupportReport report = support.reportForMetrics(reviewAge, window);
      countAlertsRaised();
      snapshot = report;
      takenAt = now;
    } catch (RuntimeException e) {
      LOG.warn("event=support_metrics_failed exception={}", e.getClass().getName(), e);
    }
    return snapshot;
  }

  /** Adds the {@code support.alert} events appended since the last count. */
  private void countAlertsRaised() {
    while (true) {
      long after = alertsCountedThrough;
      List<AuditEvent> page = store.read(t -> t.audit().query(new AuditQuery(null, null, SupportService.EVENT_ALERT,
          null, null, after, AUDIT_PAGE)));
      for (AuditEvent e : page) {
        if (e.outcome() == Outcome.SUCCESS) {
          alertsRaised++;
        }
        alertsCountedThrough = e.seq();
      }
      if (page.size() < AUDIT_PAGE) {
        return;
      }
    }
  }
}
