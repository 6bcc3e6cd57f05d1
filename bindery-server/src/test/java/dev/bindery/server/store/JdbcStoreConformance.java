package dev.bindery.server.store;

import dev.bindery.store.Transactor;
import dev.bindery.testkit.conformance.RepositoryConformanceSuite;

/** The storage contract run on the JDBC store, one fresh database (or schema) per test, the support desk's included. */
abstract class JdbcStoreConformance extends RepositoryConformanceSuite {
  private Database db;

  /** Settings for a fresh, empty database or schema. */
  abstract JdbcSettings freshDatabase();

  @Override
  protected final Transactor newStore() {
    db = Database.open(freshDatabase());
    return db.transactor();
  }

  @Override
  protected final void closeStore() {
    db.close();
  }

  final Database db() {
    return db;
  }
}
