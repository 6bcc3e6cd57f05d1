package dev.bindery.server.store;

import dev.bindery.store.Transactor;
import dev.bindery.testkit.conformance.RepositoryConformanceSuite;
import dev.bindery.testkit.conformance.SupportRepositoryConformance;

/**
 * The storage contract run on the JDBC store, one fresh database (or schema) per test, with the support desk's
 * ({@link SupportRepositoryConformance}).
 */
abstract class JdbcStoreConformance extends RepositoryConformanceSuite implements SupportRepositoryConformance {
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

  @Override
  public final Transactor supportStore() {
    return store();
  }

  final Database db() {
    return db;
  }
}
