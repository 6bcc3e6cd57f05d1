package dev.bindery.bench;

import dev.bindery.client.tls.TlsContexts;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * The client side of {@link TokenApiBench}: the worker threads that request tokens, in their own JVM (the default:
 * {@code TokenApiBench} starts this class as a child process, {@code --role=client}) or in the server's.
 *
 * <p>What it needs from the server side comes in a hand-off directory: the base URL, the TLS CA to trust, the
 * enrolled client key and certificate chain, the token request body, and the loopback port of the control
 * connection. Before each measured phase it warms up, then announces the phase on the control connection and waits
 * for the server side's answer, so the server side can read its own CPU time exactly around the measured interval;
 * after the phase it sends its figures, including this process's CPU time. Control lines (client, then answer):
 * {@code start <kind> <threads>} / {@code go}; {@code end <kind> <threads> <ops> <elapsed ns> <failures>
 * <client process CPU ns> <worker threads' CPU ns> <p50 ns> <p90 ns> <p99 ns> <max ns>} / {@code ok};
 * {@code bye} / {@code bye}.
 */
final class TokenLoadClient {
  static final String KEEP_ALIVE = "keep-alive";
  static final String HANDSHAKE = "handshake";
  static final String FLOOR = "floor";
  static final String FLOOR_CORE = "floor-core";
  private static final String BASE_FILE = "base-uri";
  private static final String KEY_FILE = "client-key.pem";
  private static final String CHAIN_FILE = "client-chain.pem";
  private static final String CA_FILE = "tls-ca.pem";
  private static final String FORM_FILE = "token-form";
  private static final String CONTROL_FILE = "control-port";

  private final URI base;
  private final SSLContext mutualTls;
  private final byte[] tokenForm;
  private final int controlPort;

  private TokenLoadClient(URI base, SSLContext mutualTls, byte[] tokenForm, int controlPort) {
    this.base = base;
    this.mutualTls = mutualTls;
    this.tokenForm = tokenForm;
    this.controlPort = controlPort;
  }

  /** Writes the hand-off directory (bench material only: a throw-away client key, deleted with the directory). */
  static void writeHandoff(Path dir, URI base, PrivateKey key, String certificatePem, String chainPem, Path tlsCa,
      byte[] tokenForm, int controlPort) throws IOException {
    Files.writeString(dir.resolve(BASE_FILE), base.toString());
    Files.writeString(dir.resolve(KEY_FILE), "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
        + "\n-----END PRIVATE KEY-----\n");
    Files.writeString(dir.resolve(CHAIN_FILE), certificatePem.strip() + "\n" + chainPem.strip() + "\n");
    Files.copy(tlsCa, dir.resolve(CA_FILE));
    Files.write(dir.resolve(FORM_FILE), tokenForm);
    Files.writeString(dir.resolve(CONTROL_FILE), Integer.toString(controlPort));
  }

  static TokenLoadClient fromHandoff(Path dir) throws IOException {
    return new TokenLoadClient(URI.create(Files.readString(dir.resolve(BASE_FILE)).strip()),
        TlsContexts.mutualTls(dir.resolve(KEY_FILE), dir.resolve(CHAIN_FILE), dir.resolve(CA_FILE)),
        Files.readAllBytes(dir.resolve(FORM_FILE)),
        Integer.parseInt(Files.readString(dir.resolve(CONTROL_FILE)).strip()));
  }

  /**
   * The phases of {@code options} ({@code connections}, {@code floor-connections}, {@code handshake-threads},
   * {@code floor-core-connections}, {@code seconds}, {@code warmup}), after {@code jit-warmup} seconds of requests on
   * {@code jit-warmup-connections} (2) connections, so that the first phase does not pay for the JIT compiling the
   * server.
   */
  void run(Map<String, String> options) throws IOException {
    int seconds = TokenApiBench.intOption(options, "seconds", 10);
    int warmup = TokenApiBench.intOption(options, "warmup", 5);
    List<Integer> connections = Stream.of(options.getOrDefault("connections", "8,32").split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).map(Integer::parseInt).toList();
    int handshakeThreads = TokenApiBench.intOption(options, "handshake-threads", 8);
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), controlPort);
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8)) {
      Control control = line -> {
        out.println(line);
        String answer = in.readLine();
        if (answer == null) {
          throw new IOException("the server side closed the control connection");
        }
        return answer;
      };
      int jitWarmup = TokenApiBench.intOption(options, "jit-warmup", 60);
      if (jitWarmup > 0 && !connections.isEmpty()) {
        int n = TokenApiBench.intOption(options, "jit-warmup-connections", 2);
        List<HttpClient> clients = keepAliveClients(n);
        Workers.log("client: JIT warm-up, " + n + " threads, " + jitWarmup + " s");
        Workers.run(n, jitWarmup, Long.MAX_VALUE, t -> () -> postToken(clients.get(t)));
      }
      for (int n : connections) {
        List<HttpClient> clients = keepAliveClients(n);
        phase(control, KEEP_ALIVE, n, warmup, seconds, t -> () -> postToken(clients.get(t)));
      }
      int floorConnections = TokenApiBench.intOption(options, "floor-connections", 16);
      if (floorConnections > 0) {
        List<HttpClient> clients = keepAliveClients(floorConnections);
        phase(control, FLOOR, floorConnections, warmup, seconds, t -> () -> getLive(clients.get(t)));
      }
      int floorCoreConnections = TokenApiBench.intOption(options, "floor-core-connections", 32);
      if (floorCoreConnections > 0) {
        List<HttpClient> clients = keepAliveClients(floorCoreConnections);
        phase(control, FLOOR_CORE, floorCoreConnections, warmup, seconds, t -> () -> postRefused(clients.get(t)));
      }
      if (handshakeThreads > 0) {
        phase(control, HANDSHAKE, handshakeThreads, warmup, seconds, t -> this::postTokenOnNewConnection);
      }
      control.call("bye");
    }
  }

  @FunctionalInterface
  private interface Control {
    String call(String line) throws IOException;
  }

  private void phase(Control control, String kind, int threads, int warmup, int seconds, IntFunction<Workers.Op> op)
      throws IOException {
    Workers.log("client: " + kind + ", " + threads + " threads, warm-up " + warmup + " s");
    Workers.run(threads, warmup, Long.MAX_VALUE, op);
    expect(control.call("start " + kind + " " + threads), "go");
    long cpu0 = CpuTime.processNanos();
    Workers.Result r = Workers.run(threads, seconds, Long.MAX_VALUE, op);
    long cpu = CpuTime.processNanos() - cpu0;
    var h = r.latency();
    expect(control.call(String.join(" ", "end", kind, Integer.toString(threads), Long.toString(r.ops()),
        Long.toString(r.elapsedNanos()), Long.toString(r.failures()), Long.toString(cpu),
        Long.toString(r.workerCpuNanos()),
        Long.toString(h.getValueAtPercentile(50)), Long.toString(h.getValueAtPercentile(90)),
        Long.toString(h.getValueAtPercentile(99)), Long.toString(h.getMaxValue()))), "ok");
    Workers.log(String.format(Locale.ROOT, "client: %s, %d threads: %d tokens in %.1f s, client CPU %.3f ms per token",
        kind, threads, r.ops(), r.elapsedNanos() / 1e9, cpu / 1e6 / Math.max(1, r.ops())));
  }

  private static void expect(String answer, String expected) throws IOException {
    if (!expected.equals(answer)) {
      throw new IOException("control: expected " + expected + ", got " + answer);
    }
  }

  private List<HttpClient> keepAliveClients(int n) {
    List<HttpClient> clients = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      clients.add(keepAliveClient());
    }
    return clients;
  }

  HttpClient keepAliveClient() {
    return HttpClient.newBuilder().sslContext(mutualTls).version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
  }

  /** One token request on {@code client}'s kept-alive connection; anything but 200 with a token fails. */
  byte[] postToken(HttpClient client) {
    HttpResponse<byte[]> r = send(client, tokenRequest("/oauth2/token"));
    if (r.statusCode() != 200 || !new String(r.body(), StandardCharsets.UTF_8).contains("\"access_token\"")) {
      throw new IllegalStateException("token answered " + r.statusCode() + ": "
          + new String(r.body(), StandardCharsets.UTF_8));
    }
    return r.body();
  }

  /**
   * The token request with an undeclared query parameter on {@code client}'s kept-alive connection: the core route
   * refuses it (400 {@code invalid_request}) and drains the form before any token work, so the server's CPU per such
   * request is the floor under a token's: TLS, HTTP, the body, the error answer, request id, metrics, access log.
   */
  void postRefused(HttpClient client) {
    HttpResponse<byte[]> r = send(client, tokenRequest("/oauth2/token?floor"));
    if (r.statusCode() != 400 || !new String(r.body(), StandardCharsets.UTF_8).contains("\"invalid_request\"")) {
      throw new IllegalStateException("/oauth2/token?floor answered " + r.statusCode());
    }
  }

  /**
   * {@code GET /health/live} on {@code client}'s kept-alive connection: the same TLS connection, HTTP stack, request
   * id, metrics and logging as a token request (through Javalin), and no work behind it.
   */
  void getLive(HttpClient client) {
    HttpResponse<byte[]> r = send(client, HttpRequest.newBuilder(base.resolve("/health/live"))
        .timeout(Duration.ofSeconds(60)).GET().build());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("/health/live answered " + r.statusCode());
    }
  }

  private HttpRequest tokenRequest(String pathAndQuery) {
    return HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofByteArray(tokenForm)).build();
  }

  private static HttpResponse<byte[]> send(HttpClient client, HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new IllegalStateException("request failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** One token request on a new TLS connection with a full handshake, closed afterwards. */
  void postTokenOnNewConnection() {
    try (SSLSocket socket = (SSLSocket) mutualTls.getSocketFactory().createSocket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(60_000);
      socket.startHandshake();
      OutputStream out = socket.getOutputStream();
      out.write(("POST /oauth2/token HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
          + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + tokenForm.length
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(tokenForm);
      out.flush();
      ByteArrayOutputStream answer = new ByteArrayOutputStream(2048);
      socket.getInputStream().transferTo(answer);
      socket.getSession().invalidate(); // the next connection does a full handshake, not a resumption
      String text = answer.toString(StandardCharsets.UTF_8);
      if (!text.startsWith("HTTP/1.1 200") || !text.contains("\"access_token\"")) {
        throw new IllegalStateException("token answered: " + text.lines().findFirst().orElse(""));
      }
    } catch (IOException e) {
      throw new IllegalStateException("request failed: " + e, e);
    }
  }
}
