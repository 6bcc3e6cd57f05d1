package dev.bindery.server.store;

import dev.bindery.revocation.RevocationEvent;
import dev.bindery.revocation.RevocationEventRepository;
import dev.bindery.revocation.RevocationEventType;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The revocation feed over JDBC (tables {@code revocation_events} and {@code revocation_feed_head}, migration V6).
 * The sequence number comes from the one row of {@code revocation_feed_head}: the UPDATE that increments it holds
 * that row's lock until the transaction ends, so appends are serialized and numbers increase in commit order on every
 * node (see {@link RevocationEventRepository}).
 */
final class JdbcRevocationEventRepository implements RevocationEventRepository {
  private final Handle h;
  private final Runnable committed;

  JdbcRevocationEventRepository(Handle h, Runnable committed) {
    this.h = h;
    this.committed = committed;
  }

  @Override
  public long append(RevocationEventType type, String value, Instant at) {
    int updated = h.createUpdate("UPDATE revocation_feed_head SET last_seq = last_seq + 1 WHERE id = 1").execute();
    if (updated != 1) {
      throw new IllegalStateException("revocation_feed_head has no row; migration V6 did not run");
    }
    long seq = h.createQuery("SELECT last_seq FROM revocation_feed_head WHERE id = 1").mapTo(Long.class).one();
    // validates the value as the domain does before writing it
    RevocationEvent event = new RevocationEvent(seq, type, value, at);
    h.createUpdate("INSERT INTO revocation_events (seq, event_type, event_value, occurred_at) "
            + "VALUES (:seq, :type, :value, :at)")
        .bind("seq", event.seq())
        .bind("type", type.wire())
        .bind("value", value)
        .bind("at", Sql.micros(at))
        .execute();
    h.afterCommit(committed);
    return seq;
  }

  @Override
  public List<RevocationEvent> since(long since, int limit) {
    return h.createQuery("SELECT * FROM revocation_events WHERE seq > :since ORDER BY seq LIMIT :limit")
        .bind("since", since)
        .bind("limit", limit)
        .map((rs, ctx) -> map(rs))
        .list();
  }

  @Override
  public Optional<RevocationEvent> latest(RevocationEventType type, String value) {
    return h.createQuery("SELECT * FROM revocation_events WHERE event_value = :value AND event_type = :type "
            + "ORDER BY seq DESC LIMIT 1")
        .bind("value", value)
        .bind("type", type.wire())
        .map((rs, ctx) -> map(rs))
        .findOne();
  }

  @Override
  public int deleteBefore(Instant cutoff) {
    return h.createUpdate("DELETE FROM revocation_events WHERE occurred_at < :cutoff")
        .bind("cutoff", Sql.micros(cutoff))
        .execute();
  }

  private static RevocationEvent map(ResultSet rs) throws SQLException {
    String type = rs.getString("event_type");
    return new RevocationEvent(rs.getLong("seq"), RevocationEventType.fromWire(type)
        .orElseThrow(() -> new IllegalStateException("unknown revocation event type in the store")),
        rs.getString("event_value"), Sql.instant(rs.getLong("occurred_at")));
  }
}
