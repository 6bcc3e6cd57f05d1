package dev.bindery.cli.http;

import dev.bindery.common.Secret;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * Sends {@link ApiRequest}s to one Bindery server with the JDK HTTP client and the operator's bearer token
 * (or, for the workload commands, with no token at all: {@link #withoutToken}).
 * A 2xx answer comes back as an {@link ApiResponse}; anything else is thrown: {@link ServerRefused} (4xx),
 * {@link ServerFailed} (5xx and other statuses), {@link ServerUnreachable} (no answer or TLS failure).
 * The token goes only into the {@code Authorization} header and is never part of a message.
 */
public final class ApiClient {
  private final HttpClient http;
  private final URI server;
  private final Secret token;
  private final Duration requestTimeout;

  /**
   * @param server base URL such as {@code https://localhost:8443}; a path prefix is kept
   * @param sslContext the trust to use, or null for the JDK default trust store
   */
  public ApiClient(URI server, SSLContext sslContext, Secret token, Duration connectTimeout,
      Duration requestTimeout) {
    this(server, httpClient(sslContext, connectTimeout), Objects.requireNonNull(token), requestTimeout);
  }

  /**
   * A client that sends no {@code Authorization} header: for the routes a workload calls with an enrolment
   * code or its client certificate ({@code /api/v1/enrol}, {@code /api/v1/renew}), never with an operator
   * token.
   *
   * @param sslContext the trust (and, for mutual TLS, the client certificate), or null for the JDK default
   */
  public static ApiClient withoutToken(URI server, SSLContext sslContext, Duration connectTimeout,
      Duration requestTimeout) {
    return new ApiClient(server, httpClient(sslContext, connectTimeout), null, requestTimeout);
  }

  /** {@code token} null sends no Authorization header. */
  private ApiClient(URI server, HttpClient http, Secret token, Duration requestTimeout) {
    this.server = Objects.requireNonNull(server);
    this.http = http;
    this.token = token;
    this.requestTimeout = Objects.requireNonNull(requestTimeout);
  }

  private static HttpClient httpClient(SSLContext sslContext, Duration connectTimeout) {
    HttpClient.Builder builder = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(connectTimeout);
    if (sslContext != null) {
      builder.sslContext(sslContext);
    }
    return builder.build();
  }

  /** Sends the request and reads the whole answer. */
  public ApiResponse send(ApiRequest request) {
    HttpResponse<String> response = exchange(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    throwUnlessSuccessful(response.statusCode(), response.body(), response);
    return new ApiResponse(response.statusCode(), response.body(),
        response.headers().firstValue("ETag"), response.headers().firstValue("X-Request-Id"));
  }

  /** Sends the request and hands each line of a successful answer to {@code lines} as it arrives. */
  public void streamLines(ApiRequest request, Consumer<String> lines) {
    HttpResponse<InputStream> response = exchange(request, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = response.body()) {
      if (response.statusCode() / 100 != 2) {
        throwUnlessSuccessful(response.statusCode(),
            new String(body.readAllBytes(), StandardCharsets.UTF_8), response);
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lines.accept(line);
      }
    } catch (IOException e) {
      throw new ServerUnreachable("the connection to " + server + " broke while reading: "
          + reason(e), e);
    }
  }

  private <T> HttpResponse<T> exchange(ApiRequest request, HttpResponse.BodyHandler<T> handler) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(resolve(request))
        .timeout(requestTimeout)
        .header("Accept", request.accept())
        .header("User-Agent", "bindery-cli");
    if (token != null) {
      builder.header("Authorization", "Bearer " + token.reveal());
    }
    if (request.ifMatchVersion() != null) {
      builder.header("If-Match", "\"" + request.ifMatchVersion() + "\"");
    }
    if (request.body() != null) {
      builder.header("Content-Type", "application/json")
          .method(request.method(), HttpRequest.BodyPublishers.ofString(Json.compact(request.body()),
              StandardCharsets.UTF_8));
    } else {
      builder.method(request.method(), HttpRequest.BodyPublishers.noBody());
    }
    try {
      return http.send(builder.build(), handler);
    } catch (SSLException e) {
      throw new ServerUnreachable("TLS failure talking to " + server + ": " + reason(e)
          + " (is --ca-file the CA that signed the server's certificate?)", e);
    } catch (HttpConnectTimeoutException e) {
      throw new ServerUnreachable("cannot reach " + server + ": connection timed out", e);
    } catch (HttpTimeoutException e) {
      throw new ServerUnreachable("" + server + " did not answer in time", e);
    } catch (ConnectException e) {
      throw new ServerUnreachable("cannot reach " + server + ": " + connectReason(e), e);
    } catch (IOException e) {
      throw new ServerUnreachable("cannot reach " + server + ": " + reason(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServerUnreachable("interrupted while waiting for " + server, e);
    }
  }

  private URI resolve(ApiRequest request) {
    String base = server.toString();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return URI.create(base + request.pathAndQuery());
  }

  private static void throwUnlessSuccessful(int status, String body, HttpResponse<?> response) {
    if (status / 100 == 2) {
      return;
    }
    Problem problem = Problem.from(status, body, response.headers().firstValue("X-Request-Id").orElse(null));
    if (status / 100 == 4) {
      throw new ServerRefused(problem);
    }
    throw new ServerFailed(problem);
  }

  /** The SSL cause chain often holds the useful text (e.g. "PKIX path building failed") deeper down. */
  private static String reason(Throwable e) {
    Throwable deepest = e;
    while (deepest.getCause() != null && deepest.getCause() != deepest) {
      deepest = deepest.getCause();
    }
    String message = deepest.getMessage() != null ? deepest.getMessage() : e.getMessage();
    return message != null ? message : e.getClass().getSimpleName();
  }

  private static String connectReason(ConnectException e) {
    String reason = reason(e);
    return reason.equals("ConnectException") ? "connection refused" : reason;
  }
}
