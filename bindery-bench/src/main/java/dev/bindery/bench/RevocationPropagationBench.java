package dev.bindery.bench;

import dev.bindery.bench.RegistryBench.MachineFacts;
import dev.bindery.client.resource.BinderyTokenVerifier;
import dev.bindery.client.resource.RequestFacts;
import dev.bindery.client.resource.VerificationResult;
import dev.bindery.client.revocation.RevocationFeed;
import dev.bindery.client.tls.TlsContexts;
import dev.bindery.server.bootstrap.BinderyServer;
import dev.bindery.server.config.BinderyConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.HdrHistogram.Histogram;

/**
 * Revocation propagation: the time from a revocation call returning to the resource-server SDK
 * ({@link BinderyTokenVerifier} following the {@link RevocationFeed} with a long poll) refusing the token.
 *
 * <p>Each measured revocation: a certificate-bound token is issued (mutual TLS), verified once by the SDK (accepted,
 * and from then on in its verified-token cache, as on a resource server that already saw it), then revoked by one
 * call; the driver then asks the verifier again every {@value #POLL_MICROS} µs until it refuses the token, and records
 * the time from the call's answer (and from its start) to the first refusal. Kinds ({@code --kinds}):
 *
 * <ul>
 *   <li>{@code token}: the holding client revokes its token ({@code POST /oauth2/revoke}, RFC 7009): a {@code token}
 *       event for its {@code jti};
 *   <li>{@code credential}: an operator revokes the client's certificate ({@code POST /api/v1/credentials/{id}/revoke},
 *       key compromise): an {@code x5t#S256} event, so every token bound to it is refused. Each revocation uses a
 *       certificate enrolled for it beforehand.
 * </ul>
 *
 * <p>Stores: {@code h2} runs one node (the embedded default) and the SDK follows that node. {@code postgres} runs on
 * an embedded PostgreSQL (zonky, fsync and synchronous_commit on) or on {@code BINDERY_TEST_POSTGRES_URL}, with two
 * nodes sharing it ({@code --nodes=2}, the default): revocations go to node A, the SDK reads the JWKS and the feed
 * of node B, which learns of node A's events by re-reading the store (every 200 ms); with {@code --nodes=1} both go
 * to one node. Both nodes run in this JVM with their own HTTPS listener, share the master key and one public URL
 * (node B's), as nodes behind one name do. Usage:
 * {@code java -cp bindery-bench.jar dev.bindery.bench.RevocationPropagationBench h2|postgres [--key=value ...]}.
 */
public final class RevocationPropagationBench {
  static final String USAGE = """
      usage: java -cp bindery-bench.jar dev.bindery.bench.RevocationPropagationBench h2|postgres [options]
        --revocations=200      measured revocations per kind
        --warmup=20            unmeasured revocations per kind before them
        --kinds=token,credential
        --nodes=2              postgres only: 2 (revoke on node A, SDK follows node B) or 1
        --pause-ms=250         a random pause of 0..N ms before each revocation (outside the figures)
        --pg-sync=on --pg-fsync=on   embedded PostgreSQL durability (as in production)""";
  static final int POLL_MICROS = 50;
  private static final String AUDIENCE = "https://orders.example";
  private static final Duration GIVE_UP = Duration.ofSeconds(10);

