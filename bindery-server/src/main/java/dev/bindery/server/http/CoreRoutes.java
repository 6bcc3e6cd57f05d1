package dev.bindery.server.http;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Serves the routes declared with {@link Route.Builder#handleExchange} on Jetty's core handler API, ahead of the
 * servlet context that Javalin attaches inside this wrapper; every other request passes through untouched.
 *
 * <p>Why: a request through the servlet and Javalin layers costs the server about three times the CPU of the same
 * request on the core API (the floor measured in docs/benchmarks.md), and the token endpoint's work besides its
 * signature is small, so those layers were a large part of the cost of a token. Only the exact method and path are
 * served here (no path parameters, no query parameters); an equivalent spelling of the path that Jetty or the
 * servlet layer would normalise reaches the same handler through Javalin ({@link ContextExchange}).
 *
 * <p>The pipeline is {@link ApiApp}'s, in the same order: start time, request id ({@code X-Request-Id}), {@code
 * Cache-Control: no-store} and {@code X-Content-Type-Options: nosniff} on every answer, undeclared query
 * parameters refused, the handler, refusals rendered by the route's {@link ErrorRenderer}, any other exception
 * logged under the request id and answered as the renderer's server error, then the request metric, the refusal
 * metric and one access-log line.
 */
final class CoreRoutes extends Handler.Wrapper {
  private final ApiApp app;
  private final Map<String, Route> routes;
  private final LongAdder served = new LongAdder();

  CoreRoutes(ApiApp app, List<Route> routes) {
    this.app = app;
    this.routes = routes.stream().collect(Collectors.toUnmodifiableMap(Route::key, Function.identity()));
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    Route route = routes.get(request.getMethod() + " " + request.getHttpURI().getPath());
    if (route == null) {
      return super.handle(request, response, callback);
    }
    served.increment();
    long started = System.nanoTime();
    String id = app.startRequest(request.getHeaders().get(RequestIds.HEADER));
    CoreExchange exchange = new CoreExchange(request, response, id);
    String code = null;
    try {
      exchange.header(RequestIds.HEADER, id);
      exchange.header("Cache-Control", "no-store");
      exchange.header("X-Content-Type-Options", "nosniff");
      rejectQuery(request.getHttpURI().getQuery());
      route.core().handle(exchange);
    } catch (Throwable t) {
      code = answerFailure(route, exchange, t);
    } finally {
      app.endRequest(route.method().name(), route.path(), exchange.status, code, System.nanoTime() - started);
    }
    if (code != null && !"100-continue".equalsIgnoreCase(request.getHeaders().get(HttpHeader.EXPECT))) {
      // a refusal can come before the body was read; a client still waiting for 100 Continue sends none
      exchange.drainBody();
    }
    response.setStatus(exchange.status);
    if (exchange.contentType != null) {
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, exchange.contentType);
    }
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, exchange.body.length);
    response.write(true, ByteBuffer.wrap(exchange.body), callback);
    return true;
  }

  /**
   * The answer to anything the handler threw: a refusal its renderer knows, else (any other exception or error, or a
   * renderer that fails) an authority failure, logged under the request id and answered 500 without details.
   */
  private static String answerFailure(Route route, CoreExchange exchange, Throwable t) {
    if (t instanceof Exception e) {
      try {
        String code = route.errors().refused(exchange, e);
        if (code != null) {
          return code;
        }
      } catch (RuntimeException rendering) {
        t.addSuppressed(rendering);
      }
    }
    ApiApp.logUnexpected(route.path(), t);
    try {
      route.errors().failed(exchange);
    } catch (RuntimeException rendering) {
      exchange.respond(500, "application/json", SERVER_ERROR_BODY);
    }
    if (exchange.status < 500) {
      exchange.respond(500, "application/json", SERVER_ERROR_BODY);
    }
    return Problems.SERVER_ERROR;
  }

  private static final byte[] SERVER_ERROR_BODY =
      "{\"error\":\"server_error\",\"error_description\":\"the server failed; quote the request id\"}"
          .getBytes(StandardCharsets.US_ASCII);

  /** Requests answered here (not passed on to Javalin) since the start. */
  long served() {
    return served.sum();
  }

  /**
   * A core route declares no query parameters: any query is refused, as {@link ApiApp} does (an empty name too); the
   * message names the first parameter if its name is plainly safe.
   */
  private static void rejectQuery(String query) {
    if (query == null || query.isEmpty()) {
      return;
    }
    String first = query.split("&", 2)[0];
    int eq = first.indexOf('=');
    String name;
    try {
      name = URLDecoder.decode(eq < 0 ? first : first.substring(0, eq), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      name = "?";
    }
    String safe = ApiApp.safe(name);
    throw new RejectedException(ErrorCode.INVALID_QUERY, "unknown query parameter '" + safe + "'", safe);
  }

  /** The request and the answer being built; written once the pipeline is done. */
  private static final class CoreExchange implements Exchange {
    private final Request request;
    private final Response response;
    private final String requestId;
    private int status = 200;
    private String contentType;
    private byte[] body = new byte[0];

    CoreExchange(Request request, Response response, String requestId) {
      this.request = request;
      this.response = response;
      this.requestId = requestId;
    }

    @Override
    public String method() {
      return request.getMethod();
    }

    @Override
    public String header(String name) {
      return request.getHeaders().get(name);
    }

    @Override
    public List<String> headers(String name) {
      return request.getHeaders().getValuesList(name);
    }

    @Override
    public long contentLength() {
      return request.getLength();
    }

    @Override
    public InputStream body() throws IOException {
      return Request.asInputStream(request);
    }

    @Override
    public X509Certificate[] tlsPeerCertificates() {
      if (request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE) instanceof EndPoint.SslSessionData tls) {
        X509Certificate[] chain = tls.peerCertificates();
        return chain == null || chain.length == 0 ? null : chain;
      }
      return null;
    }

    @Override
    public String remoteAddress() {
      return Request.getRemoteAddr(request);
    }

    @Override
    public String requestId() {
      return requestId;
    }

    @Override
    public void header(String name, String value) {
      response.getHeaders().put(name, value);
    }

    @Override
    public void respond(int status, String contentType, byte[] body) {
      this.status = status;
      this.contentType = contentType;
      this.body = body;
    }
  }
}
