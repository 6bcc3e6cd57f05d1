package dev.bindery.server.store;

import dev.bindery.change.Approval;
import dev.bindery.change.ApproverRole;
import dev.bindery.change.ChangeRequest;
import dev.bindery.change.ChangeRequestId;
import dev.bindery.change.ChangeRequestQuery;
import dev.bindery.change.ChangeRequestRepository;
import dev.bindery.change.ChangeResult;
import dev.bindery.change.ChangeState;
import dev.bindery.change.ChangeType;
import dev.bindery.change.Channel;
import dev.bindery.change.ContinuityProof;
import dev.bindery.change.ProposedCredential;
import dev.bindery.change.Requester;
import dev.bindery.change.Requirements;
import dev.bindery.common.Page;
import dev.bindery.credential.Assurance;
import dev.bindery.credential.CredentialId;
import dev.bindery.credential.CredentialType;
import dev.bindery.credential.Thumbprint;
import dev.bindery.identity.IdentityId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * Change requests and their approvals over JDBC. The {@code open_for} column (the target while the request is
 * open, else NULL) carries the unique key that allows one open request per identity.
 */
final class JdbcChangeRequestRepository implements ChangeRequestRepository {
  private static final String COLUMNS = "id, change_type, channel, target_id, target_version, requester_kind, "
      + "requester_id, reason, proposed_type, proposed_csr, proposed_jwk, proposed_key_thumbprint, proposed_key_type, "
      + "proposed_assurance, proposed_attestation, proposed_expires_at, replaces, downgrade, req_continuity, "
      + "req_step_up_or_owner, req_approvals, req_attested_key, continuity_method, continuity_credential, "
      + "continuity_at, requester_step_up_at, state, open_for, created_at, expires_at, resolved_at, resolved_by, "
      + "result_credential, result_revoked, version";

  private final Handle h;
  private final JdbcApprovals approvals;

  JdbcChangeRequestRepository(Handle h) {
    this.h = h;
    this.approvals = new JdbcApprovals(h, "change_approvals", "change_request_id");
  }

  @Override
  public void insert(ChangeRequest r) {
    var insert = h.createUpdate(Sql.insertInto("change_requests", COLUMNS));
    Sql.insertUnique("change request " + r.id(), () -> bind(insert, r).execute());
    approvals.insert(r.id().value(), r.approvals());
  }

  @Override
  public boolean update(ChangeRequest next) {
    var update = h.createUpdate(Sql.versionedUpdate("change_requests", COLUMNS));
    int n = Sql.unique("open change request of " + next.target(),
        () -> bind(update, next).bind("expected", next.version() - 1).execute());
    if (n != 1) {
      return false;
    }
    approvals.append(next.id().value(), next.approvals());
    return true;
  }

  private static <S extends SqlStatement<S>> S bind(S s, ChangeRequest r) {
    ProposedCredential p = r.proposed();
    Requirements q = r.required();
    ContinuityProof c = r.continuity();
    return s.bind("id", r.id().value())
        .bind("change_type", r.type().wire())
        .bind("channel", r.channel().wire())
        .bind("target_id", r.target().value())
        .bind("target_version", r.targetVersion())
        .bind("requester_kind", r.requester().kind().wire())
        .bind("requester_id", r.requester().id())
        .bind("reason", r.reason())
        .bind("proposed_type", p.type().wire())
        .bind("proposed_csr", p.csrPem())
        .bind("proposed_jwk", p.publicJwk())
        .bind("proposed_key_thumbprint", p.keyThumbprint().value())
        .bind("proposed_key_type", p.keyType())
        .bind("proposed_assurance", p.assurance().wire())
        .bind("proposed_attestation", p.attestationPem())
        .bind("proposed_expires_at", Sql.micros(p.expiresAt()))
        .bind("replaces", ids(r.replaces()))
        .bind("downgrade", r.downgrade())
        .bind("req_continuity", q.continuity())
        .bind("req_step_up_or_owner", q.stepUpOrOwner())
        .bind("req_approvals", q.approvals().stream().map(ApproverRole::wire).collect(Collectors.joining(" ")))
        .bind("req_attested_key", q.attestedKey())
        .bind("continuity_method", c == null ? null : c.method().wire())
        .bind("continuity_credential", c == null || c.credentialId() == null ? null : c.credentialId().value())
        .bind("continuity_at", c == null ? null : Sql.micros(c.at()))
        .bind("requester_step_up_at", Sql.micros(r.requesterStepUpAt()))
        .bind("state", r.state().wire())
        .bind("open_for", r.open() ? r.target().value() : null)
        .bind("created_at", Sql.micros(r.createdAt()))
        .bind("expires_at", Sql.micros(r.expiresAt()))
        .bind("resolved_at", Sql.micros(r.resolvedAt()))
        .bind("resolved_by", r.resolvedBy())
        .bind("result_credential", r.result() == null ? null : r.result().credentialId().value())
        .bind("result_revoked", r.result() == null ? null : ids(r.result().revoked()))
        .bind("version", r.version());
  }

