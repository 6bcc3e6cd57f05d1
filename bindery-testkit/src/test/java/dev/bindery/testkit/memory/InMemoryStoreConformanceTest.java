package dev.bindery.testkit.memory;

import dev.bindery.store.Transactor;
import dev.bindery.testkit.conformance.RepositoryConformanceSuite;

/** The in-memory store passes the same storage contract as the JDBC stores, the support desk's included. */
class InMemoryStoreConformanceTest extends RepositoryConformanceSuite {
  @Override
  protected Transactor newStore() {
    return new InMemoryStore();
  }
}
