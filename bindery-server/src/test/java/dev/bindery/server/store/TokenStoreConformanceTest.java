package dev.bindery.server.store;

import dev.bindery.store.Transactor;
import dev.bindery.testkit.conformance.TokenRepositoryConformance;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;

/** The token storage contract (signing keys, resource servers, token policies) on H2 and PostgreSQL. */
class TokenStoreConformanceTest {

  /** A fresh database from {@code settings} for each test. */
  abstract static class OnJdbc implements TokenRepositoryConformance {
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
    public Transactor tokenStore() {
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
