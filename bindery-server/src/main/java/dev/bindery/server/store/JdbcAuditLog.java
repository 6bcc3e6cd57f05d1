package dev.bindery.server.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bindery.audit.AuditChain;
import dev.bindery.audit.AuditEvent;
import dev.bindery.audit.AuditLog;
import dev.bindery.audit.AuditQuery;
import dev.bindery.audit.AuditRecord;
import dev.bindery.audit.ChainHead;
import dev.bindery.audit.Outcome;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * The audit chain over JDBC. {@link #append} locks the single {@code audit_head} row (SELECT ... FOR UPDATE),
 * so concurrent appends are serialized across every Bindery node sharing the database, and the event and
 * the head move in the caller's transaction.
 */
final class JdbcAuditLog implements AuditLog {
  /** Details are read back with integers as Long and decimals as BigDecimal, as the canonical form needs. */
  static final ObjectMapper DETAILS = new ObjectMapper()
      .enable(DeserializationFeature.USE_LONG_FOR_INTS)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private final Handle h;

  JdbcAuditLog(Handle h) {
    this.h = h;
  }

  @Override
  public AuditEvent append(AuditRecord r, Instant time) {
    ChainHead head = h.createQuery("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE")
        .map((rs, ctx) -> new ChainHead(rs.getLong("seq"), rs.getString("hash")))
        .one();
    AuditEvent e = AuditChain.seal(r, head.seq() + 1, time, head.hash());
    h.createUpdate("INSERT INTO audit_events (seq, event_time, actor, action, target, details, outcome, request_id, "
            + "prev_hash, hash) VALUES (:seq, :time, :actor, :action, :target, :details, :outcome, :rid, :prev, :hash)")
        .bind("seq", e.seq())
        .bind("time", Sql.micros(e.time()))
        .bind("actor", e.actor())
        .bind("action", e.action())
        .bind("target", e.target())
        .bind("details", e.detailsJson())
        .bind("outcome", e.outcome().wire())
        .bind("rid", e.requestId())
        .bind("prev", e.prevHash())
        .bind("hash", e.hash())
        .execute();
    h.createUpdate("UPDATE audit_head SET seq = :seq, hash = :hash WHERE id = 1")
        .bind("seq", e.seq()).bind("hash", e.hash()).execute();
    return e;
  }

  @Override
  public List<AuditEvent> query(AuditQuery q) {
    StringBuilder sql = new StringBuilder("SELECT * FROM audit_events WHERE seq > :after");
    if (q.target() != null) {
      sql.append(" AND target = :target");
    }
    if (q.actor() != null) {
      sql.append(" AND actor = :actor");
    }
    if (q.action() != null) {
      sql.append(" AND action = :action");
    }
    if (q.from() != null) {
      sql.append(" AND event_time >= :from");
    }
    if (q.to() != null) {
      sql.append(" AND event_time < :to");
    }
    sql.append(" ORDER BY seq LIMIT :limit");
    Query query = h.createQuery(sql.toString()).bind("after", q.afterSeq()).bind("limit", q.limit());
    if (q.target() != null) {
      query.bind("target", q.target());
    }
    if (q.actor() != null) {
      query.bind("actor", q.actor());
    }
    if (q.action() != null) {
      query.bind("action", q.action());
    }
    if (q.from() != null) {
      query.bind("from", Sql.micros(q.from()));
    }
    if (q.to() != null) {
      query.bind("to", Sql.micros(q.to()));
    }
    return query.map((rs, ctx) -> map(rs)).list();
  }

  @Override
  public void scan(long afterSeq, int batch, Consumer<AuditEvent> sink) {
    long after = afterSeq;
    while (true) {
      List<AuditEvent> page = h.createQuery("SELECT * FROM audit_events WHERE seq > :after ORDER BY seq LIMIT :limit")
          .bind("after", after)
          .bind("limit", batch)
          .map((rs, ctx) -> map(rs))
          .list();
      page.forEach(sink);
      if (page.size() < batch) {
        return;
      }
      after = page.get(page.size() - 1).seq();
    }
  }

  @Override
  public ChainHead head() {
    return h.createQuery("SELECT seq, hash FROM audit_head WHERE id = 1")
        .map((rs, ctx) -> new ChainHead(rs.getLong("seq"), rs.getString("hash")))
        .one();
  }

  static AuditEvent map(ResultSet rs) throws SQLException {
    Map<String, Object> details;
    try {
      details = DETAILS.readValue(rs.getString("details"), MAP);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      // A row whose details are not JSON was tampered with; surface it to the verifier as an empty map
      // with a marker so its hash cannot match.
      details = Map.of("unreadable_details", true);
    }
    return new AuditEvent(rs.getLong("seq"), Instant.ofEpochMilli(Sql.instant(rs.getLong("event_time")).toEpochMilli()),
        rs.getString("actor"), rs.getString("action"), rs.getString("target"), details,
        Outcome.parse(rs.getString("outcome")), rs.getString("request_id"), rs.getString("prev_hash"),
        rs.getString("hash"));
  }
}
