package dev.bindery.server.http;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import dev.bindery.operator.OperatorService;
import dev.bindery.security.Caller;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.router.ParsedEndpoint;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The Javalin application: registers every {@link Route} of the table, authenticates the caller of every
 * non-public route before its handler runs (deny by default: a route cannot forget it), assigns request ids,
 * records metrics and one access-log line per request, and turns every failure into a problem response.
 *
 * <p>Logs never contain headers, query strings or bodies: those can carry tokens, TOTP codes or secrets.
 */
public final class ApiApp {
  private static final Logger LOG = LoggerFactory.getLogger("dev.bindery.server.http.access");
  private static final Logger ERRORS = LoggerFactory.getLogger(ApiApp.class);
  private static final String MDC_REQUEST_ID = "request_id";

  private final List<Route> routes;
  private final OperatorService operators;
  private final JsonBodies bodies;
  private final HttpMetrics metrics;
  private final boolean serveCore;
  private Javalin javalin;
  private CoreRoutes coreRoutes;

  public ApiApp(List<Route> routes, OperatorService operators, long maxBodyBytes, HttpMetrics metrics) {
    this(routes, operators, maxBodyBytes, metrics, true);
  }

  /**
   * @param coreRoutes whether the routes that allow it are served on Jetty's core handler API ({@link CoreRoutes});
   *     otherwise Javalin serves them with the same handlers
   */
  public ApiApp(List<Route> routes, OperatorService operators, long maxBodyBytes, HttpMetrics metrics,
      boolean coreRoutes) {
    this.serveCore = coreRoutes;
    this.routes = List.copyOf(routes);
    this.operators = operators;
    this.bodies = new JsonBodies(maxBodyBytes);
    this.metrics = metrics;
    Set<String> keys = new TreeSet<>();
    for (Route r : this.routes) {
      if (!keys.add(r.key())) {
        throw new IllegalArgumentException("route registered twice: " + r.key());
      }
    }
  }

