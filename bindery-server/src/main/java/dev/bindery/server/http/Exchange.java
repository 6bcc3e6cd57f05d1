package dev.bindery.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * One request and its response as a route that does not need Javalin sees them. Such a route ({@link
 * Route.Builder#handleExchange}) is served straight on Jetty's core handler API ({@link CoreRoutes}), ahead of the
 * servlet and Javalin layers, and through Javalin ({@link ContextExchange}) wherever the core handler is not
 * installed; both run the same pipeline around it (request id, {@code no-store}, undeclared query parameters refused,
 * error rendering, metrics, access log).
 */
public interface Exchange {
  /** The HTTP method, upper case. */
  String method();

  /** The first value of a request header, or null. */
  String header(String name);

  /** Every value of a request header name, one per header line; empty when absent. */
  List<String> headers(String name);

  /** The declared body length in bytes, or -1 when the request does not declare one. */
  long contentLength();

  /** The request body; read once. */
  InputStream body() throws IOException;

  /** The largest declared body {@link #drainBody} reads; a larger one is left unread. */
  long DRAIN_LIMIT = 64 * 1024;

  /**
   * Reads and drops what the body of a refused request still holds, when it declares at most {@link #DRAIN_LIMIT}
   * bytes (or no length; then at most about that many are read), so that the kept-alive connection is not closed
   * with unread bytes (a TCP reset that can make the client lose the refusal) or the bytes taken for the client's
   * next request. A larger body is left unread and the connection ends. Failures are ignored: the refusal is
   * answered anyway.
   */
  default void drainBody() {
    if (contentLength() > DRAIN_LIMIT) {
      return;
    }
    try (InputStream in = body()) {
      byte[] buf = new byte[4096];
      long total = 0;
      int n;
      while (total <= DRAIN_LIMIT && (n = in.read(buf)) != -1) {
        total += n;
      }
    } catch (IOException | RuntimeException e) {
      // the refusal is answered anyway; the connection may then close
    }
  }

  /** The certificate chain the TLS client presented, leaf first, or null when it presented none. */
  X509Certificate[] tlsPeerCertificates();

  /** The TCP peer's IP address. */
  String remoteAddress();

  /** The request id of this exchange (also in the response's {@code X-Request-Id}). */
  String requestId();

  /** Sets a response header. */
  void header(String name, String value);

  /** Sets the status and the body of the response ({@code contentType} null for none); the last call wins. */
  void respond(int status, String contentType, byte[] body);
}
