package dev.bindery.server.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Request metrics: {@code http_server_requests} (count and latency by method, route template and status) and
 * {@code bindery_requests_refused_total} by error code. Routes are templates ({@code /api/v1/identities/{id}}),
 * never raw paths, so identifiers do not explode the label space; unmatched paths share one label.
 */
public final class HttpMetrics {
  private final MeterRegistry registry;
  private final Map<TimerKey, Timer> timers = new ConcurrentHashMap<>();

  public HttpMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void request(String method, String route, int status, long nanos) {
    // the label values come from small fixed sets (methods, route templates, statuses), so the map stays small;
    // looking the timer up here saves building and sorting its tags on every request
    timers.computeIfAbsent(new TimerKey(method, route, status), k -> Timer.builder("http.server.requests")
        .description("HTTP requests by route template and status")
        .tag("method", k.method())
        .tag("route", k.route())
        .tag("status", Integer.toString(k.status()))
        .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  private record TimerKey(String method, String route, int status) {}

  void refused(String code) {
    Counter.builder("bindery.requests.refused")
        .description("requests refused, by error code")
        .tag("code", code)
        .register(registry)
        .increment();
  }
}
