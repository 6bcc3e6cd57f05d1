package dev.bindery.server.store;

import dev.bindery.common.Page;
import dev.bindery.identity.TeamId;
import dev.bindery.operator.Operator;
import dev.bindery.operator.OperatorId;
import dev.bindery.operator.OperatorRepository;
import dev.bindery.operator.OperatorStatus;
import dev.bindery.operator.Role;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/** Operators and their team memberships over JDBC. */
final class JdbcOperatorRepository implements OperatorRepository {
  private final Handle h;

  JdbcOperatorRepository(Handle h) {
    this.h = h;
  }

  @Override
  public void insert(Operator op) {
    Sql.insertUnique("operator " + op.id(), () -> h.createUpdate("INSERT INTO operators (id, name, roles, status, "
            + "version, created_at, updated_at) VALUES (:id, :name, :roles, :status, :version, :created, :updated)")
        .bind("id", op.id().value())
        .bind("name", op.name())
        .bind("roles", roles(op.roles()))
        .bind("status", op.status().wire())
        .bind("version", op.version())
        .bind("created", Sql.micros(op.createdAt()))
        .bind("updated", Sql.micros(op.updatedAt()))
        .execute());
    insertTeams(op);
  }

  @Override
  public boolean update(Operator next) {
    int n = h.createUpdate("UPDATE operators SET name = :name, roles = :roles, status = :status, version = :version, "
            + "updated_at = :updated WHERE id = :id AND version = :expected")
        .bind("id", next.id().value())
        .bind("name", next.name())
        .bind("roles", roles(next.roles()))
        .bind("status", next.status().wire())
        .bind("version", next.version())
        .bind("expected", next.version() - 1)
        .bind("updated", Sql.micros(next.updatedAt()))
        .execute();
    if (n == 1) {
      h.createUpdate("DELETE FROM operator_teams WHERE operator_id = :id").bind("id", next.id().value()).execute();
      insertTeams(next);
    }
    return n == 1;
  }

  private void insertTeams(Operator op) {
    if (op.teams().isEmpty()) {
      return;
    }
    var batch = h.prepareBatch("INSERT INTO operator_teams (operator_id, team_id) VALUES (:op, :team)");
    op.teams().forEach(t -> batch.bind("op", op.id().value()).bind("team", t.value()).add());
    batch.execute();
  }

  @Override
  public Optional<Operator> findById(OperatorId id) {
    return h.createQuery("SELECT * FROM operators WHERE id = :id")
        .bind("id", id.value())
        .map((rs, ctx) -> map(rs))
        .findOne();
  }

  @Override
  public Page<Operator> list(OperatorId after, int limit) {
    return Sql.keysetPage(h.createQuery("SELECT * FROM operators"
            + (after == null ? "" : " WHERE id > :after") + " ORDER BY id LIMIT :limit")
        .bind("after", after == null ? null : after.value())
        .bind("limit", limit + 1)
        .map((rs, ctx) -> map(rs))
        .list(), limit, o -> o.id().value());
  }

  @Override
  public long count() {
    return h.createQuery("SELECT COUNT(*) FROM operators").mapTo(Long.class).one();
  }

  @Override
  public boolean anyMemberOf(TeamId team) {
    return h.createQuery("SELECT COUNT(*) FROM operator_teams WHERE team_id = :t")
        .bind("t", team.value()).mapTo(Long.class).one() > 0;
  }

  private Operator map(ResultSet rs) throws SQLException {
    String id = rs.getString("id");
    Set<TeamId> teams = new HashSet<>(h.createQuery("SELECT team_id FROM operator_teams WHERE operator_id = :id")
        .bind("id", id).mapTo(String.class).list().stream().map(TeamId::new).toList());
    String roles = rs.getString("roles");
    Set<Role> roleSet = roles.isEmpty() ? Set.of()
        : Arrays.stream(roles.split(" ")).map(r -> Role.parse("roles", r)).collect(Collectors.toSet());
    return new Operator(new OperatorId(id), rs.getString("name"), roleSet, teams,
        OperatorStatus.valueOf(rs.getString("status").toUpperCase(Locale.ROOT)), rs.getLong("version"),
        Sql.instant(rs.getLong("created_at")), Sql.instant(rs.getLong("updated_at")));
  }

  private static String roles(Set<Role> roles) {
    return roles.stream().map(Role::wire).sorted().collect(Collectors.joining(" "));
  }
}
