package dev.bindery.client.issuer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import javax.net.ssl.SSLContext;

/**
 * HTTPS to one Bindery server with the JDK HTTP client: no redirects, bounded answers (1 MiB), timeouts,
 * and TLS from the caller's {@link SSLContext} (the trusted CA, and the client certificate when the caller
 * authenticates with mutual TLS). Header values given to it (tokens, proofs) never appear in its messages.
 */
public final class IssuerHttp {
  /** The largest answer read from the server; anything longer is a contract violation. */
  public static final int MAX_BODY_BYTES = 1 << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final Duration timeout;

  public IssuerHttp(SSLContext sslContext, Duration timeout) {
    Objects.requireNonNull(sslContext, "sslContext");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive");
    }
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(timeout)
        .sslContext(sslContext)
        .build();
  }

  /** An answer: status, headers and the whole body. */
  public record Response(int status, HttpHeaders headers, byte[] body) {
    public boolean isSuccess() {
      return status / 100 == 2;
    }

    /** The body as a JSON object, or an {@link IssuerUnavailableException} naming {@code what}. */
    public JsonNode jsonObject(String what) {
      JsonNode node;
      try {
        node = JSON.readTree(body);
      } catch (IOException e) {
        throw new IssuerUnavailableException(what + ": the answer is not JSON (HTTP " + status + ")");
      }
      if (node == null || !node.isObject()) {
        throw new IssuerUnavailableException(what + ": the answer is not a JSON object (HTTP " + status + ")");
      }
      return node;
    }
  }

  /** A GET request with the default timeout; {@code headers} are name, value pairs. */
  public HttpRequest.Builder get(URI uri, String... headers) {
    return request(uri, timeout, headers).GET();
  }

  /** An {@code application/x-www-form-urlencoded} POST; a parameter may repeat (RFC 8707 {@code resource}). */
  public HttpRequest.Builder postForm(URI uri, List<Map.Entry<String, String>> form, String... headers) {
    return request(uri, timeout, headers)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(formBody(form)));
  }

  /** A request builder with an explicit timeout (the revocation feed's long poll needs a longer one). */
  public HttpRequest.Builder request(URI uri, Duration requestTimeout, String... headers) {
    requireHttps(uri);
    if (headers.length % 2 != 0) {
      throw new IllegalArgumentException("headers are name, value pairs");
    }
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(requestTimeout)
        .header("Accept", "application/json");
    for (int i = 0; i < headers.length; i += 2) {
      builder.header(headers[i], headers[i + 1]);
    }
    return builder;
  }

  /** Sends and waits; {@code what} names the call in failure messages ("token request", ...). */
  public Response send(HttpRequest request, String what) {
    try {
      return sendAsync(request).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IssuerUnavailableException(what + ": interrupted");
    } catch (ExecutionException e) {
      throw failure(what, e.getCause());
    }
  }

  /** Sends without waiting; cancelling the future abandons the exchange. */
  public CompletableFuture<Response> sendAsync(HttpRequest request) {
    return http.sendAsync(request, info -> new LimitedBody(MAX_BODY_BYTES))
        .thenApply(r -> new Response(r.statusCode(), r.headers(), r.body()));
  }

  /** Turns a transport failure into a safe {@link IssuerUnavailableException}. */
  public static IssuerUnavailableException failure(String what, Throwable cause) {
    if (cause instanceof IssuerUnavailableException known) {
      return known;
    }
    String reason = cause == null ? "unknown failure" : cause.getClass().getSimpleName()
        + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    return new IssuerUnavailableException(what + ": " + reason, cause);
  }

  static String formBody(List<Map.Entry<String, String>> form) {
    List<String> pairs = new ArrayList<>(form.size());
    for (Map.Entry<String, String> e : form) {
      pairs.add(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
          + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
    }
    return String.join("&", pairs);
  }

  private static void requireHttps(URI uri) {
    if (!"https".equals(uri.getScheme())) {
      throw new IssuerUnavailableException("refusing a non-https URL announced or configured: " + uri);
    }
  }

  /** Collects the body and gives up (failing the exchange) as soon as it exceeds the limit. */
  private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final int limit;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
    private Flow.Subscription subscription;

    LimitedBody(int limit) {
      this.limit = limit;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      for (ByteBuffer item : items) {
        if (buffer.size() + item.remaining() > limit) {
          subscription.cancel();
          result.completeExceptionally(
              new IssuerUnavailableException("the answer is larger than " + limit + " bytes"));
          return;
        }
        byte[] chunk = new byte[item.remaining()];
        item.get(chunk);
        buffer.write(chunk, 0, chunk.length);
      }
    }

    @Override
    public void onError(Throwable throwable) {
      result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
      result.complete(buffer.toByteArray());
    }
  }
}
