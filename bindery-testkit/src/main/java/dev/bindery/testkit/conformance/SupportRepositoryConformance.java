package dev.bindery.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bindery.change.Approval;
import dev.bindery.change.ApproverRole;
import dev.bindery.change.ChangeState;
import dev.bindery.common.Page;
import dev.bindery.credential.CredentialId;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.TeamId;
import dev.bindery.operator.Operator;
import dev.bindery.operator.OperatorId;
import dev.bindery.operator.Team;
import dev.bindery.store.Transactor;
import dev.bindery.store.Tx;
import dev.bindery.store.UniqueViolation;
import dev.bindery.support.Evidence;
import dev.bindery.support.IssuedItem;
import dev.bindery.support.SupportAction;
import dev.bindery.support.SupportActionId;
import dev.bindery.support.SupportActionQuery;
import dev.bindery.support.SupportActionType;
import dev.bindery.support.SupportAlert;
import dev.bindery.support.SupportAlertId;
import dev.bindery.support.SupportResult;
import dev.bindery.support.SupportReview;
import dev.bindery.support.SupportTarget;
import dev.bindery.support.VerificationMethod;
import dev.bindery.testkit.TestIdentities;
import dev.bindery.testkit.TestOperators;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The storage contract of the support desk ports ({@link dev.bindery.support.SupportActionRepository},
 * {@link dev.bindery.support.SupportAlertRepository}) as JUnit test-interface methods. A test class implements it
 * with {@link #supportStore()} fresh per test (the in-memory store's conformance test does; a JDBC adapter's should
 * once it has the tables, and then {@link RepositoryConformanceSuite} can implement it for every adapter). Fixtures
 * insert the identities and operators they name first; instants have millisecond precision.
 */
public interface SupportRepositoryConformance {
  Instant S0 = Instant.parse("2026-12-03T08:00:00.456Z");
  TeamId SUPPORT_TEAM = new TeamId("support-owners");
  TeamId SUPPORT_BACKUP_TEAM = new TeamId("support-backup");

  /** The store under test: fresh for each test (it may hold what a suite's own setup wrote). */
  Transactor supportStore();

  // ---- actions: insert, find, update --------------------------------------------------------------------

  @Test
  default void supportActionInsert_everyField_roundTripsExactly() {
    Operator agent = supportOperator();
    Operator supervisor = supportOperator();
    Operator supervisor2 = supportOperator();
    SupportTarget identity = SupportTarget.identity(supportIdentity());
    SupportTarget operator = SupportTarget.operator(supportOperator().id());
    SupportAction applied = SupportAction.open(SupportActionId.generate(new SecureRandom()),
            SupportActionType.CREDENTIAL_RESET, identity, 4, agent.id(), "lost the key\nsecond line",
            evidence(agent.id()), Map.of(SupportActionType.P_REVOCATION_REASON, "superseded",
                SupportActionType.P_TEMPORARY_TTL, "300"),
            List.of(ApproverRole.SUPERVISOR, ApproverRole.SUPERVISOR),
            List.of(SupportAction.PRIVILEGED_ASSURANCE, SupportAction.UNDER_SUPERVISION), S0.minusSeconds(20), S0,
            S0.plus(Duration.ofHours(4)))
        .withApproval(new Approval(supervisor.id(), ApproverRole.SUPERVISOR, S0.plusSeconds(1), S0, "checked"))
        .withApproval(new Approval(supervisor2.id(), ApproverRole.SUPERVISOR, S0.plusSeconds(1), S0, null))
        .applied(new SupportResult(List.of(new IssuedItem(IssuedItem.Kind.ENROLMENT_CODE, "0123456789ab")),
            List.of(CredentialId.generate(new SecureRandom()), CredentialId.generate(new SecureRandom())),
            Map.of("owning_team", "a", "contact", ""), Map.of("owning_team", "b", "contact", "x@example.org")),
            supervisor2.id().value(), S0.plusSeconds(1))
        .reviewed(new SupportReview(SupportReview.State.FLAGGED, supervisor.id(), S0.plusSeconds(9), "odd"))
        .disavowed(S0.plusSeconds(10));
    SupportAction pending = SupportAction.open(SupportActionId.generate(new SecureRandom()),
        SupportActionType.FACTOR_REENROL, operator, 2, agent.id(), "lost phone", evidence(supervisor.id()), Map.of(),
        List.of(ApproverRole.SUPERVISOR), List.of(SupportAction.PRIVILEGED_OPERATOR_ROLE + "admin"), null, S0,
        S0.plusSeconds(60));

    swrite(t -> {
      t.supportActions().insert(applied);
      t.supportActions().insert(pending);
    });

    assertThat(sread((Tx t) -> t.supportActions().findById(applied.id()))).contains(applied);
    assertThat(sread((Tx t) -> t.supportActions().findById(pending.id()))).contains(pending);
    assertThat(swriteResult((Tx t) -> t.supportActions().findForUpdate(pending.id()))).contains(pending);
    assertThat(sread((Tx t) -> t.supportActions().findById(SupportActionId.generate(new SecureRandom())))).isEmpty();
  }

