package dev.bindery.cli.archfixture;

import javax.sql.DataSource;

/** Breaks the CLI rule on purpose: the CLI opening a database. Used only by the rule tests. */
public final class CliClassUsingJdbc {
  Object connect(DataSource dataSource) throws java.sql.SQLException {
    return dataSource.getConnection();
  }
}
