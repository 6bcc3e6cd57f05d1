package dev.bindery.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.bindery.store.Transactor;
import dev.bindery.store.Tx;
import java.util.function.Function;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

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

  private Database(HikariDataSource dataSource) {
    this.dataSource = dataSource;
    this.jdbi = Jdbi.create(dataSource);
    this.transactor = new JdbiTransactor(jdbi, revocationListeners);
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
    return new Database(ds);
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
    dataSource.close();
  }

  private static final class JdbiTransactor implements Transactor {
    private final Jdbi jdbi;
    private final Runnable revocationCommitted;

    JdbiTransactor(Jdbi jdbi, Runnable revocationCommitted) {
      this.jdbi = jdbi;
      this.revocationCommitted = revocationCommitted;
    }

    @Override
    public <T> T inTransaction(Function<Tx, T> work) {
      // READ COMMITTED is the pool's setting for every connection (see open). Naming the level here again made
      // Jdbi read and restore it around each transaction, which the PostgreSQL driver answers with a
      // SHOW TRANSACTION ISOLATION LEVEL round trip: six extra round trips per transaction (bindery-bench).
      return jdbi.inTransaction(h -> work.apply(new JdbcTx(h, revocationCommitted)));
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
}
