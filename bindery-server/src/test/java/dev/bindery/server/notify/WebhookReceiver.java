package dev.bindery.server.notify;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A webhook endpoint on the loopback interface for tests: records every request (method, path, headers, the exact
 * body bytes) and answers with the queued statuses, then {@code 204} once the queue is empty.
 */
public final class WebhookReceiver implements AutoCloseable {
  /** One request as received; header names in lower case. */
  public record Received(String method, String path, Map<String, String> headers, byte[] body) {
    public String header(String name) {
      return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    public String bodyText() {
      return new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /** An answer: a status and, for redirects, a Location. */
  public record Answer(int status, String location) {}

  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Deque<Answer> answers = new ArrayDeque<>();
  private volatile CountDownLatch latch = new CountDownLatch(1);

  public WebhookReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.createContext("/", exchange -> {
      try (InputStream in = exchange.getRequestBody()) {
        Map<String, String> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
        received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers,
            in.readAllBytes()));
        Answer a;
        synchronized (answers) {
          a = answers.isEmpty() ? new Answer(204, null) : answers.removeFirst();
        }
        if (a.location() != null) {
          exchange.getResponseHeaders().add("Location", a.location());
        }
        exchange.sendResponseHeaders(a.status(), -1);
      } finally {
        exchange.close();
        latch.countDown();
      }
    });
    server.start();
  }

  /** The receiver's URL for {@code path}, on plain http (loopback). */
  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  public void answer(int... statuses) {
    synchronized (answers) {
      for (int s : statuses) {
        answers.addLast(new Answer(s, null));
      }
    }
  }

  public void redirectTo(String location) {
    synchronized (answers) {
      answers.addLast(new Answer(302, location));
    }
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  /** Waits (bounded) for the next request, for the one test where the dispatcher runs on its own thread. */
  public boolean awaitRequest(long seconds) throws InterruptedException {
    return latch.await(seconds, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