  private final String store;
  private final Map<String, String> options;
  private final List<String[]> rows = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  private RevocationPropagationBench(String store, Map<String, String> options) {
    this.store = store;
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 1 || !List.of("h2", "postgres").contains(args[0])) {
      System.err.println(USAGE);
      System.exit(2);
    }
    Map<String, String> options = Workers.options(args, 1, USAGE);
    new RevocationPropagationBench(args[0], options).run();
    System.exit(0); // the SDK's feed and HTTP client threads
  }

  private void run() throws Exception {
    Workers.log("machine: " + String.join("; ", MachineFacts.lines()));
    Workers.log("store=" + store + " options=" + options + " load=" + MachineFacts.loadAverage());
    Path dir = Files.createTempDirectory("bindery-bench-revocation");
    try {
      if (store.equals("h2")) {
        notes.add("store: embedded H2 " + org.h2.engine.Constants.FULL_VERSION + " file database, one node");
        runNodes(dir, Map.of(), 1);
      } else {
        int nodes = TokenApiBench.intOption(options, "nodes", 2);
        String external = System.getenv("BINDERY_TEST_POSTGRES_URL");
        if (external != null && !external.isBlank()) {
          String user = System.getenv().getOrDefault("BINDERY_TEST_POSTGRES_USER", "postgres");
          String password = System.getenv().getOrDefault("BINDERY_TEST_POSTGRES_PASSWORD", "");
          String schema = "bindery_bench_rev_" + ProcessHandle.current().pid();
          RegistryBench.sql(external, user, password, "CREATE SCHEMA " + schema);
          try {
            notes.add("store: PostgreSQL from BINDERY_TEST_POSTGRES_URL, schema " + schema + ", " + nodes + " node(s)");
            runNodes(dir, Map.of(BinderyConfig.DB_URL, external + (external.contains("?") ? "&" : "?")
                + "currentSchema=" + schema, BinderyConfig.DB_USER, user, BinderyConfig.DB_PASSWORD, password), nodes);
          } finally {
            RegistryBench.sql(external, user, password, "DROP SCHEMA " + schema + " CASCADE");
          }
        } else {
          String sync = options.getOrDefault("pg-sync", "on");
          String fsync = options.getOrDefault("pg-fsync", "on");
          try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setServerConfig("synchronous_commit", sync)
              .setServerConfig("fsync", fsync).setPGStartupWait(Duration.ofSeconds(60)).start()) {
            String url = pg.getJdbcUrl("postgres", "postgres");
            notes.add("store: embedded PostgreSQL (zonky, " + RegistryBench.serverVersion(url)
                + ") on loopback, synchronous_commit=" + sync + ", fsync=" + fsync + ", " + nodes + " node(s)");
            runNodes(dir, Map.of(BinderyConfig.DB_URL, url, BinderyConfig.DB_USER, "postgres",
                BinderyConfig.DB_PASSWORD, "postgres"), nodes);
          }
        }
      }
    } finally {
      RegistryBench.deleteTree(dir);
    }
    Workers.report("Bindery revocation propagation: revoke call to the SDK refusing the token (" + store + ")", rows,
        notes);
  }

  /** Starts one or two nodes on the database of {@code db} (none: each node's H2 file) and measures. */
  private void runNodes(Path dir, Map<String, String> db, int nodes) throws Exception {
    Map<String, String> b = new HashMap<>(db);
    b.put(BinderyConfig.DATA_DIR, dir.resolve("node-b").toString());
    b.put(BinderyConfig.TLS_MODE, "dev");
    if (nodes == 1) {
      b.put(BinderyConfig.HTTP_PORT, "0");
      try (BinderyServer only = BinderyServer.start(BinderyConfig.fromSources(b, Map.of()), Clock.systemUTC())) {
        measure(only, only);
      }
      return;
    }
    int portB = freePort();
    String publicUrl = "https://127.0.0.1:" + portB;
    b.put(BinderyConfig.HTTP_PORT, Integer.toString(portB));
    b.put(BinderyConfig.PUBLIC_URL, publicUrl);
    try (BinderyServer nodeB = BinderyServer.start(BinderyConfig.fromSources(b, Map.of()), Clock.systemUTC())) {
      Map<String, String> a = new HashMap<>(db);
      a.put(BinderyConfig.DATA_DIR, dir.resolve("node-a").toString());
      a.put(BinderyConfig.TLS_MODE, "dev");
      a.put(BinderyConfig.HTTP_PORT, "0");
      a.put(BinderyConfig.PUBLIC_URL, publicUrl);
      a.put(BinderyConfig.MASTER_KEY_FILE, nodeB.config().masterKeyFile().toString());
      try (BinderyServer nodeA = BinderyServer.start(BinderyConfig.fromSources(a, Map.of()), Clock.systemUTC())) {
        notes.add("two nodes in this JVM sharing the database and the master key, public URL " + publicUrl
            + " (node B): tokens and revocations on node A (" + nodeA.baseUri() + "), the SDK's JWKS and feed on "
            + "node B");
        measure(nodeA, nodeB);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Revocations on {@code revoking}; the SDK follows {@code followed}. */
  private void measure(BinderyServer revoking, BinderyServer followed) throws Exception {
    String adminToken = Files.readString(followed.bootstrapTokenFile()).strip();
    BenchApi api = new BenchApi(revoking.baseUri(), revoking.caFile(), adminToken);
    String id = api.workload("revocation-bench-client", List.of("orders.read"));
    api.resourceServer(AUDIENCE, "Orders");
    int revocations = TokenApiBench.intOption(options, "revocations", 200);
    int warmup = TokenApiBench.intOption(options, "warmup", 20);
    int pauseMillis = TokenApiBench.intOption(options, "pause-ms", 250);
    java.util.Random random = new java.util.Random();
    List<String> kinds = Stream.of(options.getOrDefault("kinds", "token,credential").split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).toList();

    String issuer = followed.baseUri().toString();
    SSLContext trustFollowed = TlsContexts.trusting(followed.caFile());
    try (RevocationFeed feed = RevocationFeed.builder().issuer(issuer).sslContext(trustFollowed)
        .operatorToken(adminToken).longPollWait(Duration.ofSeconds(25)).build()) {
      feed.pollOnce();
      feed.start();
      BinderyTokenVerifier verifier = BinderyTokenVerifier.builder().issuer(issuer).audience(AUDIENCE)
          .sslContext(trustFollowed).revocationFeed(feed).build();
      notes.add("SDK: BinderyTokenVerifier (JDK provider) following the revocation feed of " + issuer
          + " with a 25 s long poll; checked every " + POLL_MICROS + " µs after the revoke call answered; a random "
          + "pause of 0.." + pauseMillis + " ms before each revocation");
      for (String kind : kinds) {
        Workers.log(kind + ": " + warmup + " warm-up revocations, then " + revocations + "; load="
            + MachineFacts.loadAverage());
        List<BenchApi.Enrolled> clients = new ArrayList<>();
        int certificates = kind.equals("credential") ? warmup + revocations : 1;
        for (int i = 0; i < certificates; i++) {
          clients.add(api.enrol(id));
        }
        Histogram afterAnswer = Workers.histogram();
        Histogram fromStart = Workers.histogram();
        Histogram call = Workers.histogram();
        int timeouts = 0;
        String loadBefore = MachineFacts.loadAverage();
        for (int i = 0; i < warmup + revocations; i++) {
          BenchApi.Enrolled client = clients.get(kind.equals("credential") ? i : 0);
          HttpClient http = HttpClient.newBuilder().sslContext(client.mutualTls(revoking.caFile()))
              .version(HttpClient.Version.HTTP_1_1).build();
          String token = token(http, revoking.baseUri(), id);
          RequestFacts request = RequestFacts.builder("GET", AUDIENCE + "/orders/42")
              .authorization("Bearer " + token).clientCertificate(client.leaf()).build();
          VerificationResult before = verifier.verify(request);
          if (!before.isAccepted()) {
            throw new IllegalStateException("the SDK refused a fresh token: " + before.rejection().errorCode());
          }
          // a random pause, so revocations do not fall at the same point of the other node's 200 ms re-read
          // (back to back, each would start right after the re-read that delivered the one before)
          if (pauseMillis > 0) {
            LockSupport.parkNanos(random.nextInt(pauseMillis + 1) * 1_000_000L);
          }
          long t0 = System.nanoTime();
          if (kind.equals("token")) {
            revokeToken(http, revoking.baseUri(), id, token);
          } else {
            api.post("/api/v1/credentials/" + client.credentialId() + "/revoke", Map.of("reason", "key_compromise"),
                200);
          }
          long t1 = System.nanoTime();
          long t2 = refusedAt(verifier, request, t1);
          if (i < warmup) {
            continue;
          }
          call.recordValue(t1 - t0);
          if (t2 < 0) {
            timeouts++;
          } else {
            afterAnswer.recordValue(t2 - t1);
            fromStart.recordValue(t2 - t0);
          }
        }
        String label = kind.equals("token") ? "token revoked by its client (POST /oauth2/revoke)"
            : "certificate revoked by an operator (POST /api/v1/credentials/{id}/revoke)";
        rows.add(new String[] {"propagation p50 / p90 / p99 / max, from the revoke call's answer: " + label,
            percentiles(afterAnswer), "ms", Long.toString(afterAnswer.getTotalCount())});
        rows.add(new String[] {"propagation p50 / p99 / max, from the revoke call's start: " + label,
            Workers.ms(fromStart.getValueAtPercentile(50)) + " / " + Workers.ms(fromStart.getValueAtPercentile(99))
                + " / " + Workers.ms(fromStart.getMaxValue()), "ms", Long.toString(fromStart.getTotalCount())});
        rows.add(new String[] {"revoke call p50 / p99: " + label, Workers.ms(call.getValueAtPercentile(50)) + " / "
            + Workers.ms(call.getValueAtPercentile(99)), "ms", Long.toString(call.getTotalCount())});
        notes.add(String.format(Locale.ROOT, "%s: %d measured after %d warm-up, %d not refused within %d s, "
            + "load average %s -> %s", label, revocations, warmup, timeouts, GIVE_UP.toSeconds(), loadBefore,
            MachineFacts.loadAverage()));
        Workers.log(String.format(Locale.ROOT, "  %s: after the answer p50/p90/p99/max %s ms; revoke call p50 %s ms; "
            + "%d timeouts", kind, percentiles(afterAnswer), Workers.ms(call.getValueAtPercentile(50)), timeouts));
      }
    }
  }

  private static String percentiles(Histogram h) {
    return Workers.ms(h.getValueAtPercentile(50)) + " / " + Workers.ms(h.getValueAtPercentile(90)) + " / "
        + Workers.ms(h.getValueAtPercentile(99)) + " / " + Workers.ms(h.getMaxValue());
  }

  /** The first {@link System#nanoTime()} at which the verifier refuses the request, or -1 after {@link #GIVE_UP}. */
  private static long refusedAt(BinderyTokenVerifier verifier, RequestFacts request, long since) {
    long deadline = since + GIVE_UP.toNanos();
    while (true) {
      long now = System.nanoTime();
      if (!verifier.verify(request).isAccepted()) {
        return now;
      }
      if (now - deadline > 0) {
        return -1;
      }
      LockSupport.parkNanos(POLL_MICROS * 1000L);
    }
  }

  private static String token(HttpClient http, URI base, String clientId) throws Exception {
    HttpResponse<byte[]> r = form(http, base.resolve("/oauth2/token"), "grant_type=client_credentials&client_id="
        + clientId + "&resource=" + URLEncoder.encode(AUDIENCE, StandardCharsets.UTF_8));
    if (r.statusCode() != 200) {
      throw new IllegalStateException("token answered " + r.statusCode() + ": "
          + new String(r.body(), StandardCharsets.UTF_8));
    }
    return BenchApi.JSON.readTree(r.body()).get("access_token").asText();
  }

  private static void revokeToken(HttpClient http, URI base, String clientId, String token) throws Exception {
    HttpResponse<byte[]> r = form(http, base.resolve("/oauth2/revoke"), "token=" + token + "&client_id=" + clientId);
    if (r.statusCode() != 200) {
      throw new IllegalStateException("revoke answered " + r.statusCode());
    }
  }

  private static HttpResponse<byte[]> form(HttpClient http, URI uri, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.US_ASCII)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }
}
