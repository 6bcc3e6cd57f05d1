package dev.bindery.server.http;

import io.javalin.http.HandlerType;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One entry of the route table: the handler is registered with Javalin from this record and the OpenAPI
 * document is generated from the same record, so neither can list a route the other lacks.
 *
 * @param body the accepted request body, or null for routes that take none
 * @param query the accepted query parameters; any other is refused
 * @param status the success status
 * @param responseType the media type of a success response with content
 * @param rawBodyType the media type of a non-JSON request body the handler reads itself (for example
 *     {@code application/ocsp-request}), or null
 * @param errors how the route answers errors, or null for problem documents
 * @param core the handler of a route served on Jetty's core handler API ({@link CoreRoutes}), or null; such a
 *     route has no path or query parameters, no JSON body, no operator authentication and an error renderer, and
 *     its {@code handler} runs the same {@code core} handler when Javalin serves it
 */
public record Route(
    HandlerType method,
    String path,
    String operationId,
    String summary,
    String tag,
    Access access,
    BodySpec body,
    List<QueryParam> query,
    int status,
    String responseType,
    RouteHandler handler,
    String rawBodyType,
    ErrorRenderer errors,
    ExchangeHandler core) {

  /** {@code {name}} matches one path segment; {@code <name>} (Javalin) may span several. */
  private static final Pattern PATH_PARAM = Pattern.compile("[{<]([a-z_]+)[}>]");

  /** A query parameter; {@code description} ends up in the OpenAPI document. */
  public record QueryParam(String name, String type, String description) {}

  public Route {
    Objects.requireNonNull(method);
    Objects.requireNonNull(path);
    Objects.requireNonNull(operationId);
    Objects.requireNonNull(access);
    Objects.requireNonNull(handler);
    query = List.copyOf(query);
    if (core != null && (PATH_PARAM.matcher(path).find() || !query.isEmpty() || body != null || access.operatorToken()
        || errors == null)) {
      throw new IllegalArgumentException("a core route has no path or query parameters, no JSON body, no operator "
          + "token and an error renderer: " + method + " " + path);
    }
  }

  public String key() {
    return method.name() + " " + path;
  }

  public List<String> pathParams() {
    List<String> out = new ArrayList<>();
    Matcher m = PATH_PARAM.matcher(path);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  public static Builder get(String path, String operationId) {
    return new Builder(HandlerType.GET, path, operationId, 200);
  }

  public static Builder post(String path, String operationId) {
    return new Builder(HandlerType.POST, path, operationId, 200);
  }

  public static Builder put(String path, String operationId) {
    return new Builder(HandlerType.PUT, path, operationId, 200);
  }

  public static Builder patch(String path, String operationId) {
    return new Builder(HandlerType.PATCH, path, operationId, 200);
  }

  public static Builder delete(String path, String operationId) {
    return new Builder(HandlerType.DELETE, path, operationId, 200);
  }

  /** Keeps the route declarations in the handler classes short and readable. */
  public static final class Builder {
    private final HandlerType method;
    private final String path;
    private final String operationId;
    private int status;
    private String summary = "";
    private String tag = "";
    private Access access = Access.AUTHENTICATED;
    private BodySpec body;
    private final List<QueryParam> query = new ArrayList<>();
    private String responseType = "application/json";
    private String rawBodyType;
    private ErrorRenderer errors;

    private Builder(HandlerType method, String path, String operationId, int status) {
      this.method = method;
      this.path = path;
      this.operationId = operationId;
      this.status = status;
    }

    public Builder summary(String s) {
      summary = s;
      return this;
    }

    public Builder tag(String t) {
      tag = t;
      return this;
    }

    public Builder access(Access a) {
      access = a;
      return this;
    }

    public Builder body(BodySpec b) {
      body = b;
      return this;
    }

    public Builder query(String name, String type, String description) {
      query.add(new QueryParam(name, type, description));
      return this;
    }

    public Builder status(int s) {
      status = s;
      return this;
    }

    public Builder produces(String mediaType) {
      responseType = mediaType;
      return this;
    }

    /** A request body of this media type that the handler reads as bytes (not JSON, no {@link BodySpec}). */
    public Builder consumes(String mediaType) {
      rawBodyType = mediaType;
      return this;
    }

    /** Errors of this route are rendered by {@code renderer} instead of as problem documents. */
    public Builder errors(ErrorRenderer renderer) {
      errors = renderer;
      return this;
    }

    public Route handle(RouteHandler handler) {
      return new Route(method, path, operationId, summary, tag, access, body, query, status, responseType, handler,
          rawBodyType, errors, null);
    }

    /**
     * A route served on Jetty's core handler API ahead of Javalin ({@link CoreRoutes}); Javalin serves it with the
     * same handler where the core handler does not see the request.
     */
    public Route handleExchange(ExchangeHandler handler) {
      return new Route(method, path, operationId, summary, tag, access, body, query, status, responseType,
          call -> handler.handle(call.exchange()), rawBodyType, errors, handler);
    }
  }
}
