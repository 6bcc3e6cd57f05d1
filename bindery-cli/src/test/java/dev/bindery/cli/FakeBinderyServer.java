package dev.bindery.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;

/**
 * A stand-in for the Bindery server on 127.0.0.1 and a random port: answers each {@code METHOD path} with
 * the reply set for it (404 problem otherwise) and records every request it gets, headers and body.
 */
final class FakeBinderyServer implements AutoCloseable {
  /** A request as received. */
  record Received(String method, String pathAndQuery, Map<String, List<String>> headers, String body) {
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
  private final Map<String, Reply> replies = new ConcurrentHashMap<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();

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
    replies.put(method + " " + path, reply);
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
    received.add(new Received(method, rawPath + (rawQuery != null ? "?" + rawQuery : ""),
        Map.copyOf(exchange.getRequestHeaders()), body));
    Reply reply = replies.getOrDefault(method + " " + rawPath, new Reply(404, "application/problem+json",
        "{\"status\":404,\"code\":\"not_found\",\"detail\":\"no such route in the fake\"}", Map.of()));
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

  @Override
  public void close() {
    server.stop(0);
  }
}