  @Test
  default void supportActionUpdate_expectedVersionOnly_approvalsInOrder() {
    Operator agent = supportOperator();
    List<Operator> supervisors = List.of(supportOperator(), supportOperator());
    SupportAction v1 = pendingAction(SupportTarget.identity(supportIdentity()), agent.id(),
        SupportActionType.TOKEN_REISSUE, S0, List.of(ApproverRole.SUPERVISOR, ApproverRole.SUPERVISOR));
    swrite(t -> t.supportActions().insert(v1));
    SupportAction v2 = v1.withApproval(new Approval(supervisors.get(1).id(), ApproverRole.SUPERVISOR, S0, S0, "c"));
    SupportAction v3 = v2.withApproval(new Approval(supervisors.get(0).id(), ApproverRole.SUPERVISOR, S0, S0, null));

    assertThat(swriteResult((Tx t) -> t.supportActions().update(v2))).isTrue();
    assertThat(swriteResult((Tx t) -> t.supportActions().update(v2))).as("stale version").isFalse();
    assertThat(swriteResult((Tx t) -> t.supportActions().update(v3))).isTrue();

    SupportAction stored = sread((Tx t) -> t.supportActions().findById(v1.id())).orElseThrow();
    assertThat(stored).isEqualTo(v3);
    assertThat(stored.state()).isEqualTo(ChangeState.APPROVED);
    assertThat(stored.approvals()).extracting(Approval::operator)
        .containsExactly(supervisors.get(1).id(), supervisors.get(0).id());
  }

  @Test
  default void supportActionInsert_duplicateIdOrSecondOpenActionOfATarget_uniqueViolation() {
    Operator agent = supportOperator();
    IdentityId id = supportIdentity();
    SupportTarget target = SupportTarget.identity(id);
    SupportAction first = pendingAction(target, agent.id(), SupportActionType.TOKEN_REISSUE, S0, List.of());
    swrite(t -> t.supportActions().insert(first));
    SupportAction sameId = new SupportAction(first.id(), first.type(), SupportTarget.identity(supportIdentity()), 1,
        agent.id(), "again", first.evidence(), Map.of(), List.of(), List.of(), List.of(), ChangeState.PENDING, null,
        S0, S0.plusSeconds(60), null, null, null, SupportReview.UNREVIEWED, null, 1);
    SupportAction secondOpen = pendingAction(target, agent.id(), SupportActionType.RECOVERY_CODES_ISSUE,
        S0.plusSeconds(1), List.of());

    assertThatThrownBy(() -> swrite(t -> t.supportActions().insert(sameId))).isInstanceOf(UniqueViolation.class);
    assertThatThrownBy(() -> swrite(t -> t.supportActions().insert(secondOpen)))
        .isInstanceOf(UniqueViolation.class);

    assertThat(listActions(SupportActionQuery.all(10))).containsExactly(first);
    assertThat(swriteResult((Tx t) -> t.supportActions().update(first.resolved(ChangeState.CANCELLED, "op_x",
        S0.plusSeconds(2))))).isTrue();
    swrite(t -> t.supportActions().insert(secondOpen));
    assertThat(sread((Tx t) -> t.supportActions().findOpenForTarget(target))).contains(secondOpen);
  }

  @Test
  default void supportActionFindOpen_onlyPendingOrApprovedOfThatTarget() {
    Operator agent = supportOperator();
    SupportTarget target = SupportTarget.identity(supportIdentity());
    SupportAction expired = pendingAction(target, agent.id(), SupportActionType.TOKEN_REISSUE, S0, List.of())
        .resolved(ChangeState.EXPIRED, "system", S0.plusSeconds(5));
    swrite(t -> t.supportActions().insert(expired));
    assertThat(sread((Tx t) -> t.supportActions().findOpenForTarget(target))).isEmpty();

    SupportAction open = pendingAction(target, agent.id(), SupportActionType.TOKEN_REISSUE, S0.plusSeconds(6),
        List.of(ApproverRole.SUPERVISOR));
    swrite(t -> t.supportActions().insert(open));
    assertThat(sread((Tx t) -> t.supportActions().findOpenForTarget(target))).contains(open);
    assertThat(sread((Tx t) -> t.supportActions().findOpenForTarget(SupportTarget.identity(supportIdentity()))))
        .isEmpty();
  }

