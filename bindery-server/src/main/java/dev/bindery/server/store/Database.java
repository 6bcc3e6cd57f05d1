package dev.bindery.server.store;

import dev.bindery.store.Transactor;
import javax.sql.DataSource;

/**
 * The JDBC store: a connection pool, migrations applied at open, and a {@link Transactor} over Jdbi.
 * (Implementation in progress.)
 */
public final class Database implements AutoCloseable {
  private Database() {}

  /** Opens the pool and applies pending migrations. */
  public static Database open(JdbcSettings settings) {
    throw new UnsupportedOperationException("in progress");
  }

  public Transactor transactor() {
    throw new UnsupportedOperationException("in progress");
  }

  public DataSource dataSource() {
    throw new UnsupportedOperationException("in progress");
  }

  @Override
  public void close() {}
}
