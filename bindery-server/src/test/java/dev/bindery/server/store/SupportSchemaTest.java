package dev.bindery.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bindery.change.ApproverRole;
import dev.bindery.identity.Identity;
import dev.bindery.identity.TeamId;
import dev.bindery.operator.Operator;
import dev.bindery.operator.Team;
import dev.bindery.support.Evidence;
import dev.bindery.support.SupportAction;
import dev.bindery.support.SupportActionId;
import dev.bindery.support.SupportActionType;
import dev.bindery.support.SupportTarget;
import dev.bindery.support.VerificationMethod;
import dev.bindery.testkit.TestIdentities;
import dev.bindery.testkit.TestOperators;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.jdbi.v3.core.statement.StatementException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The V12 schema itself refuses a support action row that would dodge the one-open-action-per-target key or name two
 * targets, whatever SQL wrote it (defence in depth below the adapter), on H2 and PostgreSQL.
 */
class SupportSchemaTest {
  private static final Instant T0 = Instant.parse("2026-12-03T08:00:00.456Z");
  private static final TeamId TEAM = new TeamId("owners");
  private static final TeamId BACKUP = new TeamId("backup");

  static Stream<String> stores() {
    return Stream.of("h2", "postgres");
  }

  @ParameterizedTest
  @MethodSource("stores")
  void rawUpdate_openActionWithoutOpenForOrWithTwoTargets_refusedAndRowUnchanged(String store) {
    try (Database db = Database.open(store.equals("h2") ? TestDatabases.h2() : TestDatabases.postgres())) {
      Identity identity = TestIdentities.workload().owner(TEAM).backupTeam(BACKUP).toIdentity(T0);
      Operator agent = TestOperators.operator().teams(TEAM).build(T0);
      SupportAction action = SupportAction.open(SupportActionId.generate(new SecureRandom()),
          SupportActionType.TOKEN_REISSUE, SupportTarget.identity(identity.id()), 1, agent.id(), "asked by phone",
          new Evidence("INC-1", "Jane Doe", new Evidence.Verification(VerificationMethod.IN_PERSON, "desk 3",
              agent.id(), T0)), Map.of(), List.of(ApproverRole.SUPERVISOR),
          List.of(SupportAction.UNDER_SUPERVISION), T0, T0, T0.plusSeconds(60));
      db.transactor().inTransaction(t -> {
        t.teams().insert(new Team(TEAM, "Owners", T0));
        t.teams().insert(new Team(BACKUP, "Backup", T0));
        t.identities().insert(identity);
        t.operators().insert(agent);
        t.supportActions().insert(action);
        return null;
      });

      assertThatThrownBy(() -> raw(db, "UPDATE support_actions SET open_for = NULL WHERE id = :id", action))
          .satisfies(e -> refusedBy(e, "support_actions_open_for"));
      assertThatThrownBy(() -> raw(db, "UPDATE support_actions SET target_operator_id = agent_id WHERE id = :id",
          action)).satisfies(e -> refusedBy(e, "support_actions_target"));
      assertThatThrownBy(() -> raw(db, "UPDATE support_actions SET state = 'cancelled' WHERE id = :id", action))
          .as("a terminal action keeps no open_for").satisfies(e -> refusedBy(e, "support_actions_open_for"));

      Optional<SupportAction> stored = db.transactor().read(t -> t.supportActions().findById(action.id()));
      assertThat(stored).contains(action);
    }
  }

  /** A check constraint violation (SQLSTATE 23513 on H2, 23514 on PostgreSQL) of the named constraint. */
  private static void refusedBy(Throwable e, String constraint) {
    assertThat(e).isInstanceOf(StatementException.class);
    SQLException sql = (SQLException) e.getCause();
    assertThat(sql.getSQLState()).isIn("23513", "23514");
    assertThat(sql.getMessage().toLowerCase(Locale.ROOT)).contains(constraint);
  }

  private static int raw(Database db, String sql, SupportAction action) {
    return db.jdbi().withHandle(h -> h.createUpdate(sql).bind("id", action.id().value()).execute());
  }
}
