package dev.bindery.server.store;

import dev.bindery.credential.SecretHash;
import dev.bindery.identity.IdentityId;
import dev.bindery.notify.DisavowToken;
import dev.bindery.notify.DisavowTokenRepository;
import dev.bindery.operator.OperatorId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Disavow tokens over JDBC (table {@code disavow_tokens}, migrations V10 and V11); only the SHA-256 of a token is stored. */
final class JdbcDisavowTokenRepository implements DisavowTokenRepository {
  private final Handle h;

  JdbcDisavowTokenRepository(Handle h) {
    this.h = h;
  }

  @Override
  public void insert(DisavowToken t) {
    Sql.insertUnique("disavow token", () -> h.createUpdate("INSERT INTO disavow_tokens (token_hash, identity_id, "
            + "operator_id, change_request_id, created_at, expires_at, used_at) VALUES (:hash, :identity, :operator, "
            + ":chg, :created, :expires, :used)")
        .bind("hash", t.hash().hex())
        .bind("identity", t.identityId() == null ? null : t.identityId().value())
        .bind("operator", t.operatorId() == null ? null : t.operatorId().value())
        .bind("chg", t.changeRequestId())
        .bind("created", Sql.micros(t.createdAt()))
        .bind("expires", Sql.micros(t.expiresAt()))
        .bind("used", Sql.micros(t.usedAt()))
        .execute());
  }

  @Override
  public Optional<DisavowToken> findByHash(SecretHash hash) {
    return h.createQuery("SELECT * FROM disavow_tokens WHERE token_hash = :hash")
        .bind("hash", hash.hex())
        .map((rs, ctx) -> map(rs))
        .findOne();
  }

  @Override
  public boolean markUsed(SecretHash hash, Instant at) {
    return h.createUpdate("UPDATE disavow_tokens SET used_at = :at WHERE token_hash = :hash AND used_at IS NULL")
        .bind("at", Sql.micros(at))
        .bind("hash", hash.hex())
        .execute() == 1;
  }

  @Override
  public List<DisavowToken> listForIdentity(IdentityId identity) {
    return h.createQuery("SELECT * FROM disavow_tokens WHERE identity_id = :identity ORDER BY created_at, token_hash")
        .bind("identity", identity.value())
        .map((rs, ctx) -> map(rs))
        .list();
  }

  @Override
  public List<DisavowToken> listForOperator(OperatorId operator) {
    return h.createQuery("SELECT * FROM disavow_tokens WHERE operator_id = :operator ORDER BY created_at, token_hash")
        .bind("operator", operator.value())
        .map((rs, ctx) -> map(rs))
        .list();
  }

  private static DisavowToken map(ResultSet rs) throws SQLException {
    String identity = rs.getString("identity_id");
    String operator = rs.getString("operator_id");
    return new DisavowToken(new SecretHash(rs.getString("token_hash")),
        identity == null ? null : new IdentityId(identity), operator == null ? null : new OperatorId(operator),
        rs.getString("change_request_id"), Sql.instant(rs.getLong("created_at")), Sql.instant(rs.getLong("expires_at")),
        Sql.instantOrNull(rs, "used_at"));
  }
}
