package dev.bindery.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.bindery.bench.RegistryBench.MachineFacts;
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
import dev.bindery.operator.IssuedToken;
import dev.bindery.operator.OperatorService;
import dev.bindery.operator.Role;
import dev.bindery.operator.TotpEnrolment;
import dev.bindery.security.Caller;
import dev.bindery.security.Totp;
import dev.bindery.server.bootstrap.BinderyServer;
import dev.bindery.server.config.BinderyConfig;
import dev.bindery.server.config.SupportConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
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
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.bouncycastle.util.encoders.Base32;

/**
 * Support desk (issue 6): {@code credential_reset} actions processed per second end to end through the HTTPS API —
 * the agent's request, the supervisor's approval, the apply, the owners' notifications queued.
 *
 * <p>A server runs in this JVM as {@code ./bindery dev} does (dev TLS, the real HTTP stack, CA, audit, outbox and
 * webhook dispatcher), on the embedded H2 file database or on an embedded PostgreSQL (zonky, {@code fsync} and
 * {@code synchronous_commit} on). Unlike {@link RebindingBench}, the measured path is the public API: every call is
 * an HTTPS request (HTTP/1.1 keep-alive, JSON) with an operator token, and the step-ups are real TOTP exchanges
 * ({@code POST /api/v1/operators/me/step-up} with an RFC 6238 code computed from the operator's seed).
 *
 * <p>Outside the clock, through the node's core services: teams {@code payments} (owning) and {@code platform}
 * (backup), each with one webhook; team {@code helpdesk}; per worker thread a {@code service_desk} agent (member of
 * helpdesk) and a {@code supervisor}, each with a confirmed TOTP factor; per action a fresh workload owned by
 * payments with an EC P-256 certificate enrolled with a one-time code. The agents would cross the default
 * "identities per agent" alert threshold (10 per hour) after ten actions, which puts every later action of theirs
 * under supervision and changes what is measured: the driver sets
 * {@code bindery.support.alerts.identities-per-agent} to {@value #IDENTITIES_PER_AGENT} and says so in the report.
 * Every target is reset once, so the "resets per identity" threshold keeps its default.
 *
 * <p>Measured, per action with approval (level-2 target, so a supervisor must sign off): the agent
 * {@code POST /api/v1/support/actions} a {@code credential_reset} with complete evidence (answer {@code pending},
 * supervisor required; owners notified {@code support.requested}); the supervisor
 * {@code POST /api/v1/support/actions/{id}/approve}, whose transaction applies it (answer {@code applied}: the
 * enrolled certificate revoked, a temporary enrolment code issued and sealed into the owners' outbox, notified
 * {@code support.approved} and {@code support.applied}). Without approval (level-1 target): the create alone, applied
 * in its transaction. The driver checks every answer (state, the revoked credential, the issued code's kind), and
 * after each phase, outside the clock, that every action's notifications are in the outbox.
 *
 * <p>Delivery ({@code --delivery}): {@code loopback} (default) registers the webhooks on a receiver on
 * 127.0.0.1 (plain http, {@code bindery.notify.allow-loopback-http=true}) and leaves the node's dispatcher running,
 * so deliveries (HMAC-signed POSTs) happen during the phase on the same cores; after the phase the driver waits
 * until the receiver has every enrolment code. {@code pending} turns the dispatcher off
 * ({@code bindery.notify.enabled=false}): the notifications stay queued.
 *
 * <p>Usage: {@code java -cp bindery-bench.jar dev.bindery.bench.SupportBench h2|postgres [--key=value ...]}.
 */
public final class SupportBench {
  static final String USAGE = """
      usage: java -cp bindery-bench.jar dev.bindery.bench.SupportBench h2|postgres [options]
        --threads=1,4            worker threads (one agent and one supervisor each), one phase per value
        --actions=600            measured actions with supervisor approval per phase (0 skips them)
        --direct=600             measured actions without approval (level-1 target) per phase (0 skips them)
        --warmup=100             warm-up actions before each phase (not measured)
        --jit-warmup=300         actions of each kind with the most threads before the first phase, so that
                                 the first phase does not pay for the JIT compiling the server (0 skips it)
        --delivery=loopback      loopback (webhooks to a receiver on 127.0.0.1, dispatcher on) or pending
                                 (dispatcher off, notifications stay queued)""";

