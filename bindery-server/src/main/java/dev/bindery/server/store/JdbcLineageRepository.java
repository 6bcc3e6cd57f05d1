package dev.bindery.server.store;

import dev.bindery.credential.CredentialId;
import dev.bindery.credential.Lineage;
import dev.bindery.credential.LineageId;
import dev.bindery.credential.LineageRepository;
import dev.bindery.identity.IdentityId;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** X.509-SVID lineages over JDBC. */
final class JdbcLineageRepository implements LineageRepository {
  private final Handle h;

  JdbcLineageRepository(Handle h) {
    this.h = h;
  }

  @Override
  public void insert(Lineage l) {
    Sql.insertUnique("lineage " + l.id(), () -> h.createUpdate("INSERT INTO credential_lineages (id, identity_id, "
            + "current_generation, current_credential, created_at, updated_at, quarantined_at, version) VALUES "
            + "(:id, :identity, :generation, :current, :created, :updated, :quarantined, :version)")
        .bind("id", l.id().value())
        .bind("identity", l.identityId().value())
        .bind("generation", l.currentGeneration())
        .bind("current", l.currentCredential().value())
        .bind("created", Sql.micros(l.createdAt()))
        .bind("updated", Sql.micros(l.updatedAt()))
        .bind("quarantined", Sql.micros(l.quarantinedAt()))
        .bind("version", l.version())
        .execute());
  }

  @Override
  public boolean update(Lineage next) {
    return h.createUpdate("UPDATE credential_lineages SET current_generation = :generation, current_credential = :current, "
            + "updated_at = :updated, quarantined_at = :quarantined, version = :version WHERE id = :id AND version = :expected")
        .bind("id", next.id().value())
        .bind("generation", next.currentGeneration())
        .bind("current", next.currentCredential().value())
        .bind("updated", Sql.micros(next.updatedAt()))
        .bind("quarantined", Sql.micros(next.quarantinedAt()))
        .bind("version", next.version())
        .bind("expected", next.version() - 1)
        .execute() == 1;
  }

  @Override
  public Optional<Lineage> findById(LineageId id) {
    return h.createQuery("SELECT * FROM credential_lineages WHERE id = :id")
        .bind("id", id.value())
        .map((rs, ctx) -> new Lineage(new LineageId(rs.getString("id")), new IdentityId(rs.getString("identity_id")),
            rs.getInt("current_generation"), new CredentialId(rs.getString("current_credential")),
            Sql.instant(rs.getLong("created_at")), Sql.instant(rs.getLong("updated_at")),
            Sql.instantOrNull(rs, "quarantined_at"), rs.getLong("version")))
        .findOne();
  }
}
