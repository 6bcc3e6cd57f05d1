package dev.bindery.server.store;

import static dev.bindery.testkit.RebindingFixture.csrRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bindery.change.AppliedChange;
import dev.bindery.change.ApproverRole;
import dev.bindery.change.ChangeRequest;
import dev.bindery.change.ChangeState;
import dev.bindery.change.ChangeType;
import dev.bindery.change.RebindingPolicy;
import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import dev.bindery.credential.Credential;
import dev.bindery.credential.CredentialStatus;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityStatus;
import dev.bindery.security.Caller;
import dev.bindery.testkit.MutableClock;
import dev.bindery.testkit.RebindingFixture;
import dev.bindery.testkit.StoreState;
import dev.bindery.testkit.TestBindery;
import dev.bindery.testkit.pki.TestKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The re-binding engine on the JDBC stores: a recover applied after approvals, two concurrent applies of one
 * request on separate connections (exactly one wins), a failure between revoke and bind (nothing kept), and the
 * abuse lock, on H2 and PostgreSQL. The rules are tested in the testkit on the in-memory store; this shows the SQL
 * adapters and their row locks carry them.
 */
class ChangeRequestServiceOnJdbcTest {
  static Stream<String> stores() {
    return Stream.of("h2", "postgres");
  }

  private static Database open(String kind) {
    return Database.open(kind.equals("h2") ? TestDatabases.h2() : TestDatabases.postgres());
  }

  private static ChangeRequest approvedRecover(RebindingFixture f, Identity id, RebindingFixture.Enrolled old) {
    ChangeRequest r = f.create(f.owner, csrRequest(ChangeType.RECOVER, id.id(), TestKeys.ecP256(), old.id()));
    f.approve(f.owner2, r.id(), ApproverRole.OWNER);
    return f.approve(f.securityOfficer, r.id(), ApproverRole.SECURITY_OFFICER);
  }

  @ParameterizedTest
  @MethodSource("stores")
  void recover_twoConcurrentAppliesExactlyOneWins_revokedOldAndOneNewCredential(String kind) throws Exception {
    try (Database db = open(kind)) {
      RebindingFixture f = new RebindingFixture(new TestBindery(db.transactor(), MutableClock.standard()),
          RebindingPolicy.defaults());
      Identity id = f.workload(2);
      RebindingFixture.Enrolled old = f.enrol(id.id());
      ChangeRequest approved = approvedRecover(f, id, old);
      assertThat(approved.state()).isEqualTo(ChangeState.APPROVED);
      List<Caller> appliers = List.of(f.caller(f.owner), f.caller(f.admin), f.caller(f.owner), f.caller(f.admin));
      CountDownLatch start = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(appliers.size());
      List<Future<AppliedChange>> results = new ArrayList<>();
      try {
        for (Caller c : appliers) {
          results.add(pool.submit(() -> {
            start.await();
            return f.service.apply(c, approved.id());
          }));
        }
        start.countDown();
        int won = 0;
        for (Future<AppliedChange> r : results) {
          try {
            r.get(60, TimeUnit.SECONDS);
            won++;
          } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOfSatisfying(RejectedException.class,
                x -> assertThat(x.code()).isEqualTo(ErrorCode.INVALID_TRANSITION));
          }
        }
        assertThat(won).isEqualTo(1);
      } finally {
        pool.shutdownNow();
      }
      List<Credential> all = f.credentialsOf(id.id());
      assertThat(all).hasSize(2);
      assertThat(all).filteredOn(c -> c.status() == CredentialStatus.ACTIVE).hasSize(1);
      assertThat(f.credential(old.id()).status()).isEqualTo(CredentialStatus.REVOKED);
      ChangeRequest stored = f.stored(approved.id());
      assertThat(stored.state()).isEqualTo(ChangeState.APPLIED);
      assertThat(stored.approvals()).hasSize(2);
      assertThat(stored.result().revoked()).containsExactly(old.id());
    }
  }

  @ParameterizedTest
  @MethodSource("stores")
  void apply_caFailsAfterTheRevocation_nothingKept(String kind) {
    try (Database db = open(kind)) {
      RebindingFixture f = new RebindingFixture(new TestBindery(db.transactor(), MutableClock.standard()),
          RebindingPolicy.defaults());
      Identity id = f.workload(2);
      RebindingFixture.Enrolled old = f.enrol(id.id());
      ChangeRequest approved = approvedRecover(f, id, old);
      Caller owner = f.caller(f.owner);
      StoreState before = f.b.state();
      f.ca.failIssue.set(true);

      assertThatThrownBy(() -> f.service.apply(owner, approved.id())).isInstanceOf(IllegalStateException.class);

      assertThat(f.b.state()).isEqualTo(before);
      assertThat(f.credential(old.id()).status()).isEqualTo(CredentialStatus.ACTIVE);
    }
  }

  @ParameterizedTest
  @MethodSource("stores")
  void abuseLimit_fourthRecoverLocksTheIdentityAndTheLockCommits(String kind) {
    try (Database db = open(kind)) {
      RebindingFixture f = new RebindingFixture(new TestBindery(db.transactor(), MutableClock.standard()),
          RebindingPolicy.defaults());
      Identity id = f.workload(1);
      RebindingFixture.Enrolled old = f.enrol(id.id());
      for (int i = 0; i < 3; i++) {
        ChangeRequest r = f.create(f.owner, csrRequest(ChangeType.RECOVER, id.id(), TestKeys.ecP256(), old.id()));
        f.service.cancel(f.caller(f.owner), r.id(), null);
      }

      assertThatThrownBy(() -> f.create(f.owner, csrRequest(ChangeType.RECOVER, id.id(), TestKeys.ecP256(),
          old.id()))).isInstanceOfSatisfying(RejectedException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.REBINDING_RATE_EXCEEDED));

      assertThat(f.identity(id.id()).status()).isEqualTo(IdentityStatus.LOCKED);
      assertThat(f.b.state().changeRequests()).hasSize(3);
    }
  }
}
