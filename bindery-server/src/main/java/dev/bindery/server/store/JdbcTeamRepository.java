package dev.bindery.server.store;

import dev.bindery.identity.TeamId;
import dev.bindery.operator.Team;
import dev.bindery.operator.TeamRepository;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Teams over JDBC. */
final class JdbcTeamRepository implements TeamRepository {
  private final Handle h;

  JdbcTeamRepository(Handle h) {
    this.h = h;
  }

  @Override
  public void insert(Team team) {
    Sql.insertUnique("team " + team.id(), () -> h.createUpdate(
            "INSERT INTO teams (id, display_name, created_at) VALUES (:id, :name, :at)")
        .bind("id", team.id().value())
        .bind("name", team.displayName())
        .bind("at", Sql.micros(team.createdAt()))
        .execute());
  }

  @Override
  public Optional<Team> findById(TeamId id) {
    return h.createQuery("SELECT id, display_name, created_at FROM teams WHERE id = :id")
        .bind("id", id.value())
        .map((rs, ctx) -> new Team(new TeamId(rs.getString("id")), rs.getString("display_name"),
            Sql.instant(rs.getLong("created_at"))))
        .findOne();
  }

  @Override
  public List<Team> list() {
    return h.createQuery("SELECT id, display_name, created_at FROM teams ORDER BY id")
        .map((rs, ctx) -> new Team(new TeamId(rs.getString("id")), rs.getString("display_name"),
            Sql.instant(rs.getLong("created_at"))))
        .list();
  }
}
