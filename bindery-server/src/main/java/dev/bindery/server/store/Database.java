package dev.bindery.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.bindery.store.ChangeTracker;
import dev.bindery.store.StoreChanges;
import dev.bindery.store.Transactor;
import dev.bindery.store.Tx;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;

/**
 * The JDBC store: a HikariCP pool, Flyway migrations applied at open (plain SQL: {@code db/migration} for
 * both H2 and PostgreSQL, plus the database's own {@code db/vendor/h2} or {@code db/vendor/postgresql}), and a
 * {@link Transactor} over Jdbi. Several Bindery nodes may share one PostgreSQL
 * database: consistency comes from row locks (the audit head) and optimistic versions, not from the JVM.
 */
public final class Database implements AutoCloseable {
  private final HikariDataSource dataSource;
  private final Jdbi jdbi;
  private final Transactor transactor;

  private final RevocationListeners revocationListeners = new RevocationListeners();

  /**
   * How often {@link #watchOtherNodes} re-reads the audit chain head; the same interval as the revocation feed's
   * re-read for other nodes' events.
   */
  public static final Duration WATCH_INTERVAL = Duration.ofMillis(200);
  /** Caches are bypassed when the head was not read for this long (the watcher is stuck or the store is away). */
  public static final Duration WATCH_MAX_SILENCE = Duration.ofSeconds(1);

  private final ChangeTracker changes;
  private ScheduledExecutorService watcher;
  private volatile boolean watchFailing;

  private Database(HikariDataSource dataSource, LongSupplier nanoTime) {
    this.dataSource = dataSource;
    this.jdbi = Jdbi.create(dataSource);
    this.changes = new ChangeTracker(WATCH_MAX_SILENCE, nanoTime);
    this.transactor = new JdbiTransactor(jdbi, revocationListeners, changes);
  }

