package dev.bindery.server.store;

import dev.bindery.store.Transactor;
import dev.bindery.testkit.conformance.RepositoryConformanceSuite;

/**
 * The JDBC store on PostgreSQL (a fresh schema on the embedded server, or on {@code BINDERY_TEST_POSTGRES_URL})
 * passes the storage contract. If PostgreSQL cannot start, every test here fails; none is skipped.
 */
class PostgresConformanceTest extends RepositoryConformanceSuite {
  private Database db;

  @Override
  protected Transactor newStore() {
    db = Database.open(TestDatabases.postgres());
    return db.transactor();
  }

  @Override
  protected void closeStore() {
    db.close();
  }
}
