package dev.bindery.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The storage contract on a PostgreSQL database whose default collation is ICU {@code en-US} rather than
 * byte order, as on most production clusters: identifiers must still page and sort in byte order, and a
 * name-prefix search must still match exactly.
 */
class PostgresEnglishCollationConformanceTest extends JdbcStoreConformance {
  @Override
  JdbcSettings freshDatabase() {
    return TestDatabases.postgresEnglishCollation();
  }

  /** Guards the premise of this class: were the database in byte order, the suite above would prove less. */
  @Test
  void databaseCollation_isNotByteOrder() {
    boolean underscoreFirst = db().jdbi().withHandle(h -> h.createQuery("SELECT 'a_c' < 'a-b'").mapTo(Boolean.class).one());
    String provider = db().jdbi().withHandle(h -> h.createQuery(
        "SELECT datlocprovider FROM pg_database WHERE datname = current_database()").mapTo(String.class).one());

    assertThat(underscoreFirst).isTrue();
    assertThat(provider).isEqualTo("i");
  }
}
