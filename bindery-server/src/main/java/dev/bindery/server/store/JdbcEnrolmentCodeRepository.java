package dev.bindery.server.store;

import dev.bindery.credential.CredentialId;
import dev.bindery.credential.EnrolmentCode;
import dev.bindery.credential.EnrolmentCodeRepository;
import dev.bindery.credential.SecretHash;
import dev.bindery.identity.IdentityId;
import dev.bindery.support.SupportActionId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Enrolment codes over JDBC (migrations V3 and V11); only the SHA-256 of a code is stored (hex). */
final class JdbcEnrolmentCodeRepository implements EnrolmentCodeRepository {
  private final Handle h;

  JdbcEnrolmentCodeRepository(Handle h) {
    this.h = h;
  }

  @Override
  public void insert(EnrolmentCode c) {
    Sql.insertUnique("enrolment code", () -> h.createUpdate("INSERT INTO enrolment_codes (code_hash, identity_id, "
            + "created_by, created_at, expires_at, used_at, credential_id, support_action_id, used_from, revoked_at) "
            + "VALUES (:hash, :identity, :by, :created, :expires, :used, :credential, :action, :from, :revoked)")
        .bind("hash", c.hash().hex())
        .bind("identity", c.identityId().value())
        .bind("by", c.createdBy())
        .bind("created", Sql.micros(c.createdAt()))
        .bind("expires", Sql.micros(c.expiresAt()))
        .bind("used", Sql.micros(c.usedAt()))
        .bind("credential", c.credentialId() == null ? null : c.credentialId().value())
        .bind("action", c.supportActionId() == null ? null : c.supportActionId().value())
        .bind("from", c.usedFrom())
        .bind("revoked", Sql.micros(c.revokedAt()))
        .execute());
  }

  @Override
  public Optional<EnrolmentCode> findByHash(SecretHash hash) {
    return h.createQuery("SELECT * FROM enrolment_codes WHERE code_hash = :hash")
        .bind("hash", hash.hex())
        .map((rs, ctx) -> map(rs))
        .findOne();
  }

  @Override
  public boolean markUsed(SecretHash hash, Instant at, CredentialId credential, String source) {
    return h.createUpdate("UPDATE enrolment_codes SET used_at = :at, credential_id = :credential, used_from = :from "
            + "WHERE code_hash = :hash AND used_at IS NULL AND revoked_at IS NULL")
        .bind("at", Sql.micros(at))
        .bind("credential", credential.value())
        .bind("from", source)
        .bind("hash", hash.hex())
        .execute() == 1;
  }

  @Override
  public boolean markRevoked(SecretHash hash, Instant at) {
    return h.createUpdate("UPDATE enrolment_codes SET revoked_at = :at "
            + "WHERE code_hash = :hash AND used_at IS NULL AND revoked_at IS NULL")
        .bind("at", Sql.micros(at))
        .bind("hash", hash.hex())
        .execute() == 1;
  }

  @Override
  public List<EnrolmentCode> listForIdentity(IdentityId identity) {
    return h.createQuery("SELECT * FROM enrolment_codes WHERE identity_id = :identity ORDER BY created_at, code_hash")
        .bind("identity", identity.value())
        .map((rs, ctx) -> map(rs))
        .list();
  }

  @Override
  public List<EnrolmentCode> listForSupportAction(SupportActionId action) {
    return h.createQuery("SELECT * FROM enrolment_codes WHERE support_action_id = :action "
            + "ORDER BY created_at, code_hash")
        .bind("action", action.value())
        .map((rs, ctx) -> map(rs))
        .list();
  }

  private static EnrolmentCode map(ResultSet rs) throws SQLException {
    String credential = rs.getString("credential_id");
    String action = rs.getString("support_action_id");
    return new EnrolmentCode(new SecretHash(rs.getString("code_hash")), new IdentityId(rs.getString("identity_id")),
        rs.getString("created_by"), Sql.instant(rs.getLong("created_at")), Sql.instant(rs.getLong("expires_at")),
        Sql.instantOrNull(rs, "used_at"), credential == null ? null : new CredentialId(credential),
        action == null ? null : new SupportActionId(action), rs.getString("used_from"),
        Sql.instantOrNull(rs, "revoked_at"));
  }
}
