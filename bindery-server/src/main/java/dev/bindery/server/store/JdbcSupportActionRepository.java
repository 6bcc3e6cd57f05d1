package dev.bindery.server.store;

import dev.bindery.change.Approval;
import dev.bindery.change.ApproverRole;
import dev.bindery.change.ChangeState;
import dev.bindery.common.Page;
import dev.bindery.credential.CredentialId;
import dev.bindery.operator.OperatorId;
import dev.bindery.support.Evidence;
import dev.bindery.support.IssuedItem;
import dev.bindery.support.SupportAction;
import dev.bindery.support.SupportActionId;
import dev.bindery.support.SupportActionQuery;
import dev.bindery.support.SupportActionRepository;
import dev.bindery.support.SupportActionType;
import dev.bindery.support.SupportResult;
import dev.bindery.support.SupportReview;
import dev.bindery.support.SupportTarget;
import dev.bindery.support.VerificationMethod;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * Support actions and their approvals over JDBC (tables {@code support_actions} and {@code support_approvals},
 * migration V12). The {@code open_for} column (the target's id while the action is open, else NULL) carries the unique
 * key that allows one open action per target, on H2 and PostgreSQL alike; updates are optimistic on {@code version};
 * {@link #findForUpdate} is {@code SELECT ... FOR UPDATE}. Listing is keyset-paged by id.
 */
final class JdbcSupportActionRepository implements SupportActionRepository {
  private static final String TABLE = "support_actions";
  private static final String COLUMNS = "id, action_type, target_identity_id, target_operator_id, target_version, "
      + "agent_id, reason, evidence_ticket, evidence_requester, verification_method, verification_reference, "
      + "verified_by, verified_at, parameters, req_approvals, req_because, agent_step_up_at, state, open_for, "
      + "created_at, expires_at, resolved_at, resolved_by, result_issued, result_revoked, result_before, "
      + "result_after, review_state, reviewer_id, reviewed_at, review_comment, disavowed_at, version";
  private static final String SELECT = "SELECT " + COLUMNS + " FROM " + TABLE;

  private final Handle h;
  private final JdbcApprovals approvals;

  JdbcSupportActionRepository(Handle h) {
    this.h = h;
    this.approvals = new JdbcApprovals(h, "support_approvals", "support_action_id");
  }

  @Override
  public void insert(SupportAction a) {
    var insert = h.createUpdate(Sql.insertInto(TABLE, COLUMNS));
    Sql.insertUnique("support action " + a.id() + " or an open support action of " + describe(a.target()),
        () -> bind(insert, a).execute());
    approvals.insert(a.id().value(), a.approvals());
  }

  @Override
  public boolean update(SupportAction next) {
    var update = h.createUpdate(Sql.versionedUpdate(TABLE, COLUMNS));
    int n = Sql.unique("open support action of " + describe(next.target()),
        () -> bind(update, next).bind("expected", next.version() - 1).execute());
    if (n != 1) {
      return false;
    }
    approvals.append(next.id().value(), next.approvals());
    return true;
  }

  @Override
  public Optional<SupportAction> findById(SupportActionId id) {
    return one(SELECT + " WHERE id = :id", id);
  }

  @Override
  public Optional<SupportAction> findForUpdate(SupportActionId id) {
    return one(SELECT + " WHERE id = :id FOR UPDATE", id);
  }

  private Optional<SupportAction> one(String sql, SupportActionId id) {
    return withApprovals(h.createQuery(sql).bind("id", id.value())).stream().findFirst();
  }

  @Override
  public Optional<SupportAction> findOpenForTarget(SupportTarget target) {
    // open_for holds the id of either kind of target: the kind is checked on its own column
    return withApprovals(h.createQuery(SELECT + " WHERE open_for = :target AND " + targetColumn(target) + " = :target")
        .bind("target", target.id())).stream().findFirst();
  }

  @Override
  public Page<SupportAction> list(SupportActionQuery q) {
    StringBuilder sql = new StringBuilder(SELECT + " WHERE 1 = 1");
    if (q.target() != null) {
      sql.append(" AND ").append(targetColumn(q.target())).append(" = :target");
    }
    if (q.agent() != null) {
      sql.append(" AND agent_id = :agent");
    }
    if (q.type() != null) {
      sql.append(" AND action_type = :type");
    }
    if (!q.states().isEmpty()) {
      sql.append(" AND state IN (<states>)");
    }
    if (q.review() != null) {
      sql.append(" AND review_state = :review");
    }
    if (q.createdFrom() != null) {
      sql.append(" AND created_at >= :from");
    }
    if (q.createdBefore() != null) {
      sql.append(" AND created_at < :before");
    }
    if (q.after() != null) {
      sql.append(" AND id > :after");
    }
    sql.append(" ORDER BY id LIMIT :limit");
    Query query = h.createQuery(sql.toString()).bind("limit", q.limit() + 1);
    if (q.target() != null) {
      query.bind("target", q.target().id());
    }
    if (q.agent() != null) {
      query.bind("agent", q.agent().value());
    }
    if (q.type() != null) {
      query.bind("type", q.type().wire());
    }
    if (!q.states().isEmpty()) {
      query.bindList("states", q.states().stream().map(ChangeState::wire).sorted().toList());
    }
    if (q.review() != null) {
      query.bind("review", q.review().wire());
    }
    if (q.createdFrom() != null) {
      query.bind("from", Sql.micros(q.createdFrom()));
    }
    if (q.createdBefore() != null) {
      query.bind("before", Sql.micros(q.createdBefore()));
    }
    if (q.after() != null) {
      query.bind("after", q.after().value());
    }
    return Sql.keysetPage(withApprovals(query), q.limit(), a -> a.id().value());
  }

  @Override
  public long countByAgentSince(OperatorId agent, Instant since) {
    return h.createQuery("SELECT COUNT(*) FROM " + TABLE + " WHERE agent_id = :agent AND created_at >= :since")
        .bind("agent", agent.value())
        .bind("since", Sql.micros(since))
        .mapTo(Long.class)
        .one();
  }

  @Override
  public long countDistinctTargetsOfAgentSince(OperatorId agent, Instant since) {
    // identity and operator ids never coincide (distinct prefixes), so the non-null target column is the target
    return h.createQuery("SELECT COUNT(DISTINCT COALESCE(target_identity_id, target_operator_id)) FROM " + TABLE
            + " WHERE agent_id = :agent AND created_at >= :since")
        .bind("agent", agent.value())
        .bind("since", Sql.micros(since))
        .mapTo(Long.class)
        .one();
  }

  @Override
  public long countForTargetSince(SupportTarget target, Set<SupportActionType> types, Instant since) {
    if (types.isEmpty()) {
      return 0;
    }
    return h.createQuery("SELECT COUNT(*) FROM " + TABLE + " WHERE " + targetColumn(target) + " = :target "
            + "AND created_at >= :since AND action_type IN (<types>)")
        .bind("target", target.id())
        .bind("since", Sql.micros(since))
        .bindList("types", wires(types))
        .mapTo(Long.class)
        .one();
  }

  @Override
  public List<SupportAction> appliedForTargetSince(SupportTarget target, Set<SupportActionType> types,
      Instant since) {
    if (types.isEmpty()) {
      return List.of();
    }
    return withApprovals(h.createQuery(SELECT + " WHERE " + targetColumn(target) + " = :target "
            + "AND state = 'applied' AND resolved_at >= :since AND action_type IN (<types>) ORDER BY id")
        .bind("target", target.id())
        .bind("since", Sql.micros(since))
        .bindList("types", wires(types)));
  }

  @Override
  public long countUnreviewedAppliedBefore(Instant appliedBefore) {
    return h.createQuery("SELECT COUNT(*) FROM " + TABLE + " WHERE state = 'applied' "
            + "AND review_state = 'unreviewed' AND resolved_at < :before")
        .bind("before", Sql.micros(appliedBefore))
        .mapTo(Long.class)
        .one();
  }

  @Override
  public Map<OperatorId, Long> countPerAgentSince(Instant since) {
    return countPer("agent_id", since, rs -> new OperatorId(rs.getString("agent_id")));
  }

  @Override
  public Map<SupportTarget, Long> countPerTargetSince(Instant since) {
    return countPer("target_identity_id, target_operator_id", since, JdbcSupportActionRepository::target);
  }

  @Override
  public Map<SupportActionType, Long> countPerTypeSince(Instant since) {
    return countPer("action_type", since,
        rs -> SupportActionType.parse("action_type", rs.getString("action_type")));
  }

  /** Actions made since {@code since}, counted per value of {@code columns} (a fixed list of this class). */
  private <K> Map<K, Long> countPer(String columns, Instant since, ColumnReader<K> key) {
    Map<K, Long> out = new HashMap<>();
    h.createQuery("SELECT " + columns + ", COUNT(*) AS n FROM " + TABLE + " WHERE created_at >= :since "
            + "GROUP BY " + columns)
        .bind("since", Sql.micros(since))
        .map((rs, ctx) -> Map.entry(key.read(rs), rs.getLong("n")))
        .forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  @FunctionalInterface
  private interface ColumnReader<K> {
    K read(ResultSet rs) throws SQLException;
  }

  /** The actions {@code query} selects, in its order, each with its approvals (read in a second query). */
  private List<SupportAction> withApprovals(Query query) {
    List<Row> rows = query.map((rs, ctx) -> Row.of(rs)).list();
    Map<String, List<Approval>> byAction = approvals.of(rows.stream().map(Row::id).toList());
    return rows.stream().map(r -> r.build().apply(byAction.getOrDefault(r.id(), List.of()))).toList();
  }

  private static List<String> wires(Set<SupportActionType> types) {
    return types.stream().map(SupportActionType::wire).sorted().toList();
  }

  // ---- target columns, shared with the alerts ---------------------------------------------------------------

  /** The column that holds a target of this kind. */
  static String targetColumn(SupportTarget target) {
    return target.kind() == SupportTarget.Kind.IDENTITY ? "target_identity_id" : "target_operator_id";
  }

  /** Binds {@code target_identity_id} and {@code target_operator_id} for {@code target} (both NULL for none). */
  static <S extends SqlStatement<S>> S bindTarget(S s, SupportTarget target) {
    boolean identity = target != null && target.kind() == SupportTarget.Kind.IDENTITY;
    boolean operator = target != null && target.kind() == SupportTarget.Kind.OPERATOR;
    return s.bind("target_identity_id", identity ? target.id() : null)
        .bind("target_operator_id", operator ? target.id() : null);
  }

  /** The target in {@code target_identity_id} or {@code target_operator_id}, or null if neither is set. */
  static SupportTarget target(ResultSet rs) throws SQLException {
    String identity = rs.getString("target_identity_id");
    String operator = rs.getString("target_operator_id");
    return identity != null ? new SupportTarget(SupportTarget.Kind.IDENTITY, identity)
        : operator != null ? new SupportTarget(SupportTarget.Kind.OPERATOR, operator) : null;
  }

  private static String describe(SupportTarget target) {
    return target.kind().wire() + " " + target.id();
  }

  // ---- rows ------------------------------------------------------------------------------------------------

  private static <S extends SqlStatement<S>> S bind(S s, SupportAction a) {
    Evidence e = a.evidence();
    SupportResult r = a.result();
    SupportReview review = a.review();
    return bindTarget(s, a.target())
        .bind("id", a.id().value())
        .bind("action_type", a.type().wire())
        .bind("target_version", a.targetVersion())
        .bind("agent_id", a.agent().value())
        .bind("reason", a.reason())
        .bind("evidence_ticket", e.ticket())
        .bind("evidence_requester", e.claimedRequester())
        .bind("verification_method", e.verification().method().wire())
        .bind("verification_reference", e.verification().reference())
        .bind("verified_by", e.verification().verifiedBy().value())
        .bind("verified_at", Sql.micros(e.verification().verifiedAt()))
        .bind("parameters", StoredJson.write(a.parameters()))
        .bind("req_approvals", a.requiredApprovals().stream().map(ApproverRole::wire)
            .collect(Collectors.joining(" ")))
        .bind("req_because", StoredJson.write(a.requiredBecause()))
        .bind("agent_step_up_at", Sql.micros(a.agentStepUpAt()))
        .bind("state", a.state().wire())
        .bind("open_for", a.open() ? a.target().id() : null)
        .bind("created_at", Sql.micros(a.createdAt()))
        .bind("expires_at", Sql.micros(a.expiresAt()))
        .bind("resolved_at", Sql.micros(a.resolvedAt()))
        .bind("resolved_by", a.resolvedBy())
        .bind("result_issued", r == null ? null : StoredJson.write(r.issued().stream()
            .map(i -> Map.of("kind", i.kind().wire(), "ref", i.ref())).toList()))
        .bind("result_revoked", r == null ? null : r.revokedCredentials().stream().map(CredentialId::value)
            .collect(Collectors.joining(" ")))
        .bind("result_before", r == null ? null : StoredJson.write(r.before()))
        .bind("result_after", r == null ? null : StoredJson.write(r.after()))
        .bind("review_state", review.state().wire())
        .bind("reviewer_id", review.reviewer() == null ? null : review.reviewer().value())
        .bind("reviewed_at", Sql.micros(review.at()))
        .bind("review_comment", review.comment())
        .bind("disavowed_at", Sql.micros(a.disavowedAt()))
        .bind("version", a.version());
  }

  /** An action row, to be completed with its approvals. */
  private record Row(String id, Function<List<Approval>, SupportAction> build) {
    static Row of(ResultSet rs) throws SQLException {
      String id = rs.getString("id");
      SupportActionType type = SupportActionType.parse("action_type", rs.getString("action_type"));
      SupportTarget target = target(rs);
      long targetVersion = rs.getLong("target_version");
      OperatorId agent = new OperatorId(rs.getString("agent_id"));
      String reason = rs.getString("reason");
      Evidence evidence = new Evidence(rs.getString("evidence_ticket"), rs.getString("evidence_requester"),
          new Evidence.Verification(
              VerificationMethod.find(rs.getString("verification_method")).orElseThrow(
                  () -> new IllegalStateException("unknown verification method in the store")),
              rs.getString("verification_reference"), new OperatorId(rs.getString("verified_by")),
              Sql.instant(rs.getLong("verified_at"))));
      Map<String, String> parameters = StoredJson.stringMap(rs.getString("parameters"), "parameters");
      String required = rs.getString("req_approvals");
      List<ApproverRole> requiredApprovals = required.isEmpty() ? List.of()
          : Arrays.stream(required.split(" ")).map(role -> ApproverRole.parse("req_approvals", role)).toList();
      List<String> requiredBecause = StoredJson.stringList(rs.getString("req_because"), "req_because");
      ChangeState state = ChangeState.parse("state", rs.getString("state"));
      Instant agentStepUpAt = Sql.instantOrNull(rs, "agent_step_up_at");
      Instant createdAt = Sql.instant(rs.getLong("created_at"));
      Instant expiresAt = Sql.instant(rs.getLong("expires_at"));
      Instant resolvedAt = Sql.instantOrNull(rs, "resolved_at");
      String resolvedBy = rs.getString("resolved_by");
      SupportResult result = result(rs);
      String reviewer = rs.getString("reviewer_id");
      SupportReview review = new SupportReview(reviewState(rs.getString("review_state")),
          reviewer == null ? null : new OperatorId(reviewer), Sql.instantOrNull(rs, "reviewed_at"),
          rs.getString("review_comment"));
      Instant disavowedAt = Sql.instantOrNull(rs, "disavowed_at");
      long version = rs.getLong("version");
      return new Row(id, approvals -> new SupportAction(new SupportActionId(id), type, target, targetVersion, agent,
          reason, evidence, parameters, requiredApprovals, requiredBecause, approvals, state, agentStepUpAt,
          createdAt, expiresAt, resolvedAt, resolvedBy, result, review, disavowedAt, version));
    }

    private static SupportResult result(ResultSet rs) throws SQLException {
      String issued = rs.getString("result_issued");
      if (issued == null) {
        return null;
      }
      String revoked = rs.getString("result_revoked");
      return new SupportResult(
          StoredJson.mapList(issued, "result_issued").stream()
              .map(i -> new IssuedItem(issuedKind(i.get("kind")), i.get("ref"))).toList(),
          revoked.isEmpty() ? List.of() : Arrays.stream(revoked.split(" ")).map(CredentialId::new).toList(),
          StoredJson.stringMap(rs.getString("result_before"), "result_before"),
          StoredJson.stringMap(rs.getString("result_after"), "result_after"));
    }

    private static IssuedItem.Kind issuedKind(String wire) {
      return Arrays.stream(IssuedItem.Kind.values()).filter(k -> k.wire().equals(wire)).findFirst()
          .orElseThrow(() -> new IllegalStateException("unknown issued item kind in the store"));
    }

    private static SupportReview.State reviewState(String wire) {
      return Arrays.stream(SupportReview.State.values()).filter(s -> s.wire().equals(wire)).findFirst()
          .orElseThrow(() -> new IllegalStateException("unknown review state in the store"));
    }
  }
}
