package dev.bindery.server.store;

import dev.bindery.store.Transactor;
import dev.bindery.testkit.conformance.RepositoryConformanceSuite;

/** The JDBC store on a fresh in-memory H2 database passes the storage contract. */
class H2ConformanceTest extends RepositoryConformanceSuite {
  private Database db;

  @Override
  protected Transactor newStore() {
    db = Database.open(TestDatabases.h2());
    return db.transactor();
  }

  @Override
  protected void closeStore() {
    db.close();
  }
}
