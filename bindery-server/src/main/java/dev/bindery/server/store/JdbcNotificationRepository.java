package dev.bindery.server.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bindery.audit.Canonical;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.TeamId;
import dev.bindery.notify.AttemptOutcome;
import dev.bindery.notify.Notification;
import dev.bindery.notify.NotificationAttempt;
import dev.bindery.notify.NotificationId;
import dev.bindery.notify.NotificationQuery;
import dev.bindery.notify.NotificationRepository;
import dev.bindery.notify.NotificationState;
import dev.bindery.notify.SecretKind;
import dev.bindery.notify.WebhookId;
import dev.bindery.operator.OperatorId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * The notification outbox over JDBC (tables {@code notifications} and {@code notification_attempts}, migrations V10 and V11).
 * {@link #claimDue} locks the due rows it picks with {@code SELECT ... FOR UPDATE SKIP LOCKED} (the same SQL on H2 and
 * PostgreSQL): a concurrent claim on another node skips them instead of waiting, and once this transaction commits
 * their {@code next_attempt_at} is the end of the lease, so they are not due to anyone until then. (H2 applies the
 * {@code LIMIT} before skipping locked rows, so a concurrent claim there may find fewer rows than PostgreSQL's; never
 * the same ones.)
 */
final class JdbcNotificationRepository implements NotificationRepository {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, String>> DETAILS = new TypeReference<>() {};
  private final Handle h;

  JdbcNotificationRepository(Handle h) {
    this.h = h;
  }

  @Override
  public void insert(Notification n) {
    Sql.insertUnique("notification", () -> h.createUpdate("INSERT INTO notifications (id, team_id, webhook_id, "
            + "identity_id, operator_id, event, details, change_request_id, sealed_disavow_token, disavow_expires_at, "
            + "secret_kind, sealed_secret, created_at, state, attempts, next_attempt_at, last_attempt_at, last_status, "
            + "last_error, completed_at) VALUES (:id, :team, :webhook, :identity, :operator, :event, :details, :chg, "
            + ":sealed, :disavowExpires, :secretKind, :sealedSecret, :created, :state, :attempts, :next, :last, "
            + ":status, :error, :completed)")
        .bind("id", n.id().value())
        .bind("team", n.team().value())
        .bind("webhook", n.webhookId().value())
        .bind("identity", n.identityId() == null ? null : n.identityId().value())
        .bind("operator", n.operatorId() == null ? null : n.operatorId().value())
        .bind("secretKind", n.hasSecret() ? n.secretKind().wire() : null)
        .bind("sealedSecret", n.hasSecret() ? Base64.getEncoder().encodeToString(n.sealedSecret()) : null)
        .bind("event", n.event())
        .bind("details", Canonical.json(n.details()))
        .bind("chg", n.changeRequestId())
        .bind("sealed", n.hasDisavowLink() ? Base64.getEncoder().encodeToString(n.sealedDisavowToken()) : null)
        .bind("disavowExpires", Sql.micros(n.disavowExpiresAt()))
        .bind("created", Sql.micros(n.createdAt()))
        .bind("state", n.state().wire())
        .bind("attempts", n.attempts())
        .bind("next", Sql.micros(n.nextAttemptAt()))
        .bind("last", Sql.micros(n.lastAttemptAt()))
        .bind("status", n.lastStatus())
        .bind("error", n.lastError())
        .bind("completed", Sql.micros(n.completedAt()))
        .execute());
  }

  @Override
  public Optional<Notification> findById(NotificationId id) {
    return h.createQuery("SELECT * FROM notifications WHERE id = :id")
        .bind("id", id.value())
        .map((rs, ctx) -> map(rs))
        .findOne();
  }

  @Override
  public List<Notification> claimDue(Instant now, Instant leaseUntil, int limit) {
    List<Notification> due = h.createQuery("SELECT * FROM notifications WHERE state = 'pending' "
            + "AND next_attempt_at <= :now ORDER BY next_attempt_at, id LIMIT :limit FOR UPDATE SKIP LOCKED")
        .bind("now", Sql.micros(now))
        .bind("limit", limit)
        .map((rs, ctx) -> map(rs))
        .list();
    if (due.isEmpty()) {
      return List.of();
    }
    int updated = h.createUpdate("UPDATE notifications SET attempts = attempts + 1, next_attempt_at = :lease "
            + "WHERE id IN (<ids>)")
        .bind("lease", Sql.micros(leaseUntil))
        .bindList("ids", due.stream().map(n -> n.id().value()).toList())
        .execute();
    if (updated != due.size()) {
      throw new IllegalStateException("claimed " + due.size() + " notifications but updated " + updated);
    }
    return due.stream().map(n -> n.claimed(leaseUntil)).toList();
  }

