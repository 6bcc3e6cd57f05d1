package dev.bindery.server.http;

import dev.bindery.store.Transactor;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Unauthenticated operational routes: liveness, readiness, Prometheus metrics and the OpenAPI document. */
public final class SystemRoutes {
  private final Transactor transactor;
  private final PrometheusMeterRegistry registry;
  private final Supplier<byte[]> openApi;

  public SystemRoutes(Transactor transactor, PrometheusMeterRegistry registry, Supplier<byte[]> openApi) {
    this.transactor = transactor;
    this.registry = registry;
    this.openApi = openApi;
  }

  public List<Route> routes() {
    return List.of(
        Route.get("/health/live", "live").tag("system").access(Access.PUBLIC).summary("The process is up")
            .handle(c -> c.json(Map.of("status", "up"))),
        Route.get("/health/ready", "ready").tag("system").access(Access.PUBLIC)
            .summary("The database answers (503 otherwise)").handle(this::ready),
        Route.get("/metrics", "metrics").tag("system").access(Access.PUBLIC).produces("text/plain")
            .summary("Prometheus metrics").handle(this::metrics),
        Route.get("/api/v1/openapi.json", "openapi").tag("system").access(Access.PUBLIC)
            .summary("This document").handle(c -> c.ctx().status(200).contentType("application/json")
                .result(openApi.get())));
  }

  private void ready(Call call) {
    if (transactor.ping()) {
      call.json(200, Map.of("status", "ready"));
    } else {
      call.json(503, Map.of("status", "unavailable"));
    }
  }

  private void metrics(Call call) {
    call.ctx().status(200).contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape());
  }
}
