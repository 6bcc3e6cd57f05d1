package dev.bindery.server.store;

/** The JDBC store on a fresh in-memory H2 database passes the storage contract. */
class H2ConformanceTest extends JdbcStoreConformance {
  @Override
  JdbcSettings freshDatabase() {
    return TestDatabases.h2();
  }
}
