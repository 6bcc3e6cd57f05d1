package dev.bindery.operator;

import dev.bindery.common.RejectedException;
import dev.bindery.identity.TeamId;
import dev.bindery.identity.Text;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/** An operator: immutable id, display name, roles, team memberships, status and version. */
public record Operator(
    OperatorId id,
    String name,
    Set<Role> roles,
    Set<TeamId> teams,
    OperatorStatus status,
    long version,
    Instant createdAt,
    Instant updatedAt) {

  public Operator {
    Objects.requireNonNull(id);
    Objects.requireNonNull(status);
    name = Text.required("name", name, 200);
    roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
    teams = Set.copyOf(teams);
    if (roles.contains(Role.AUDITOR) && (roles.size() > 1 || !teams.isEmpty())) {
      throw RejectedException.invalid("roles",
          "the auditor role is read-only and cannot be combined with other roles or team membership");
    }
    if (roles.contains(Role.LEAK_REPORTER) && (roles.size() > 1 || !teams.isEmpty())) {
      throw RejectedException.invalid("roles",
          "the leak_reporter role can only report leaks and cannot be combined with other roles or team membership");
    }
  }

  public boolean has(Role role) {
    return roles.contains(role);
  }

  public Operator withRoles(Set<Role> next, Instant at) {
    return new Operator(id, name, next, teams, status, version + 1, createdAt, at);
  }

  public Operator withTeams(Set<TeamId> next, Instant at) {
    return new Operator(id, name, roles, next, status, version + 1, createdAt, at);
  }

  public Operator withStatus(OperatorStatus next, Instant at) {
    return new Operator(id, name, roles, teams, next, version + 1, createdAt, at);
  }
}