  @Override
  public boolean finish(Notification next) {
    // a completed notification's sealed secret is dropped with the state change (next holds none then)
    return h.createUpdate("UPDATE notifications SET state = :state, next_attempt_at = :next, "
            + "last_attempt_at = :last, last_status = :status, last_error = :error, completed_at = :completed, "
            + "sealed_secret = :sealedSecret WHERE id = :id AND state = 'pending' AND attempts = :attempts")
        .bind("state", next.state().wire())
        .bind("sealedSecret", next.hasSecret() ? Base64.getEncoder().encodeToString(next.sealedSecret()) : null)
        .bind("next", Sql.micros(next.nextAttemptAt()))
        .bind("last", Sql.micros(next.lastAttemptAt()))
        .bind("status", next.lastStatus())
        .bind("error", next.lastError())
        .bind("completed", Sql.micros(next.completedAt()))
        .bind("id", next.id().value())
        .bind("attempts", next.attempts())
        .execute() == 1;
  }

  @Override
  public int cancelPending(WebhookId webhook, Instant at) {
    return h.createUpdate("UPDATE notifications SET state = 'cancelled', completed_at = :at, sealed_secret = NULL "
            + "WHERE webhook_id = :webhook AND state = 'pending'")
        .bind("at", Sql.micros(at))
        .bind("webhook", webhook.value())
        .execute();
  }

  @Override
  public void insertAttempt(NotificationAttempt a) {
    Sql.insertUnique("notification attempt", () -> h.createUpdate("INSERT INTO notification_attempts "
            + "(notification_id, attempt, attempted_at, status_code, error, outcome, duration_ms) VALUES (:id, "
            + ":attempt, :at, :status, :error, :outcome, :duration)")
        .bind("id", a.notificationId().value())
        .bind("attempt", a.number())
        .bind("at", Sql.micros(a.at()))
        .bind("status", a.statusCode())
        .bind("error", a.error())
        .bind("outcome", a.outcome().wire())
        .bind("duration", a.durationMillis())
        .execute());
  }

  @Override
  public List<NotificationAttempt> attempts(NotificationId id) {
    return h.createQuery("SELECT * FROM notification_attempts WHERE notification_id = :id ORDER BY attempt")
        .bind("id", id.value())
        .map((rs, ctx) -> mapAttempt(rs))
        .list();
  }

  @Override
  public List<Notification> list(NotificationQuery q) {
    StringBuilder sql = new StringBuilder("SELECT * FROM notifications WHERE ")
        .append(q.identity() != null ? "identity_id = :owner" : "team_id = :owner");
    if (q.after() != null) {
      sql.append(" AND (created_at < :afterTime OR (created_at = :afterTime AND id < :afterId))");
    }
    sql.append(" ORDER BY created_at DESC, id DESC LIMIT :limit");
    Query query = h.createQuery(sql.toString())
        .bind("owner", q.identity() != null ? q.identity().value() : q.team().value())
        .bind("limit", q.limit());
    if (q.after() != null) {
      query.bind("afterTime", Sql.micros(q.after().createdAt())).bind("afterId", q.after().id().value());
    }
    return query.map((rs, ctx) -> map(rs)).list();
  }

  private static Notification map(ResultSet rs) throws SQLException {
    String identity = rs.getString("identity_id");
    String operator = rs.getString("operator_id");
    String sealed = rs.getString("sealed_disavow_token");
    String secretKind = rs.getString("secret_kind");
    String sealedSecret = rs.getString("sealed_secret");
    int status = rs.getInt("last_status");
    Integer lastStatus = rs.wasNull() ? null : status;
    Map<String, String> details;
    try {
      details = JSON.readValue(rs.getString("details"), DETAILS);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("notification " + rs.getString("id") + " has unreadable details", e);
    }
    return new Notification(new NotificationId(rs.getString("id")), new TeamId(rs.getString("team_id")),
        new WebhookId(rs.getString("webhook_id")), identity == null ? null : new IdentityId(identity),
        operator == null ? null : new OperatorId(operator), rs.getString("event"), details,
        rs.getString("change_request_id"), sealed == null ? null : Base64.getDecoder().decode(sealed),
        Sql.instantOrNull(rs, "disavow_expires_at"), secretKind == null ? null : SecretKind.fromWire(secretKind)
            .orElseThrow(() -> new IllegalStateException("unknown secret kind in the store")),
        sealedSecret == null ? null : Base64.getDecoder().decode(sealedSecret), Sql.instant(rs.getLong("created_at")), NotificationState.fromWire(rs.getString("state"))
            .orElseThrow(() -> new IllegalStateException("unknown notification state in the store")),
        rs.getInt("attempts"), Sql.instant(rs.getLong("next_attempt_at")), Sql.instantOrNull(rs, "last_attempt_at"),
        lastStatus, rs.getString("last_error"), Sql.instantOrNull(rs, "completed_at"));
  }

  private static NotificationAttempt mapAttempt(ResultSet rs) throws SQLException {
    int status = rs.getInt("status_code");
    Integer statusCode = rs.wasNull() ? null : status;
    return new NotificationAttempt(new NotificationId(rs.getString("notification_id")), rs.getInt("attempt"),
        Sql.instant(rs.getLong("attempted_at")), statusCode, rs.getString("error"),
        AttemptOutcome.fromWire(rs.getString("outcome"))
            .orElseThrow(() -> new IllegalStateException("unknown attempt outcome in the store")),
        rs.getLong("duration_ms"));
  }
}
