package dev.bindery.support;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The support desk's figures (docs/support-desk.md, "Review queue and alerts"), for the API, the CLI and the
 * Prometheus gauges.
 *
 * @param unreviewedOlderThan applied actions still unreviewed that were applied more than {@code reviewAge} ago
 * @param since the start of the window the per-agent, per-target and per-type counts cover (actions made since)
 * @param perAgent actions per agent (operator id)
 * @param perTarget actions per target ({@code identity:<id>} or {@code operator:<id>})
 * @param perType actions per type (wire name); every type is present, with 0 when none
 * @param openAlerts alerts not cleared
 */
public record SupportReport(Instant at, Duration reviewAge, long unreviewedOlderThan, Instant since,
    Map<String, Long> perAgent, Map<String, Long> perTarget, Map<String, Long> perType, long openAlerts) {
  public SupportReport {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(reviewAge, "reviewAge");
    Objects.requireNonNull(since, "since");
    perAgent = Map.copyOf(perAgent);
    perTarget = Map.copyOf(perTarget);
    perType = Map.copyOf(perType);
  }
}