  static final String IDENTITIES_PER_AGENT = "1000000/1h";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REQUEST_ID = "bench";
  private static final String TICKET = "INC-4711";
  private static final int PREPARE_THREADS = 4;
  private static final List<String> OWNER_TEAMS = List.of("payments", "platform");
  /** A step-up is renewed when less than this is left of it, so that a phase rarely renews one mid-action. */
  private static final Duration STEP_UP_MARGIN = Duration.ofSeconds(90);

  /** A target ready for a reset: the workload and the credential the reset must revoke. */
  record Target(String identityId, String credentialId) {}

  /**
   * The step latencies of a phase: the request (create) step, also split into the first and the second half of the
   * phase's actions (the "identities per agent" check counts the agent's actions within the window, which grow
   * during a phase), and the approval step.
   */
  record Timings(Histogram create, Histogram createFirstHalf, Histogram createSecondHalf, Histogram approve,
      AtomicInteger started, int half) {
    static Timings of(int measured) {
      return new Timings(histogram(), histogram(), histogram(), histogram(), new AtomicInteger(), measured / 2);
    }

    private static Histogram histogram() {
      return new ConcurrentHistogram(3_600_000_000_000L, 3);
    }

    void created(int sequence, long nanos) {
      create.recordValue(nanos);
      (sequence < half ? createFirstHalf : createSecondHalf).recordValue(nanos);
    }
  }

  /** An operator with a token and a TOTP seed; steps up over HTTPS when its step-up is close to running out. */
  final class Operator {
    final String id;
    final String token;
    private final byte[] seed;
    private long lastStep;
    private Instant validUntil = Instant.EPOCH;

    Operator(String id, String token, byte[] seed, long lastStep) {
      this.id = id;
      this.token = token;
      this.seed = seed;
      this.lastStep = lastStep;
    }

    /**
     * A fresh step-up for at least {@link #STEP_UP_MARGIN}: a TOTP code for a step after the last one used (a code
     * works once), at most one step ahead of the clock (the server accepts one step of drift).
     */
    synchronized void stepUpIfNeeded() {
      Instant now = Instant.now();
      if (validUntil.minus(STEP_UP_MARGIN).isAfter(now)) {
        return;
      }
      long step = Math.max(lastStep + 1, Totp.step(now));
      while (step > Totp.step(Instant.now()) + Totp.DRIFT_STEPS) {
        sleepMillis(200);
      }
      JsonNode r = call("POST", "/api/v1/operators/me/step-up", token, Map.of("code",
          Totp.standard().code(seed, step)), 200);
      lastStep = step;
      validUntil = Instant.parse(r.get("step_up_valid_until").asText());
      stepUps.incrementAndGet();
    }
  }

  private final Map<String, String> options;
  private final List<String[]> rows = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final AtomicInteger stepUps = new AtomicInteger();
  private final boolean loopback;
  private BinderyServer server;
  private HttpClient http;
  private URI base;
  private String adminToken;
  private CredentialService credentials;
  private OperatorService operators;
  private Receiver receiver;
  private final List<Operator> agents = new ArrayList<>();
  private final List<Operator> supervisors = new ArrayList<>();
  private final AtomicInteger serial = new AtomicInteger();
  private PostgresCpu postgresCpu;
  private long expectedEnrolmentCodes;