  @Test
  default void supportActionList_filtersCombinedAndKeysetPaged() {
    Operator agent = supportOperator();
    Operator agent2 = supportOperator();
    SupportTarget t1 = SupportTarget.identity(supportIdentity());
    SupportTarget t2 = SupportTarget.identity(supportIdentity());
    List<SupportAction> all = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      all.add(applied(pendingAction(t1, agent.id(), SupportActionType.TOKEN_REISSUE, S0.plusSeconds(i), List.of()),
          S0.plusSeconds(i)));
    }
    SupportAction other = pendingAction(t2, agent2.id(), SupportActionType.PROFILE_EDIT, S0.plusSeconds(10),
        List.of(ApproverRole.SUPERVISOR));
    SupportAction reviewed = all.get(0).reviewed(new SupportReview(SupportReview.State.CONFIRMED, agent2.id(),
        S0.plusSeconds(20), null));
    swrite(t -> {
      all.forEach(a -> t.supportActions().insert(a));
      t.supportActions().insert(other);
      t.supportActions().update(reviewed);
    });
    all.set(0, reviewed);
    List<SupportAction> byId = all.stream().sorted((a, b) -> a.id().value().compareTo(b.id().value())).toList();

    Page<SupportAction> first = sread((Tx t) -> t.supportActions().list(SupportActionQuery.all(2).withAgent(
        agent.id())));
    assertThat(first.items()).containsExactly(byId.get(0), byId.get(1));
    assertThat(first.nextCursor()).isEqualTo(byId.get(1).id().value());
    Page<SupportAction> rest = sread((Tx t) -> t.supportActions().list(SupportActionQuery.all(10).withAgent(
        agent.id()).after(byId.get(1).id())));
    assertThat(rest.items()).containsExactlyElementsOf(byId.subList(2, 5));
    assertThat(rest.nextCursor()).isNull();

