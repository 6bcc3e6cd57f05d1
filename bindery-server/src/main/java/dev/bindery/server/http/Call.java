package dev.bindery.server.http;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import dev.bindery.security.Caller;
import io.javalin.http.Context;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One request to one route, as the route handlers see it: the authenticated caller, the strictly parsed body,
 * path and query values, and the response writers. It is the only object handlers get, so every handler reads
 * bodies, versions and paging the same way.
 */
public final class Call {
  private static final Pattern IF_MATCH = Pattern.compile("\"([0-9]{1,18})\"");
  private final Context ctx;
  private final Route route;
  private final Caller caller;
  private final JsonBodies bodies;

  Call(Context ctx, Route route, Caller caller, JsonBodies bodies) {
    this.ctx = ctx;
    this.route = route;
    this.caller = caller;
    this.bodies = bodies;
  }

  /** The authenticated operator; null only on public routes. */
  public Caller caller() {
    return caller;
  }

  /** The request and response as an {@link Exchange}. */
  public Exchange exchange() {
    return new ContextExchange(ctx);
  }

  public Context ctx() {
    return ctx;
  }

  public String requestId() {
    return RequestIds.current(ctx);
  }

  public Body body() {
    if (route.body() == null) {
      throw new IllegalStateException("route " + route.key() + " declares no body");
    }
    return bodies.read(ctx, route.body());
  }

  public String path(String name) {
    return ctx.pathParam(name);
  }

  /** A declared query parameter, or null when absent or empty. */
  public String query(String name) {
    if (route.query().stream().noneMatch(q -> q.name().equals(name))) {
      throw new IllegalStateException("undeclared query parameter " + name);
    }
    String v = ctx.queryParam(name);
    return v == null || v.isEmpty() ? null : v;
  }

  /**
   * A declared query parameter converted by {@code parse}, or null when absent or empty. A value that
   * {@code parse} rejects is {@code invalid_query} naming the parameter.
   */
  public <T> T query(String name, Function<String, T> parse) {
    String v = query(name);
    if (v == null) {
      return null;
    }
    try {
      return parse.apply(v);
    } catch (RejectedException e) {
      throw new RejectedException(ErrorCode.INVALID_QUERY, e.getMessage(), name);
    }
  }

  /** {@code limit}: the default when absent; otherwise 1..max, else {@code invalid_query}. */
  public int limit(int def, int max) {
    String v = query("limit");
    if (v == null) {
      return def;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= 1 && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new RejectedException(ErrorCode.INVALID_QUERY, "limit must be a number between 1 and " + max, "limit");
  }

  /**
   * The version the caller read, from {@code If-Match: "<version>"} or the body's {@code version}. Neither is
   * {@code version_required} (428); both but different is {@code invalid_field}.
   */
  public long expectedVersion(Body body) {
    Long fromHeader = null;
    String ifMatch = ctx.header("If-Match");
    if (ifMatch != null) {
      Matcher m = IF_MATCH.matcher(ifMatch.strip());
      if (!m.matches()) {
        throw RejectedException.invalid("If-Match", "If-Match must be the strong ETag read, such as \"3\"");
      }
      fromHeader = Long.parseLong(m.group(1));
    }
    Long fromBody = body == null ? null : body.integer("version");
    if (fromBody != null && fromBody < 1) {
      throw RejectedException.invalid("version", "'version' must be a positive integer");
    }
    if (fromHeader != null && fromBody != null && !fromHeader.equals(fromBody)) {
      throw RejectedException.invalid("version", "If-Match and 'version' disagree");
    }
    if (fromHeader == null && fromBody == null) {
      throw new RejectedException(ErrorCode.VERSION_REQUIRED,
          "send the version you read, as If-Match: \"<version>\" or a 'version' field", "version");
    }
    return fromHeader != null ? fromHeader : fromBody;
  }

  public void etag(long version) {
    ctx.header("ETag", "\"" + version + "\"");
  }

  /** Writes the route's success status with a JSON body. */
  public void json(Object body) {
    json(route.status(), body);
  }

  public void json(int status, Object body) {
    ctx.status(status).contentType("application/json").result(Json.bytes(body));
  }

  public void noContent() {
    ctx.status(204);
  }
}
