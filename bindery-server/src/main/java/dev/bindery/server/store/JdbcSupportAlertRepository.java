package dev.bindery.server.store;

import dev.bindery.identity.IdentityId;
import dev.bindery.operator.OperatorId;
import dev.bindery.support.SupportActionId;
import dev.bindery.support.SupportAlert;
import dev.bindery.support.SupportAlertId;
import dev.bindery.support.SupportAlertRepository;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * Support anomaly alerts and the enrolment sources seen per identity over JDBC (tables {@code support_alerts} and
 * {@code support_enrolment_sources}, migration V12). Alert updates are optimistic on {@code version}. A source is
 * recorded under a savepoint, so that a sighting a concurrent transaction recorded first is answered with false and
 * leaves the enrolment's transaction usable on PostgreSQL.
 */
final class JdbcSupportAlertRepository implements SupportAlertRepository {
  private static final String TABLE = "support_alerts";
  private static final String COLUMNS = "id, alert_kind, agent_id, target_identity_id, target_operator_id, action_id, "
      + "details, raised_at, cleared_at, cleared_by, clear_comment, version";
  private static final String SELECT = "SELECT " + COLUMNS + " FROM " + TABLE;
  private static final String SOURCE_SAVEPOINT = "support_enrolment_source";

  private final Handle h;

  JdbcSupportAlertRepository(Handle h) {
    this.h = h;
  }

  @Override
  public void insert(SupportAlert alert) {
    var insert = h.createUpdate(Sql.insertInto(TABLE, COLUMNS));
    Sql.insertUnique("support alert " + alert.id(), () -> bind(insert, alert).execute());
  }

  @Override
  public Optional<SupportAlert> findById(SupportAlertId id) {
    return h.createQuery(SELECT + " WHERE id = :id").bind("id", id.value()).map((rs, ctx) -> map(rs)).findOne();
  }

  @Override
  public boolean update(SupportAlert next) {
    return bind(h.createUpdate(Sql.versionedUpdate(TABLE, COLUMNS)), next)
        .bind("expected", next.version() - 1)
        .execute() == 1;
  }

  @Override
  public List<SupportAlert> openForAgent(OperatorId agent) {
    return h.createQuery(SELECT + " WHERE agent_id = :agent AND cleared_at IS NULL ORDER BY raised_at, id")
        .bind("agent", agent.value())
        .map((rs, ctx) -> map(rs))
        .list();
  }

  @Override
  public List<SupportAlert> list(boolean openOnly, SupportAlertId after, int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative");
    }
    Query query = h.createQuery(SELECT + " WHERE 1 = 1" + (openOnly ? " AND cleared_at IS NULL" : "")
            + (after != null ? " AND id > :after" : "") + " ORDER BY id LIMIT :limit")
        .bind("limit", limit);
    if (after != null) {
      query.bind("after", after.value());
    }
    return query.map((rs, ctx) -> map(rs)).list();
  }

  @Override
  public long countOpen() {
    return h.createQuery("SELECT COUNT(*) FROM " + TABLE + " WHERE cleared_at IS NULL").mapTo(Long.class).one();
  }

  @Override
  public boolean recordEnrolmentSource(IdentityId identity, String source, Instant at) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(at, "at");
    boolean seen = h.createQuery("SELECT COUNT(*) FROM support_enrolment_sources WHERE identity_id = :identity "
            + "AND source = :source")
        .bind("identity", identity.value())
        .bind("source", source)
        .mapTo(Long.class)
        .one() > 0;
    // the common case (a known source) writes nothing; a first sighting racing another keeps the one committed first
    return !seen && Sql.insertIfAbsent(h, SOURCE_SAVEPOINT, () -> h.createUpdate("INSERT INTO "
            + "support_enrolment_sources (identity_id, source, first_seen_at) VALUES (:identity, :source, :at)")
        .bind("identity", identity.value())
        .bind("source", source)
        .bind("at", Sql.micros(at))
        .execute());
  }

  @Override
  public List<String> enrolmentSources(IdentityId identity) {
    // sorted here, not by the database: "text order" is code-unit order under every database collation
    return h.createQuery("SELECT source FROM support_enrolment_sources WHERE identity_id = :identity")
        .bind("identity", identity.value())
        .mapTo(String.class)
        .list()
        .stream()
        .sorted(Comparator.naturalOrder())
        .toList();
  }

  private static <S extends SqlStatement<S>> S bind(S s, SupportAlert a) {
    return JdbcSupportActionRepository.bindTarget(s, a.target())
        .bind("id", a.id().value())
        .bind("alert_kind", a.kind().wire())
        .bind("agent_id", a.agent().value())
        .bind("action_id", a.action() == null ? null : a.action().value())
        .bind("details", StoredJson.write(a.details()))
        .bind("raised_at", Sql.micros(a.raisedAt()))
        .bind("cleared_at", Sql.micros(a.clearedAt()))
        .bind("cleared_by", a.clearedBy() == null ? null : a.clearedBy().value())
        .bind("clear_comment", a.clearComment())
        .bind("version", a.version());
  }

  private static SupportAlert map(ResultSet rs) throws SQLException {
    String kind = rs.getString("alert_kind");
    String action = rs.getString("action_id");
    String clearedBy = rs.getString("cleared_by");
    return new SupportAlert(
        new SupportAlertId(rs.getString("id")),
        Arrays.stream(SupportAlert.Kind.values()).filter(k -> k.wire().equals(kind)).findFirst()
            .orElseThrow(() -> new IllegalStateException("unknown support alert kind in the store")),
        new OperatorId(rs.getString("agent_id")),
        JdbcSupportActionRepository.target(rs),
        action == null ? null : new SupportActionId(action),
        StoredJson.stringMap(rs.getString("details"), "details"),
        Sql.instant(rs.getLong("raised_at")),
        Sql.instantOrNull(rs, "cleared_at"),
        clearedBy == null ? null : new OperatorId(clearedBy),
        rs.getString("clear_comment"),
        rs.getLong("version"));
  }
}