    assertThat(listActions(SupportActionQuery.all(10).withTarget(t2))).containsExactly(other);
    assertThat(listActions(SupportActionQuery.all(10).withType(SupportActionType.PROFILE_EDIT)))
        .containsExactly(other);
    assertThat(listActions(SupportActionQuery.all(10).withStates(Set.of(ChangeState.PENDING))))
        .containsExactly(other);
    assertThat(listActions(SupportActionQuery.all(10).withStates(Set.of(ChangeState.APPLIED))
        .withReview(SupportReview.State.UNREVIEWED))).containsExactlyInAnyOrderElementsOf(all.subList(1, 5));
    assertThat(listActions(SupportActionQuery.all(10).withReview(SupportReview.State.CONFIRMED)))
        .containsExactly(reviewed);
    assertThat(listActions(SupportActionQuery.all(10).createdBetween(S0.plusSeconds(1), S0.plusSeconds(3))))
        .containsExactlyInAnyOrderElementsOf(all.subList(1, 3));
  }

  // ---- actions: counts -----------------------------------------------------------------------------------

  @Test
  default void supportActionCounts_sinceInclusiveAnyStateByAgentTargetType() {
    Operator agent = supportOperator();
    Operator agent2 = supportOperator();
    SupportTarget t1 = SupportTarget.identity(supportIdentity());
    SupportTarget t2 = SupportTarget.identity(supportIdentity());
    SupportTarget op = SupportTarget.operator(supportOperator().id());
    SupportAction a1 = pendingAction(t1, agent.id(), SupportActionType.CREDENTIAL_RESET, S0, List.of())
        .resolved(ChangeState.CANCELLED, "x", S0.plusSeconds(1));
    SupportAction a2 = applied(pendingAction(t1, agent.id(), SupportActionType.TOKEN_REISSUE, S0.plusSeconds(10),
        List.of()), S0.plusSeconds(30));
    SupportAction a3 = pendingAction(t2, agent.id(), SupportActionType.PROFILE_EDIT, S0.plusSeconds(20),
        List.of(ApproverRole.SUPERVISOR));
    SupportAction a4 = pendingAction(op, agent2.id(), SupportActionType.FACTOR_REENROL, S0.plusSeconds(20),
        List.of(ApproverRole.SUPERVISOR));
    swrite(t -> List.of(a1, a2, a3, a4).forEach(a -> t.supportActions().insert(a)));

    assertThat(sread((Tx t) -> t.supportActions().countByAgentSince(agent.id(), S0))).isEqualTo(3L);
    assertThat(sread((Tx t) -> t.supportActions().countByAgentSince(agent.id(), S0.plusSeconds(10))))
        .as("at exactly since counts").isEqualTo(2L);
    assertThat(sread((Tx t) -> t.supportActions().countDistinctTargetsOfAgentSince(agent.id(), S0))).isEqualTo(2L);
    assertThat(sread((Tx t) -> t.supportActions().countDistinctTargetsOfAgentSince(agent.id(), S0.plusSeconds(11))))
        .isEqualTo(1L);
    Set<SupportActionType> resets = EnumSet.of(SupportActionType.CREDENTIAL_RESET, SupportActionType.TOKEN_REISSUE);
    assertThat(sread((Tx t) -> t.supportActions().countForTargetSince(t1, resets, S0))).isEqualTo(2L);
    assertThat(sread((Tx t) -> t.supportActions().countForTargetSince(t1,
        EnumSet.of(SupportActionType.PROFILE_EDIT), S0))).isZero();
    assertThat(sread((Tx t) -> t.supportActions().appliedForTargetSince(t1, resets, S0.plusSeconds(30))))
        .as("by apply time, inclusive").containsExactly(a2);
    assertThat(sread((Tx t) -> t.supportActions().appliedForTargetSince(t1, resets, S0.plusSeconds(31)))).isEmpty();
    assertThat(sread((Tx t) -> t.supportActions().countUnreviewedAppliedBefore(S0.plusSeconds(31)))).isEqualTo(1L);
    assertThat(sread((Tx t) -> t.supportActions().countUnreviewedAppliedBefore(S0.plusSeconds(30))))
        .as("applied before, exclusive").isZero();
    assertThat(sread((Tx t) -> t.supportActions().countPerAgentSince(S0)))
        .isEqualTo(Map.of(agent.id(), 3L, agent2.id(), 1L));
    assertThat(sread((Tx t) -> t.supportActions().countPerTargetSince(S0.plusSeconds(10))))
        .isEqualTo(Map.of(t1, 1L, t2, 1L, op, 1L));
    assertThat(sread((Tx t) -> t.supportActions().countPerTypeSince(S0))).isEqualTo(Map.of(
        SupportActionType.CREDENTIAL_RESET, 1L, SupportActionType.TOKEN_REISSUE, 1L,
        SupportActionType.PROFILE_EDIT, 1L, SupportActionType.FACTOR_REENROL, 1L));
  }

  // ---- alerts and enrolment sources ------------------------------------------------------------------------

  @Test
  default void supportAlert_insertFindClearOpenForAgentAndList() {
    Operator agent = supportOperator();
    Operator officer = supportOperator();
    SupportTarget target = SupportTarget.identity(supportIdentity());
    SupportAlert resets = SupportAlert.raise(SupportAlertId.generate(new SecureRandom()),
        SupportAlert.Kind.IDENTITY_RESETS, agent.id(), target, SupportActionId.generate(new SecureRandom()),
        Map.of("count", "4", "max", "3", "window", "PT24H"), S0);
    SupportAlert hours = SupportAlert.raise(SupportAlertId.generate(new SecureRandom()),
        SupportAlert.Kind.OUTSIDE_HOURS, agent.id(), null, null, Map.of(), S0.plusSeconds(1));
    SupportAlert otherAgent = SupportAlert.raise(SupportAlertId.generate(new SecureRandom()),
        SupportAlert.Kind.AGENT_TARGETS, officer.id(), null, null, Map.of("count", "11"), S0.plusSeconds(2));
    swrite(t -> List.of(resets, hours, otherAgent).forEach(a -> t.supportAlerts().insert(a)));
    assertThatThrownBy(() -> swrite(t -> t.supportAlerts().insert(resets))).isInstanceOf(UniqueViolation.class);

    assertThat(sread((Tx t) -> t.supportAlerts().findById(resets.id()))).contains(resets);
    assertThat(sread((Tx t) -> t.supportAlerts().openForAgent(agent.id()))).containsExactly(resets, hours);
    assertThat(sread((Tx t) -> t.supportAlerts().countOpen())).isEqualTo(3L);

    SupportAlert cleared = resets.cleared(officer.id(), S0.plusSeconds(60), "spoke to the agent");
    assertThat(swriteResult((Tx t) -> t.supportAlerts().update(cleared))).isTrue();
    assertThat(swriteResult((Tx t) -> t.supportAlerts().update(cleared))).as("stale version").isFalse();
    assertThat(sread((Tx t) -> t.supportAlerts().findById(resets.id()))).contains(cleared);
    assertThat(sread((Tx t) -> t.supportAlerts().openForAgent(agent.id()))).containsExactly(hours);
    assertThat(sread((Tx t) -> t.supportAlerts().countOpen())).isEqualTo(2L);

    List<SupportAlert> byId = List.of(cleared, hours, otherAgent).stream()
        .sorted((a, b) -> a.id().value().compareTo(b.id().value())).toList();
    assertThat(sread((Tx t) -> t.supportAlerts().list(false, null, 10))).containsExactlyElementsOf(byId);
    assertThat(sread((Tx t) -> t.supportAlerts().list(false, byId.get(0).id(), 1))).containsExactly(byId.get(1));
    assertThat(sread((Tx t) -> t.supportAlerts().list(true, null, 10)))
        .containsExactlyElementsOf(byId.stream().filter(SupportAlert::open).toList());
  }

  @Test
  default void supportEnrolmentSource_firstSightingOnlyPerIdentity() {
    IdentityId a = supportIdentity();
    IdentityId b = supportIdentity();
    assertThat(swriteResult((Tx t) -> t.supportAlerts().recordEnrolmentSource(a, "192.0.2.10", S0))).isTrue();
    assertThat(swriteResult((Tx t) -> t.supportAlerts().recordEnrolmentSource(a, "192.0.2.10", S0.plusSeconds(1))))
        .isFalse();
    assertThat(swriteResult((Tx t) -> t.supportAlerts().recordEnrolmentSource(b, "192.0.2.10", S0))).isTrue();
    assertThat(swriteResult((Tx t) -> t.supportAlerts().recordEnrolmentSource(a, "2001:db8::1", S0))).isTrue();

    assertThat(sread((Tx t) -> t.supportAlerts().enrolmentSources(a))).containsExactly("192.0.2.10", "2001:db8::1");
    assertThat(sread((Tx t) -> t.supportAlerts().enrolmentSources(b))).containsExactly("192.0.2.10");
    assertThat(sread((Tx t) -> t.supportAlerts().enrolmentSources(supportIdentity()))).isEmpty();
  }

  // ---- fixtures ------------------------------------------------------------------------------------------

  private static Evidence evidence(OperatorId verifiedBy) {
    return new Evidence("INC-4711", "Jane Doe, payments on-call",
        new Evidence.Verification(VerificationMethod.CALLBACK, "call log 17", verifiedBy, S0.minusSeconds(600)));
  }

  private static SupportAction pendingAction(SupportTarget target, OperatorId agent, SupportActionType type,
      Instant at, List<ApproverRole> required) {
    return SupportAction.open(SupportActionId.generate(new SecureRandom()), type, target, 1, agent, "asked by phone",
        evidence(agent), Map.of(), required, required.stream().map(r -> SupportAction.UNDER_SUPERVISION).toList(),
        at, at, at.plus(Duration.ofHours(4)));
  }

  private static SupportAction applied(SupportAction approved, Instant at) {
    return approved.applied(SupportResult.NOTHING, approved.agent().value(), at);
  }

  private IdentityId supportIdentity() {
    Identity identity = TestIdentities.workload().owner(SUPPORT_TEAM).backupTeam(SUPPORT_BACKUP_TEAM)
        .toIdentity(S0);
    swrite(t -> {
      ensureSupportTeams(t);
      t.identities().insert(identity);
    });
    return identity.id();
  }

  private Operator supportOperator() {
    Operator op = TestOperators.operator().teams(SUPPORT_TEAM).build(S0);
    swrite(t -> {
      ensureSupportTeams(t);
      t.operators().insert(op);
    });
    return op;
  }

  private static void ensureSupportTeams(Tx t) {
    if (t.teams().findById(SUPPORT_TEAM).isEmpty()) {
      t.teams().insert(new Team(SUPPORT_TEAM, "Support owners", S0));
      t.teams().insert(new Team(SUPPORT_BACKUP_TEAM, "Support backup", S0));
    }
  }

  private List<SupportAction> listActions(SupportActionQuery q) {
    return sread((Tx t) -> t.supportActions().list(q)).items();
  }

  private void swrite(Consumer<Tx> work) {
    supportStore().inTransaction(t -> {
      work.accept(t);
      return null;
    });
  }

  private <T> T swriteResult(Function<Tx, T> work) {
    return supportStore().inTransaction(work);
  }

  private <T> T sread(Function<Tx, T> work) {
    return supportStore().read(work);
  }
}
