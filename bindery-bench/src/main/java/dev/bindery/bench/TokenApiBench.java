package dev.bindery.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.util.Base64URL;
import dev.bindery.bench.RegistryBench.MachineFacts;
import dev.bindery.server.bootstrap.BinderyServer;
import dev.bindery.server.config.BinderyConfig;
import dev.bindery.token.KeyRing;
import dev.bindery.token.SigningCost;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Access tokens issued per second through {@code POST /oauth2/token}: {@code client_credentials} over mutual TLS
 * (RFC 8705 {@code tls_client_auth}), each token bound to the client certificate ({@code cnf.x5t#S256}), and the
 * server's CPU time per token, so that issuance can be compared with the raw signing rate per core.
 *
 * <p>Before the clock starts, and outside the figures: a workload identity with two scopes is created through the
 * API, enrols an EC P-256 certificate with a one-time code (as {@code ./bindery enroll} does), and a resource server
 * is registered; one token is requested and its {@code cnf.x5t#S256} checked against the certificate. The measured
 * request is then the server's whole issuance: TLS record, HTTP, form parsing, client authentication (the
 * certificate's URI SAN, the credential's state in the store), the identity's token policy and the resource server
 * lookup, the RFC 9068 claims, the ES256 signature and the JSON answer.
 *
 * <p>The server runs in this JVM as {@code ./bindery dev} does (dev TLS, embedded H2 in a temporary data directory,
 * deleted at the end). The client ({@link TokenLoadClient}) runs, with {@code --client=}:
 *
 * <ul>
 *   <li>{@code process} (default): in a child JVM started by this one (same java and class path, or
 *       {@code --client-java}, {@code --client-jvm-args}, and {@code --client-cpus} to pin it with {@code taskset}),
 *       so its CPU time is its own and is reported apart from the server's;
 *   <li>{@code external}: started by hand with the printed command (on other cores, another JDK, ...);
 *   <li>{@code in-process}: as threads of this JVM (the earlier set-up; the server's CPU then excludes only the
 *       client's own threads).
 * </ul>
 *
 * <p>Phases: with keep-alive, {@code --connections} values (default 8 and 32), one JDK {@link HttpClient} per
 * worker thread, so one kept-alive HTTP/1.1 connection per worker after its first request and no handshake measured;
 * without keep-alive, {@code --handshake-threads} workers (default 8) that each open a new TLS socket per token with
 * a full handshake. For each phase the server side reads its own process CPU (and by thread group) exactly around
 * the measured interval, announced on a loopback control connection, and reports CPU per token, the cores it used,
 * tokens per server CPU-second and that rate as a share of the raw ES256 signatures per CPU-second. It also reads
 * the key ring's own {@link SigningCost} (one signature in eight timed with the thread's CPU clock), so a phase
 * reports what a signature costs inside the loaded server and what the rest of a token costs. Two floor phases:
 * {@code GET /health/live} through Javalin ({@code --floor-connections}), and the token request refused by the core
 * route before any token work ({@code --floor-core-connections}); from the latter and each keep-alive phase's
 * in-server signature the report gives a ceiling: the share a token would reach if it cost nothing but that floor
 * and that signature.
 *
 * <p>Also, in the same run and before the server is loaded, the raw ES256 signing rate of the provider the server's
 * key ring signs with (BouncyCastle through Nimbus {@link ECDSASigner}, exactly as {@code SigningKeyMaterial}) and of
 * the JDK's SunEC, on 1 thread and on as many threads as there are processors, over a 430-byte signing input. Usage:
 * {@code java -cp bindery-bench.jar dev.bindery.bench.TokenApiBench [--key=value ...]}.
 */
public final class TokenApiBench {
  static final String USAGE = """
      usage: java -cp bindery-bench.jar dev.bindery.bench.TokenApiBench [options]
        --connections=8,32     kept-alive connections (one client thread each), one phase per value
        --floor-connections=16 kept-alive connections of the floor phase: GET /health/live, the HTTP and TLS cost
                               of a request without the token work (0 skips it)
        --floor-core-connections=32  kept-alive connections of the core floor phase: POST /oauth2/token?floor with
                               the token form, refused (400) by the core route before any token work: TLS, HTTP,
                               the body, the error answer, metrics and access log of a token request (0 skips it)
        --handshake-threads=8  client threads of the no-keep-alive phase (0 skips it)
        --seconds=S            measured seconds per phase (default 10)
        --warmup=S             warm-up seconds before each phase (default 5)
        --jit-warmup=S         one more warm-up before the first phase (default 60): the server's CPU per token keeps
                               falling while the JIT works
        --jit-warmup-connections=N  connections of that warm-up (default 2: with the cores saturated the JIT's
                               threads get a small share of them and were still compiling the hot path at C2 after
                               60 s at 32 connections; at 2 they finish, as on a server that has run for a while)
        --sign-seconds=S       seconds of each raw signing measurement (default 5; 0 skips it)
        --sign-only=true       only the raw signing measurements (no server)
        --phase-sign-seconds=2 raw ES256 signing (BouncyCastle, 1 thread) just before and just after each measured
                               phase while the client waits; the phase's share of raw signing is taken against
                               their mean (0 turns it off)
        --sign-after=true      the raw signing measurements once more after the phases, in the server's JVM with
                               the JIT profile the server left (default: false)
        --core-routes=false    serve the OAuth endpoints through Javalin instead of Jetty's core handler API
                               (bindery.http.core-routes; default true)
        --access-log=FILE      write the server's access log (one INFO line per request, the pattern of the server's
                               logback.xml) to FILE, as a production server does to its stdout (default: off)
        --client=process       process (a child JVM, default), in-process (threads of this JVM), or external
                               (prints the command that starts the client and waits for it)
        --client-java=PATH     the child's java (default: this JVM's)
        --client-jvm-args=A    the child's JVM options, space-separated (default none)
        --client-cpus=LIST     pin the child with taskset -c LIST (start this JVM with taskset -c too)
        --role=client --handoff=DIR   (internal) the client side, as the child runs it""";

  private static final String AUDIENCE = "https://orders.example";
  private static final Provider BC = new BouncyCastleProvider();
  private static final String RAW_BC = "ES256 sign, BouncyCastle via Nimbus ECDSASigner (the server's key ring)";

  private final Map<String, String> options;
  private final List<String[]> rows = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  /** Raw BouncyCastle ES256 signatures per CPU-second of the signing thread (1 thread), 0 if not measured. */
  private double rawSignPerCpuSecond;
  /** The same, measured just before and just after the current phase (the client waits), 0 if not measured. */
  private double rawBeforePhase;
  private double rawAfterPhase;
  private KeyPair adjacentKey;
  private KeyRing keyRing;
  private SigningCost.Totals signingBefore;
  /** Per keep-alive phase: client threads, CPU of a signature inside the server (ms), adjacent raw rate (/CPU-s). */
  private final List<double[]> signaturePhases = new ArrayList<>();

  private TokenApiBench(Map<String, String> options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = Workers.options(args, 0, USAGE);
    if ("client".equals(options.get("role"))) {
      String handoff = options.get("handoff");
      if (handoff == null) {
        System.err.println("--role=client needs --handoff=DIR\n" + USAGE);
        System.exit(2);
      }
      TokenLoadClient.fromHandoff(Path.of(handoff)).run(options);
      return;
    }
    new TokenApiBench(options).run();
  }

  static int intOption(Map<String, String> options, String key, int dflt) {
    return Integer.parseInt(options.getOrDefault(key, Integer.toString(dflt)).replace("_", ""));
  }

  private void run() throws Exception {
    Workers.log("machine: " + String.join("; ", MachineFacts.lines()));
    Workers.log("options=" + options + " load=" + MachineFacts.loadAverage());
    String clientMode = options.getOrDefault("client", "process");
    if (!List.of("process", "in-process", "external").contains(clientMode)) {
      throw new IllegalArgumentException("--client must be process, in-process or external\n" + USAGE);
    }
    if (intOption(options, "sign-seconds", 5) > 0) {
      measureRawSigning(false);
    }
    if (Boolean.parseBoolean(options.getOrDefault("sign-only", "false"))) {
      printReport();
      return;
    }
    String accessLog = options.get("access-log");
    if (accessLog != null) {
      enableAccessLog(Path.of(accessLog));
    }
    Path dir = Files.createTempDirectory("bindery-bench-token");
    Path handoff = Files.createTempDirectory("bindery-bench-token-client");
    try (BinderyServer server = BinderyServer.start(BinderyConfig.fromSources(Map.of(
        BinderyConfig.DATA_DIR, dir.toString(),
        BinderyConfig.HTTP_PORT, "0",
        BinderyConfig.TLS_MODE, "dev",
        BinderyConfig.HTTP_CORE_ROUTES, options.getOrDefault("core-routes", "true")), Map.of()), Clock.systemUTC());
        ServerSocket control = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      notes.add("server: started in this JVM as ./bindery dev does (dev TLS; embedded H2 "
          + org.h2.engine.Constants.FULL_VERSION + " file database in a temporary data directory)");
      keyRing = server.keyRing();
      setUp(new BenchApi(server.baseUri(), server.caFile(), Files.readString(server.bootstrapTokenFile()).strip()),
          handoff, control.getLocalPort());
      Process child = null;
      Thread inProcess = null;
      switch (clientMode) {
        case "process" -> child = startClientProcess(handoff);
        case "in-process" -> {
          TokenLoadClient client = TokenLoadClient.fromHandoff(handoff);
          inProcess = new Thread(() -> {
            try {
              client.run(options);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }, "bench-client");
          inProcess.start();
          notes.add("client: threads of the server's JVM (--client=in-process); the server's CPU excludes the "
              + "client's own threads (bench-worker, HttpClient) but shares the JIT, GC and cores with them");
        }
        default -> {
          Workers.log("waiting for the client: java -cp " + System.getProperty("java.class.path")
              + " dev.bindery.bench.TokenApiBench --role=client --handoff=" + handoff + " " + phaseOptions());
          notes.add("client: started separately (--client=external)");
        }
      }
      serveControl(control, clientMode.equals("in-process"));
      if (child != null && child.waitFor() != 0) {
        throw new IllegalStateException("the client process failed with exit code " + child.exitValue());
      }
      if (inProcess != null) {
        inProcess.join();
      }
      if (Boolean.parseBoolean(options.getOrDefault("sign-after", "false"))) {
        measureRawSigning(true);
      }
    } finally {
      RegistryBench.deleteTree(dir);
      RegistryBench.deleteTree(handoff);
    }
    printReport();
  }

  /**
   * Turns the server's access log on (the driver's logback.xml keeps it off): the logger
   * {@code dev.bindery.server.http.access} at INFO, to a file, with the pattern of the server's own logback.xml.
   */
  private void enableAccessLog(Path file) {
    ch.qos.logback.classic.LoggerContext context =
        (ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
    ch.qos.logback.classic.encoder.PatternLayoutEncoder encoder = new ch.qos.logback.classic.encoder.PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("time=%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} level=%level logger=%logger{36} "
        + "request_id=%X{request_id:--} %msg%n");
    encoder.start();
    ch.qos.logback.core.FileAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
        new ch.qos.logback.core.FileAppender<>();
    appender.setContext(context);
    appender.setFile(file.toString());
    appender.setEncoder(encoder);
    appender.start();
    ch.qos.logback.classic.Logger access = context.getLogger("dev.bindery.server.http.access");
    access.setLevel(ch.qos.logback.classic.Level.INFO);
    access.setAdditive(false);
    access.addAppender(appender);
    notes.add("access log on: one line per request to " + file + " (logback FileAppender, the server's pattern)");
  }

  /** The options the client side needs, as arguments. */
  private String phaseOptions() {
    return Stream.of("connections", "floor-connections", "handshake-threads", "seconds", "warmup", "jit-warmup",
        "jit-warmup-connections", "floor-core-connections").filter(options::containsKey)
        .map(k -> "--" + k + "=" + options.get(k)).collect(Collectors.joining(" "));
  }

  private Process startClientProcess(Path handoff) throws IOException {
    List<String> command = new ArrayList<>();
    String cpus = options.get("client-cpus");
    if (cpus != null) {
      command.addAll(List.of("taskset", "-c", cpus));
    }
    command.add(options.getOrDefault("client-java",
        ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java")
            .toString())));
    String jvmArgs = options.getOrDefault("client-jvm-args", "").strip();
    if (!jvmArgs.isEmpty()) {
      command.addAll(List.of(jvmArgs.split("\\s+")));
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), TokenApiBench.class.getName(),
        "--role=client", "--handoff=" + handoff));
    String phases = phaseOptions();
    if (!phases.isEmpty()) {
      command.addAll(List.of(phases.split(" ")));
    }
    Workers.log("client process: " + String.join(" ", command));
    notes.add("client: a separate JVM (" + String.join(" ", command.subList(0, command.indexOf("-cp")))
        + "), its CPU time measured by itself and reported apart from the server's"
        + (cpus == null ? "; not pinned: server and client share the cores" : "; pinned to CPUs " + cpus));
    return new ProcessBuilder(command).inheritIO().start();
  }

  /** Answers the client's control lines until it says bye; records each measured phase. */
  private void serveControl(ServerSocket control, boolean clientInThisJvm) throws IOException {
    try (Socket socket = control.accept();
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8)) {
      CpuTime.Snapshot before = null;
      long wallStart = 0;
      String loadBefore = null;
      String line;
      while ((line = in.readLine()) != null) {
        String[] f = line.split(" ");
        switch (f[0]) {
          case "start" -> {
            rawBeforePhase = adjacentRawSigning();
            loadBefore = MachineFacts.loadAverage();
            Workers.log("token " + f[1] + ": " + f[2] + " client threads, measuring; load=" + loadBefore);
            signingBefore = keyRing.signingCost();
            before = CpuTime.Snapshot.now();
            wallStart = System.nanoTime();
            out.println("go");
          }
          case "end" -> {
            long wall = System.nanoTime() - wallStart;
            CpuTime.Snapshot after = CpuTime.Snapshot.now();
            rawAfterPhase = adjacentRawSigning();
            record(f, before, after, wall, loadBefore, clientInThisJvm);
            out.println("ok");
          }
          case "bye" -> {
            out.println("bye");
            return;
          }
          default -> throw new IOException("control: unexpected line " + line);
        }
      }
      throw new IOException("the client closed the control connection before it said bye");
    }
  }

  private static final java.util.regex.Pattern CLIENT_THREADS =
      java.util.regex.Pattern.compile("bench-worker-#|HttpClient-#-.*|bench-client");

  /** One phase: the client's figures from its {@code end} line, the server's CPU from the snapshots. */
  private void record(String[] f, CpuTime.Snapshot before, CpuTime.Snapshot after, long wallNanos, String loadBefore,
      boolean clientInThisJvm) {
    String kind = f[1];
    String threads = f[2];
    long ops = Long.parseLong(f[3]);
    long elapsed = Long.parseLong(f[4]);
    long failures = Long.parseLong(f[5]);
    long clientCpu = Long.parseLong(f[6]);
    long workerCpu = Long.parseLong(f[7]);
    String p50 = Workers.ms(Long.parseLong(f[8]));
    String p90 = Workers.ms(Long.parseLong(f[9]));
    String p99 = Workers.ms(Long.parseLong(f[10]));
    String max = Workers.ms(Long.parseLong(f[11]));
    long serverCpu = after.processSince(before);
    if (clientInThisJvm) {
      // the client's threads here: its workers (started and ended inside the phase, so no snapshot lists them) and
      // the JDK HttpClient's threads (listed); JIT and GC work for both sides stay in the server's figure
      clientCpu = workerCpu + after.byGroupSince(before).entrySet().stream()
          .filter(e -> CLIENT_THREADS.matcher(e.getKey()).matches()).mapToLong(Map.Entry::getValue).sum();
      serverCpu -= clientCpu;
    }
    String loadAfter = MachineFacts.loadAverage();
    double perSecond = ops / (elapsed / 1e9);
    double serverMs = serverCpu / 1e6 / Math.max(1, ops);
    double perServerCpuSecond = ops / Math.max(1e-9, serverCpu / 1e9);
    String label = switch (kind) {
      case TokenLoadClient.KEEP_ALIVE -> "keep-alive";
      case TokenLoadClient.FLOOR -> "floor: GET /health/live, keep-alive";
      case TokenLoadClient.FLOOR_CORE -> "core floor: POST /oauth2/token?floor refused 400, keep-alive";
      default -> "a new TLS connection and full handshake per token";
    };
    if (TokenLoadClient.FLOOR.equals(kind) || TokenLoadClient.FLOOR_CORE.equals(kind)) {
      rows.add(new String[] {TokenLoadClient.FLOOR.equals(kind)
          ? "requests, GET /health/live on the same mutual TLS connections (no token work)"
          : "requests, POST /oauth2/token?floor with the token form, refused by the core route before any token work",
          Workers.fmt(perSecond), "requests/s", threads});
      rows.add(new String[] {"latency p50 / p99 (" + label + ")", p50 + " / " + p99, "ms", threads});
      rows.add(new String[] {"server CPU per request (" + label + ")", String.format(Locale.ROOT, "%.3f", serverMs),
          "ms", threads});
      rows.add(new String[] {"server cores busy (" + label + ")",
          String.format(Locale.ROOT, "%.2f", serverCpu / (double) wallNanos), "cores", threads});
      if (TokenLoadClient.FLOOR_CORE.equals(kind)) {
        for (double[] p : signaturePhases) {
          // a token that cost only this floor and the signature as the server measured it, against adjacent raw
          double ceiling = 1000 / (serverMs + p[1]) / p[2];
          rows.add(new String[] {"ceiling: a token costing only the core floor (at " + threads + " connections) and "
              + "the server's own signature, as a share of the phase's adjacent raw rate (keep-alive)", String.format(Locale.ROOT, "%.0f%%",
              100 * ceiling), "", String.format(Locale.ROOT, "%.0f", p[0])});
        }
      }
      logPhase(label, threads, ops, elapsed, failures, perSecond, p50, p90, p99, max, serverCpu, wallNanos,
          clientCpu, loadBefore, loadAfter, after.perOpByGroupSince(before, ops, 3), after.jitMillisSince(before));
      return;
    }
    rows.add(new String[] {"tokens issued, client_credentials over mutual TLS, " + label, Workers.fmt(perSecond),
        "tokens/s", threads});
    rows.add(new String[] {"latency p50 / p99 (" + label + ")", p50 + " / " + p99, "ms", threads});
    rows.add(new String[] {"server CPU per token (" + label + ")", String.format(Locale.ROOT, "%.3f", serverMs),
        "ms", threads});
    rows.add(new String[] {"server cores busy (" + label + ")",
        String.format(Locale.ROOT, "%.2f", serverCpu / (double) wallNanos), "cores", threads});
    rows.add(new String[] {"tokens per server CPU-second (" + label + ")", Workers.fmt(perServerCpuSecond)
        + (rawSignPerCpuSecond > 0 ? String.format(Locale.ROOT, " (%.0f%% of raw signing)",
            100 * perServerCpuSecond / rawSignPerCpuSecond) : ""), "tokens/CPU-s", threads});
    SigningCost.Totals signing = keyRing.signingCost().since(signingBefore);
    double signMs = signing.meanCpuNanos() / 1e6;
    if (signing.samples() > 0) {
      rows.add(new String[] {"CPU of one signature inside the server, 1 in "
          + Math.round((double) signing.signatures() / signing.samples()) + " timed (" + label + ")", String.format(Locale.ROOT, "%.3f", signMs), "ms", threads});
      rows.add(new String[] {"server CPU per token besides the signature (" + label + ")",
          String.format(Locale.ROOT, "%.3f", serverMs - signMs), "ms", threads});
    }
    if (rawBeforePhase > 0 && rawAfterPhase > 0) {
      double adjacent = (rawBeforePhase + rawAfterPhase) / 2;
      if (signing.samples() > 0 && TokenLoadClient.KEEP_ALIVE.equals(kind)) {
        signaturePhases.add(new double[] {Double.parseDouble(threads), signMs, adjacent});
      }
      rows.add(new String[] {"raw ES256 signing just before / after the phase, per CPU-second (" + label + ")",
          Workers.fmt(rawBeforePhase) + " / " + Workers.fmt(rawAfterPhase), "signatures/CPU-s", threads});
      rows.add(new String[] {"tokens per server CPU-second as a share of that raw rate (" + label + ")",
          String.format(Locale.ROOT, "%.0f%%", 100 * perServerCpuSecond / adjacent), "", threads});
    }
    rows.add(new String[] {"client CPU per token (" + label + (clientInThisJvm ? ", threads of the server's JVM"
        : ", its own JVM") + ")", String.format(Locale.ROOT, "%.3f", clientCpu / 1e6 / Math.max(1, ops)), "ms",
        threads});
    logPhase(label, threads, ops, elapsed, failures, perSecond, p50, p90, p99, max, serverCpu, wallNanos, clientCpu,
        loadBefore, loadAfter, after.perOpByGroupSince(before, ops, 3), after.jitMillisSince(before));
  }

  private void logPhase(String label, String threads, long ops, long elapsed, long failures, double perSecond,
      String p50, String p90, String p99, String max, long serverCpu, long wallNanos, long clientCpu,
      String loadBefore, String loadAfter, String byGroup, long jitMillis) {
    Workers.log(String.format(Locale.ROOT, "  %s: %d requests in %.1f s = %.0f/s, p50 %s ms, p90 %s ms, p99 %s ms, "
            + "max %s ms, failures %d; server CPU %.3f ms per request (%.2f cores), %.0f per server CPU-s; "
            + "client CPU %.3f ms per request (%.2f cores); load %s -> %s", label, ops, elapsed / 1e9, perSecond, p50,
        p90, p99, max, failures, serverCpu / 1e6 / Math.max(1, ops), serverCpu / (double) wallNanos,
        ops / Math.max(1e-9, serverCpu / 1e9), clientCpu / 1e6 / Math.max(1, ops), clientCpu / (double) elapsed,
        loadBefore, loadAfter));
    Workers.log("  server CPU per request by thread group (ms): " + byGroup + "; JIT compilation during the phase: "
        + jitMillis + " ms");
    notes.add(String.format(Locale.ROOT, "%s, %s client thread(s): %,d requests in %.1f s, %d failures, p90 %s ms, "
            + "max %s ms, load average %s -> %s; server CPU per request by thread group (ms): %s; the server's JIT "
            + "compiled for %d ms during the phase%s", label, threads, ops, elapsed / 1e9, failures, p90, max, loadBefore,
        loadAfter, byGroup, jitMillis, jitMillis > 1000 ? " (still warming up: its CPU is in \"other\")" : ""));
  }

  /** An identity with scopes, its enrolled certificate and key, a resource server; then the client's hand-off. */
  private void setUp(BenchApi api, Path handoff, int controlPort) throws Exception {
    String id = api.workload("token-bench-client", List.of("orders.read", "orders.write"));
    BenchApi.Enrolled enrolled = api.enrol(id);
    api.resourceServer(AUDIENCE, "Orders");
    byte[] tokenForm = ("grant_type=client_credentials&client_id=" + id + "&scope=orders.read&resource="
        + URLEncoder.encode(AUDIENCE, StandardCharsets.UTF_8)).getBytes(StandardCharsets.US_ASCII);
    TokenLoadClient.writeHandoff(handoff, api.base(), enrolled.key().getPrivate(), enrolled.certificatePem(),
        enrolled.chainPem(), api.tlsCaFile(), tokenForm, controlPort);

    // one token, checked: bound to the enrolled certificate
    TokenLoadClient client = TokenLoadClient.fromHandoff(handoff);
    String body = new String(client.postToken(client.keepAliveClient()), StandardCharsets.UTF_8);
    String jwt = BenchApi.JSON.readTree(body).get("access_token").asText();
    JsonNode claims = BenchApi.JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    String expected = Base64.getUrlEncoder().withoutPadding().encodeToString(
        MessageDigest.getInstance("SHA-256").digest(enrolled.leaf().getEncoded()));
    if (!expected.equals(claims.path("cnf").path("x5t#S256").asText())) {
      throw new IllegalStateException("the token is not bound to the client certificate: " + claims);
    }
    notes.add("each token: client_credentials, tls_client_auth with an enrolled EC P-256 certificate (leaf + "
        + "intermediate presented), scope orders.read, resource " + AUDIENCE + ", cnf.x5t#S256 checked once; "
        + "the token is " + jwt.length() + " characters");
  }

  /**
   * Raw BouncyCastle ES256 signatures per CPU-second of one thread over {@code --phase-sign-seconds} (after half a
   * second of warm-up), as close in time to a phase as the phase allows; 0 when turned off.
   */
  private double adjacentRawSigning() throws IOException {
    int seconds = intOption(options, "phase-sign-seconds", 2);
    if (seconds <= 0) {
      return 0;
    }
    try {
      if (adjacentKey == null) {
        KeyPairGenerator bc = KeyPairGenerator.getInstance("EC", BC);
        bc.initialize(new ECGenParameterSpec("secp256r1"));
        adjacentKey = bc.generateKeyPair();
      }
      byte[] input = new byte[430];
      java.util.Arrays.fill(input, (byte) 'e');
      ECDSASigner signer = new ECDSASigner(adjacentKey.getPrivate(), Curve.P_256);
      signer.getJCAContext().setProvider(BC);
      JWSHeader header = new JWSHeader(JWSAlgorithm.ES256);
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long warmEnd = System.nanoTime() + 500_000_000L;
      while (System.nanoTime() < warmEnd) {
        signer.sign(header, input);
      }
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      long cpu0 = threads.getCurrentThreadCpuTime();
      long n = 0;
      while (System.nanoTime() < end) {
        signer.sign(header, input);
        n++;
      }
      return n / Math.max(1e-9, (threads.getCurrentThreadCpuTime() - cpu0) / 1e9);
    } catch (Exception e) {
      throw new IOException("raw signing next to a phase failed: " + e, e);
    }
  }

  /** Raw ES256 signatures per second: Nimbus + BouncyCastle as the key ring signs, and JCA SunEC. */
  private void measureRawSigning(boolean afterPhases) throws Exception {
    int seconds = intOption(options, "sign-seconds", 5);
    int cores = Runtime.getRuntime().availableProcessors();
    byte[] input = new byte[430];
    java.util.Arrays.fill(input, (byte) 'e');
    KeyPairGenerator bc = KeyPairGenerator.getInstance("EC", BC);
    bc.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair bcKey = bc.generateKeyPair();
    KeyPairGenerator sun = KeyPairGenerator.getInstance("EC", "SunEC");
    sun.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair sunKey = sun.generateKeyPair();
    JWSHeader header = new JWSHeader(JWSAlgorithm.ES256);
    Map<String, Workers.Op> signers = new LinkedHashMap<>();
    signers.put(RAW_BC, () -> {
      try {
        ECDSASigner s = new ECDSASigner(bcKey.getPrivate(), Curve.P_256);
        s.getJCAContext().setProvider(BC);
        Base64URL sig = s.sign(header, input);
        if (sig.decode().length != 64) {
          throw new IllegalStateException("bad signature length");
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    signers.put("ES256 sign, SunEC (JCA, P1363 format)", () -> {
      try {
        java.security.Signature s = java.security.Signature.getInstance("SHA256withECDSAinP1363Format", "SunEC");
        s.initSign(sunKey.getPrivate());
        s.update(input);
        s.sign();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (Map.Entry<String, Workers.Op> e : signers.entrySet()) {
      Workers.run(1, 2, Long.MAX_VALUE, t -> e.getValue()); // warm-up
      for (int n : cores > 1 ? List.of(1, cores) : List.of(1)) {
        AtomicLong cpu = new AtomicLong();
        String loadBefore = MachineFacts.loadAverage();
        Workers.Result r = Workers.run(n, seconds, Long.MAX_VALUE, t -> () -> {
          long c0 = threads.getCurrentThreadCpuTime();
          e.getValue().run();
          cpu.addAndGet(threads.getCurrentThreadCpuTime() - c0);
        });
        double perCpuSecond = r.ops() / Math.max(1e-9, cpu.get() / 1e9);
        if (n == 1 && RAW_BC.equals(e.getKey()) && !afterPhases) {
          rawSignPerCpuSecond = perCpuSecond;
        }
        String name = e.getKey() + (afterPhases ? ", after the phases in the server's JVM" : "");
        rows.add(new String[] {name, Workers.fmt(r.perSecond()), "signatures/s", Integer.toString(n)});
        rows.add(new String[] {name + ", per CPU-second of the signing threads", Workers.fmt(perCpuSecond),
            "signatures/CPU-s", Integer.toString(n)});
        Workers.log(String.format(Locale.ROOT, "%s, %d thread(s): %.0f/s, %.0f per CPU-second, load %s -> %s",
            name, n, r.perSecond(), perCpuSecond, loadBefore, MachineFacts.loadAverage()));
      }
    }
    notes.add("raw signing" + (afterPhases ? " after the phases" : "") + ": " + seconds
        + " s per measurement after 2 s of warm-up, " + (afterPhases ? "after" : "before") + " the server's phases; "
        + "the per-CPU-second rate counts only the signing threads' own CPU time (close to the rate on an idle core)");
  }

  private void printReport() {
    Workers.report("Bindery token bench: client_credentials over mutual TLS", rows, notes);
  }
}
