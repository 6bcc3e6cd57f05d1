package dev.bindery.archfixture;

import java.sql.Connection;

/** Breaks the core rule on purpose: a core package touching JDBC. Used only by the rule tests. */
public final class CoreClassUsingJdbc {
  boolean closed(Connection connection) throws java.sql.SQLException {
    return connection.isClosed();
  }
}
