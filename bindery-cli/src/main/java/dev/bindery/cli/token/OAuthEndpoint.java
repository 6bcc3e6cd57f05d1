package dev.bindery.cli.token;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bindery.cli.failure.CliFailure;
import dev.bindery.cli.ClientContext;
import dev.bindery.cli.failure.ExitCodes;
import dev.bindery.cli.http.Json;
import dev.bindery.common.Secret;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;

/**
 * A form POST to one of Bindery's OAuth endpoints ({@code /oauth2/introspect}, {@code /oauth2/revoke}), whose
 * errors are RFC 6749 JSON ({@code {"error": ..., "error_description": ...}}), not problem documents. The
 * caller authenticates with a client certificate (in the TLS context) or an operator token (Bearer).
 */
final class OAuthEndpoint {
  private final URI server;
  private final HttpClient http;
  private final Secret operatorToken;
  private final Duration requestTimeout;

  private OAuthEndpoint(URI server, SSLContext tls, Secret operatorToken, ClientContext context) {
    this.server = server;
    HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(context.connectTimeout());
    if (tls != null) {
      builder.sslContext(tls);
    }
    this.http = builder.build();
    this.operatorToken = operatorToken;
    this.requestTimeout = context.requestTimeout();
  }

  static OAuthEndpoint mutualTls(URI server, SSLContext tls, ClientContext context) {
    return new OAuthEndpoint(server, tls, null, context);
  }

  static OAuthEndpoint withOperatorToken(URI server, SSLContext tls, Secret token, ClientContext context) {
    return new OAuthEndpoint(server, tls, token, context);
  }

  /** POSTs the form; 200 → its JSON (an empty body is {}), an OAuth error → exit 1 naming the code. */
  JsonNode postForm(String path, List<Map.Entry<String, String>> form) {
    String body = form.stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    String base = server.toString().endsWith("/") ? server.toString().substring(0, server.toString().length() - 1)
        : server.toString();
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(requestTimeout)
        .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
        .header("User-Agent", "bindery-cli").POST(HttpRequest.BodyPublishers.ofString(body));
    if (operatorToken != null) {
      request.header("Authorization", "Bearer " + operatorToken.reveal());
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CliFailure(ExitCodes.UNREACHABLE, "cannot reach " + server + ": " + CliFailure.reason(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliFailure(ExitCodes.UNREACHABLE, "interrupted while waiting for " + server, e);
    }
    int status = response.statusCode();
    JsonNode json = parse(response.body());
    if (status == 200) {
      if (json == null) {
        throw new CliFailure(ExitCodes.SERVER_ERROR, "the server's answer to " + path + " is not JSON");
      }
      return json;
    }
    String error = json == null ? null : json.path("error").asText(null);
    if (status >= 400 && status < 500 && error != null && error.matches("[a-z_]{1,64}")) {
      String description = json.path("error_description").asText("").replaceAll("[^\\x20-\\x7e]", "?");
      throw new CliFailure(ExitCodes.REFUSED, error + (description.isEmpty() ? "" : ": " + description));
    }
    if (status >= 400 && status < 500 && json != null && json.path("code").isTextual()) {
      throw new CliFailure(ExitCodes.REFUSED, json.path("code").asText() + ": " + json.path("detail").asText(""));
    }
    throw new CliFailure(ExitCodes.SERVER_ERROR, "the server answered " + path + " with HTTP " + status);
  }

  private static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      return Json.object();
    }
    try {
      return Json.parse(body);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
