package dev.bindery.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.bindery.change.Approval;
import dev.bindery.change.ApproverRole;
import dev.bindery.change.ChangeState;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.TeamId;
import dev.bindery.operator.Operator;
import dev.bindery.operator.Team;
import dev.bindery.store.Transactor;
import dev.bindery.store.Tx;
import dev.bindery.store.UniqueViolation;
import dev.bindery.support.Evidence;
import dev.bindery.support.SupportAction;
import dev.bindery.support.SupportActionId;
import dev.bindery.support.SupportActionQuery;
import dev.bindery.support.SupportActionType;
import dev.bindery.support.SupportAlert;
import dev.bindery.support.SupportAlertId;
import dev.bindery.support.SupportTarget;
import dev.bindery.support.VerificationMethod;
import dev.bindery.testkit.TestIdentities;
import dev.bindery.testkit.TestOperators;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Races on the support action table of a real database (H2 and PostgreSQL), each between transactions on separate
 * connections that have all read the same state before any writes: the database, not the JVM, decides. Two open
 * actions for one target: exactly one is stored, the other transaction gets {@link UniqueViolation}. Two optimistic
 * updates from the same version: exactly one applies. {@code findForUpdate}: a second reader waits for the first
 * transaction and then sees its write. Two first sightings of one enrolment source: exactly one is first, and the
 * other transaction still commits.
 */
class SupportStoreConcurrencyTest {
  private static final Instant T0 = Instant.parse("2026-12-03T08:00:00.456Z");
  private static final TeamId OWNERS = new TeamId("owners");
  private static final TeamId DESK = new TeamId("desk");
  private static final SecureRandom RANDOM = new SecureRandom();

  static Stream<String> stores() {
    return Stream.of("h2", "postgres");
  }

  static Stream<Arguments> storesAndTargets() {
    return stores().flatMap(s -> Stream.of(Arguments.of(s, SupportTarget.Kind.IDENTITY),
        Arguments.of(s, SupportTarget.Kind.OPERATOR)));
  }

  private static Database open(String kind) {
    return Database.open(kind.equals("h2") ? TestDatabases.h2() : TestDatabases.postgres());
  }

  @ParameterizedTest
  @MethodSource("storesAndTargets")
  void insert_twoTransactionsOpenActionOnOneTarget_exactlyOneStoredOtherUniqueViolation(String store,
      SupportTarget.Kind kind) throws Exception {
    try (Database db = open(store)) {
      Transactor tx = db.transactor();
      Operator agent = operator(tx);
      SupportTarget target = kind == SupportTarget.Kind.IDENTITY ? SupportTarget.identity(identity(tx))
          : SupportTarget.operator(operator(tx).id());
      SupportActionType type = kind == SupportTarget.Kind.IDENTITY ? SupportActionType.TOKEN_REISSUE
          : SupportActionType.FACTOR_REENROL;
      List<SupportAction> actions = List.of(open(target, agent, type, List.of()), open(target, agent, type,
          List.of(ApproverRole.SUPERVISOR)));

      List<Outcome<SupportActionId>> outcomes = race(tx, actions, (t, a, meet) -> {
        // what the service does first: look for an open action; both transactions find none
        boolean none = t.supportActions().findOpenForTarget(target).isEmpty();
        meet.run();
        if (!none) {
          throw new IllegalStateException("an open action existed before the race");
        }
        t.supportActions().insert(a);
        return a.id();
      });

      List<SupportActionId> won = outcomes.stream().filter(o -> o.failure() == null).map(Outcome::value).toList();
      assertThat(won).hasSize(1);
      assertThat(outcomes).extracting(Outcome::failure).filteredOn(f -> f != null).singleElement()
          .isInstanceOf(UniqueViolation.class);
      List<SupportAction> stored = tx.read(t -> t.supportActions().list(SupportActionQuery.all(10))).items();
      assertThat(stored).extracting(SupportAction::id).containsExactly(won.get(0));
      Optional<SupportAction> open = tx.read(t -> t.supportActions().findOpenForTarget(target));
      assertThat(open).map(SupportAction::id).contains(won.get(0));
    }
  }