  SupportBench(Map<String, String> options) {
    this.options = options;
    String delivery = options.getOrDefault("delivery", "loopback");
    if (!delivery.equals("loopback") && !delivery.equals("pending")) {
      throw new IllegalArgumentException("--delivery must be loopback or pending, not " + delivery);
    }
    this.loopback = delivery.equals("loopback");
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 1 || !(args[0].equals("h2") || args[0].equals("postgres"))) {
      System.err.println(USAGE);
      System.exit(2);
    }
    SupportBench bench = new SupportBench(Workers.options(args, 1, USAGE));
    bench.run(args[0]);
    Workers.report("Support desk (" + args[0] + ")", bench.rows, bench.notes);
  }

  private int intOption(String key, int dflt) {
    return Integer.parseInt(options.getOrDefault(key, Integer.toString(dflt)).replace("_", ""));
  }

  /** Runs every phase on a fresh database of {@code store} and fills the rows; deletes the database. */
  void run(String store) throws Exception {
    EmbeddedStores.run(store, "bindery-bench-support", options.toString(), notes, (dir, db, pg) -> {
      notes.add("the client threads share the JVM and the cores with the server");
      if (pg != null) {
        postgresCpu = PostgresCpu.of(pg.getPostgresDatabase());
        notes.add("the PostgreSQL server's CPU (postmaster " + postgresCpu.postmasterPid() + " and its children, "
            + "from /proc) is reported on its own");
      }
      runOn(dir, db);
    });
  }

  private void runOn(Path dir, Map<String, String> db) throws Exception {
    Map<String, String> config = new HashMap<>(db);
    config.put(BinderyConfig.DATA_DIR, dir.toString());
    config.put(BinderyConfig.HTTP_PORT, "0");
    config.put(BinderyConfig.TLS_MODE, "dev");
    config.put(SupportConfig.IDENTITIES_PER_AGENT, IDENTITIES_PER_AGENT);
    if (loopback) {
      config.put(BinderyConfig.NOTIFY_ALLOW_LOOPBACK_HTTP, "true");
    } else {
      config.put(BinderyConfig.NOTIFY_ENABLED, "false");
    }
    notes.add("bindery.support.alerts.identities-per-agent=" + IDENTITIES_PER_AGENT + " (default 10/1h: every "
        + "agent acts on hundreds of identities within the hour, which would raise an alert and put them under "
        + "supervision); every other setting at its default (step-up window 300 s)");
    try (Receiver r = loopback ? new Receiver() : null;
        BinderyServer s = BinderyServer.start(BinderyConfig.fromSources(config, Map.of()), Clock.systemUTC())) {
      server = s;
      receiver = r;
      base = s.baseUri();
      http = HttpClient.newBuilder().sslContext(TlsContexts.trusting(s.caFile()))
          .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
      operators = s.services().operators();
      credentials = s.credentials();
      List<Integer> threads = Stream.of(options.getOrDefault("threads", "1,4").split(","))
          .map(String::trim).map(Integer::parseInt).toList();
      setUp(threads.stream().max(Integer::compare).orElse(1));
      notes.add(loopback
          ? "delivery: webhooks of payments and platform point at a receiver on 127.0.0.1 (plain http, answers 204); "
              + "the node's dispatcher (poll every 2 s, batches of 20) delivers during the phases on the same cores"
          : "delivery: dispatcher off (bindery.notify.enabled=false); notifications stay queued in the outbox");
      jitWarmup(threads.stream().max(Integer::compare).orElse(1), intOption("jit-warmup", 300));
      int warmup = intOption("warmup", 100);
      for (int n : threads) {
        int approved = intOption("actions", 600);
        if (approved > 0) {
          phase(n, true, warmup, approved);
        }
        int direct = intOption("direct", 600);
        if (direct > 0) {
          phase(n, false, warmup, direct);
        }
      }
      notes.add(stepUps.get() + " TOTP step-ups over HTTPS in all (each agent and supervisor steps up when less than "
          + STEP_UP_MARGIN.toSeconds() + " s of the 300 s window is left; a renewal inside a measured action counts "
          + "in that action's time)");
    }
  }

  /** Teams with webhooks, the agents and supervisors with TOTP. */
  private void setUp(int workers) throws Exception {
    adminToken = Files.readString(server.bootstrapTokenFile()).strip();
    Caller admin = steppedUp(adminToken);
    for (String team : List.of("payments", "platform", "helpdesk")) {
      operators.createTeam(admin, new TeamId(team), team);
    }
    for (String team : OWNER_TEAMS) {
      String url = loopback ? receiver.url("/hook/" + team) : "https://" + team + ".example/bindery-hook";
      server.notifications().registerWebhook(admin, new TeamId(team), url);
    }
    for (int i = 0; i < workers; i++) {
      agents.add(operator(admin, "bench agent " + i, Role.SERVICE_DESK, Set.of(new TeamId("helpdesk"))));
      supervisors.add(operator(admin, "bench supervisor " + i, Role.SUPERVISOR, Set.of()));
    }
  }

  /** An operator with {@code role}, a token, and a TOTP factor confirmed with the current step's code. */
  private Operator operator(Caller admin, String name, Role role, Set<TeamId> teams) {
    IssuedToken issued = operators.create(admin, name, EnumSet.of(role), teams,
        OperatorService.DEFAULT_TOKEN_LIFETIME);
    String token = issued.value().reveal();
    Caller self = operators.authenticate(token, REQUEST_ID);
    TotpEnrolment enrolment = operators.enrolTotp(self);
    // a 160-bit seed is 32 base32 characters, so it needs no padding
    byte[] seed = Base32.decode(enrolment.seedBase32().reveal());
    long step = Totp.step(Instant.now());
    operators.confirmTotp(self, Totp.standard().code(seed, step));
    return new Operator(self.operatorId().value(), token, seed, step);
  }

  /** The admin's caller for the set-up, as right after a fresh TOTP step-up. */
  private Caller steppedUp(String token) {
    Caller c = operators.authenticate(token, REQUEST_ID);
    return new Caller(c.operatorId(), c.roles(), c.teams(), c.tokenId(), Instant.now(), REQUEST_ID);
  }

  /**
   * {@code n} workloads at {@code level}, each with an enrolled EC P-256 certificate, made on
   * {@link #PREPARE_THREADS} threads through the core services.
   */
  private ConcurrentLinkedQueue<Target> prepare(int n, int level) throws Exception {
    Caller admin = operators.authenticate(adminToken, REQUEST_ID);
    ConcurrentLinkedQueue<Target> queue = new ConcurrentLinkedQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(PREPARE_THREADS);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        futures.add(pool.submit(() -> {
          NewIdentity request = new NewIdentity(IdentityKind.WORKLOAD, "support-" + serial.incrementAndGet(), null,
              null, null, Map.of(), new Ownership(new TeamId("payments"), BackupOwner.team(new TeamId("platform"))),
              Set.of(new Scope("orders.read")), null, level);
          IdentityId id = server.services().identities().create(admin, request).identity().id();
          String code = credentials.createEnrolmentCode(admin, id, null).code().reveal();
          KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
          generator.initialize(new ECGenParameterSpec("secp256r1"));
          IssuedSvid svid = credentials.enrol(code, EnrolmentApiBench.csr(generator.generateKeyPair()), REQUEST_ID);
          queue.add(new Target(id.value(), svid.credential().credential().id().value()));
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    return queue;
  }

  /** Actions of both kinds with {@code threads} workers before any phase; not measured. */
  private void jitWarmup(int threads, int n) throws Exception {
    if (n <= 0) {
      return;
    }
    Workers.log("JIT warm-up: " + n + " actions of each kind with " + threads + " threads, load="
        + MachineFacts.loadAverage());
    long begin = System.nanoTime();
    for (boolean approval : List.of(true, false)) {
      ConcurrentLinkedQueue<Target> targets = prepare(n, approval ? 2 : 1);
      Timings ignored = Timings.of(n);
      Workers.Result r = Workers.run(threads, 3600, n, t -> () -> action(t, targets, approval, ignored));
      requireNoFailures(r, "JIT warm-up");
      expectedEnrolmentCodes += r.ops() * OWNER_TEAMS.size();
    }
    notes.add(String.format(Locale.ROOT, "JIT warm-up before the first phase: %d actions of each kind with %d "
        + "threads (%.0f s with their preparation)", n, threads, (System.nanoTime() - begin) / 1e9));
  }

  /** One measured phase: warm-up, then {@code measured} actions from {@code threads} workers. */
  private void phase(int threads, boolean approval, int warmup, int measured) throws Exception {
    String kind = approval ? "with approval" : "without approval";
    Workers.log("support " + kind + " threads=" + threads + ": preparing " + (warmup + measured)
        + " enrolled workloads, load=" + MachineFacts.loadAverage());
    ConcurrentLinkedQueue<Target> warm = prepare(warmup, approval ? 2 : 1);
    ConcurrentLinkedQueue<Target> queue = prepare(measured, approval ? 2 : 1);
    List<Target> targets = List.copyOf(queue);
    Timings ignored = Timings.of(warmup);
    Workers.Result w = Workers.run(threads, 3600, warmup, t -> () -> action(t, warm, approval, ignored));
    expectedEnrolmentCodes += w.ops() * OWNER_TEAMS.size();
    requireNoFailures(w, "warm-up");
    for (int t = 0; t < threads; t++) {
      agents.get(t).stepUpIfNeeded();
      supervisors.get(t).stepUpIfNeeded();
    }
    Timings timings = Timings.of(measured);
    Histogram create = timings.create();
    Histogram approve = timings.approve();
    long gcBefore = gcMillis();
    int stepUpsBefore = stepUps.get();
    String loadBefore = MachineFacts.loadAverage();
    long pgBefore = postgresCpu == null ? 0 : postgresCpu.nanos();
    CpuTime.Snapshot cpuBefore = CpuTime.Snapshot.now();
    long deliveredBefore = loopback ? receiver.total() : 0;
    long phaseStart = System.nanoTime();
    Workers.Result r = Workers.run(threads, 3600, measured, t -> () -> action(t, queue, approval, timings));
    CpuTime.Snapshot cpuAfter = CpuTime.Snapshot.now();
    long pgCpu = postgresCpu == null ? 0 : postgresCpu.nanos() - pgBefore;
    String loadAfter = MachineFacts.loadAverage();
    long phaseEnd = System.nanoTime();
    requireNoFailures(r, "measured phase");
    expectedEnrolmentCodes += r.ops() * OWNER_TEAMS.size();
    int queuedPerAction = verifyNotifications(targets, approval);
    String drained = loopback ? awaitDeliveries(phaseStart, phaseEnd, deliveredBefore)
        : "not delivered (dispatcher off)";

    String t = Integer.toString(threads);
    double cpuPerAction = cpuAfter.processSince(cpuBefore) / 1e6 / Math.max(1, r.ops());
    if (approval) {
      rows.add(new String[] {"level-2 credential_reset completed (agent's request + supervisor's approval, which "
          + "applies it)", String.format(Locale.ROOT, "%.1f", r.perSecond()), "actions/s", t});
      rows.add(new String[] {"whole action p50 / p99", r.p50() + " / " + r.p99(), "ms", t});
      rows.add(new String[] {"request step (agent: POST /support/actions → pending) p50 / p99",
          Workers.ms(create.getValueAtPercentile(50)) + " / " + Workers.ms(create.getValueAtPercentile(99)), "ms", t});
      rows.add(new String[] {"approval step (supervisor: POST .../approve → applied) p50 / p99",
          Workers.ms(approve.getValueAtPercentile(50)) + " / " + Workers.ms(approve.getValueAtPercentile(99)), "ms",
          t});
    } else {
      rows.add(new String[] {"level-1 credential_reset applied at create (no approval)",
          String.format(Locale.ROOT, "%.1f", r.perSecond()), "actions/s", t});
      rows.add(new String[] {"level-1 action p50 / p99", r.p50() + " / " + r.p99(), "ms", t});
    }
    rows.add(new String[] {"JVM CPU per action " + kind + " (server, client, dispatcher, receiver)",
        String.format(Locale.ROOT, "%.1f", cpuPerAction), "ms", t});
    double pgPerAction = pgCpu / 1e6 / Math.max(1, r.ops());
    if (postgresCpu != null) {
      rows.add(new String[] {"PostgreSQL server CPU per action " + kind, String.format(Locale.ROOT, "%.1f",
          pgPerAction), "ms", t});
    }
    String line = String.format(Locale.ROOT, "%s, %d thread(s): %d actions in %.1f s = %.1f/s, whole p50 %s p90 %s "
            + "p99 %s max %s ms%s, JVM CPU %.1f ms per action%s, %d notifications queued per action, deliveries: "
            + "%s, step-ups renewed during the phase %d, load %s -> %s", kind, threads, r.ops(),
        r.elapsedNanos() / 1e9, r.perSecond(), r.p50(), Workers.ms(r.latency().getValueAtPercentile(90)), r.p99(),
        Workers.ms(r.latency().getMaxValue()), approval ? String.format(Locale.ROOT, " (request p50 %s p99 %s, "
            + "approval p50 %s p99 %s)", Workers.ms(create.getValueAtPercentile(50)),
            Workers.ms(create.getValueAtPercentile(99)), Workers.ms(approve.getValueAtPercentile(50)),
            Workers.ms(approve.getValueAtPercentile(99))) : "", cpuPerAction, postgresCpu == null ? ""
            : String.format(Locale.ROOT, " and PostgreSQL CPU %.1f ms per action", pgPerAction), queuedPerAction,
        drained,
        stepUps.get() - stepUpsBefore, loadBefore, loadAfter);
    Workers.log("  " + line);
    notes.add(line + " (after " + w.ops() + " warm-up actions)");
    notes.add(String.format(Locale.ROOT, "%s, %d thread(s): JVM CPU per action by thread group (ms): %s; JIT "
            + "compilation %d ms and GC pauses %d ms during the phase; request step p50 first / second half of the "
            + "phase %s / %s ms", kind, threads,
        cpuAfter.perOpByGroupSince(cpuBefore, r.ops(), 2).replaceAll("MVStore background writer \\S+",
            "MVStore background writer"), cpuAfter.jitMillisSince(cpuBefore), gcMillis() - gcBefore,
        Workers.ms(timings.createFirstHalf().getValueAtPercentile(50)),
        Workers.ms(timings.createSecondHalf().getValueAtPercentile(50))));
  }

  /** Milliseconds the collectors have spent in collections so far (G1: the pauses). */
  private static long gcMillis() {
    return java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(b -> Math.max(0, b.getCollectionTime())).sum();
  }

  private static void requireNoFailures(Workers.Result r, String what) {
    if (r.failures() > 0) {
      throw new IllegalStateException(r.failures() + " support actions failed in the " + what + " (see stderr)");
    }
  }

  /**
   * One support action on the next target by worker {@code t}'s agent (and supervisor): every answer checked, the
   * step latencies recorded.
   */
  private void action(int t, ConcurrentLinkedQueue<Target> queue, boolean approval, Timings timings) {
    Target target = queue.poll();
    if (target == null) {
      throw new IllegalStateException("no prepared target left");
    }
    Operator agent = agents.get(t);
    Operator supervisor = supervisors.get(t);
    agent.stepUpIfNeeded();
    long t0 = System.nanoTime();
    JsonNode created = call("POST", "/api/v1/support/actions", agent.token, body(target, supervisor), 201);
    timings.created(timings.started().getAndIncrement(), System.nanoTime() - t0);
    if (!approval) {
      requireApplied(created, target);
      return;
    }
    if (!created.path("state").asText().equals("pending")
        || !created.path("required").path("approvals").toString().equals("[\"supervisor\"]")) {
      throw new IllegalStateException("expected a pending action waiting for a supervisor: " + created);
    }
    supervisor.stepUpIfNeeded();
    long t1 = System.nanoTime();
    JsonNode approved = call("POST", "/api/v1/support/actions/" + created.get("id").asText() + "/approve",
        supervisor.token, Map.of("comment", "called the owner back"), 200);
    timings.approve().recordValue(System.nanoTime() - t1);
    requireApplied(approved, target);
  }

  private static void requireApplied(JsonNode action, Target target) {
    JsonNode result = action.path("result");
    if (!action.path("state").asText().equals("applied")
        || !result.path("revoked_credentials").toString().equals("[\"" + target.credentialId() + "\"]")
        || !result.path("issued").path(0).path("kind").asText().equals("enrolment_code")) {
      throw new IllegalStateException("the reset did not revoke the certificate and issue a code: " + action);
    }
  }

  /** A credential_reset of {@code target} with complete evidence, verified by call-back by the supervisor. */
  private static Map<String, Object> body(Target target, Operator verifiedBy) {
    Map<String, Object> verification = new LinkedHashMap<>();
    verification.put("method", "callback");
    verification.put("reference", "call log #17");
    verification.put("verified_by", verifiedBy.id);
    verification.put("verified_at", Instant.now().minus(Duration.ofMinutes(10)).toString());
    Map<String, Object> evidence = new LinkedHashMap<>();
    evidence.put("ticket", TICKET);
    evidence.put("claimed_requester", "Jane Doe, payments on-call");
    evidence.put("verification", verification);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "credential_reset");
    body.put("target", "identity:" + target.identityId());
    body.put("reason", "the workload's key is lost, " + TICKET);
    body.put("evidence", evidence);
    return body;
  }

  /**
   * Outside the clock: every target's outbox rows, read through {@code GET /api/v1/notifications?identity=}, hold the
   * action's events for both owner teams, the enrolment code among them. Returns the rows per action.
   */
  private int verifyNotifications(List<Target> targets, boolean approval) {
    List<String> expected = new ArrayList<>(List.of("support.applied", "support.enrolment_code"));
    if (approval) {
      expected.addAll(List.of("support.requested", "support.approved"));
    }
    long rowsQueued = 0;
    for (Target target : targets) {
      JsonNode page = call("GET", "/api/v1/notifications?limit=500&identity=" + target.identityId(), adminToken, null,
          200);
      Map<String, Integer> seen = new TreeMap<>();
      for (JsonNode n : page.get("items")) {
        seen.merge(n.get("event").asText() + "@" + n.get("team").asText(), 1, Integer::sum);
        if (n.get("event").asText().equals("support.enrolment_code")
            && !n.path("carries").asText().equals("enrolment_code")) {
          throw new IllegalStateException("the enrolment code notification carries no code: " + n);
        }
        rowsQueued++;
      }
      for (String event : expected) {
        for (String team : OWNER_TEAMS) {
          if (seen.getOrDefault(event + "@" + team, 0) != 1) {
            throw new IllegalStateException("identity " + target.identityId() + ": expected one " + event + " to "
                + team + ", the outbox holds " + seen);
          }
        }
      }
    }
    return (int) (rowsQueued / Math.max(1, targets.size()));
  }

  /**
   * Waits (at most 5 minutes) until the receiver has every enrolment code queued so far; says how long it took, and
   * how many webhook deliveries (of every event) the receiver got per second from the phase's start until then.
   */
  private String awaitDeliveries(long phaseStart, long phaseEnd, long deliveredBefore) {
    long deadline = phaseEnd + Duration.ofMinutes(5).toNanos();
    while (receiver.count("support.enrolment_code") < expectedEnrolmentCodes) {
      if (System.nanoTime() - deadline > 0) {
        return String.format(Locale.ROOT, "only %d of %d enrolment codes delivered 5 minutes after the phase",
            receiver.count("support.enrolment_code"), expectedEnrolmentCodes);
      }
      sleepMillis(50);
    }
    long now = System.nanoTime();
    long delivered = receiver.total() - deliveredBefore;
    return String.format(Locale.ROOT, "all %d enrolment codes so far delivered %.1f s after the phase ended (%d "
        + "webhook deliveries from the phase's start until then: %.0f/s)", expectedEnrolmentCodes,
        (now - phaseEnd) / 1e9, delivered, delivered / ((now - phaseStart) / 1e9));
  }

  /** A JSON call with {@code token}; anything but {@code expected} fails the driver. */
  private JsonNode call(String method, String path, String token, Map<String, ?> body, int expected) {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
          .header("Authorization", "Bearer " + token);
      if (body == null) {
        b.GET();
      } else {
        b.header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
      }
      HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != expected) {
        throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + ": "
            + new String(r.body(), StandardCharsets.UTF_8));
      }
      return r.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(r.body());
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void sleepMillis(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** A webhook endpoint on 127.0.0.1 that answers 204 and counts deliveries by {@code Bindery-Event}. */
  static final class Receiver implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "bench-webhook-receiver");
      t.setDaemon(true);
      return t;
    });
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    Receiver() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.setExecutor(executor);
      server.createContext("/", exchange -> {
        try (InputStream in = exchange.getRequestBody()) {
          in.readAllBytes();
          String event = exchange.getRequestHeaders().getFirst("Bindery-Event");
          counts.computeIfAbsent(event == null ? "" : event, k -> new AtomicLong()).incrementAndGet();
          exchange.sendResponseHeaders(204, -1);
        } finally {
          exchange.close();
        }
      });
      server.start();
    }

    String url(String path) {
      return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    long total() {
      return counts.values().stream().mapToLong(AtomicLong::get).sum();
    }

    long count(String event) {
      AtomicLong c = counts.get(event);
      return c == null ? 0 : c.get();
    }

    @Override
    public void close() {
      server.stop(0);
      executor.shutdownNow();
    }
  }

  List<String[]> rows() {
    return rows;
  }

  List<String> notes() {
    return notes;
  }
}