  /**
   * Starts re-reading the audit chain head every {@link #WATCH_INTERVAL}, so that this node's caches of store reads
   * ({@link Transactor#changes()}) drop what other nodes sharing the database changed: every state change appends an
   * audit event in the same transaction, so the head moves with every commit that changed anything. Until the first
   * read, and whenever reads stop for
   * {@link #WATCH_MAX_SILENCE}, nothing is cached. Without this watcher nothing is cached at all. Stopped by
   * {@link #close()}.
   */
  public synchronized void watchOtherNodes() {
    if (watcher != null) {
      return;
    }
    watcher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bindery-store-watch");
      t.setDaemon(true);
      return t;
    });
    watcher.scheduleWithFixedDelay(this::readHeadOnce, 0, WATCH_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * One read of the audit chain head for {@link ChangeTracker#observedHead}. A failure is skipped (the tracker stops
   * allowing cached reads once the silence lasts {@link #WATCH_MAX_SILENCE}); it is logged when reads start failing
   * and when they work again, not every time.
   */
  void readHeadOnce() {
    long started = changes.now();
    try {
      long head = transactor.read(t -> t.audit().head()).seq();
      changes.observedHead(head, started);
      if (watchFailing) {
        watchFailing = false;
        org.slf4j.LoggerFactory.getLogger(Database.class).info("event=store_watch_recovered");
      }
    } catch (RuntimeException e) {
      if (!watchFailing) {
        watchFailing = true;
        org.slf4j.LoggerFactory.getLogger(Database.class).warn("event=store_watch_failed exception={} "
            + "(store reads are not cached until the audit head can be read again)", e.getClass().getName());
      }
    }
  }

  /**
   * Runs {@code listener} after the commit of every transaction of this process that appended a revocation event
   * (the revocation feed wakes its waiting readers with it). Events of other nodes are not announced: readers poll.
   */
  public void onRevocationCommitted(Runnable listener) {
    revocationListeners.add(listener);
  }

  /** The listeners of {@link #onRevocationCommitted}; a failing listener is logged and does not stop the others. */
  private static final class RevocationListeners implements Runnable {
    private final java.util.List<Runnable> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    void add(Runnable listener) {
      listeners.add(java.util.Objects.requireNonNull(listener));
    }

    @Override
    public void run() {
      for (Runnable r : listeners) {
        try {
          r.run();
        } catch (RuntimeException e) {
          org.slf4j.LoggerFactory.getLogger(Database.class).warn("event=revocation_listener_failed exception={}",
              e.getClass().getName(), e);
        }
      }
    }
  }

  /** Opens the pool and applies pending migrations; fails with a clear message if the database is unreachable. */
  public static Database open(JdbcSettings settings) {
    return open(settings, System::nanoTime);
  }

  /** As {@link #open(JdbcSettings)}, with the monotonic clock of the watcher's silence limit (tests control it). */
  static Database open(JdbcSettings settings, LongSupplier nanoTime) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(settings.url());
    config.setUsername(settings.user());
    config.setPassword(settings.password());
    config.setMaximumPoolSize(settings.poolSize());
    config.setPoolName("bindery");
    config.setAutoCommit(true);
    config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    HikariDataSource ds;
    try {
      ds = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot connect to the database at " + settings.url() + ": "
          + rootMessage(e), e);
    }
    try {
      Flyway.configure()
          .dataSource(ds)
          .locations(MIGRATIONS, vendorMigrations(settings))
          .failOnMissingLocations(true)
          .load()
          .migrate();
    } catch (RuntimeException e) {
      ds.close();
      throw new IllegalStateException("database migration failed: " + rootMessage(e), e);
    }
    return new Database(ds, nanoTime);
  }

  /** Migrations for every database; version numbers are shared with the vendor folders below. */
  static final String MIGRATIONS = "classpath:db/migration";

  /**
   * Migrations that differ between H2 and PostgreSQL (for example PostgreSQL-only index operator classes): the
   * same version exists once in each vendor folder, and never in {@link #MIGRATIONS}. Outside
   * {@code db/migration} because Flyway searches a location's subfolders too.
   */
  static String vendorMigrations(JdbcSettings settings) {
    return "classpath:db/vendor/" + (settings.postgres() ? "postgresql" : "h2");
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  public Transactor transactor() {
    return transactor;
  }

  public DataSource dataSource() {
    return dataSource;
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  @Override
  public void close() {
    synchronized (this) {
      if (watcher != null) {
        watcher.shutdownNow();
      }
    }
    dataSource.close();
  }

  private static final class JdbiTransactor implements Transactor {
    private final Jdbi jdbi;
    private final Runnable revocationCommitted;
    private final ChangeTracker changes;

    JdbiTransactor(Jdbi jdbi, Runnable revocationCommitted, ChangeTracker changes) {
      this.jdbi = jdbi;
      this.revocationCommitted = revocationCommitted;
      this.changes = changes;
    }

    @Override
    public <T> T inTransaction(Function<Tx, T> work) {
      WriteMarker writes = new WriteMarker(changes);
      try {
        // READ COMMITTED is the pool's setting for every connection (see open). Naming the level here again made
        // Jdbi read and restore it around each transaction, which the PostgreSQL driver answers with a
        // SHOW TRANSACTION ISOLATION LEVEL round trip: six extra round trips per transaction (bindery-bench).
        return jdbi.inTransaction(h -> {
          h.addCustomizer(writes);
          return work.apply(new JdbcTx(h, revocationCommitted));
        });
      } finally {
        writes.transactionEnded();
      }
    }

    @Override
    public StoreChanges changes() {
      return changes;
    }

    @Override
    public boolean ping() {
      try {
        return jdbi.withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one()) == 1;
      } catch (RuntimeException e) {
        return false;
      }
    }
  }

  /**
   * Tells the {@link ChangeTracker} that a transaction writes, before its first statement that is not a plain
   * {@code SELECT} runs (so before the commit), and that it ended. Statements that only record when a credential or
   * an operator token was last used are not changes for the caches: nothing cached depends on them, and counting
   * them would drop every cache once a minute per active credential.
   */
  static final class WriteMarker implements StatementCustomizer {
    private static final Pattern USE_RECORD = Pattern.compile(
        "UPDATE (credentials|operator_tokens) SET last_used_at = :at WHERE id = :id"
            + "( AND \\(last_used_at IS NULL OR last_used_at < :at\\))?");
    private final ChangeTracker changes;
    private boolean wrote;

    WriteMarker(ChangeTracker changes) {
      this.changes = changes;
    }

    @Override
    public void beforeExecution(PreparedStatement statement, StatementContext ctx) {
      if (!wrote && writes(ctx.getRawSql())) {
        wrote = true;
        changes.writeStarted();
      }
    }

    static boolean writes(String sql) {
      String s = sql.strip();
      boolean select = s.regionMatches(true, 0, "SELECT", 0, 6) && (s.length() == 6 || !Character.isLetterOrDigit(
          s.charAt(6)));
      return !select && !USE_RECORD.matcher(s).matches();
    }

    void transactionEnded() {
      if (wrote) {
        changes.writeEnded();
      }
    }
  }
}
