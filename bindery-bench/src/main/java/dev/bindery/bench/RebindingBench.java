package dev.bindery.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bindery.bench.RegistryBench.MachineFacts;
import dev.bindery.change.AppliedChange;
import dev.bindery.change.ApproverRole;
import dev.bindery.change.ChangeRequest;
import dev.bindery.change.ChangeRequestService;
import dev.bindery.change.ChangeState;
import dev.bindery.change.ChangeType;
import dev.bindery.change.NewChangeRequest;
import dev.bindery.client.resource.BinderyTokenVerifier;
import dev.bindery.client.resource.RequestFacts;
import dev.bindery.client.revocation.RevocationFeed;
import dev.bindery.client.tls.Pem;
import dev.bindery.client.tls.TlsContexts;
import dev.bindery.credential.CredentialService;
import dev.bindery.credential.IssuedSvid;
import dev.bindery.identity.BackupOwner;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.IdentityKind;
import dev.bindery.identity.NewIdentity;
import dev.bindery.identity.Ownership;
import dev.bindery.identity.Scope;
import dev.bindery.identity.TeamId;
import dev.bindery.operator.OperatorService;
import dev.bindery.operator.Role;
import dev.bindery.security.Caller;
import dev.bindery.server.bootstrap.BinderyServer;
import dev.bindery.server.config.BinderyConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Re-binding (issue 5): level-2 {@code recover} requests taken through the whole engine, and the time until the SDK
 * refuses a token bound to the replaced certificate.
 *
 * <p>A server runs in this JVM as {@code ./bindery dev} does (dev TLS, the real HTTP stack, CA, audit, revocation
 * feed), on the embedded H2 file database or on an embedded PostgreSQL (zonky, {@code fsync} and
 * {@code synchronous_commit} on). The driver calls the node's own core services ({@link BinderyServer#services()}),
 * not the HTTP API: the same {@link ChangeRequestService} instance the routes call, without TLS, JSON and the TOTP
 * exchange. The approvers' callers are authenticated from their real operator tokens and carry {@code stepUpAt =
 * now}, as a fresh TOTP step-up would leave them.
 *
 * <p>Outside the clock: per re-binding, a level-2 workload owned by team {@code payments} (backup
 * {@code platform}) with an EC P-256 certificate enrolled with a one-time code. Measured, per re-binding: the admin
 * creates a {@code recover} with a CSR for a new key replacing that certificate, the owner and a security officer
 * approve (both stepped up), the admin applies. The throughput counts whole re-bindings (create, two approvals,
 * apply); the apply step's latency is reported on its own.
 *
 * <p>Propagation: one thread, per re-binding a token is issued to the old certificate over mutual TLS
 * ({@code /oauth2/token}), and the SDK ({@link BinderyTokenVerifier} following a {@link RevocationFeed}, long poll)
 * accepts it; then the apply; then the driver calls {@code verify} back to back (50 µs apart) until the SDK refuses
 * the token, and records the time from the apply call returning to that refusal.
 *
 * <p>Usage: {@code java -cp bindery-bench.jar dev.bindery.bench.RebindingBench h2|postgres [--key=value ...]}.
 */
public final class RebindingBench {
  static final String USAGE = """
      usage: java -cp bindery-bench.jar dev.bindery.bench.RebindingBench h2|postgres [options]
        --threads=1,4         worker threads, one throughput phase per value
        --rebindings=300      measured re-bindings per throughput phase
        --warmup=100          warm-up re-bindings before each phase (not measured)
        --propagation=100     re-bindings of the propagation measurement (0 skips it)""";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AUDIENCE = "https://orders.example";
  private static final String REQUEST_ID = "bench";

  /** A workload ready for re-binding: its old key and certificate, and the new key the recover proposes. */
  record Prepared(IdentityId id, KeyPair oldKey, IssuedSvid old, String newCsr) {}

  private final Map<String, String> options;
  private final List<String[]> rows = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private BinderyServer server;
  private ChangeRequestService engine;
  private CredentialService credentials;
  private OperatorService operators;
  private String adminToken;
  private String ownerToken;
  private String officerToken;
  private int serial;

