package dev.bindery.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bindery.bench.RegistryBench.MachineFacts;
import dev.bindery.server.bootstrap.BinderyServer;
import dev.bindery.server.config.BinderyConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * Certificates issued per second through the HTTPS API: concurrent {@code POST /api/v1/enrol} requests, each
 * redeeming a one-time enrolment code with an EC P-256 CSR, exactly what {@code ./bindery enroll} sends.
 *
 * <p>Everything a workload does before it calls the server is done before the clock starts, outside the
 * figure: the identities, the enrolment codes (created through the API by the admin) and the key pairs and CSRs
 * (one fresh key per request), and each request body is serialized in advance. A measured request is then
 * the server's whole enrolment: TLS record, HTTP, JSON, the code lookup by hash, the identity, CSR verification,
 * the CA pipeline (template, ES256 signature, independent PKIX and X.509-SVID validation), the credential,
 * lineage, code and audit writes in one transaction, and the JSON answer with the certificate and chain. The
 * client keeps its connections open (HTTP/1.1 keep-alive, one connection per client thread after the first
 * request), so TLS handshakes are not measured; renewal is not used because every renewal presents a new
 * certificate and so needs a new handshake.
 *
 * <p>By default the driver starts a server in this JVM as {@code ./bindery dev} does: dev TLS, the embedded H2
 * file database (the default store) in a temporary data directory, deleted at the end. The client threads run
 * in the same JVM and on the same cores. {@code --server=URL --ca-file=F --token-file=F} drives a running server
 * instead. Usage: {@code java -cp bindery-bench.jar dev.bindery.bench.EnrolmentApiBench [--key=value ...]}.
 */
public final class EnrolmentApiBench {
  static final String USAGE = """
      usage: java -cp bindery-bench.jar dev.bindery.bench.EnrolmentApiBench [options]
        --threads=1,4      client threads, one measured phase per value (default 1,4)
        --seconds=S        measured seconds per phase (default 15)
        --warmup=S         warm-up seconds before each phase (default 10)
        --jit-warmup=S     one more warm-up before the first phase, with the most threads, so that the first
                           phase does not pay for the JIT compiling the server (default 30)
        --codes=N          enrolment codes prepared for each measured phase; the phase ends early when they
                           run out (default 8000; the warm-up gets a quarter as many)
        --identities=N     identities the codes are spread over (default 1000)
        --server=URL       drive this running server instead of starting one (needs --ca-file, --token-file:
                           the TLS CA to trust and an admin's token)
        --ca-file=F, --token-file=F""";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PREPARE_THREADS = 4;

  private final Map<String, String> options;
  private final List<String[]> rows = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private HttpClient client;
  private URI base;
  private String token;
  private final List<String> identities = new ArrayList<>();
  private final AtomicInteger nextIdentity = new AtomicInteger();

  private EnrolmentApiBench(Map<String, String> options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = Workers.options(args, 0, USAGE);
    new EnrolmentApiBench(options).run();
  }

  private int intOption(String key, int dflt) {
    return Integer.parseInt(options.getOrDefault(key, Integer.toString(dflt)).replace("_", ""));
  }

  private void run() throws Exception {
    Workers.log("machine: " + String.join("; ", MachineFacts.lines()));
    Workers.log("options=" + options + " load=" + MachineFacts.loadAverage());
    String external = options.get("server");
    if (external != null) {
      base = URI.create(external);
      client = client(Path.of(required("ca-file")));
      token = Files.readString(Path.of(required("token-file"))).strip();
      notes.add("server: " + base + ", started separately; only the client runs in this JVM");
      runPhases();
    } else {
      Path dir = Files.createTempDirectory("bindery-bench-enrol");
      try (BinderyServer server = BinderyServer.start(BinderyConfig.fromSources(Map.of(
          BinderyConfig.DATA_DIR, dir.toString(),
          BinderyConfig.HTTP_PORT, "0",
          BinderyConfig.TLS_MODE, "dev"), Map.of()), Clock.systemUTC())) {
        base = server.baseUri();
        client = client(server.caFile());
        token = Files.readString(server.bootstrapTokenFile()).strip();
        notes.add("server: started in this JVM as ./bindery dev does (dev TLS; embedded H2 "
            + org.h2.engine.Constants.FULL_VERSION + " file database in a temporary data directory, pool 10); "
            + "the client threads share the JVM and the cores");
        runPhases();
      } finally {
        RegistryBench.deleteTree(dir);
      }
    }
    printReport();
  }

