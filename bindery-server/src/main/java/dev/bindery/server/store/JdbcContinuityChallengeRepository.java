package dev.bindery.server.store;

import dev.bindery.change.ChangeRequestId;
import dev.bindery.change.ContinuityChallenge;
import dev.bindery.change.ContinuityChallengeId;
import dev.bindery.change.ContinuityChallengeRepository;
import dev.bindery.credential.SecretHash;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Continuity challenges over JDBC; the nonce is stored as its SHA-256 only. */
final class JdbcContinuityChallengeRepository implements ContinuityChallengeRepository {
  private final Handle h;

  JdbcContinuityChallengeRepository(Handle h) {
    this.h = h;
  }

  @Override
  public void insert(ContinuityChallenge c) {
    Sql.insertUnique("continuity challenge " + c.id(), () -> h.createUpdate("INSERT INTO continuity_challenges "
            + "(id, change_request_id, nonce_hash, created_at, expires_at, used_at) VALUES "
            + "(:id, :request, :nonce_hash, :created_at, :expires_at, :used_at)")
        .bind("id", c.id().value())
        .bind("request", c.changeRequestId().value())
        .bind("nonce_hash", c.nonceHash().hex())
        .bind("created_at", Sql.micros(c.createdAt()))
        .bind("expires_at", Sql.micros(c.expiresAt()))
        .bind("used_at", Sql.micros(c.usedAt()))
        .execute());
  }

  @Override
  public Optional<ContinuityChallenge> findById(ContinuityChallengeId id) {
    return h.createQuery("SELECT * FROM continuity_challenges WHERE id = :id")
        .bind("id", id.value())
        .map((rs, ctx) -> map(rs))
        .findOne();
  }

  @Override
  public boolean markUsed(ContinuityChallengeId id, Instant at) {
    return h.createUpdate("UPDATE continuity_challenges SET used_at = :at WHERE id = :id AND used_at IS NULL")
        .bind("id", id.value())
        .bind("at", Sql.micros(at))
        .execute() == 1;
  }

  @Override
  public List<ContinuityChallenge> listForRequest(ChangeRequestId request) {
    return h.createQuery("SELECT * FROM continuity_challenges WHERE change_request_id = :request "
            + "ORDER BY created_at, id")
        .bind("request", request.value())
        .map((rs, ctx) -> map(rs))
        .list();
  }

  private static ContinuityChallenge map(ResultSet rs) throws SQLException {
    return new ContinuityChallenge(new ContinuityChallengeId(rs.getString("id")),
        new ChangeRequestId(rs.getString("change_request_id")), new SecretHash(rs.getString("nonce_hash")),
        Sql.instant(rs.getLong("created_at")), Sql.instant(rs.getLong("expires_at")),
        Sql.instantOrNull(rs, "used_at"));
  }
}
