package dev.bindery.server.store;

import dev.bindery.common.Page;
import dev.bindery.store.UniqueViolation;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
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
    unique(what, () -> {
      insert.run();
      return null;
    });
  }

  /**
   * Runs a statement, translating a unique-key violation into {@link UniqueViolation} about {@code what}. On
   * PostgreSQL the failed statement aborts the transaction, so the caller's transaction must end with it.
   */
  static <T> T unique(String what, Supplier<T> statement) {
    try {
      return statement.get();
    } catch (StatementException e) {
      if (isUniqueViolation(e)) {
        throw new UniqueViolation(what, e);
      }
      throw e;
    }
  }

  /**
   * Runs an insert under a savepoint and answers false, leaving the transaction usable, if it violates a unique key
   * (also one a concurrent transaction committed meanwhile): on PostgreSQL a failed statement would otherwise abort
   * the whole transaction.
   */
  static boolean insertIfAbsent(Handle h, String savepoint, Runnable insert) {
    h.savepoint(savepoint);
    try {
      insert.run();
    } catch (StatementException e) {
      if (isUniqueViolation(e)) {
        h.rollbackToSavepoint(savepoint); // Jdbi forgets the savepoint here: it must not be released again
        return false;
      }
      throw e;
    }
    h.releaseSavepoint(savepoint);
    return true;
  }

  /** {@code INSERT INTO table (columns) VALUES (:column...)}: each column bound by its own name. */
  static String insertInto(String table, String columns) {
    return "INSERT INTO " + table + " (" + columns + ") VALUES ("
        + Arrays.stream(columns.split(", ")).map(c -> ":" + c).collect(Collectors.joining(", ")) + ")";
  }

  /**
   * The optimistic update of a versioned row: every column but {@code id} set from the parameter of its name, where
   * the id is {@code :id} and the stored version {@code :expected}.
   */
  static String versionedUpdate(String table, String columns) {
    return "UPDATE " + table + " SET " + Arrays.stream(columns.split(", ")).filter(c -> !c.equals("id"))
        .map(c -> c + " = :" + c).collect(Collectors.joining(", ")) + " WHERE id = :id AND version = :expected";
  }

  static boolean isUniqueViolation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && "23505".equals(s.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  /**
   * The page of a keyset query that fetched up to {@code limit + 1} rows in cursor order: the first {@code limit}
   * rows, and the cursor of the last of them when a further row exists (else null). {@code limit} is at least 1.
   */
  static <T> Page<T> keysetPage(List<T> fetched, int limit, Function<T, String> cursor) {
    if (fetched.size() <= limit) {
      return new Page<>(fetched, null);
    }
    List<T> items = fetched.subList(0, limit);
    return new Page<>(items, cursor.apply(items.get(limit - 1)));
  }

  /** Escapes LIKE wildcards so a prefix is matched literally (used with ESCAPE '\'). */
  static String likePrefix(String prefix) {
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
  }
}
