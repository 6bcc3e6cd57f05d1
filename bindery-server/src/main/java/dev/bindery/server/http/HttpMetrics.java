package dev.bindery.server.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * Request metrics: {@code http_server_requests} (count and latency by method, route template and status) and
 * {@code bindery_requests_refused_total} by error code. Routes are templates ({@code /api/v1/identities/{id}}),
 * never raw paths, so identifiers do not explode the label space; unmatched paths share one label.
 */
public final class HttpMetrics {
  private final MeterRegistry registry;

  public HttpMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void request(String method, String route, int status, long nanos) {
    Timer.builder("http.server.requests")
        .description("HTTP requests by route template and status")
        .tag("method", method)
        .tag("route", route)
        .tag("status", Integer.toString(status))
        .register(registry)
        .record(Duration.ofNanos(nanos));
  }

  void refused(String code) {
    Counter.builder("bindery.requests.refused")
        .description("requests refused, by error code")
        .tag("code", code)
        .register(registry)
        .increment();
  }
}
