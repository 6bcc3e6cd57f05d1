package dev.bindery.testkit;

import dev.bindery.identity.TeamId;
import dev.bindery.operator.Operator;
import dev.bindery.operator.OperatorId;
import dev.bindery.operator.OperatorStatus;
import dev.bindery.operator.Role;
import dev.bindery.operator.Team;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builders for operator and team fixtures used directly against repositories:
 * {@code TestOperators.operator().roles(Role.ADMIN).teams(payments).build(at)}. To make operators through the
 * services (with tokens, TOTP and step-up) use {@link TestBindery}.
 */
public final class TestOperators {
  private static final AtomicLong COUNTER = new AtomicLong();
  private static final SecureRandom RANDOM = new SecureRandom();

  private TestOperators() {}

  public static Builder operator() {
    return new Builder();
  }

  public static OperatorId newId() {
    return OperatorId.generate(RANDOM);
  }

  public static Team team(String id, Instant at) {
    return new Team(new TeamId(id), "Team " + id, at);
  }

  /** A mutable fixture builder. */
  public static final class Builder {
    private OperatorId id;
    private String name = "operator-" + COUNTER.incrementAndGet();
    private final Set<Role> roles = EnumSet.noneOf(Role.class);
    private final Set<TeamId> teams = new LinkedHashSet<>();
    private OperatorStatus status = OperatorStatus.ACTIVE;
    private long version = 1;

    private Builder() {}

    public Builder id(OperatorId value) {
      this.id = Objects.requireNonNull(value);
      return this;
    }

    public Builder name(String value) {
      this.name = value;
      return this;
    }

    public Builder roles(Role... values) {
      roles.addAll(Arrays.asList(values));
      return this;
    }

    public Builder teams(TeamId... values) {
      teams.addAll(Arrays.asList(values));
      return this;
    }

    public Builder status(OperatorStatus value) {
      this.status = Objects.requireNonNull(value);
      return this;
    }

    public Builder version(long value) {
      this.version = value;
      return this;
    }

    public Operator build(Instant at) {
      return new Operator(id == null ? newId() : id, name, roles, teams, status, version, at, at);
    }
  }
}
