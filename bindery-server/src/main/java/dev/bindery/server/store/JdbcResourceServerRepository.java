package dev.bindery.server.store;

import dev.bindery.identity.IdentityId;
import dev.bindery.token.Audience;
import dev.bindery.token.ResourceServer;
import dev.bindery.token.ResourceServerRepository;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Registered resource servers over JDBC (table {@code resource_servers}, migrations V5 and V8). */
final class JdbcResourceServerRepository implements ResourceServerRepository {
  private final Handle h;

  JdbcResourceServerRepository(Handle h) {
    this.h = h;
  }

  @Override
  public void insert(ResourceServer s) {
    Sql.insertUnique("resource server", () -> h.createUpdate("INSERT INTO resource_servers (audience, name, "
            + "created_by, created_at, identity_id) VALUES (:audience, :name, :by, :at, :identity)")
        .bind("audience", s.audience().value())
        .bind("name", s.name())
        .bind("by", s.createdBy())
        .bind("at", Sql.micros(s.createdAt()))
        .bind("identity", s.identityId() == null ? null : s.identityId().value())
        .execute());
  }

  @Override
  public Optional<ResourceServer> find(Audience audience) {
    return h.createQuery("SELECT * FROM resource_servers WHERE audience = :audience")
        .bind("audience", audience.value())
        .map((rs, ctx) -> map(rs))
        .findOne();
  }

  @Override
  public List<ResourceServer> list() {
    return h.createQuery("SELECT * FROM resource_servers ORDER BY audience")
        .map((rs, ctx) -> map(rs))
        .list();
  }

  @Override
  public List<ResourceServer> listForIdentity(IdentityId identity) {
    return h.createQuery("SELECT * FROM resource_servers WHERE identity_id = :identity ORDER BY audience")
        .bind("identity", identity.value())
        .map((rs, ctx) -> map(rs))
        .list();
  }

  private static ResourceServer map(ResultSet rs) throws SQLException {
    String identity = rs.getString("identity_id");
    return new ResourceServer(new Audience(rs.getString("audience")), rs.getString("name"), rs.getString("created_by"),
        Sql.instant(rs.getLong("created_at")), identity == null ? null : IdentityId.parse(identity));
  }
}
