package dev.bindery.server.store;

import dev.bindery.identity.TeamId;
import dev.bindery.notify.Webhook;
import dev.bindery.notify.WebhookId;
import dev.bindery.notify.WebhookRepository;
import dev.bindery.notify.WebhookUrl;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Webhooks over JDBC (table {@code webhooks}, migration V10); the secret is stored sealed, base64. */
final class JdbcWebhookRepository implements WebhookRepository {
  private final Handle h;

  JdbcWebhookRepository(Handle h) {
    this.h = h;
  }

  @Override
  public void insert(Webhook w) {
    Sql.insertUnique("webhook", () -> h.createUpdate("INSERT INTO webhooks (id, team_id, url, sealed_secret, "
            + "created_at, created_by, removed_at, removed_by) VALUES (:id, :team, :url, :sealed, :created, :by, "
            + ":removed, :removedBy)")
        .bind("id", w.id().value())
        .bind("team", w.team().value())
        .bind("url", w.url().value())
        .bind("sealed", Base64.getEncoder().encodeToString(w.sealedSecret()))
        .bind("created", Sql.micros(w.createdAt()))
        .bind("by", w.createdBy())
        .bind("removed", Sql.micros(w.removedAt()))
        .bind("removedBy", w.removedBy())
        .execute());
  }

  @Override
  public Optional<Webhook> findById(WebhookId id) {
    return h.createQuery("SELECT * FROM webhooks WHERE id = :id")
        .bind("id", id.value())
        .map((rs, ctx) -> map(rs))
        .findOne();
  }

  @Override
  public List<Webhook> listForTeam(TeamId team, boolean includeRemoved) {
    return h.createQuery("SELECT * FROM webhooks WHERE team_id = :team"
            + (includeRemoved ? "" : " AND removed_at IS NULL") + " ORDER BY created_at, id")
        .bind("team", team.value())
        .map((rs, ctx) -> map(rs))
        .list();
  }

  @Override
  public List<Webhook> activeForTeams(Collection<TeamId> teams) {
    if (teams.isEmpty()) {
      return List.of();
    }
    return h.createQuery("SELECT * FROM webhooks WHERE team_id IN (<teams>) AND removed_at IS NULL "
            + "ORDER BY team_id, created_at, id")
        .bindList("teams", teams.stream().map(TeamId::value).toList())
        .map((rs, ctx) -> map(rs))
        .list();
  }

  @Override
  public boolean markRemoved(WebhookId id, Instant at, String by) {
    return h.createUpdate("UPDATE webhooks SET removed_at = :at, removed_by = :by WHERE id = :id AND removed_at IS NULL")
        .bind("at", Sql.micros(at))
        .bind("by", by)
        .bind("id", id.value())
        .execute() == 1;
  }

  private static Webhook map(ResultSet rs) throws SQLException {
    return new Webhook(new WebhookId(rs.getString("id")), new TeamId(rs.getString("team_id")),
        new WebhookUrl(rs.getString("url")), Base64.getDecoder().decode(rs.getString("sealed_secret")),
        Sql.instant(rs.getLong("created_at")), rs.getString("created_by"), Sql.instantOrNull(rs, "removed_at"),
        rs.getString("removed_by"));
  }
}
