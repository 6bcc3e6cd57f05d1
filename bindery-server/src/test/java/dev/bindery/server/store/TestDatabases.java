package dev.bindery.server.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fresh, empty databases for tests. H2: a new in-memory database. PostgreSQL: a new schema on the server named
 * by {@code BINDERY_TEST_POSTGRES_URL} (with {@code BINDERY_TEST_POSTGRES_USER}/{@code _PASSWORD}), or else on
 * one embedded PostgreSQL started for the test JVM. If PostgreSQL cannot start, the test fails: it never skips.
 */
public final class TestDatabases {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static EmbeddedPostgres embedded;
  private static String baseUrl;
  private static String user;
  private static String password;

  private TestDatabases() {}

  public static JdbcSettings h2() {
    return new JdbcSettings("jdbc:h2:mem:bindery" + COUNTER.incrementAndGet() + ";DB_CLOSE_DELAY=-1", "sa", "", 8);
  }

  /** A new empty schema on PostgreSQL, reached through {@code currentSchema}. */
  public static synchronized JdbcSettings postgres() {
    if (baseUrl == null) {
      String external = System.getenv("BINDERY_TEST_POSTGRES_URL");
      if (external != null && !external.isBlank()) {
        baseUrl = external;
        user = System.getenv().getOrDefault("BINDERY_TEST_POSTGRES_USER", "postgres");
        password = System.getenv().getOrDefault("BINDERY_TEST_POSTGRES_PASSWORD", "");
      } else {
        try {
          embedded = EmbeddedPostgres.builder().start();
        } catch (java.io.IOException e) {
          throw new IllegalStateException("embedded PostgreSQL did not start", e);
        }
        baseUrl = embedded.getJdbcUrl("postgres", "postgres");
        user = "postgres";
        password = "postgres";
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            embedded.close();
          } catch (java.io.IOException ignored) {
            // the JVM is exiting
          }
        }));
      }
    }
    String schema = "bindery_test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    try (Connection c = DriverManager.getConnection(baseUrl, user, password); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("cannot create a test schema on PostgreSQL at " + baseUrl, e);
    }
    String sep = baseUrl.contains("?") ? "&" : "?";
    return new JdbcSettings(baseUrl + sep + "currentSchema=" + schema, user, password, 8);
  }
}
