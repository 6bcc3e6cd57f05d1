package dev.bindery.testkit.memory;

import dev.bindery.store.Transactor;
import dev.bindery.testkit.conformance.RepositoryConformanceSuite;
import dev.bindery.testkit.conformance.SupportRepositoryConformance;

/** The in-memory store passes the same storage contract as the JDBC stores, and the support desk's. */
class InMemoryStoreConformanceTest extends RepositoryConformanceSuite implements SupportRepositoryConformance {
  @Override
  protected Transactor newStore() {
    return new InMemoryStore();
  }

  @Override
  public Transactor supportStore() {
    return store();
  }
}