  /** Builds (does not start) the application on the given connector; there is no other listener. */
  public Javalin create(BiFunction<Server, HttpConfiguration, Connector> connector, long maxBodyBytes) {
    javalin = Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      cfg.startup.showOldJavalinVersionWarning = false;
      cfg.http.prefer405over404 = true;
      cfg.http.maxRequestSize = maxBodyBytes;
      cfg.router.ignoreTrailingSlashes = false;
      cfg.jetty.modifyHttpConfiguration(h -> {
        h.setSendServerVersion(false);
        h.setSendXPoweredBy(false);
      });
      cfg.jetty.addConnector(connector);
      cfg.routes.before(this::before);
      cfg.routes.after(this::after);
      cfg.routes.exception(RejectedException.class, (e, ctx) -> refused(ctx, e));
      cfg.routes.exception(HttpResponseException.class, (e, ctx) -> transportError(ctx, e.getStatus()));
      cfg.routes.exception(Exception.class, ApiApp::unexpected);
      // Javalin answers an unmatched path itself when no exception is involved; make it a problem too.
      cfg.routes.error(404, ctx -> {
        if (ctx.attribute(Attributes.ERROR_CODE) == null) {
          Problems.write(ctx, 404, ErrorCode.NOT_FOUND.code(), "no such resource", null);
        }
      });
      for (Route r : routes) {
        cfg.routes.addHttpHandler(r.method(), r.path(), ctx -> dispatch(ctx, r));
      }
      List<Route> core = routes.stream().filter(r -> r.core() != null).toList();
      if (serveCore && !core.isEmpty()) {
        // Javalin attaches its servlet context inside this wrapper, which serves these routes before it
        coreRoutes = new CoreRoutes(this, core);
        cfg.jetty.modifyServer(server -> server.setHandler(coreRoutes));
      }
    });
    return javalin;
  }

  /** The handler serving the core routes ahead of Javalin, or null when no route is one. */
  CoreRoutes coreRoutes() {
    return coreRoutes;
  }

  public List<Route> routes() {
    return routes;
  }

  /** What Javalin actually has registered, as "METHOD path" (for the OpenAPI completeness test). */
  public Set<String> registeredEndpoints() {
    Set<String> out = new LinkedHashSet<>();
    for (ParsedEndpoint p : javalin.unsafe.internalRouter.allHttpHandlers()) {
      if (p.endpoint.method.isHttpMethod()) {
        out.add(p.endpoint.method.name() + " " + p.endpoint.path);
      }
    }
    return Collections.unmodifiableSet(out);
  }

  private void dispatch(Context ctx, Route route) throws Exception {
    ctx.attribute(Attributes.ROUTE, route.path());
    ctx.attribute(Attributes.ACCESS, route.access());
    if (route.errors() != null) {
      ctx.attribute(Attributes.ERROR_RENDERER, route.errors());
    }
    Caller caller = route.access().operatorToken() ? authenticate(ctx) : null;
    rejectUndeclaredQuery(ctx, route);
    route.handler().handle(new Call(ctx, route, caller, bodies));
  }

  /** Bearer operator tokens (RFC 6750 section 2.1); the token itself is never logged or echoed. */
  private Caller authenticate(Context ctx) {
    String header = ctx.header("Authorization");
    if (header == null || header.isBlank()) {
      throw new RejectedException(ErrorCode.UNAUTHENTICATED, "an operator token is required: Authorization: Bearer <token>");
    }
    if (header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new RejectedException(ErrorCode.UNAUTHENTICATED, "use the Bearer authentication scheme");
    }
    return operators.authenticate(header.substring(7).strip(), RequestIds.current(ctx));
  }

  private static void rejectUndeclaredQuery(Context ctx, Route route) {
    for (Map.Entry<String, List<String>> e : ctx.queryParamMap().entrySet()) {
      String name = e.getKey();
      if (route.query().stream().noneMatch(q -> q.name().equals(name))) {
        throw new RejectedException(ErrorCode.INVALID_QUERY, "unknown query parameter '" + safe(name) + "'", safe(name));
      }
      if (e.getValue().size() > 1) {
        throw new RejectedException(ErrorCode.INVALID_QUERY, "query parameter '" + name + "' is repeated", name);
      }
    }
  }

  /** Echo only names that cannot carry markup or control characters. */
  static String safe(String name) {
    return name.matches("[A-Za-z0-9_.-]{1,64}") ? name : "?";
  }

  /** The request id (the presented one if it is safe) is chosen and put in the logging context. */
  String startRequest(String presentedId) {
    String id = RequestIds.choose(presentedId);
    MDC.put(MDC_REQUEST_ID, id);
    return id;
  }

  /** The request metric, the refusal metric and the access-log line; the logging context is cleared. */
  void endRequest(String method, String route, int status, String code, long nanos) {
    try {
      metrics.request(method, route, status, nanos);
      if (code != null) {
        metrics.refused(code);
      }
      LOG.info("event=http_request method={} route={} status={} duration_ms={}{}", method, route, status,
          nanos / 1_000_000, code == null ? "" : " code=" + code);
    } finally {
      MDC.remove(MDC_REQUEST_ID);
    }
  }

  static void logUnexpected(String route, Throwable e) {
    ERRORS.error("event=unexpected_failure route={} exception={}", route, e.getClass().getName(), e);
  }

  private void before(Context ctx) {
    ctx.attribute(Attributes.STARTED_NANOS, System.nanoTime());
    String id = startRequest(ctx.header(RequestIds.HEADER));
    ctx.attribute(Attributes.REQUEST_ID, id);
    ctx.header(RequestIds.HEADER, id);
    // Responses can carry one-time secrets (tokens, TOTP seeds): never cache them anywhere.
    ctx.header("Cache-Control", "no-store");
    ctx.header("X-Content-Type-Options", "nosniff");
  }

  private void after(Context ctx) {
    Long started = ctx.attribute(Attributes.STARTED_NANOS);
    String route = ctx.attribute(Attributes.ROUTE);
    endRequest(ctx.method().name().toUpperCase(Locale.ROOT), route == null ? "unmatched" : route, ctx.statusCode(),
        ctx.attribute(Attributes.ERROR_CODE), started == null ? 0 : System.nanoTime() - started);
  }

  private static void refused(Context ctx, RejectedException e) {
    ErrorRenderer renderer = ctx.attribute(Attributes.ERROR_RENDERER);
    if (renderer == null) {
      Problems.write(ctx, e);
      return;
    }
    String code = renderer.refused(new ContextExchange(ctx), e);
    if (code == null) {
      unexpected(e, ctx);
    } else {
      ctx.attribute(Attributes.ERROR_CODE, code);
    }
  }

  private static void transportError(Context ctx, int status) {
    switch (status) {
      case 404 -> Problems.write(ctx, 404, ErrorCode.NOT_FOUND.code(), "no such resource", null);
      case 405 -> Problems.write(ctx, 405, Problems.METHOD_NOT_ALLOWED, "this resource does not support that method",
          null);
      case 413 -> Problems.write(ctx, 413, ErrorCode.BODY_TOO_LARGE.code(), "request body is too large", null);
      default -> {
        if (status >= 400 && status < 500) {
          Problems.write(ctx, 400, ErrorCode.MALFORMED_JSON.code(), "the request could not be read", null);
        } else {
          Problems.write(ctx, 500, Problems.SERVER_ERROR, "the server failed; quote the request id", null);
        }
      }
    }
  }

  /** An authority failure: full details go to the log under the request id, none to the caller. */
  private static void unexpected(Exception e, Context ctx) {
    ErrorRenderer renderer = ctx.attribute(Attributes.ERROR_RENDERER);
    if (renderer != null && !(e instanceof RejectedException)) {
      String code = renderer.refused(new ContextExchange(ctx), e);
      if (code != null) {
        ctx.attribute(Attributes.ERROR_CODE, code);
        return;
      }
    }
    logUnexpected(String.valueOf((Object) ctx.attribute(Attributes.ROUTE)), e);
    if (renderer != null) {
      renderer.failed(new ContextExchange(ctx));
      ctx.attribute(Attributes.ERROR_CODE, Problems.SERVER_ERROR);
    } else {
      Problems.write(ctx, 500, Problems.SERVER_ERROR, "the server failed; quote the request id", null);
    }
  }
}
