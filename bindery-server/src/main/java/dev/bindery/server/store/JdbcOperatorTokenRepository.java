package dev.bindery.server.store;

import dev.bindery.operator.OperatorId;
import dev.bindery.operator.OperatorToken;
import dev.bindery.operator.OperatorTokenRepository;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Operator API tokens over JDBC; only the SHA-256 of a token is stored (hex). */
final class JdbcOperatorTokenRepository implements OperatorTokenRepository {
  private static final HexFormat HEX = HexFormat.of();
  private final Handle h;

  JdbcOperatorTokenRepository(Handle h) {
    this.h = h;
  }

  @Override
  public void insert(OperatorToken t) {
    Sql.insertUnique("operator token", () -> h.createUpdate("INSERT INTO operator_tokens (id, operator_id, token_hash, "
            + "description, created_at, expires_at, revoked_at, last_used_at, step_up_at) VALUES (:id, :op, :hash, "
            + ":description, :created, :expires, :revoked, :used, :step)")
        .bind("id", t.id())
        .bind("op", t.operatorId().value())
        .bind("hash", HEX.formatHex(t.hash()))
        .bind("description", t.description())
        .bind("created", Sql.micros(t.createdAt()))
        .bind("expires", Sql.micros(t.expiresAt()))
        .bind("revoked", Sql.micros(t.revokedAt()))
        .bind("used", Sql.micros(t.lastUsedAt()))
        .bind("step", Sql.micros(t.stepUpAt()))
        .execute());
  }

  @Override
  public Optional<OperatorToken> findByHash(byte[] hash) {
    return h.createQuery("SELECT * FROM operator_tokens WHERE token_hash = :hash")
        .bind("hash", HEX.formatHex(hash))
        .map((rs, ctx) -> map(rs))
        .findOne();
  }

  @Override
  public Optional<OperatorToken> findById(String id) {
    return h.createQuery("SELECT * FROM operator_tokens WHERE id = :id")
        .bind("id", id)
        .map((rs, ctx) -> map(rs))
        .findOne();
  }

  @Override
  public List<OperatorToken> listFor(OperatorId operator) {
    return h.createQuery("SELECT * FROM operator_tokens WHERE operator_id = :op ORDER BY created_at, id")
        .bind("op", operator.value())
        .map((rs, ctx) -> map(rs))
        .list();
  }

  @Override
  public boolean revoke(String id, Instant at) {
    return h.createUpdate("UPDATE operator_tokens SET revoked_at = :at WHERE id = :id AND revoked_at IS NULL")
        .bind("at", Sql.micros(at)).bind("id", id).execute() == 1;
  }

  @Override
  public void recordStepUp(String id, Instant at) {
    h.createUpdate("UPDATE operator_tokens SET step_up_at = :at WHERE id = :id")
        .bind("at", Sql.micros(at)).bind("id", id).execute();
  }

  @Override
  public int clearStepUps(OperatorId operator) {
    return h.createUpdate("UPDATE operator_tokens SET step_up_at = NULL WHERE operator_id = :op "
        + "AND step_up_at IS NOT NULL").bind("op", operator.value()).execute();
  }

  @Override
  public void recordUse(String id, Instant at) {
    h.createUpdate("UPDATE operator_tokens SET last_used_at = :at WHERE id = :id")
        .bind("at", Sql.micros(at)).bind("id", id).execute();
  }

  private static OperatorToken map(ResultSet rs) throws SQLException {
    return new OperatorToken(rs.getString("id"), new OperatorId(rs.getString("operator_id")),
        HEX.parseHex(rs.getString("token_hash")), rs.getString("description"),
        Sql.instant(rs.getLong("created_at")), Sql.instant(rs.getLong("expires_at")),
        Sql.instantOrNull(rs, "revoked_at"), Sql.instantOrNull(rs, "last_used_at"),
        Sql.instantOrNull(rs, "step_up_at"));
  }
}
