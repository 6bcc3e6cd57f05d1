package dev.bindery.server.store;

import dev.bindery.store.UniqueViolation;
import dev.bindery.token.SigningKeyRepository;
import dev.bindery.token.SigningKeyState;
import dev.bindery.token.StoredSigningKey;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementException;

/** Token signing keys over JDBC (table {@code token_signing_keys}, migration V5). */
final class JdbcSigningKeyRepository implements SigningKeyRepository {
  private final Handle h;

  JdbcSigningKeyRepository(Handle h) {
    this.h = h;
  }

  @Override
  public List<StoredSigningKey> list() {
    return h.createQuery("SELECT * FROM token_signing_keys ORDER BY created_at, kid")
        .map((rs, ctx) -> map(rs))
        .list();
  }

  @Override
  public void insert(StoredSigningKey k) {
    Sql.insertUnique("token signing key", () -> h.createUpdate("INSERT INTO token_signing_keys (kid, algorithm, "
            + "key_state, key_slot, public_jwk, sealed_private_key, created_at, activated_at, retired_at, version) "
            + "VALUES (:kid, :alg, :state, :slot, :jwk, :sealed, :created, :activated, :retired, :version)")
        .bind("kid", k.kid())
        .bind("alg", k.algorithm())
        .bind("state", k.state().wire())
        .bind("slot", k.state().slot())
        .bind("jwk", k.publicJwk())
        .bind("sealed", sealed(k))
        .bind("created", Sql.micros(k.createdAt()))
        .bind("activated", Sql.micros(k.activatedAt()))
        .bind("retired", Sql.micros(k.retiredAt()))
        .bind("version", k.version())
        .execute());
  }

  @Override
  public boolean update(StoredSigningKey k) {
    try {
      return h.createUpdate("UPDATE token_signing_keys SET key_state = :state, key_slot = :slot, "
              + "sealed_private_key = :sealed, activated_at = :activated, retired_at = :retired, version = :version "
              + "WHERE kid = :kid AND version = :previous")
          .bind("state", k.state().wire())
          .bind("slot", k.state().slot())
          .bind("sealed", sealed(k))
          .bind("activated", Sql.micros(k.activatedAt()))
          .bind("retired", Sql.micros(k.retiredAt()))
          .bind("version", k.version())
          .bind("kid", k.kid())
          .bind("previous", k.version() - 1)
          .execute() == 1;
    } catch (StatementException e) {
      if (Sql.isUniqueViolation(e)) {
        throw new UniqueViolation("token signing key slot " + k.state().wire(), e);
      }
      throw e;
    }
  }

  @Override
  public boolean deleteRetired(String kid, long version) {
    return h.createUpdate("DELETE FROM token_signing_keys WHERE kid = :kid AND version = :version "
            + "AND key_state = 'retired'")
        .bind("kid", kid)
        .bind("version", version)
        .execute() == 1;
  }

  private static String sealed(StoredSigningKey k) {
    byte[] sealed = k.sealedPrivateKey();
    return sealed == null ? null : Base64.getEncoder().encodeToString(sealed);
  }

  private static StoredSigningKey map(ResultSet rs) throws SQLException {
    String sealed = rs.getString("sealed_private_key");
    return new StoredSigningKey(rs.getString("kid"), rs.getString("algorithm"),
        SigningKeyState.parse(rs.getString("key_state")), rs.getString("public_jwk"),
        sealed == null ? null : Base64.getDecoder().decode(sealed), Sql.instant(rs.getLong("created_at")),
        Sql.instantOrNull(rs, "activated_at"), Sql.instantOrNull(rs, "retired_at"), rs.getLong("version"));
  }
}
