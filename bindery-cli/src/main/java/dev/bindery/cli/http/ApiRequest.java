package dev.bindery.cli.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bindery.cli.failure.CliFailure;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One call to the Bindery API: method, path under {@code /api/v1}, query parameters, an optional JSON
 * body and an optional {@code If-Match} version. Path segments and query values are percent-encoded here,
 * so callers pass raw identifiers.
 */
public final class ApiRequest {
  private static final String API_ROOT = "/api/v1";

  private final String method;
  private final String path;
  private final List<Map.Entry<String, String>> query = new ArrayList<>();
  private JsonNode body;
  private Long ifMatchVersion;
  private String accept = "application/json";

  private ApiRequest(String method, String path) {
    this.method = method;
    this.path = path;
  }

  /** A request to {@code /api/v1/} followed by the given segments, each percent-encoded. */
  public static ApiRequest of(String method, String... segments) {
    StringBuilder path = new StringBuilder(API_ROOT);
    for (String segment : segments) {
      Objects.requireNonNull(segment, "path segment");
      if (segment.isEmpty()) {
        throw CliFailure.usage("an identifier must not be empty");
      }
      // "." and ".." would be resolved as relative paths by a server or proxy; send them as data
      String encoded = segment.equals(".") || segment.equals("..") ? segment.replace(".", "%2E") : encode(segment);
      path.append('/').append(encoded);
    }
    return new ApiRequest(method, path.toString());
  }

  public static ApiRequest get(String... segments) {
    return of("GET", segments);
  }

  public static ApiRequest post(String... segments) {
    return of("POST", segments);
  }

  public static ApiRequest put(String... segments) {
    return of("PUT", segments);
  }

  public static ApiRequest patch(String... segments) {
    return of("PATCH", segments);
  }

  public static ApiRequest delete(String... segments) {
    return of("DELETE", segments);
  }

  /** Adds a query parameter; a null value is left out, so optional filters can be passed as they are. */
  public ApiRequest query(String name, Object value) {
    if (value != null) {
      query.add(Map.entry(name, value.toString()));
    }
    return this;
  }

  public ApiRequest body(JsonNode json) {
    this.body = Objects.requireNonNull(json);
    return this;
  }

  /** Sends {@code If-Match: "<version>"}, the optimistic-concurrency precondition of the API. */
  public ApiRequest ifMatch(long version) {
    this.ifMatchVersion = version;
    return this;
  }

  public ApiRequest accept(String mediaType) {
    this.accept = Objects.requireNonNull(mediaType);
    return this;
  }

  String method() {
    return method;
  }

  /** Path and query, percent-encoded, e.g. {@code /api/v1/identities?kind=workload}. */
  public String pathAndQuery() {
    if (query.isEmpty()) {
      return path;
    }
    StringBuilder out = new StringBuilder(path).append('?');
    for (int i = 0; i < query.size(); i++) {
      if (i > 0) {
        out.append('&');
      }
      out.append(encode(query.get(i).getKey())).append('=').append(encode(query.get(i).getValue()));
    }
    return out.toString();
  }

  JsonNode body() {
    return body;
  }

  Long ifMatchVersion() {
    return ifMatchVersion;
  }

  String accept() {
    return accept;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