  private String required(String key) {
    String v = options.get(key);
    if (v == null) {
      System.err.println("--" + key + " is required with --server\n" + USAGE);
      System.exit(2);
    }
    return v;
  }

  private void runPhases() throws Exception {
    int seconds = intOption("seconds", 15);
    int warmup = intOption("warmup", 10);
    int codes = intOption("codes", 8_000);
    int identityCount = intOption("identities", 1_000);
    List<Integer> threadCounts = Stream.of(options.getOrDefault("threads", "1,4").split(","))
        .map(String::trim).map(Integer::parseInt).toList();

    long begin = System.nanoTime();
    post("/api/v1/teams", Map.of("id", "bench-owners", "display_name", "Bench owners"), 201);
    post("/api/v1/teams", Map.of("id", "bench-backup", "display_name", "Bench backup"), 201);
    parallel(identityCount, i -> {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("kind", "workload");
      body.put("name", Workload.name(i));
      body.put("owner_team", "bench-owners");
      body.put("backup_owner", "team:bench-backup");
      String id = post("/api/v1/identities", body, 201).get("id").asText();
      synchronized (identities) {
        identities.add(id);
      }
      return null;
    });
    notes.add(String.format(Locale.ROOT, "set-up: %,d workload identities created through the API in %.1f s",
        identityCount, (System.nanoTime() - begin) / 1e9));

    int jitWarmup = intOption("jit-warmup", 30);
    if (jitWarmup > 0) {
      int most = threadCounts.stream().max(Integer::compare).orElse(1);
      ConcurrentLinkedQueue<byte[]> warm = prepare(codes);
      Workers.log("JIT warm-up: threads=" + most + ", " + jitWarmup + " s, load=" + MachineFacts.loadAverage());
      Workers.Result r = Workers.run(most, jitWarmup, warm.size(), t -> () -> enrol(warm));
      notes.add(String.format(Locale.ROOT, "JIT warm-up before the first phase: %,d enrolments with %d threads in "
          + "%.1f s", r.ops(), most, r.elapsedNanos() / 1e9));
    }
    for (int threads : threadCounts) {
      ConcurrentLinkedQueue<byte[]> warm = prepare(Math.max(threads, codes / 4));
      Workers.log("enrol: threads=" + threads + " warm-up " + warmup + " s, load=" + MachineFacts.loadAverage());
      Workers.run(threads, warmup, warm.size(), t -> () -> enrol(warm));

      ConcurrentLinkedQueue<byte[]> measured = prepare(codes);
      String loadBefore = MachineFacts.loadAverage();
      CpuTime.Snapshot cpuBefore = CpuTime.Snapshot.now();
      Workers.Result r = Workers.run(threads, seconds, measured.size(), t -> () -> enrol(measured));
      CpuTime.Snapshot cpuAfter = CpuTime.Snapshot.now();
      long cpu = cpuAfter.processSince(cpuBefore);
      String byThread = cpuAfter.perOpByGroupSince(cpuBefore, r.ops(), 2);
      Workers.log("  process CPU per certificate by thread group: " + byThread);
      notes.add(threads + " thread(s): process CPU per certificate by thread group: " + byThread);
      String loadAfter = MachineFacts.loadAverage();
      double elapsed = r.elapsedNanos() / 1e9;
      String figure = "certificates issued through POST /api/v1/enrol (HTTPS keep-alive, EC P-256 CSR)";
      rows.add(new String[] {figure, Workers.fmt(r.perSecond()), "certificates/s", Integer.toString(threads)});
      rows.add(new String[] {"enrol latency p50 / p99", r.p50() + " / " + r.p99(), "ms", Integer.toString(threads)});
      rows.add(new String[] {"process CPU per certificate (server and client threads)",
          String.format(Locale.ROOT, "%.2f", cpu / 1e6 / Math.max(1, r.ops())), "ms", Integer.toString(threads)});
      Workers.log(String.format(Locale.ROOT, "  %d certificates in %.1f s = %.0f/s, p50 %s ms, p90 %s ms, p99 %s ms, "
              + "max %s ms, process CPU %.2f ms per certificate, failures %d, load %s -> %s", r.ops(), elapsed,
          r.perSecond(), r.p50(), Workers.ms(r.latency().getValueAtPercentile(90)), r.p99(),
          Workers.ms(r.latency().getMaxValue()), cpu / 1e6 / Math.max(1, r.ops()), r.failures(), loadBefore,
          loadAfter));
      notes.add(String.format(Locale.ROOT, "%d thread(s): %,d certificates in %.1f s (%s), load average %s -> %s",
          threads, r.ops(), elapsed, measured.isEmpty() ? "stopped when the prepared codes ran out" : "time limit",
          loadBefore, loadAfter));
      if (r.failures() > 0) {
        notes.add(threads + " thread(s): " + r.failures() + " enrolments failed (see stderr)");
      }
    }
    notes.add(String.format(Locale.ROOT, "all phases took %.1f min", (System.nanoTime() - begin) / 60e9));
  }

