package dev.bindery.server.store;

import dev.bindery.store.UniqueViolation;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.jdbi.v3.core.statement.StatementException;

/** Small conversions shared by the JDBC adapters. */
final class Sql {
  private Sql() {}

  /** Instants are stored as microseconds since the epoch (BIGINT), portable across H2 and PostgreSQL. */
  static Long micros(Instant t) {
    return t == null ? null : ChronoUnit.MICROS.between(Instant.EPOCH, t);
  }

  static Instant instant(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
  }

  static Instant instantOrNull(java.sql.ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : instant(v);
  }

  /** Runs an insert, translating a unique-key violation (SQLSTATE 23505 on both H2 and PostgreSQL). */
  static void insertUnique(String what, Runnable insert) {
    try {
      insert.run();
    } catch (StatementException e) {
      if (isUniqueViolation(e)) {
        throw new UniqueViolation(what, e);
      }
      throw e;
    }
  }

  static boolean isUniqueViolation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && "23505".equals(s.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  /** Escapes LIKE wildcards so a prefix is matched literally (used with ESCAPE '\'). */
  static String likePrefix(String prefix) {
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
  }
}
