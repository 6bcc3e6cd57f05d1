package dev.bindery.security;

import dev.bindery.identity.TeamId;
import dev.bindery.operator.OperatorId;
import dev.bindery.operator.Role;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * An authenticated operator making a request. Only {@code OperatorService.authenticate} builds one from a
 * token; {@link #system} is for Bindery's own actions (bootstrap). {@code stepUpAt} is when the operator last
 * proved a TOTP code in this token's session, or null.
 */
public record Caller(
    OperatorId operatorId, Set<Role> roles, Set<TeamId> teams, String tokenId, Instant stepUpAt,
    String requestId) {

  public static final String SYSTEM_ACTOR = "system";

  public Caller {
    roles = Set.copyOf(roles);
    teams = Set.copyOf(teams);
    requestId = requestId == null ? "" : requestId;
  }

  public static Caller system(String requestId) {
    return new Caller(null, Set.of(Role.ADMIN), Set.of(), null, null, requestId);
  }

  public boolean isSystem() {
    return operatorId == null;
  }

  public String actor() {
    return operatorId == null ? SYSTEM_ACTOR : operatorId.value();
  }

  public boolean has(Role role) {
    return roles.contains(role);
  }

  public boolean memberOf(TeamId team) {
    return teams.contains(Objects.requireNonNull(team));
  }
}