  /** One enrolment with the next prepared body; anything but 201 with a certificate is a failure. */
  private void enrol(ConcurrentLinkedQueue<byte[]> bodies) {
    byte[] body = bodies.poll();
    if (body == null) {
      throw new IllegalStateException("no prepared enrolment code left");
    }
    HttpResponse<byte[]> r = send(HttpRequest.newBuilder(base.resolve("/api/v1/enrol"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    if (r.statusCode() != 201 || !contains(r.body(), "-----BEGIN CERTIFICATE-----")) {
      throw new IllegalStateException("enrol answered " + r.statusCode() + ": "
          + new String(r.body(), StandardCharsets.UTF_8));
    }
  }

  /**
   * {@code n} ready request bodies {@code {"code","csr"}}: an enrolment code created through the API for one of
   * the identities (round robin), and a CSR for a key pair made for it alone.
   */
  private ConcurrentLinkedQueue<byte[]> prepare(int n) throws Exception {
    long begin = System.nanoTime();
    ConcurrentLinkedQueue<byte[]> bodies = new ConcurrentLinkedQueue<>();
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    parallel(n, i -> {
      String identity = identities.get(Math.floorMod(nextIdentity.getAndIncrement(), identities.size()));
      String code = post("/api/v1/identities/" + identity + "/enrolment-codes", Map.of(), 201).get("code").asText();
      KeyPair key;
      synchronized (generator) {
        key = generator.generateKeyPair();
      }
      bodies.add(JSON.writeValueAsBytes(Map.of("code", code, "csr", csr(key))));
      return null;
    });
    Workers.log(String.format(Locale.ROOT, "prepared %,d enrolment codes and CSRs in %.1f s, load=%s", n,
        (System.nanoTime() - begin) / 1e9, MachineFacts.loadAverage()));
    return bodies;
  }

  /** A PKCS#10 request as {@code ./bindery enroll} makes it: empty subject, no extensions, ES256. */
  static String csr(KeyPair key) throws Exception {
    byte[] der = new JcaPKCS10CertificationRequestBuilder(new X500Name(""), key.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())).getEncoded();
    return "-----BEGIN CERTIFICATE REQUEST-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END CERTIFICATE REQUEST-----\n";
  }

  private interface Task {
    Void run(int i) throws Exception;
  }

  /** Runs {@code task(0..n-1)} on {@link #PREPARE_THREADS} threads; the first failure stops the driver. */
  private static void parallel(int n, Task task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(PREPARE_THREADS);
    try {
      List<Future<Void>> futures = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        int index = i;
        futures.add(pool.submit(() -> task.run(index)));
      }
      for (Future<Void> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private JsonNode post(String path, Map<String, ?> body, int expected) throws IOException {
    HttpResponse<byte[]> r = send(HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(
            JSON.writeValueAsBytes(body))));
    if (r.statusCode() != expected) {
      throw new IllegalStateException("POST " + path + " answered " + r.statusCode() + ": "
          + new String(r.body(), StandardCharsets.UTF_8));
    }
    return JSON.readTree(r.body());
  }

  private HttpResponse<byte[]> send(HttpRequest.Builder request) {
    try {
      return client.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new IllegalStateException("request failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** An HTTP/1.1 client (keep-alive) that trusts only the given CA certificate. */
  private static HttpClient client(Path caFile) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(caFile)) {
      trust.setCertificateEntry("ca", (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), new SecureRandom());
    return HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
  }

  private static boolean contains(byte[] haystack, String needle) {
    return new String(haystack, StandardCharsets.UTF_8).contains(needle);
  }

  private void printReport() {
    Workers.report("Bindery enrolment bench: certificates through the API", rows, notes);
  }
}
