package dev.bindery.server.store;

import dev.bindery.credential.SecretHash;
import dev.bindery.identity.IdentityId;
import dev.bindery.support.RecoveryCode;
import dev.bindery.support.RecoveryCodeRepository;
import dev.bindery.support.SupportActionId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Recovery codes over JDBC (table {@code recovery_codes}, migration V11); only the SHA-256 of a code is stored. */
final class JdbcRecoveryCodeRepository implements RecoveryCodeRepository {
  private final Handle h;

  JdbcRecoveryCodeRepository(Handle h) {
    this.h = h;
  }

  @Override
  public void insert(RecoveryCode c) {
    Sql.insertUnique("recovery code", () -> h.createUpdate("INSERT INTO recovery_codes (code_hash, identity_id, "
            + "support_action_id, created_at, used_at, used_for, invalidated_at) VALUES (:hash, :identity, :action, "
            + ":created, :used, :usedFor, :invalidated)")
        .bind("hash", c.hash().hex())
        .bind("identity", c.identityId().value())
        .bind("action", c.supportActionId().value())
        .bind("created", Sql.micros(c.createdAt()))
        .bind("used", Sql.micros(c.usedAt()))
        .bind("usedFor", c.usedFor())
        .bind("invalidated", Sql.micros(c.invalidatedAt()))
        .execute());
  }

  @Override
  public Optional<RecoveryCode> findByHash(SecretHash hash) {
    return h.createQuery("SELECT * FROM recovery_codes WHERE code_hash = :hash")
        .bind("hash", hash.hex())
        .map((rs, ctx) -> map(rs))
        .findOne();
  }

  @Override
  public boolean markUsed(SecretHash hash, Instant at, String usedFor) {
    return h.createUpdate("UPDATE recovery_codes SET used_at = :at, used_for = :usedFor "
            + "WHERE code_hash = :hash AND used_at IS NULL AND invalidated_at IS NULL")
        .bind("at", Sql.micros(at))
        .bind("usedFor", usedFor)
        .bind("hash", hash.hex())
        .execute() == 1;
  }

  @Override
  public int invalidateForIdentity(IdentityId identity, Instant at) {
    return h.createUpdate("UPDATE recovery_codes SET invalidated_at = :at "
            + "WHERE identity_id = :identity AND used_at IS NULL AND invalidated_at IS NULL")
        .bind("at", Sql.micros(at))
        .bind("identity", identity.value())
        .execute();
  }

  @Override
  public int invalidateForSupportAction(SupportActionId action, Instant at) {
    return h.createUpdate("UPDATE recovery_codes SET invalidated_at = :at "
            + "WHERE support_action_id = :action AND used_at IS NULL AND invalidated_at IS NULL")
        .bind("at", Sql.micros(at))
        .bind("action", action.value())
        .execute();
  }

  @Override
  public List<RecoveryCode> listForIdentity(IdentityId identity) {
    return h.createQuery("SELECT * FROM recovery_codes WHERE identity_id = :identity ORDER BY created_at, code_hash")
        .bind("identity", identity.value())
        .map((rs, ctx) -> map(rs))
        .list();
  }

  private static RecoveryCode map(ResultSet rs) throws SQLException {
    return new RecoveryCode(new SecretHash(rs.getString("code_hash")), new IdentityId(rs.getString("identity_id")),
        new SupportActionId(rs.getString("support_action_id")), Sql.instant(rs.getLong("created_at")),
        Sql.instantOrNull(rs, "used_at"), rs.getString("used_for"), Sql.instantOrNull(rs, "invalidated_at"));
  }
}