  private static String ids(List<CredentialId> ids) {
    return ids.stream().map(CredentialId::value).collect(Collectors.joining(" "));
  }

  private static List<CredentialId> parseIds(String text) {
    return text == null || text.isEmpty() ? List.of()
        : Arrays.stream(text.split(" ")).map(CredentialId::new).toList();
  }

  @Override
  public Optional<ChangeRequest> findById(ChangeRequestId id) {
    return one("SELECT " + COLUMNS + " FROM change_requests WHERE id = :id", id);
  }

  @Override
  public Optional<ChangeRequest> findForUpdate(ChangeRequestId id) {
    return one("SELECT " + COLUMNS + " FROM change_requests WHERE id = :id FOR UPDATE", id);
  }

  private Optional<ChangeRequest> one(String sql, ChangeRequestId id) {
    Optional<Row> row = h.createQuery(sql).bind("id", id.value()).map((rs, ctx) -> Row.of(rs)).findOne();
    return row.map(r -> r.toRequest(approvals.of(List.of(r.id)).getOrDefault(r.id, List.of())));
  }

  @Override
  public Optional<ChangeRequest> findOpenForIdentity(IdentityId target) {
    Optional<Row> row = h.createQuery("SELECT " + COLUMNS + " FROM change_requests WHERE open_for = :target")
        .bind("target", target.value())
        .map((rs, ctx) -> Row.of(rs))
        .findOne();
    return row.map(r -> r.toRequest(approvals.of(List.of(r.id)).getOrDefault(r.id, List.of())));
  }

  @Override
  public long countByTypesSince(IdentityId target, Set<ChangeType> types, Instant since) {
    if (types.isEmpty()) {
      return 0;
    }
    return h.createQuery("SELECT COUNT(*) FROM change_requests WHERE target_id = :target AND created_at >= :since "
            + "AND change_type IN (<types>)")
        .bind("target", target.value())
        .bind("since", Sql.micros(since))
        .bindList("types", types.stream().map(ChangeType::wire).sorted().toList())
        .mapTo(Long.class)
        .one();
  }

