package dev.bindery.server.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fresh, empty databases for tests. H2: a new in-memory database. PostgreSQL: a new schema on the server named
 * by {@code BINDERY_TEST_POSTGRES_URL} (with {@code BINDERY_TEST_POSTGRES_USER}/{@code _PASSWORD}), or else on
 * one embedded PostgreSQL started for the test JVM. If PostgreSQL cannot start or cannot be reached, the call
 * throws {@link IllegalStateException}, so the test fails: it never skips (see {@code TestDatabasesTest}).
 */
public final class TestDatabases {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final Pattern POSTGRES_URL = Pattern.compile("(jdbc:postgresql://[^/?]+/)([^?]*)(\\?.*)?");
  private static EmbeddedPostgres embedded;
  private static Server server;
  private static Server englishCollation;

  /** Where the test schemas are created: a JDBC URL naming a database, and its credentials. */
  record Server(String url, String user, String password) {}

  private TestDatabases() {}

  public static JdbcSettings h2() {
    return new JdbcSettings("jdbc:h2:mem:bindery" + COUNTER.incrementAndGet() + ";DB_CLOSE_DELAY=-1", "sa", "", 8);
  }

  /** A new empty schema on PostgreSQL, reached through {@code currentSchema}. */
  public static synchronized JdbcSettings postgres() {
    return newSchemaOn(server());
  }

  /**
   * A new empty schema in a database whose default collation is ICU {@code en-US}, like a production cluster
   * initialised with {@code en_US.UTF-8}, where text does not sort in byte order ({@code 'a_c' < 'a-b'}). The
   * database is created once per test JVM on the same server as {@link #postgres()} (PostgreSQL 15 or later
   * with ICU, and a role allowed to create databases).
   */
  public static synchronized JdbcSettings postgresEnglishCollation() {
    if (englishCollation == null) {
      Server base = server();
      String database = "bindery_test_icu_" + ProcessHandle.current().pid();
      try (Connection c = DriverManager.getConnection(base.url(), base.user(), base.password());
          Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE " + database + " TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US'");
      } catch (SQLException e) {
        throw new IllegalStateException("cannot create an ICU en-US database on PostgreSQL at " + base.url(), e);
      }
      englishCollation = new Server(withDatabase(base.url(), database), base.user(), base.password());
    }
    return newSchemaOn(englishCollation);
  }

  /** A new empty schema on {@code server}; fails (never skips) when the server cannot be reached. */
  static JdbcSettings newSchemaOn(Server on) {
    String schema = "bindery_test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    try (Connection c = DriverManager.getConnection(on.url(), on.user(), on.password());
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create a test schema on PostgreSQL at " + on.url(), e);
    }
    String sep = on.url().contains("?") ? "&" : "?";
    return new JdbcSettings(on.url() + sep + "currentSchema=" + schema, on.user(), on.password(), 8);
  }

  /** {@code url} with its database name replaced by {@code database}, keeping host, port and parameters. */
  static String withDatabase(String url, String database) {
    Matcher m = POSTGRES_URL.matcher(url);
    if (!m.matches()) {
      throw new IllegalStateException("not a jdbc:postgresql://host[:port]/database URL: " + url);
    }
    return m.group(1) + database + (m.group(3) == null ? "" : m.group(3));
  }

  private static Server server() {
    if (server == null) {
      String external = System.getenv("BINDERY_TEST_POSTGRES_URL");
      if (external != null && !external.isBlank()) {
        server = new Server(external, System.getenv().getOrDefault("BINDERY_TEST_POSTGRES_USER", "postgres"),
            System.getenv().getOrDefault("BINDERY_TEST_POSTGRES_PASSWORD", ""));
      } else {
        server = startEmbedded();
      }
    }
    return server;
  }

  private static Server startEmbedded() {
    try {
      embedded = EmbeddedPostgres.builder().start();
    } catch (java.io.IOException | RuntimeException e) {
      throw new IllegalStateException("embedded PostgreSQL did not start", e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        embedded.close();
      } catch (java.io.IOException ignored) {
        // the JVM is exiting
      }
    }));
    return new Server(embedded.getJdbcUrl("postgres", "postgres"), "postgres", "postgres");
  }
}
