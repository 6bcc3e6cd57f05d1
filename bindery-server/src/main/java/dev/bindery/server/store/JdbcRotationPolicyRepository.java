package dev.bindery.server.store;

import dev.bindery.credential.CredentialType;
import dev.bindery.credential.RotationPolicy;
import dev.bindery.credential.RotationPolicyRepository;
import dev.bindery.identity.IdentityKind;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Rotation policies over JDBC, one row per (identity kind, credential type) that differs from the default. */
final class JdbcRotationPolicyRepository implements RotationPolicyRepository {
  private final Handle h;

  JdbcRotationPolicyRepository(Handle h) {
    this.h = h;
  }

  @Override
  public Optional<RotationPolicy> find(IdentityKind kind, CredentialType type) {
    return h.createQuery("SELECT * FROM rotation_policies WHERE identity_kind = :kind AND credential_type = :type")
        .bind("kind", kind.wire())
        .bind("type", type.wire())
        .map((rs, ctx) -> map(rs))
        .findOne();
  }

  @Override
  public List<RotationPolicy> list() {
    return h.createQuery("SELECT * FROM rotation_policies ORDER BY identity_kind, credential_type")
        .map((rs, ctx) -> map(rs))
        .list();
  }

  @Override
  public void put(RotationPolicy p) {
    // portable upsert (H2 and PostgreSQL): update, and insert if there was no row; a concurrent insert of the
    // same pair fails on the primary key and rolls the transaction back
    int updated = h.createUpdate("UPDATE rotation_policies SET max_lifetime_seconds = :max, rotate_after_seconds = :rotate "
            + "WHERE identity_kind = :kind AND credential_type = :type")
        .bind("max", p.maxLifetime().toSeconds())
        .bind("rotate", p.rotateAfter().toSeconds())
        .bind("kind", p.identityKind().wire())
        .bind("type", p.credentialType().wire())
        .execute();
    if (updated == 0) {
      Sql.insertUnique("rotation policy", () -> h.createUpdate("INSERT INTO rotation_policies (identity_kind, "
              + "credential_type, max_lifetime_seconds, rotate_after_seconds) VALUES (:kind, :type, :max, :rotate)")
          .bind("max", p.maxLifetime().toSeconds())
          .bind("rotate", p.rotateAfter().toSeconds())
          .bind("kind", p.identityKind().wire())
          .bind("type", p.credentialType().wire())
          .execute());
    }
  }

  private static RotationPolicy map(ResultSet rs) throws SQLException {
    return new RotationPolicy(IdentityKind.parse("identity_kind", rs.getString("identity_kind")),
        CredentialType.parse("credential_type", rs.getString("credential_type")),
        Duration.ofSeconds(rs.getLong("max_lifetime_seconds")), Duration.ofSeconds(rs.getLong("rotate_after_seconds")));
  }
}