  @ParameterizedTest
  @MethodSource("stores")
  void update_twoTransactionsFromTheSameVersion_exactlyOneApplies(String store) throws Exception {
    try (Database db = open(store)) {
      Transactor tx = db.transactor();
      Operator agent = operator(tx);
      List<Operator> supervisors = List.of(operator(tx), operator(tx));
      SupportAction v1 = open(SupportTarget.identity(identity(tx)), agent, SupportActionType.TOKEN_REISSUE,
          List.of(ApproverRole.SUPERVISOR));
      insert(tx, v1);

      List<Outcome<Boolean>> outcomes = race(tx, supervisors, (t, s, meet) -> {
        SupportAction read = t.supportActions().findById(v1.id()).orElseThrow();
        meet.run();
        return t.supportActions().update(read.withApproval(approval(s)));
      });

      List<Boolean> applied = values(outcomes);
      assertThat(applied).containsExactlyInAnyOrder(true, false);
      Operator winner = supervisors.get(applied.indexOf(true));
      SupportAction stored = tx.read(t -> t.supportActions().findById(v1.id())).orElseThrow();
      assertThat(stored.version()).isEqualTo(2);
      assertThat(stored.state()).isEqualTo(ChangeState.APPROVED);
      assertThat(stored.approvals()).extracting(Approval::operator).containsExactly(winner.id());
    }
  }

