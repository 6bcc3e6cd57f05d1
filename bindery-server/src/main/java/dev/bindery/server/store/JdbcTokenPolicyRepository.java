package dev.bindery.server.store;

import dev.bindery.identity.IdentityId;
import dev.bindery.token.TokenPolicy;
import dev.bindery.token.TokenPolicyRepository;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Token policies over JDBC (table {@code token_policies}, migration V5). */
final class JdbcTokenPolicyRepository implements TokenPolicyRepository {
  private final Handle h;

  JdbcTokenPolicyRepository(Handle h) {
    this.h = h;
  }

  @Override
  public Optional<TokenPolicy> find(IdentityId identity) {
    return h.createQuery("SELECT * FROM token_policies WHERE identity_id = :id")
        .bind("id", identity.value())
        .map((rs, ctx) -> map(rs))
        .findOne();
  }

  @Override
  public void insert(TokenPolicy p) {
    if (p.version() != 1) {
      throw new IllegalArgumentException("a new token policy has version 1");
    }
    Sql.insertUnique("token policy", () -> h.createUpdate("INSERT INTO token_policies (identity_id, "
            + "allow_unbound_tokens, token_lifetime_seconds, updated_by, updated_at, version) "
            + "VALUES (:id, :unbound, :lifetime, :by, :at, :version)")
        .bind("id", p.identityId().value())
        .bind("unbound", p.allowUnboundTokens())
        .bind("lifetime", p.tokenLifetime() == null ? null : p.tokenLifetime().toSeconds())
        .bind("by", p.updatedBy())
        .bind("at", Sql.micros(p.updatedAt()))
        .bind("version", p.version())
        .execute());
  }

  @Override
  public boolean update(TokenPolicy p) {
    return h.createUpdate("UPDATE token_policies SET allow_unbound_tokens = :unbound, "
            + "token_lifetime_seconds = :lifetime, updated_by = :by, updated_at = :at, version = :version "
            + "WHERE identity_id = :id AND version = :previous")
        .bind("unbound", p.allowUnboundTokens())
        .bind("lifetime", p.tokenLifetime() == null ? null : p.tokenLifetime().toSeconds())
        .bind("by", p.updatedBy())
        .bind("at", Sql.micros(p.updatedAt()))
        .bind("version", p.version())
        .bind("id", p.identityId().value())
        .bind("previous", p.version() - 1)
        .execute() == 1;
  }

  private static TokenPolicy map(ResultSet rs) throws SQLException {
    long lifetime = rs.getLong("token_lifetime_seconds");
    Duration d = rs.wasNull() ? null : Duration.ofSeconds(lifetime);
    return new TokenPolicy(new IdentityId(rs.getString("identity_id")), rs.getBoolean("allow_unbound_tokens"), d,
        rs.getString("updated_by"), Sql.instant(rs.getLong("updated_at")), rs.getLong("version"));
  }
}