  @Override
  public Page<ChangeRequest> list(ChangeRequestQuery q) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM change_requests WHERE 1 = 1");
    if (q.target() != null) {
      sql.append(" AND target_id = :target");
    }
    if (!q.states().isEmpty()) {
      sql.append(" AND state IN (<states>)");
    }
    if (q.type() != null) {
      sql.append(" AND change_type = :type");
    }
    if (q.requester() != null) {
      sql.append(" AND requester_kind = :requester_kind AND requester_id = :requester_id");
    }
    if (q.after() != null) {
      sql.append(" AND id > :after");
    }
    sql.append(" ORDER BY id LIMIT :limit");
    Query query = h.createQuery(sql.toString()).bind("limit", q.limit() + 1);
    if (q.target() != null) {
      query.bind("target", q.target().value());
    }
    if (!q.states().isEmpty()) {
      query.bindList("states", q.states().stream().map(ChangeState::wire).sorted().toList());
    }
    if (q.type() != null) {
      query.bind("type", q.type().wire());
    }
    if (q.requester() != null) {
      query.bind("requester_kind", q.requester().kind().wire()).bind("requester_id", q.requester().id());
    }
    if (q.after() != null) {
      query.bind("after", q.after().value());
    }
    Page<Row> rows = Sql.keysetPage(query.map((rs, ctx) -> Row.of(rs)).list(), q.limit(), Row::id);
    Map<String, List<Approval>> byRequest = approvals.of(rows.items().stream().map(Row::id).toList());
    return new Page<>(rows.items().stream().map(r -> r.toRequest(byRequest.getOrDefault(r.id, List.of()))).toList(),
        rows.nextCursor());
  }

  /** A request row without its approvals (read in a second query). */
  private record Row(String id, ChangeType type, Channel channel, IdentityId target, long targetVersion,
      Requester requester, String reason, ProposedCredential proposed, List<CredentialId> replaces, boolean downgrade,
      Requirements required, ContinuityProof continuity, ChangeState state, Instant requesterStepUpAt,
      Instant createdAt, Instant expiresAt, Instant resolvedAt, String resolvedBy, ChangeResult result,
      long version) {

    static Row of(ResultSet rs) throws SQLException {
      String approvals = rs.getString("req_approvals");
      String method = rs.getString("continuity_method");
      String continuityCredential = rs.getString("continuity_credential");
      String resultCredential = rs.getString("result_credential");
      ProposedCredential proposed = new ProposedCredential(
          CredentialType.parse("proposed_type", rs.getString("proposed_type")),
          rs.getString("proposed_csr"),
          rs.getString("proposed_jwk"),
          new Thumbprint(rs.getString("proposed_key_thumbprint")),
          rs.getString("proposed_key_type"),
          Assurance.parse(rs.getString("proposed_assurance")),
          rs.getString("proposed_attestation"),
          Sql.instantOrNull(rs, "proposed_expires_at"));
      return new Row(
          rs.getString("id"),
          ChangeType.parse("change_type", rs.getString("change_type")),
          Channel.parse(rs.getString("channel")),
          new IdentityId(rs.getString("target_id")),
          rs.getLong("target_version"),
          new Requester(Requester.Kind.parse(rs.getString("requester_kind")), rs.getString("requester_id")),
          rs.getString("reason"),
          proposed,
          parseIds(rs.getString("replaces")),
          rs.getBoolean("downgrade"),
          new Requirements(rs.getBoolean("req_continuity"), rs.getBoolean("req_step_up_or_owner"),
              approvals.isEmpty() ? List.of() : Arrays.stream(approvals.split(" "))
                  .map(a -> ApproverRole.parse("req_approvals", a)).toList(),
              rs.getBoolean("req_attested_key")),
          method == null ? null : new ContinuityProof(ContinuityProof.Method.parse(method),
              continuityCredential == null ? null : new CredentialId(continuityCredential),
              Sql.instant(rs.getLong("continuity_at"))),
          ChangeState.parse("state", rs.getString("state")),
          Sql.instantOrNull(rs, "requester_step_up_at"),
          Sql.instant(rs.getLong("created_at")),
          Sql.instant(rs.getLong("expires_at")),
          Sql.instantOrNull(rs, "resolved_at"),
          rs.getString("resolved_by"),
          resultCredential == null ? null : new ChangeResult(new CredentialId(resultCredential),
              parseIds(rs.getString("result_revoked"))),
          rs.getLong("version"));
    }

    ChangeRequest toRequest(List<Approval> approvals) {
      return new ChangeRequest(new ChangeRequestId(id), type, channel, target, targetVersion, requester, reason,
          proposed, replaces, downgrade, required, continuity, approvals, state, requesterStepUpAt, createdAt,
          expiresAt, resolvedAt, resolvedBy, result, version);
    }
  }
}
