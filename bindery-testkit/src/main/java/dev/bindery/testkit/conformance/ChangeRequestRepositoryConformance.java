package dev.bindery.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bindery.change.Approval;
import dev.bindery.change.ApproverRole;
import dev.bindery.change.ChangeRequest;
import dev.bindery.change.ChangeRequestId;
import dev.bindery.change.ChangeRequestQuery;
import dev.bindery.change.ChangeResult;
import dev.bindery.change.ChangeState;
import dev.bindery.change.ChangeType;
import dev.bindery.change.Channel;
import dev.bindery.change.ContinuityChallenge;
import dev.bindery.change.ContinuityChallengeId;
import dev.bindery.change.ContinuityProof;
import dev.bindery.change.ProposedCredential;
import dev.bindery.change.Requester;
import dev.bindery.change.Requirements;
import dev.bindery.common.Page;
import dev.bindery.common.Secret;
import dev.bindery.credential.Assurance;
import dev.bindery.credential.CredentialId;
import dev.bindery.credential.CredentialType;
import dev.bindery.credential.SecretHash;
import dev.bindery.credential.Thumbprint;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.TeamId;
import dev.bindery.operator.Operator;
import dev.bindery.operator.OperatorId;
import dev.bindery.operator.Team;
import dev.bindery.store.Transactor;
import dev.bindery.store.Tx;
import dev.bindery.store.UniqueViolation;
import dev.bindery.testkit.TestCredentials;
import dev.bindery.testkit.TestIdentities;
import dev.bindery.testkit.TestOperators;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The storage contract of the change ports ({@link dev.bindery.change.ChangeRequestRepository},
 * {@link dev.bindery.change.ContinuityChallengeRepository}) as JUnit test-interface methods. The
 * {@link RepositoryConformanceSuite} implements it; a test class may implement it alone (it only needs
 * {@link #changeStore()}, fresh per test). Fixtures insert the identities and operators they name first; instants
 * have millisecond precision.
 */
public interface ChangeRequestRepositoryConformance {
  Instant R0 = Instant.parse("2026-12-02T09:00:00.789Z");
  TeamId CHANGE_TEAM = new TeamId("change-owners");
  TeamId CHANGE_BACKUP_TEAM = new TeamId("change-backup");
  String ATTESTATION = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

  /** The store under test: fresh for each test (it may hold what a suite's own setup wrote). */
  Transactor changeStore();

  // ---- insert, find, update -----------------------------------------------------------------------------

  @Test
  default void changeRequestInsert_everyField_roundTripsExactly() {
    IdentityId target = changeIdentity();
    Operator owner = changeOperator();
    Operator officer = changeOperator();
    ChangeRequest pending = pendingRequest(target, ChangeType.RECOVER, R0);
    ChangeRequest applied = pending
        .withApproval(new Approval(owner.id(), ApproverRole.OWNER, R0.plusSeconds(1), R0, "line one\nline two"))
        .withApproval(new Approval(officer.id(), ApproverRole.SECURITY_OFFICER, R0.plusSeconds(1), R0, null))
        .applied(new ChangeResult(credentialId(), List.of(credentialId(), credentialId())), "op_applier",
            R0.plusSeconds(2));
    IdentityId other = changeIdentity();
    ChangeRequest jwk = ChangeRequest.open(ChangeRequestId.generate(new SecureRandom()), ChangeType.ROTATE,
        Channel.SUPPORT_DESK, other, 7, Requester.workload(other), "rotate by the workload",
        new ProposedCredential(CredentialType.PUBLIC_KEY, null, "{\"kty\":\"EC\"}", TestCredentials.randomThumbprint(),
            "EC P-384", Assurance.HARDWARE, ATTESTATION, R0.plus(Duration.ofDays(3))),
        List.of(credentialId()), true, new Requirements(true, true, List.of(ApproverRole.SUPERVISOR,
            ApproverRole.SUPERVISOR), true),
        new ContinuityProof(ContinuityProof.Method.MUTUAL_TLS, credentialId(), R0), R0.minusSeconds(30), R0,
        R0.plus(Duration.ofHours(1)));

    chwrite(t -> {
      t.changeRequests().insert(applied);
      t.changeRequests().insert(jwk);
    });

    assertThat(chread((Tx t) -> t.changeRequests().findById(applied.id()))).contains(applied);
    assertThat(chread((Tx t) -> t.changeRequests().findById(jwk.id()))).contains(jwk);
    assertThat(chwriteResult((Tx t) -> t.changeRequests().findForUpdate(jwk.id()))).contains(jwk);
    assertThat(chread((Tx t) -> t.changeRequests().findById(ChangeRequestId.generate(new SecureRandom())))).isEmpty();
  }

  @Test
  default void changeRequestUpdate_expectedVersionOnly_approvalsAppendedInOrder() {
    IdentityId target = changeIdentity();
    List<Operator> approvers = List.of(changeOperator(), changeOperator(), changeOperator());
    ChangeRequest v1 = new ChangeRequest(ChangeRequestId.generate(new SecureRandom()), ChangeType.MIGRATE,
        Channel.REBINDING, target, 1, Requester.operator(OperatorId.generate(new SecureRandom())), "move",
        csrProposal(), List.of(credentialId()), false, new Requirements(false, false, List.of(ApproverRole.OWNER,
            ApproverRole.OWNER, ApproverRole.OWNER), false), null, List.of(), ChangeState.PENDING, null, R0,
        R0.plus(Duration.ofHours(24)), null, null, null, 1);
    chwrite(t -> t.changeRequests().insert(v1));
    // three approvals at the same instant: their order is the order given, not the operators' ids
    ChangeRequest v2 = v1.withApproval(new Approval(approvers.get(2).id(), ApproverRole.OWNER, R0, R0, "c"));
    ChangeRequest v3 = v2.withApproval(new Approval(approvers.get(0).id(), ApproverRole.OWNER, R0, R0, null))
        .withApproval(new Approval(approvers.get(1).id(), ApproverRole.OWNER, R0, R0, null));

    assertThat(chwriteResult((Tx t) -> t.changeRequests().update(v2))).isTrue();
    assertThat(chwriteResult((Tx t) -> t.changeRequests().update(v2))).as("stale version").isFalse();
    ChangeRequest v4 = new ChangeRequest(v3.id(), v3.type(), v3.channel(), v3.target(), v3.targetVersion(),
        v3.requester(), v3.reason(), v3.proposed(), v3.replaces(), v3.downgrade(), v3.required(), v3.continuity(),
        v3.approvals(), v3.state(), v3.requesterStepUpAt(), v3.createdAt(), v3.expiresAt(), null, null, null, 3);
    assertThat(chwriteResult((Tx t) -> t.changeRequests().update(v4))).as("two approvals in one update").isTrue();

    ChangeRequest stored = chread((Tx t) -> t.changeRequests().findById(v1.id())).orElseThrow();
    assertThat(stored).isEqualTo(v4);
    assertThat(stored.state()).isEqualTo(ChangeState.APPROVED);
    assertThat(stored.approvals()).extracting(Approval::operator)
        .containsExactly(approvers.get(2).id(), approvers.get(0).id(), approvers.get(1).id());
  }

  @Test
  default void changeRequestInsert_duplicateIdOrSecondOpenRequestOfATarget_uniqueViolation() {
    IdentityId target = changeIdentity();
    ChangeRequest first = pendingRequest(target, ChangeType.ROTATE, R0);
    chwrite(t -> t.changeRequests().insert(first));
    ChangeRequest sameId = new ChangeRequest(first.id(), first.type(), first.channel(), changeIdentity(), 1,
        first.requester(), "again", first.proposed(), first.replaces(), false, first.required(), null, List.of(),
        ChangeState.PENDING, null, R0, R0.plusSeconds(60), null, null, null, 1);
    ChangeRequest secondOpen = pendingRequest(target, ChangeType.RECOVER, R0.plusSeconds(1));

    assertThatThrownBy(() -> chwrite(t -> t.changeRequests().insert(sameId))).isInstanceOf(UniqueViolation.class);
    assertThatThrownBy(() -> chwrite(t -> t.changeRequests().insert(secondOpen))).isInstanceOf(UniqueViolation.class);

    assertThat(list(ChangeRequestQuery.all(10))).containsExactly(first);
    // once the first is terminal, a new open request is stored
    assertThat(chwriteResult((Tx t) -> t.changeRequests().update(first.resolved(ChangeState.CANCELLED, "op_x",
        R0.plusSeconds(2))))).isTrue();
    chwrite(t -> t.changeRequests().insert(secondOpen));
    assertThat(chread((Tx t) -> t.changeRequests().findOpenForIdentity(target))).contains(secondOpen);
  }

  @Test
  default void changeRequestFindOpen_onlyPendingOrApproved() {
    IdentityId target = changeIdentity();
    ChangeRequest expired = pendingRequest(target, ChangeType.ROTATE, R0).resolved(ChangeState.EXPIRED, "system",
        R0.plusSeconds(5));
    chwrite(t -> t.changeRequests().insert(expired));

    assertThat(chread((Tx t) -> t.changeRequests().findOpenForIdentity(target))).isEmpty();
    ChangeRequest open = pendingRequest(target, ChangeType.ROTATE, R0.plusSeconds(6));
    chwrite(t -> t.changeRequests().insert(open));
    assertThat(chread((Tx t) -> t.changeRequests().findOpenForIdentity(target))).contains(open);
    assertThat(chread((Tx t) -> t.changeRequests().findOpenForIdentity(changeIdentity()))).isEmpty();
  }

  @Test
  default void changeRequestCount_byTypesSinceInclusiveAnyState() {
    IdentityId target = changeIdentity();
    List<ChangeRequest> made = List.of(
        pendingRequest(target, ChangeType.RECOVER, R0).resolved(ChangeState.CANCELLED, "x", R0.plusSeconds(1)),
        pendingRequest(target, ChangeType.MIGRATE, R0.plusSeconds(10)).resolved(ChangeState.REJECTED, "x",
            R0.plusSeconds(11)),
        pendingRequest(target, ChangeType.ROTATE, R0.plusSeconds(20)).resolved(ChangeState.EXPIRED, "x",
            R0.plusSeconds(21)),
        pendingRequest(target, ChangeType.RECOVER, R0.plusSeconds(30)));
    chwrite(t -> made.forEach(r -> t.changeRequests().insert(r)));
    chwrite(t -> t.changeRequests().insert(pendingRequest(changeIdentity(), ChangeType.RECOVER, R0)));
    Set<ChangeType> abuse = EnumSet.of(ChangeType.RECOVER, ChangeType.MIGRATE);

    assertThat(chread((Tx t) -> t.changeRequests().countByTypesSince(target, abuse, R0))).isEqualTo(3L);
    assertThat(chread((Tx t) -> t.changeRequests().countByTypesSince(target, abuse, R0.plusSeconds(10))))
        .as("at exactly since counts").isEqualTo(2L);
    assertThat(chread((Tx t) -> t.changeRequests().countByTypesSince(target, abuse, R0.plusMillis(10_001))))
        .isEqualTo(1L);
    assertThat(chread((Tx t) -> t.changeRequests().countByTypesSince(target, EnumSet.of(ChangeType.ROTATE), R0)))
        .isEqualTo(1L);
    assertThat(chread((Tx t) -> t.changeRequests().countByTypesSince(target, EnumSet.noneOf(ChangeType.class), R0)))
        .isZero();
  }

  @Test
  default void changeRequestList_filtersAndKeysetPagingInIdOrder() {
    IdentityId a = changeIdentity();
    IdentityId b = changeIdentity();
    List<ChangeRequest> all = new ArrayList<>();
    all.add(pendingRequest(a, ChangeType.ROTATE, R0).resolved(ChangeState.CANCELLED, "x", R0.plusSeconds(1)));
    all.add(pendingRequest(a, ChangeType.RECOVER, R0.plusSeconds(2)).resolved(ChangeState.REJECTED, "x",
        R0.plusSeconds(3)));
    all.add(pendingRequest(a, ChangeType.MIGRATE, R0.plusSeconds(4)));
    all.add(pendingRequest(b, ChangeType.RECOVER, R0.plusSeconds(5)));
    chwrite(t -> all.forEach(r -> t.changeRequests().insert(r)));
    List<ChangeRequest> byId = all.stream().sorted(Comparator.comparing(r -> r.id().value())).toList();

    assertThat(list(ChangeRequestQuery.all(10))).containsExactlyElementsOf(byId);
    assertThat(list(ChangeRequestQuery.all(10).withTarget(a))).containsExactlyElementsOf(
        byId.stream().filter(r -> r.target().equals(a)).toList());
    assertThat(list(ChangeRequestQuery.all(10).withStates(Set.of(ChangeState.PENDING)))).containsExactlyElementsOf(
        byId.stream().filter(r -> r.state() == ChangeState.PENDING).toList());
    assertThat(list(ChangeRequestQuery.all(10).withType(ChangeType.RECOVER).withTarget(b)))
        .containsExactly(all.get(3));
    assertThat(list(ChangeRequestQuery.all(10).withRequester(all.get(1).requester()))).containsExactly(all.get(1));
    Page<ChangeRequest> first = chread((Tx t) -> t.changeRequests().list(ChangeRequestQuery.all(3)));
    assertThat(first.items()).containsExactlyElementsOf(byId.subList(0, 3));
    assertThat(first.nextCursor()).isEqualTo(byId.get(2).id().value());
    Page<ChangeRequest> second = chread((Tx t) -> t.changeRequests().list(ChangeRequestQuery.all(3)
        .after(ChangeRequestId.parse(first.nextCursor()))));
    assertThat(second.items()).containsExactly(byId.get(3));
    assertThat(second.nextCursor()).isNull();
  }

  /**
   * Apply reads the request FOR UPDATE: a store whose second reader does not wait for the first transaction, or then
   * does not see its commit, would let two applies of one request both pass their checks.
   */
  @Test
  default void changeRequestFindForUpdate_secondTransactionWaitsAndThenSeesTheFirstOnesCommit() throws Exception {
    ChangeRequest r = pendingRequest(changeIdentity(), ChangeType.ROTATE, R0);
    chwrite(t -> t.changeRequests().insert(r));
    CountDownLatch firstHoldsLock = new CountDownLatch(1);
    CountDownLatch releaseFirst = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<?> first = pool.submit(() -> chwrite(t -> {
        ChangeRequest read = t.changeRequests().findForUpdate(r.id()).orElseThrow();
        t.changeRequests().update(read.resolved(ChangeState.CANCELLED, "first", R0.plusSeconds(1)));
        firstHoldsLock.countDown();
        awaitChangeLatch(releaseFirst);
      }));
      assertThat(firstHoldsLock.await(30, TimeUnit.SECONDS)).isTrue();
      Future<ChangeRequest> second = pool.submit(() -> chwriteResult((Tx t) ->
          t.changeRequests().findForUpdate(r.id()).orElseThrow()));

      assertThatThrownBy(() -> second.get(300, TimeUnit.MILLISECONDS))
          .as("the second transaction must wait for the first one's lock")
          .isInstanceOf(java.util.concurrent.TimeoutException.class);
      releaseFirst.countDown();
      first.get(30, TimeUnit.SECONDS);
      assertThat(second.get(30, TimeUnit.SECONDS).state()).isEqualTo(ChangeState.CANCELLED);
    } finally {
      releaseFirst.countDown();
      pool.shutdownNow();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  // ---- continuity challenges ----------------------------------------------------------------------------

  @Test
  default void challenge_insertFindMarkUsedOnceAndListPerRequest() {
    ChangeRequest r = pendingRequest(changeIdentity(), ChangeType.ROTATE, R0);
    ChangeRequest other = pendingRequest(changeIdentity(), ChangeType.ROTATE, R0);
    chwrite(t -> {
      t.changeRequests().insert(r);
      t.changeRequests().insert(other);
    });
    ContinuityChallenge c1 = challenge(r.id(), R0);
    ContinuityChallenge c2 = challenge(r.id(), R0.plusSeconds(1));
    ContinuityChallenge foreign = challenge(other.id(), R0);
    chwrite(t -> {
      t.continuityChallenges().insert(c2);
      t.continuityChallenges().insert(c1);
      t.continuityChallenges().insert(foreign);
    });

    assertThat(chread((Tx t) -> t.continuityChallenges().findById(c1.id()))).contains(c1);
    assertThat(chread((Tx t) -> t.continuityChallenges().listForRequest(r.id()))).containsExactly(c1, c2);
    assertThat(chwriteResult((Tx t) -> t.continuityChallenges().markUsed(c1.id(), R0.plusSeconds(3)))).isTrue();
    assertThat(chwriteResult((Tx t) -> t.continuityChallenges().markUsed(c1.id(), R0.plusSeconds(4))))
        .as("single use").isFalse();
    assertThat(chread((Tx t) -> t.continuityChallenges().findById(c1.id())).orElseThrow().usedAt())
        .isEqualTo(R0.plusSeconds(3));
    assertThat(chwriteResult((Tx t) -> t.continuityChallenges().markUsed(ContinuityChallengeId.generate(
        new SecureRandom()), R0))).isFalse();
    assertThatThrownBy(() -> chwrite(t -> t.continuityChallenges().insert(c2))).isInstanceOf(UniqueViolation.class);
  }

  // ---- helpers ----------------------------------------------------------------------------------------

  private ChangeRequest pendingRequest(IdentityId target, ChangeType type, Instant at) {
    return ChangeRequest.open(ChangeRequestId.generate(new SecureRandom()), type, Channel.REBINDING, target, 1,
        Requester.operator(OperatorId.generate(new SecureRandom())), type.wire() + " for a test", csrProposal(),
        List.of(credentialId(), credentialId()), false, new Requirements(false, false, List.of(ApproverRole.OWNER),
            false), null, null, at, at.plus(Duration.ofHours(24)));
  }

  private static ProposedCredential csrProposal() {
    return new ProposedCredential(CredentialType.X509_SVID, "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n"
        + "-----END CERTIFICATE REQUEST-----\n", null, TestCredentials.randomThumbprint(), "EC P-256",
        Assurance.SOFTWARE, null, null);
  }

  private static ContinuityChallenge challenge(ChangeRequestId request, Instant at) {
    return new ContinuityChallenge(ContinuityChallengeId.generate(new SecureRandom()), request,
        SecretHash.of(Secret.of("nonce " + at)), at, at.plus(Duration.ofMinutes(10)), null);
  }

  private static CredentialId credentialId() {
    return CredentialId.generate(new SecureRandom());
  }

  private IdentityId changeIdentity() {
    Identity identity = TestIdentities.workload().owner(CHANGE_TEAM).backupTeam(CHANGE_BACKUP_TEAM).toIdentity(R0);
    chwrite(t -> {
      ensureChangeTeams(t);
      t.identities().insert(identity);
    });
    return identity.id();
  }

  private Operator changeOperator() {
    Operator op = TestOperators.operator().teams(CHANGE_TEAM).build(R0);
    chwrite(t -> {
      ensureChangeTeams(t);
      t.operators().insert(op);
    });
    return op;
  }

  private static void ensureChangeTeams(Tx t) {
    if (t.teams().findById(CHANGE_TEAM).isEmpty()) {
      t.teams().insert(new Team(CHANGE_TEAM, "Change owners", R0));
      t.teams().insert(new Team(CHANGE_BACKUP_TEAM, "Change backup", R0));
    }
  }

  private List<ChangeRequest> list(ChangeRequestQuery q) {
    Page<ChangeRequest> page = chread((Tx t) -> t.changeRequests().list(q));
    assertThat(page.nextCursor()).isNull();
    return page.items();
  }

  private static void awaitChangeLatch(CountDownLatch latch) {
    try {
      if (!latch.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("latch not released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void chwrite(Consumer<Tx> work) {
    changeStore().inTransaction(t -> {
      work.accept(t);
      return null;
    });
  }

  private <T> T chwriteResult(Function<Tx, T> work) {
    return changeStore().inTransaction(work);
  }

  private <T> T chread(Function<Tx, T> work) {
    return changeStore().read(work);
  }
}
