package dev.bindery.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * A stand-in for the Bindery server on 127.0.0.1 and a random port: answers each {@code METHOD path} with
 * the reply set for it (or computed from the request; 404 problem otherwise) and records every request it
 * gets, headers, body and, over mutual TLS, the client certificate chain.
 */
final class FakeBinderyServer implements AutoCloseable {
  /** A request as received; {@code clientCertificates} is empty unless the client presented a chain. */
  record Received(String method, String pathAndQuery, Map<String, List<String>> headers, String body,
      List<X509Certificate> clientCertificates) {
    String header(String name) {
      for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
        if (entry.getKey().equalsIgnoreCase(name)) {
          return entry.getValue().get(0);
        }
      }
      return null;
    }
  }

  /** What to answer. */
  record Reply(int status, String contentType, String body, Map<String, String> headers) {}

  private final HttpServer server;
  private final String scheme;
  private final Map<String, Function<Received, Reply>> replies = new ConcurrentHashMap<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final List<Throwable> responderFailures = new CopyOnWriteArrayList<>();

  private FakeBinderyServer(HttpServer server, String scheme) {
    this.server = server;
    this.scheme = scheme;
    server.createContext("/", this::handle);
    server.start();
  }

  static FakeBinderyServer http() throws IOException {
    return new FakeBinderyServer(HttpServer.create(loopback(), 0), "http");
  }

  static FakeBinderyServer https(SSLContext serverContext) throws IOException {
    HttpsServer server = HttpsServer.create(loopback(), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(serverContext));
    return new FakeBinderyServer(server, "https");
  }

  /**
   * HTTPS that requires a client certificate (the TLS handshake fails without one) and accepts any chain,
   * recording it in {@link Received#clientCertificates()}: Bindery's server decides in the application
   * whether it knows the certificate, and so does a test.
   */
  static FakeBinderyServer mutualTls(SSLContext serverContextAcceptingAnyClient) throws IOException {
    HttpsServer server = HttpsServer.create(loopback(), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(serverContextAcceptingAnyClient) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters parameters = getSSLContext().getDefaultSSLParameters();
        parameters.setNeedClientAuth(true);
        params.setSSLParameters(parameters);
      }
    });
    return new FakeBinderyServer(server, "https");
  }

  private static InetSocketAddress loopback() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  }

  String url() {
    return scheme + "://127.0.0.1:" + server.getAddress().getPort();
  }

  FakeBinderyServer replyJson(String method, String path, int status, String json) {
    return reply(method, path, new Reply(status, "application/json", json, Map.of()));
  }

  FakeBinderyServer replyJson(String method, String path, int status, String json, Map<String, String> headers) {
    return reply(method, path, new Reply(status, "application/json", json, headers));
  }

  FakeBinderyServer replyProblem(String method, String path, int status, String code, String detail) {
    String problem = "{\"type\":\"https://bindery.dev/problems/" + code + "\",\"title\":\"t\",\"status\":" + status
        + ",\"detail\":\"" + detail + "\",\"code\":\"" + code + "\",\"request_id\":\"req-42\"}";
    return reply(method, path, new Reply(status, "application/problem+json", problem, Map.of()));
  }

  FakeBinderyServer reply(String method, String path, Reply reply) {
    replies.put(method + " " + path, request -> reply);
    return this;
  }

  /** Answers {@code METHOD path} with a reply computed from each request (an issued certificate, say). */
  FakeBinderyServer respond(String method, String path, Function<Received, Reply> responder) {
    replies.put(method + " " + path, responder);
    return this;
  }

  List<Received> received() {
    return List.copyOf(received);
  }

  Received onlyRequest() {
    if (received.size() != 1) {
      throw new AssertionError("expected exactly one request, got " + received);
    }
    return received.get(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String method = exchange.getRequestMethod();
    String rawPath = exchange.getRequestURI().getRawPath();
    String rawQuery = exchange.getRequestURI().getRawQuery();
    Received request = new Received(method, rawPath + (rawQuery != null ? "?" + rawQuery : ""),
        Map.copyOf(exchange.getRequestHeaders()), body, clientCertificates(exchange));
    received.add(request);
    Function<Received, Reply> responder = replies.get(method + " " + rawPath);
    Reply reply = responder != null ? answer(responder, request) : new Reply(404, "application/problem+json",
        "{\"status\":404,\"code\":\"not_found\",\"detail\":\"no such route in the fake\"}", Map.of());
    byte[] bytes = reply.body() == null ? new byte[0] : reply.body().getBytes(StandardCharsets.UTF_8);
    if (reply.contentType() != null) {
      exchange.getResponseHeaders().add("Content-Type", reply.contentType());
    }
    exchange.getResponseHeaders().add("X-Request-Id", "req-42");
    reply.headers().forEach(exchange.getResponseHeaders()::add);
    exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /**
   * A responder that throws (a CSR that does not verify, say) answers 500, so the CLI exits 4, and the
   * failure is kept for {@link #responderFailures()}.
   */
  private Reply answer(Function<Received, Reply> responder, Received request) {
    try {
      return responder.apply(request);
    } catch (RuntimeException | AssertionError e) {
      responderFailures.add(e);
      return new Reply(500, "application/problem+json", "{\"status\":500,\"code\":\"server_error\"}", Map.of());
    }
  }

  List<Throwable> responderFailures() {
    return List.copyOf(responderFailures);
  }

  private static List<X509Certificate> clientCertificates(HttpExchange exchange) {
    if (!(exchange instanceof HttpsExchange https)) {
      return List.of();
    }
    try {
      List<X509Certificate> chain = new ArrayList<>();
      for (Certificate certificate : https.getSSLSession().getPeerCertificates()) {
        chain.add((X509Certificate) certificate);
      }
      return List.copyOf(chain);
    } catch (SSLPeerUnverifiedException e) {
      return List.of();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
