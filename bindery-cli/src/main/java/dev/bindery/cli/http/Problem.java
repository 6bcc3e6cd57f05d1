package dev.bindery.cli.http;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An RFC 9457 problem answer from the server ({@code application/problem+json}), reduced to what the CLI
 * shows: the stable {@code code}, the caller-safe {@code detail}, the offending {@code field} if any, and
 * the {@code request_id} to quote to an administrator. Any part may be null when the server sent no
 * problem document (a proxy's HTML error page, say).
 */
public record Problem(int status, String code, String detail, String field, String requestId) {

  /** Reads a problem from a response body; tolerates bodies that are not problem documents. */
  static Problem from(int status, String body, String requestIdHeader) {
    JsonNode json = Json.parseOrNull(body);
    if (json == null || !json.isObject()) {
      return new Problem(status, null, null, null, requestIdHeader);
    }
    String requestId = text(json, "request_id");
    return new Problem(status, text(json, "code"), text(json, "detail"), text(json, "field"),
        requestId != null ? requestId : requestIdHeader);
  }

  private static String text(JsonNode json, String name) {
    JsonNode value = json.get(name);
    return value == null || value.isNull() ? null : value.asText();
  }

  /** One line for stderr, e.g. {@code version_conflict: version 3 is stale (request id r-1)}. */
  public String describe() {
    StringBuilder line = new StringBuilder();
    line.append(code != null ? code : "http_" + status);
    if (detail != null) {
      line.append(": ").append(detail);
    }
    if (field != null) {
      line.append(" (field ").append(field).append(')');
    }
    if (requestId != null) {
      line.append(" (request id ").append(requestId).append(')');
    }
    return line.toString();
  }
}
