package dev.bindery.server.http;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** Requests with extra headers, as a TLS-terminating proxy (or someone pretending to be one) sends them. */
final class ProxiedRequests {
  private ProxiedRequests() {}

  static HttpRequest get(TestServer s, String path, String... headers) {
    return HttpRequest.newBuilder(URI.create(s.server.baseUri() + path)).timeout(Duration.ofSeconds(30))
        .headers(headers).GET().build();
  }

  /** {@code POST /api/v1/renew} with {@code {"csr": csr}}. */
  static HttpRequest renew(TestServer s, String csr, String... headers) {
    return HttpRequest.newBuilder(URI.create(s.server.baseUri() + "/api/v1/renew")).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").headers(headers)
        .POST(HttpRequest.BodyPublishers.ofString(Workloads.body(Map.of("csr", csr)), StandardCharsets.UTF_8))
        .build();
  }
}
