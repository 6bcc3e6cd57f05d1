package dev.bindery.server.store;

/**
 * The JDBC store on PostgreSQL (a fresh schema on the embedded server, or on {@code BINDERY_TEST_POSTGRES_URL})
 * passes the storage contract. If PostgreSQL cannot start, every test here fails; none is skipped.
 */
class PostgresConformanceTest extends JdbcStoreConformance {
  @Override
  JdbcSettings freshDatabase() {
    return TestDatabases.postgres();
  }
}
