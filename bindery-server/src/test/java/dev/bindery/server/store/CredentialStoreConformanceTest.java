package dev.bindery.server.store;

import dev.bindery.store.Transactor;
import dev.bindery.testkit.conformance.CredentialRepositoryConformance;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;

/**
 * The credential storage contract on H2 and PostgreSQL (fresh database per test). Once the JDBC subclasses of
 * the whole {@code RepositoryConformanceSuite} exist, they run these cases too, and this class is redundant.
 */
class CredentialStoreConformanceTest {

  /** A fresh database from {@code settings} for each test. */
  abstract static class OnJdbc implements CredentialRepositoryConformance {
    private final Supplier<JdbcSettings> settings;
    private Database db;

    OnJdbc(Supplier<JdbcSettings> settings) {
      this.settings = settings;
    }

    @BeforeEach
    void open() {
      db = Database.open(settings.get());
    }

    @AfterEach
    void close() {
      db.close();
    }

    @Override
    public Transactor credentialStore() {
      return db.transactor();
    }
  }

  @Nested
  class OnH2 extends OnJdbc {
    OnH2() {
      super(TestDatabases::h2);
    }
  }

  @Nested
  class OnPostgres extends OnJdbc {
    OnPostgres() {
      super(TestDatabases::postgres);
    }
  }
}