  @ParameterizedTest
  @MethodSource("stores")
  void findForUpdate_secondReaderWaitsForTheFirstTransactionAndSeesItsWrite(String store) throws Exception {
    try (Database db = open(store)) {
      Transactor tx = db.transactor();
      Operator agent = operator(tx);
      Operator first = operator(tx);
      Operator second = operator(tx);
      SupportAction v1 = open(SupportTarget.identity(identity(tx)), agent, SupportActionType.TOKEN_REISSUE,
          List.of(ApproverRole.SUPERVISOR, ApproverRole.SUPERVISOR));
      insert(tx, v1);
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
        Future<Boolean> secondUpdate = tx.inTransaction(t -> {
          SupportAction locked = t.supportActions().findForUpdate(v1.id()).orElseThrow();
          Future<Boolean> later = pool.submit(() -> tx.inTransaction(t2 -> {
            SupportAction read = t2.supportActions().findForUpdate(v1.id()).orElseThrow();
            return t2.supportActions().update(read.withApproval(approval(second)));
          }));
          awaitSessionBlockedOnLock(db, store);
          assertThat(t.supportActions().update(locked.withApproval(approval(first)))).isTrue();
          return later;
        });

        assertThat(secondUpdate.get(60, TimeUnit.SECONDS)).as("read the first transaction's version").isTrue();
        SupportAction stored = tx.read(t -> t.supportActions().findById(v1.id())).orElseThrow();
        assertThat(stored.version()).isEqualTo(3);
        assertThat(stored.approvals()).extracting(Approval::operator).containsExactly(first.id(), second.id());
      } finally {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
      }
    }
  }

  @ParameterizedTest
  @MethodSource("stores")
  void recordEnrolmentSource_twoTransactionsSameFirstSighting_oneTrueAndBothTransactionsCommit(String store)
      throws Exception {
    try (Database db = open(store)) {
      Transactor tx = db.transactor();
      IdentityId identity = identity(tx);
      List<SupportAlert> alerts = List.of(operator(tx), operator(tx)).stream().map(a -> SupportAlert.raise(
          SupportAlertId.generate(RANDOM), SupportAlert.Kind.UNUSUAL_ENROLMENT_SOURCE, a.id(),
          SupportTarget.identity(identity), null, Map.of("source", "192.0.2.10"), T0)).toList();

      List<Outcome<Boolean>> outcomes = race(tx, alerts, (t, alert, meet) -> {
        boolean unseen = t.supportAlerts().enrolmentSources(identity).isEmpty();
        meet.run();
        boolean first = t.supportAlerts().recordEnrolmentSource(identity, "192.0.2.10", T0);
        // the transaction goes on after a lost race: on PostgreSQL it must not have been aborted
        t.supportAlerts().insert(alert);
        return unseen && first;
      });

      assertThat(values(outcomes)).containsExactlyInAnyOrder(true, false);
      List<String> sources = tx.read(t -> t.supportAlerts().enrolmentSources(identity));
      List<SupportAlert> stored = tx.read(t -> t.supportAlerts().list(false, null, 10));
      assertThat(sources).containsExactly("192.0.2.10");
      assertThat(stored).containsExactlyInAnyOrderElementsOf(alerts);
    }
  }

  // ---- the race ------------------------------------------------------------------------------------------

  /** One transaction of a race: reads, calls {@code meet} (returns once every transaction has read), then writes. */
  @FunctionalInterface
  private interface Racer<I, T> {
    T run(Tx t, I input, Runnable meet);
  }

  /** What one transaction of a race returned, or how it failed. */
  private record Outcome<T>(T value, Throwable failure) {}

  /**
   * Runs {@code racer} once per input, each in its own transaction on its own thread and connection, and returns
   * their outcomes in input order. No transaction writes before all have read.
   */
  private static <I, T> List<Outcome<T>> race(Transactor tx, List<I> inputs, Racer<I, T> racer)
      throws InterruptedException, TimeoutException {
    CountDownLatch allRead = new CountDownLatch(inputs.size());
    Runnable meet = () -> {
      allRead.countDown();
      awaitLatch(allRead);
    };
    ExecutorService pool = Executors.newFixedThreadPool(inputs.size());
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (I input : inputs) {
        futures.add(pool.submit(() -> tx.inTransaction(t -> racer.run(t, input, meet))));
      }
      List<Outcome<T>> outcomes = new ArrayList<>();
      for (Future<T> f : futures) {
        try {
          outcomes.add(new Outcome<>(f.get(60, TimeUnit.SECONDS), null));
        } catch (ExecutionException e) {
          outcomes.add(new Outcome<>(null, e.getCause()));
        }
      }
      return outcomes;
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  /** The values of a race in which no transaction failed. */
  private static <T> List<T> values(List<Outcome<T>> outcomes) {
    assertThat(outcomes).extracting(Outcome::failure).containsOnlyNulls();
    return outcomes.stream().map(Outcome::value).toList();
  }

  /**
   * Waits until another session of this database is blocked by a lock (on H2 {@code INFORMATION_SCHEMA.SESSIONS}
   * names its blocker; on PostgreSQL {@code pg_blocking_pids} of a session is not empty): the only other session in
   * the test is the second reader, whose first statement is {@code SELECT ... FOR UPDATE} of the locked action. Fails
   * after 30 seconds: without the row lock the second reader never waits. (PostgreSQL's {@code pg_stat_activity.query}
   * is not used: for a re-executed server-side prepared statement it may show an earlier statement's text.)
   */
  private static void awaitSessionBlockedOnLock(Database db, String store) {
    String sql = store.equals("h2")
        ? "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE BLOCKER_ID IS NOT NULL"
        : "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
            + "AND cardinality(pg_blocking_pids(pid)) > 0";
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one()) == 0) {
      if (System.nanoTime() > deadline) {
        String sessions = store.equals("h2") ? "SELECT SESSION_ID, BLOCKER_ID, EXECUTING_STATEMENT FROM "
            + "INFORMATION_SCHEMA.SESSIONS" : "SELECT pid, state, wait_event_type, wait_event, query FROM "
            + "pg_stat_activity WHERE datname = current_database()";
        fail("no session waited for the row lock of the support action; sessions: " + db.jdbi().withHandle(
            h -> h.createQuery(sessions).mapToMap().list()));
      }
      // polls another session's state (not waiting for time to pass)
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the other transaction never reached the race");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // ---- fixtures ------------------------------------------------------------------------------------------

  private static SupportAction open(SupportTarget target, Operator agent, SupportActionType type,
      List<ApproverRole> required) {
    return SupportAction.open(SupportActionId.generate(RANDOM), type, target, 1, agent.id(), "asked by phone",
        new Evidence("INC-4711", "Jane Doe", new Evidence.Verification(VerificationMethod.CALLBACK, "call log 17",
            agent.id(), T0.minusSeconds(60))), Map.of(), required,
        required.stream().map(r -> SupportAction.UNDER_SUPERVISION).toList(), T0, T0, T0.plus(Duration.ofHours(4)));
  }

  private static void insert(Transactor tx, SupportAction action) {
    tx.inTransaction(t -> {
      t.supportActions().insert(action);
      return null;
    });
  }

  private static Approval approval(Operator supervisor) {
    return new Approval(supervisor.id(), ApproverRole.SUPERVISOR, T0.plusSeconds(5), T0, null);
  }

  private static IdentityId identity(Transactor tx) {
    Identity identity = TestIdentities.workload().owner(OWNERS).backupTeam(DESK).toIdentity(T0);
    tx.inTransaction(t -> {
      teams(t);
      t.identities().insert(identity);
      return null;
    });
    return identity.id();
  }

  private static Operator operator(Transactor tx) {
    Operator op = TestOperators.operator().teams(DESK).build(T0);
    tx.inTransaction(t -> {
      teams(t);
      t.operators().insert(op);
      return null;
    });
    return op;
  }

  private static void teams(Tx t) {
    if (t.teams().findById(OWNERS).isEmpty()) {
      t.teams().insert(new Team(OWNERS, "Owners", T0));
      t.teams().insert(new Team(DESK, "Desk", T0));
    }
  }
}
