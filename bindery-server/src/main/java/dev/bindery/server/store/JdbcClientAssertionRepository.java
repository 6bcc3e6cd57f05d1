package dev.bindery.server.store;

import dev.bindery.credential.Thumbprint;
import dev.bindery.identity.IdentityId;
import dev.bindery.oauth.ClientAssertionRepository;
import dev.bindery.oauth.UsedClientAssertion;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * The jti values of accepted client assertions over JDBC (table {@code client_assertions}, migration V7). A replay is
 * found by the primary key (client, jti hash): the insert runs under a savepoint, so a duplicate (also one a
 * concurrent transaction committed meanwhile) is answered with false and leaves the surrounding transaction usable on
 * PostgreSQL, where a failed statement would otherwise abort it.
 */
final class JdbcClientAssertionRepository implements ClientAssertionRepository {
  private static final String SAVEPOINT = "client_assertion_use";
  private final Handle h;

  JdbcClientAssertionRepository(Handle h) {
    this.h = h;
  }

  @Override
  public boolean use(UsedClientAssertion used) {
    h.createUpdate("DELETE FROM client_assertions WHERE client_id = :client AND jti_hash = :jti "
            + "AND expires_at <= :now")
        .bind("client", used.clientId().value())
        .bind("jti", used.jtiHash().value())
        .bind("now", Sql.micros(used.usedAt()))
        .execute();
    return Sql.insertIfAbsent(h, SAVEPOINT, () -> h.createUpdate("INSERT INTO client_assertions "
            + "(client_id, jti_hash, used_at, expires_at) VALUES (:client, :jti, :used, :expires)")
        .bind("client", used.clientId().value())
        .bind("jti", used.jtiHash().value())
        .bind("used", Sql.micros(used.usedAt()))
        .bind("expires", Sql.micros(used.expiresAt()))
        .execute());
  }

  @Override
  public List<UsedClientAssertion> listForClient(IdentityId client) {
    return h.createQuery("SELECT * FROM client_assertions WHERE client_id = :client ORDER BY used_at, jti_hash")
        .bind("client", client.value())
        .map((rs, ctx) -> new UsedClientAssertion(IdentityId.parse(rs.getString("client_id")),
            new Thumbprint(rs.getString("jti_hash")), Sql.instant(rs.getLong("used_at")),
            Sql.instant(rs.getLong("expires_at"))))
        .list();
  }

  @Override
  public int deleteExpired(Instant now) {
    return h.createUpdate("DELETE FROM client_assertions WHERE expires_at <= :now")
        .bind("now", Sql.micros(now))
        .execute();
  }
}
