package dev.bindery.server.store;

import dev.bindery.store.Transactor;
import dev.bindery.testkit.conformance.CredentialRepositoryConformance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;

/**
 * The credential storage contract on H2 and PostgreSQL (fresh database per test). Once the JDBC subclasses of
 * the whole {@code RepositoryConformanceSuite} exist, they run these cases too, and this class is redundant.
 */
class CredentialStoreConformanceTest {

  @Nested
  class OnH2 implements CredentialRepositoryConformance {
    private Database db;

    @BeforeEach
    void open() {
      db = Database.open(TestDatabases.h2());
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
  class OnPostgres implements CredentialRepositoryConformance {
    private Database db;

    @BeforeEach
    void open() {
      db = Database.open(TestDatabases.postgres());
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
}