  RebindingBench(Map<String, String> options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 1 || !(args[0].equals("h2") || args[0].equals("postgres"))) {
      System.err.println(USAGE);
      System.exit(2);
    }
    Map<String, String> options = new HashMap<>();
    for (String a : List.of(args).subList(1, args.length)) {
      if (!a.startsWith("--") || !a.contains("=")) {
        System.err.println("unknown argument: " + a + "\n" + USAGE);
        System.exit(2);
      }
      options.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
    }
    RebindingBench bench = new RebindingBench(options);
    bench.run(args[0]);
    Workers.report("Re-binding (" + args[0] + ")", bench.rows, bench.notes);
  }

  private int intOption(String key, int dflt) {
    return Integer.parseInt(options.getOrDefault(key, Integer.toString(dflt)).replace("_", ""));
  }

  /** Runs every phase on a fresh database of {@code store} and fills the rows; deletes the database. */
  void run(String store) throws Exception {
    EmbeddedStores.run(store, "bindery-bench-rebinding", options.toString(), notes, (dir, db, pg) -> runOn(dir, db));
  }

  private void runOn(Path dir, Map<String, String> db) throws Exception {
    Map<String, String> config = new HashMap<>(db);
    config.put(BinderyConfig.DATA_DIR, dir.toString());
    config.put(BinderyConfig.HTTP_PORT, "0");
    config.put(BinderyConfig.TLS_MODE, "dev");
    try (BinderyServer s = BinderyServer.start(BinderyConfig.fromSources(config, Map.of()), Clock.systemUTC())) {
      server = s;
      engine = s.services().changeRequests();
      operators = s.services().operators();
      credentials = s.credentials();
      setUp();
      List<Integer> threads = Stream.of(options.getOrDefault("threads", "1,4").split(","))
          .map(String::trim).map(Integer::parseInt).toList();
      for (int n : threads) {
        throughput(n, intOption("warmup", 100), intOption("rebindings", 300));
      }
      int propagation = intOption("propagation", 100);
      if (propagation > 0) {
        propagation(propagation);
      }
    }
  }

  /** Teams, an owner (member of payments), a security officer, a resource server. */
  private void setUp() throws Exception {
    adminToken = Files.readString(server.bootstrapTokenFile()).strip();
    Caller admin = steppedUp(adminToken);
    operators.createTeam(admin, new TeamId("payments"), "Payments");
    operators.createTeam(admin, new TeamId("platform"), "Platform");
    ownerToken = operators.create(admin, "bench owner", Set.of(), Set.of(new TeamId("payments")),
        OperatorService.DEFAULT_TOKEN_LIFETIME).value().reveal();
    officerToken = operators.create(admin, "bench security officer", EnumSet.of(Role.SECURITY_OFFICER), Set.of(),
        OperatorService.DEFAULT_TOKEN_LIFETIME).value().reveal();
    HttpClient http = HttpClient.newBuilder().sslContext(TlsContexts.trusting(server.caFile()))
        .version(HttpClient.Version.HTTP_1_1).build();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.baseUri().resolve("/api/v1/resource-servers"))
        .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("audience", AUDIENCE,
            "name", "Orders")))).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
      throw new IllegalStateException("resource server: " + r.statusCode() + " " + r.body());
    }
  }

  /** The operator's caller, authenticated from its token, as right after a fresh TOTP step-up. */
  private Caller steppedUp(String token) {
    Caller c = operators.authenticate(token, REQUEST_ID);
    return new Caller(c.operatorId(), c.roles(), c.teams(), c.tokenId(), Instant.now(), REQUEST_ID);
  }

  private Prepared prepare() throws Exception {
    Caller admin = operators.authenticate(adminToken, REQUEST_ID);
    int n;
    synchronized (this) {
      n = ++serial;
    }
    NewIdentity request = new NewIdentity(IdentityKind.WORKLOAD, "rebind-" + n, null, null, null, Map.of(),
        new Ownership(new TeamId("payments"), BackupOwner.team(new TeamId("platform"))),
        Set.of(new Scope("orders.read")), null, 2);
    IdentityId id = server.services().identities().create(admin, request).identity().id();
    KeyPair oldKey = ecKey();
    String code = credentials.createEnrolmentCode(admin, id, null).code().reveal();
    IssuedSvid old = credentials.enrol(code, EnrolmentApiBench.csr(oldKey), REQUEST_ID);
    return new Prepared(id, oldKey, old, EnrolmentApiBench.csr(ecKey()));
  }

  private static KeyPair ecKey() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private ConcurrentLinkedQueue<Prepared> prepareAll(int n) throws Exception {
    ConcurrentLinkedQueue<Prepared> queue = new ConcurrentLinkedQueue<>();
    for (int i = 0; i < n; i++) {
      queue.add(prepare());
    }
    return queue;
  }

  /** Create, two stepped-up approvals; returns the approved request. */
  private ChangeRequest approved(Prepared p) {
    ChangeRequest r = engine.create(steppedUp(adminToken), NewChangeRequest.forCsr(ChangeType.RECOVER, p.id(),
        "recover after a key compromise", p.newCsr(), null, List.of(p.old().credential().credential().id()), false));
    engine.approve(steppedUp(ownerToken), r.id(), ApproverRole.OWNER, "confirmed with the team");
    ChangeRequest a = engine.approve(steppedUp(officerToken), r.id(), ApproverRole.SECURITY_OFFICER, "ok");
    if (a.state() != ChangeState.APPROVED) {
      throw new IllegalStateException("not approved after both approvals: " + a.state() + " " + a.missing());
    }
    return a;
  }

  private AppliedChange apply(ChangeRequest r, Prepared p) {
    AppliedChange applied = engine.apply(steppedUp(adminToken), r.id());
    if (applied.request().state() != ChangeState.APPLIED || applied.svid() == null
        || !applied.revoked().equals(List.of(p.old().credential().credential().id()))) {
      throw new IllegalStateException("apply did not replace the old certificate: " + applied.request().state());
    }
    return applied;
  }

  /** Whole level-2 recovers from {@code threads} threads; the apply step timed on its own. */
  private void throughput(int threads, int warmup, int measured) throws Exception {
    Workers.log("re-binding threads=" + threads + ": preparing " + (warmup + measured) + " enrolled workloads, load="
        + MachineFacts.loadAverage());
    ConcurrentLinkedQueue<Prepared> warm = prepareAll(warmup);
    ConcurrentLinkedQueue<Prepared> queue = prepareAll(measured);
    Histogram ignored = new ConcurrentHistogram(3_600_000_000_000L, 3);
    Workers.run(threads, 3600, warmup, t -> () -> rebind(warm, ignored));
    ConcurrentHistogram applyLatency = new ConcurrentHistogram(3_600_000_000_000L, 3);
    String loadBefore = MachineFacts.loadAverage();
    Workers.Result r = Workers.run(threads, 3600, measured, t -> () -> rebind(queue, applyLatency));
    String loadAfter = MachineFacts.loadAverage();
    if (r.failures() > 0) {
      throw new IllegalStateException(r.failures() + " re-bindings failed");
    }
    String t = Integer.toString(threads);
    rows.add(new String[] {"level-2 recover applied (create + owner and security officer approvals + apply)",
        String.format(Locale.ROOT, "%.1f", r.perSecond()), "re-bindings/s", t});
    rows.add(new String[] {"whole re-binding p50 / p99", r.p50() + " / " + r.p99(), "ms", t});
    rows.add(new String[] {"apply step p50 / p99", Workers.ms(applyLatency.getValueAtPercentile(50)) + " / "
        + Workers.ms(applyLatency.getValueAtPercentile(99)), "ms", t});
    String line = String.format(Locale.ROOT, "%d thread(s): %d re-bindings in %.1f s = %.1f/s, whole p50 %s p99 %s "
            + "ms, apply p50 %s p90 %s p99 %s max %s ms, load %s -> %s", threads, r.ops(), r.elapsedNanos() / 1e9,
        r.perSecond(), r.p50(), r.p99(), Workers.ms(applyLatency.getValueAtPercentile(50)),
        Workers.ms(applyLatency.getValueAtPercentile(90)), Workers.ms(applyLatency.getValueAtPercentile(99)),
        Workers.ms(applyLatency.getMaxValue()), loadBefore, loadAfter);
    Workers.log("  " + line);
    notes.add(line + " (after " + warmup + " warm-up re-bindings)");
  }

  private void rebind(ConcurrentLinkedQueue<Prepared> queue, Histogram applyLatency) {
    Prepared p = queue.poll();
    if (p == null) {
      throw new IllegalStateException("no prepared workload left");
    }
    ChangeRequest r = approved(p);
    long t0 = System.nanoTime();
    apply(r, p);
    applyLatency.recordValue(System.nanoTime() - t0);
  }

  /** Time from the apply call returning to the SDK refusing a token bound to the replaced certificate. */
  private void propagation(int n) throws Exception {
    Workers.log("propagation: " + n + " re-bindings, load=" + MachineFacts.loadAverage());
    String issuer = server.baseUri().toString();
    SSLContext tls = TlsContexts.trusting(server.caFile());
    Histogram h = Workers.histogram();
    String loadBefore = MachineFacts.loadAverage();
    try (RevocationFeed feed = RevocationFeed.builder().issuer(issuer).sslContext(tls).operatorToken(adminToken)
        .longPollWait(Duration.ofSeconds(10)).build()) {
      feed.pollOnce();
      feed.start();
      BinderyTokenVerifier verifier = BinderyTokenVerifier.builder().issuer(issuer).audience(AUDIENCE)
          .sslContext(tls).revocationFeed(feed).build();
      for (int i = 0; i < n; i++) {
        Prepared p = prepare();
        X509Certificate oldCert = p.old().certificate();
        String token = token(p);
        RequestFacts request = RequestFacts.builder("GET", AUDIENCE + "/orders/42").authorization("Bearer " + token)
            .clientCertificate(oldCert).build();
        if (!verifier.verify(request).isAccepted()) {
          throw new IllegalStateException("the SDK refused the token before the re-binding");
        }
        ChangeRequest r = approved(p);
        apply(r, p);
        long applied = System.nanoTime();
        long deadline = applied + Duration.ofSeconds(30).toNanos();
        while (verifier.verify(request).isAccepted()) {
          if (System.nanoTime() - deadline > 0) {
            throw new IllegalStateException("the SDK still accepts the old certificate's token 30 s after apply");
          }
          LockSupport.parkNanos(50_000);
        }
        h.recordValue(System.nanoTime() - applied);
      }
    }
    String loadAfter = MachineFacts.loadAverage();
    rows.add(new String[] {"apply returned → SDK refuses the old certificate's token, p50 / p99 / max",
        Workers.ms(h.getValueAtPercentile(50)) + " / " + Workers.ms(h.getValueAtPercentile(99)) + " / "
            + Workers.ms(h.getMaxValue()), "ms", "1"});
    String line = String.format(Locale.ROOT, "propagation over %d re-bindings: p50 %s p90 %s p99 %s max %s ms, load "
            + "%s -> %s", h.getTotalCount(), Workers.ms(h.getValueAtPercentile(50)),
        Workers.ms(h.getValueAtPercentile(90)), Workers.ms(h.getValueAtPercentile(99)), Workers.ms(h.getMaxValue()),
        loadBefore, loadAfter);
    Workers.log("  " + line);
    notes.add(line + "; the SDK follows the revocation feed by long poll (wait 10 s) and is woken by the commit");
  }

  /** A token for the workload's old certificate: client_credentials over mutual TLS, bound to it. */
  private String token(Prepared p) throws Exception {
    SSLContext mtls = TlsContexts.mutualTls(p.oldKey().getPrivate(), withChain(p.old()),
        Pem.readCertificates(server.caFile()));
    HttpClient client = HttpClient.newBuilder().sslContext(mtls).version(HttpClient.Version.HTTP_1_1).build();
    String form = "grant_type=client_credentials&client_id=" + p.id().value() + "&scope=orders.read&resource="
        + URLEncoder.encode(AUDIENCE, StandardCharsets.UTF_8);
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(server.baseUri().resolve("/oauth2/token"))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form))
        .build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("token: " + r.statusCode() + " " + r.body());
    }
    JsonNode body = JSON.readTree(r.body());
    return body.get("access_token").asText();
  }

  private static List<X509Certificate> withChain(IssuedSvid svid) {
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(svid.certificate());
    chain.addAll(svid.chain());
    return chain;
  }

  List<String[]> rows() {
    return rows;
  }
}
