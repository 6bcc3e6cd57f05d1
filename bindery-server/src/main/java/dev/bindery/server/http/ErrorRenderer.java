package dev.bindery.server.http;

import java.util.Map;

/**
 * How a route answers errors when they must not be problem documents (the OAuth endpoints answer RFC 6749 JSON
 * errors). {@link ApiApp} hands it every exception raised while dispatching the route: the pipeline's own
 * rejections (for example an undeclared query parameter) and whatever the handler throws.
 */
public interface ErrorRenderer {
  /**
   * Writes the response for a refusal and returns the error code written, or returns null (writing nothing) if
   * {@code e} is not a refusal this renderer knows; the application then treats it as an authority failure.
   */
  String refused(Exchange exchange, Exception e);

  /** Writes the response for an authority failure (500, no details); the application has logged it. */
  void failed(Exchange exchange);

  /** The OpenAPI {@code default} response of routes rendered this way. */
  Map<String, Object> openApiResponse();
}
