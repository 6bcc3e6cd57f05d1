package dev.bindery.server.store;

import dev.bindery.credential.SecretHash;
import dev.bindery.operator.OperatorId;
import dev.bindery.operator.TotpReset;
import dev.bindery.operator.TotpResetRepository;
import dev.bindery.support.SupportActionId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** The support desk's temporary TOTP enrolments over JDBC (table {@code totp_resets}, migration V11); hashes only. */
final class JdbcTotpResetRepository implements TotpResetRepository {
  private final Handle h;

  JdbcTotpResetRepository(Handle h) {
    this.h = h;
  }

  @Override
  public void insert(TotpReset r) {
    Sql.insertUnique("totp reset", () -> h.createUpdate("INSERT INTO totp_resets (code_hash, operator_id, "
            + "support_action_id, created_by, created_at, expires_at, used_at, revoked_at) VALUES (:hash, :operator, "
            + ":action, :by, :created, :expires, :used, :revoked)")
        .bind("hash", r.hash().hex())
        .bind("operator", r.operatorId().value())
        .bind("action", r.supportActionId().value())
        .bind("by", r.createdBy())
        .bind("created", Sql.micros(r.createdAt()))
        .bind("expires", Sql.micros(r.expiresAt()))
        .bind("used", Sql.micros(r.usedAt()))
        .bind("revoked", Sql.micros(r.revokedAt()))
        .execute());
  }

  @Override
  public Optional<TotpReset> findByHash(SecretHash hash) {
    return h.createQuery("SELECT * FROM totp_resets WHERE code_hash = :hash")
        .bind("hash", hash.hex())
        .map((rs, ctx) -> map(rs))
        .findOne();
  }

  @Override
  public boolean markUsed(SecretHash hash, Instant at) {
    return mark("used_at", hash, at);
  }

  @Override
  public boolean markRevoked(SecretHash hash, Instant at) {
    return mark("revoked_at", hash, at);
  }

  private boolean mark(String column, SecretHash hash, Instant at) {
    return h.createUpdate("UPDATE totp_resets SET " + column + " = :at "
            + "WHERE code_hash = :hash AND used_at IS NULL AND revoked_at IS NULL")
        .bind("at", Sql.micros(at))
        .bind("hash", hash.hex())
        .execute() == 1;
  }

  @Override
  public List<TotpReset> listForOperator(OperatorId operator) {
    return h.createQuery("SELECT * FROM totp_resets WHERE operator_id = :operator ORDER BY created_at, code_hash")
        .bind("operator", operator.value())
        .map((rs, ctx) -> map(rs))
        .list();
  }

  @Override
  public List<TotpReset> listForSupportAction(SupportActionId action) {
    return h.createQuery("SELECT * FROM totp_resets WHERE support_action_id = :action ORDER BY created_at, code_hash")
        .bind("action", action.value())
        .map((rs, ctx) -> map(rs))
        .list();
  }

  private static TotpReset map(ResultSet rs) throws SQLException {
    return new TotpReset(new SecretHash(rs.getString("code_hash")), new OperatorId(rs.getString("operator_id")),
        new SupportActionId(rs.getString("support_action_id")), rs.getString("created_by"),
        Sql.instant(rs.getLong("created_at")), Sql.instant(rs.getLong("expires_at")), Sql.instantOrNull(rs, "used_at"),
        Sql.instantOrNull(rs, "revoked_at"));
  }
}
