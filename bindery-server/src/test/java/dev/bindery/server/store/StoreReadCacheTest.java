package dev.bindery.server.store;

import static dev.bindery.testkit.BinderyAssertions.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import dev.bindery.credential.AuthenticatedCredential;
import dev.bindery.credential.CredentialService;
import dev.bindery.credential.IssuedSvid;
import dev.bindery.identity.Identity;
import dev.bindery.identity.TeamId;
import dev.bindery.pki.RevocationReason;
import dev.bindery.security.Caller;
import dev.bindery.testkit.MutableClock;
import dev.bindery.testkit.TestBindery;
import dev.bindery.testkit.TestIdentities;
import dev.bindery.testkit.TestOperator;
import dev.bindery.testkit.pki.TestCsr;
import java.security.cert.X509Certificate;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cache of certificate authentications ({@link CredentialService#authenticateCertificate}) on the JDBC store,
 * on H2 and PostgreSQL, one or two nodes sharing the database: a cached authentication is reused only while nothing
 * changed. A revocation or suspension committed on this node is refused from the moment it commits; one committed on
 * another node from this node's next read of the audit chain head (its watcher reads it every
 * {@link Database#WATCH_INTERVAL}); a node that has not read the head for {@link Database#WATCH_MAX_SILENCE} caches
 * nothing.
 */
class StoreReadCacheTest {
  static Stream<String> stores() {
    return Stream.of("h2", "postgres");
  }

  private static JdbcSettings settings(String kind) {
    return kind.equals("h2") ? TestDatabases.h2() : TestDatabases.postgres();
  }

  /** A node's services on a database, a workload identity and one enrolled certificate of it. */
  private static final class Node {
    final TestBindery b;
    final TestOperator admin;
    Identity identity;
    IssuedSvid svid;

    Node(Database db, MutableClock clock) {
      this.b = new TestBindery(db.transactor(), clock);
      this.admin = b.admin();
    }

    void enrolWorkload(String team) {
      TeamId owner = b.team(team);
      TeamId backup = b.team(team + "-backup");
      identity = b.identities().create(b.caller(admin),
          TestIdentities.workload().owner(owner).backupTeam(backup).build()).identity();
      svid = b.credentials().enrol(b.credentials().createEnrolmentCode(b.caller(admin), identity.id(), null)
          .code().reveal(), TestCsr.ecP256Pem(), "enrol");
    }

    X509Certificate certificate() {
      return svid.certificate();
    }

    AuthenticatedCredential authenticate(X509Certificate c) {
      return b.credentials().authenticateCertificate(c, b.clock().instant(), "auth");
    }
  }

  /**
   * A watched node on {@code db} whose enrolled certificate was authenticated twice: the first records its first
   * use (a write, which drops the cache), the second reads it again and caches it.
   */
  private static Node cachedNode(Database db) {
    db.readHeadOnce();
    Node node = new Node(db, MutableClock.standard());
    node.enrolWorkload("payments");
    node.authenticate(node.certificate());
    node.authenticate(node.certificate());
    return node;
  }

  /** Counts the statements the store runs (every handle of this Jdbi). */
  private static final class StatementCounter implements StatementCustomizer {
    final AtomicInteger count = new AtomicInteger();

    @Override
    public void beforeExecution(PreparedStatement stmt, StatementContext ctx) {
      count.incrementAndGet();
    }
  }

  @ParameterizedTest
  @MethodSource("stores")
  void authenticate_twiceWithNothingChanged_secondRunsNoStatement(String kind) {
    try (Database db = Database.open(settings(kind))) {
      Node node = cachedNode(db);
      StatementCounter statements = new StatementCounter();
      db.jdbi().addCustomizer(statements);

      AuthenticatedCredential again = node.authenticate(node.certificate());

      assertThat(again.identity().id()).isEqualTo(node.identity.id());
      assertThat(again.authenticatedAt()).isEqualTo(node.b.clock().instant());
      assertThat(statements.count.get()).as("statements run by a cached authentication").isZero();
    }
  }

  @ParameterizedTest
  @MethodSource("stores")
  void authenticate_revokedOnThisNodeAfterBeingCached_refusedAtOnce(String kind) {
    try (Database db = Database.open(settings(kind))) {
      Node node = cachedNode(db);

      node.b.credentials().revoke(Caller.system("test"), node.svid.credential().credential().id(),
          RevocationReason.KEY_COMPROMISE);

      assertRejected(() -> node.authenticate(node.certificate()), ErrorCode.CREDENTIAL_REVOKED);
    }
  }

  @ParameterizedTest
  @MethodSource("stores")
  void authenticate_identitySuspendedOnThisNodeAfterBeingCached_refusedAtOnce(String kind) {
    try (Database db = Database.open(settings(kind))) {
      Node node = cachedNode(db);

      node.b.identities().suspend(node.b.caller(node.admin), node.identity.id(), node.identity.version(), "incident");

      assertRejected(() -> node.authenticate(node.certificate()), ErrorCode.IDENTITY_NOT_ACTIVE);
    }
  }

  /**
   * Two nodes on one database, their watchers' clock standing still (a read of the head stays fresh until the test
   * moves {@code nanos}); node A enrols a certificate, node B authenticates it twice (cached), then node A revokes it.
   */
  private static final class TwoNodes implements AutoCloseable {
    final AtomicLong nanos = new AtomicLong();
    final Database dbA;
    final Database dbB;
    final Node a;
    final Node b;

    TwoNodes(JdbcSettings shared) {
      dbA = Database.open(shared, nanos::get);
      dbB = Database.open(shared, nanos::get);
      dbA.readHeadOnce();
      dbB.readHeadOnce();
      MutableClock clock = MutableClock.standard();
      a = new Node(dbA, clock);
      a.enrolWorkload("payments");
      b = new Node(dbB, clock);
      b.authenticate(a.certificate());
      b.authenticate(a.certificate());
      a.b.credentials().revoke(Caller.system("test"), a.svid.credential().credential().id(),
          RevocationReason.KEY_COMPROMISE);
    }

    @Override
    public void close() {
      dbB.close();
      dbA.close();
    }
  }

  @ParameterizedTest
  @MethodSource("stores")
  void authenticate_revokedOnAnotherNode_refusedFromThisNodesNextReadOfTheHead(String kind) {
    try (TwoNodes n = new TwoNodes(settings(kind))) {
      // node A refuses at once; node B has not read the head since the revocation committed on A, and nothing on
      // B told it: this is the bounded delay across nodes (at most the watch interval plus one query)
      assertRejected(() -> n.a.authenticate(n.a.certificate()), ErrorCode.CREDENTIAL_REVOKED);
      assertThat(n.b.authenticate(n.a.certificate()).identity().id()).isEqualTo(n.a.identity.id());

      n.dbB.readHeadOnce();

      assertRejected(() -> n.b.authenticate(n.a.certificate()), ErrorCode.CREDENTIAL_REVOKED);
    }
  }

  @Test
  void authenticate_watcherSilentLongerThanMaxSilence_readsTheStoreEveryTime() {
    try (TwoNodes n = new TwoNodes(settings("h2"))) {
      n.nanos.addAndGet(Database.WATCH_MAX_SILENCE.toNanos() + 1); // B's watcher stopped reading

      assertRejected(() -> n.b.authenticate(n.a.certificate()), ErrorCode.CREDENTIAL_REVOKED);
    }
  }

  @Test
  void authenticate_withoutAWatcher_nothingCached() {
    try (Database db = Database.open(settings("h2"))) {
      Node node = new Node(db, MutableClock.standard());
      node.enrolWorkload("payments");
      node.authenticate(node.certificate());
      node.authenticate(node.certificate());
      StatementCounter statements = new StatementCounter();
      db.jdbi().addCustomizer(statements);

      node.authenticate(node.certificate());

      assertThat(statements.count.get()).isPositive();
    }
  }

  /**
   * Authentications of a cached certificate run on several threads while it is revoked on the same node: none that
   * starts after the revocation returned succeeds.
   */
  @ParameterizedTest
  @MethodSource("stores")
  void authenticate_racingARevocation_noneStartedAfterItReturnedSucceeds(String kind) throws Exception {
    try (Database db = Database.open(settings(kind))) {
      Node node = cachedNode(db);
      AtomicBoolean revoked = new AtomicBoolean();
      AtomicInteger refusedAfter = new AtomicInteger();
      AtomicInteger acceptedAfter = new AtomicInteger();
      AtomicInteger attemptsBefore = new AtomicInteger();
      CountDownLatch running = new CountDownLatch(4);
      List<Thread> workers = new ArrayList<>();
      List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
      for (int i = 0; i < 4; i++) {
        Thread t = new Thread(() -> {
          running.countDown();
          while (refusedAfter.get() < 200) {
            boolean after = revoked.get();
            try {
              node.authenticate(node.certificate());
              if (after) {
                acceptedAfter.incrementAndGet();
              }
            } catch (RejectedException e) {
              if (after) {
                refusedAfter.incrementAndGet();
              }
            } catch (Throwable e) {
              failures.add(e);
              return;
            }
            if (!after) {
              attemptsBefore.incrementAndGet();
            }
          }
        });
        t.start();
        workers.add(t);
      }
      running.await();
      while (attemptsBefore.get() < 100) {
        Thread.onSpinWait();
      }

      node.b.credentials().revoke(Caller.system("test"), node.svid.credential().credential().id(),
          RevocationReason.KEY_COMPROMISE);
      revoked.set(true);
      for (Thread t : workers) {
        t.join(60_000);
      }

      assertThat(failures).isEmpty();
      assertThat(refusedAfter.get()).isGreaterThanOrEqualTo(200);
      assertThat(acceptedAfter.get()).as("authentications started after the revocation returned").isZero();
    }
  }

  @Test
  void writeMarker_onlyPlainSelectsAndUseRecordsAreNotChanges() {
    assertThat(Database.WriteMarker.writes("SELECT * FROM credentials WHERE id = :id")).isFalse();
    assertThat(Database.WriteMarker.writes("  select seq, hash FROM audit_head WHERE id = 1 FOR UPDATE")).isFalse();
    assertThat(Database.WriteMarker.writes(
        "UPDATE credentials SET last_used_at = :at WHERE id = :id AND (last_used_at IS NULL OR last_used_at < :at)"))
        .isFalse();
    assertThat(Database.WriteMarker.writes("UPDATE operator_tokens SET last_used_at = :at WHERE id = :id")).isFalse();

    assertThat(Database.WriteMarker.writes("INSERT INTO audit_events (seq) VALUES (:seq)")).isTrue();
    assertThat(Database.WriteMarker.writes("UPDATE credentials SET status = :s WHERE id = :id")).isTrue();
    assertThat(Database.WriteMarker.writes(
        "UPDATE credentials SET last_used_at = :at, status = 'active' WHERE id = :id")).isTrue();
    assertThat(Database.WriteMarker.writes("DELETE FROM revocation_events WHERE at < :cutoff")).isTrue();
    assertThat(Database.WriteMarker.writes("MERGE INTO audit_head KEY (id) VALUES (1, 0, '')")).isTrue();
    assertThat(Database.WriteMarker.writes("SELECTX")).isTrue();
    assertThat(Database.WriteMarker.writes("WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x")).isTrue();
  }
}
