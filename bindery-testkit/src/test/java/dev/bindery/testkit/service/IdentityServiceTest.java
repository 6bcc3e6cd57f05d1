package dev.bindery.testkit.service;

import static dev.bindery.testkit.BinderyAssertions.assertAuditedSince;
import static dev.bindery.testkit.BinderyAssertions.assertNothingWritten;
import static dev.bindery.testkit.BinderyAssertions.assertOnlyDenied;
import static dev.bindery.testkit.BinderyAssertions.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bindery.audit.AuditEvent;
import dev.bindery.common.ErrorCode;
import dev.bindery.identity.BackupOwner;
import dev.bindery.identity.CreateResult;
import dev.bindery.identity.FederatedSubject;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.IdentityKind;
import dev.bindery.identity.IdentityQuery;
import dev.bindery.identity.IdentityService;
import dev.bindery.identity.IdentityStatus;
import dev.bindery.identity.NewIdentity;
import dev.bindery.identity.Ownership;
import dev.bindery.identity.Scope;
import dev.bindery.identity.SubjectLink;
import dev.bindery.identity.TeamId;
import dev.bindery.operator.Role;
import dev.bindery.security.Caller;
import dev.bindery.testkit.FailingAuditStore;
import dev.bindery.testkit.MutableClock;
import dev.bindery.testkit.StoreState;
import dev.bindery.testkit.TestBindery;
import dev.bindery.testkit.TestIdentities;
import dev.bindery.testkit.TestOperator;
import dev.bindery.testkit.memory.InMemoryStore;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IdentityServiceTest {
  private static final String ISSUER = "https://token.actions.githubusercontent.com";

  private TestBindery b;
  private IdentityService service;
  private TeamId payments;
  private TeamId platform;
  private TeamId other;
  private TestOperator admin;
  private TestOperator owner;
  private TestOperator backupMember;
  private TestOperator outsider;
  private TestOperator auditor;
  private TestOperator securityOfficer;

  @BeforeEach
  void setUp() {
    b = TestBindery.inMemory();
    service = b.identities();
    payments = b.team("payments");
    platform = b.team("platform");
    other = b.team("other");
    admin = b.admin();
    owner = b.member(payments);
    backupMember = b.member(platform);
    outsider = b.member(other);
    auditor = b.withRoles(Role.AUDITOR);
    securityOfficer = b.withRoles(Role.SECURITY_OFFICER);
  }

  private TestIdentities.Builder request() {
    return TestIdentities.workload().owner(payments).backupTeam(platform);
  }

  private Identity created(NewIdentity request) {
    return service.create(b.caller(owner), request).identity();
  }

  private long identityCount() {
    return b.store().read(t -> t.identities().count());
  }

  private java.util.Optional<SubjectLink> findLink(FederatedSubject subject) {
    return b.store().read(t -> t.identities().findLink(subject));
  }

  private List<SubjectLink> linksOf(IdentityId id) {
    return b.store().read(t -> t.identities().linksOf(id));
  }

  private Identity stored(IdentityId id) {
    return b.store().read(t -> t.identities().findById(id)).orElseThrow();
  }

  // ---- create -------------------------------------------------------------------------------------

  @Test
  void create_validRequest_assignsNhiIdVersionOneAndAuditsOnce() {
    Caller caller = b.caller(owner);
    long seq = b.auditHead().seq();

    CreateResult result = service.create(caller, request().name("billing-worker").label("env", "prod").build());

    Identity identity = result.identity();
    assertThat(result.created()).isTrue();
    assertThat(identity.id().value()).matches("nhi_[a-z2-7]{26}");
    assertThat(identity.version()).isEqualTo(1L);
    assertThat(identity.status()).isEqualTo(IdentityStatus.ACTIVE);
    assertThat(identity.createdAt()).isEqualTo(MutableClock.DEFAULT_START);
    assertThat(stored(identity.id())).isEqualTo(identity);
    List<AuditEvent> events = assertAuditedSince(b, seq, "identity.create");
    assertThat(events.get(0).target()).isEqualTo(identity.id().value());
    assertThat(events.get(0).actor()).isEqualTo(owner.id().value());
    assertThat(events.get(0).requestId()).isEqualTo(TestBindery.REQUEST_ID);
    @SuppressWarnings("unchecked")
    Map<String, Object> after = (Map<String, Object>) events.get(0).details().get("after");
    assertThat(after).containsEntry("name", "billing-worker").containsEntry("owner_team", "payments")
        .containsEntry("backup_owner", "team:platform").containsEntry("status", "active")
        .containsEntry("labels", Map.of("env", "prod"));
  }

  @Test
  void create_tenThousandTimes_idsAreNhiBase32AndNeverEqual() {
    Caller caller = b.caller(owner);
    NewIdentity request = request().name("same-name").build();
    Set<IdentityId> ids = new HashSet<>();

    for (int i = 0; i < 10_000; i++) {
      Identity identity = service.create(caller, request).identity();
      assertThat(identity.id().value()).matches("nhi_[a-z2-7]{26}");
      ids.add(identity.id());
    }

    assertThat(ids).hasSize(10_000);
    assertThat(identityCount()).isEqualTo(10_000L);
  }

  @Test
  void create_withoutOwnershipOrBackupOwner_cannotBeBuiltAndWritesNothing() {
    StoreState before = b.state();

    assertThatThrownBy(() -> new NewIdentity(IdentityKind.WORKLOAD, "n", null, null, null, null, null, null, null))
        .isInstanceOf(NullPointerException.class).hasMessage("ownership");
    assertThatThrownBy(() -> new Ownership(null, BackupOwner.team(platform))).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new Ownership(payments, null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> TestIdentities.workload().owner(payments).build()).isInstanceOf(IllegalStateException.class);

    assertNothingWritten(b, before);
  }

  @Test
  void create_backupOwnerEqualToOwningTeam_rejectedAsInvalidField() {
    StoreState before = b.state();

    var e = assertRejected(() -> new Ownership(payments, BackupOwner.team(payments)), ErrorCode.INVALID_FIELD);

    assertThat(e.field()).isEqualTo("backup_owner");
    assertThat(e.getMessage()).isEqualTo("backup owner must differ from the owning team");
    assertNothingWritten(b, before);
  }

  @Test
  void create_owningTeamDoesNotExist_rejectedAndNothingWritten() {
    Caller caller = b.caller(admin);
    StoreState before = b.state();

    var e = assertRejected(() -> service.create(caller,
        TestIdentities.workload().owner(new TeamId("ghosts")).backupTeam(platform).build()), ErrorCode.TEAM_NOT_FOUND);

    assertThat(e.field()).isEqualTo("owner_team");
    assertNothingWritten(b, before);
  }

  @Test
  void create_backupTeamOrOperatorDoesNotExist_rejectedAndNothingWritten() {
    Caller caller = b.caller(owner);
    StoreState before = b.state();

    var team = assertRejected(() -> service.create(caller,
        TestIdentities.workload().owner(payments).backupTeam(new TeamId("ghosts")).build()), ErrorCode.TEAM_NOT_FOUND);
    var operator = assertRejected(() -> service.create(caller,
        TestIdentities.workload().owner(payments).backupOperator(dev.bindery.testkit.TestOperators.newId()).build()),
        ErrorCode.OPERATOR_NOT_FOUND);

    assertThat(team.field()).isEqualTo("backup_owner");
    assertThat(operator.field()).isEqualTo("backup_owner");
    assertNothingWritten(b, before);
  }

  @Test
  void create_nonMemberOfOwningTeam_deniedAuditedOnceAndNothingElseWritten() {
    Caller caller = b.caller(outsider);
    StoreState before = b.state();

    assertRejected(() -> service.create(caller, request().build()), ErrorCode.FORBIDDEN);

    assertOnlyDenied(b, before, "identity.create", outsider.id().value(), "", ErrorCode.FORBIDDEN);
  }

  @Test
  void create_adminForAnyTeam_allowed() {
    Identity identity = service.create(b.caller(admin), TestIdentities.workload().owner(other).backupTeam(platform)
        .build()).identity();

    assertThat(stored(identity.id()).ownership().owningTeam()).isEqualTo(other);
  }

  @Test
  void create_sameExternalSubjectTwice_returnsSameIdentityWithCreatedFalseAndWritesNothing() {
    Caller caller = b.caller(owner);
    CreateResult first = service.create(caller, request().subject(ISSUER, "repo:acme/billing").build());
    StoreState before = b.state();

    CreateResult second = service.create(caller, request().name("different name").subject(ISSUER, "repo:acme/billing")
        .build());

    assertThat(first.created()).isTrue();
    assertThat(second.created()).isFalse();
    assertThat(second.identity()).isEqualTo(first.identity());
    assertNothingWritten(b, before);
    assertThat(findLink(new FederatedSubject(ISSUER, "repo:acme/billing")))
        .map(SubjectLink::identityId).contains(first.identity().id());
  }

  @Test
  void create_subjectLinkedToRetiredIdentity_rejectedNamingRetiredIdAndNothingWritten() {
    Identity old = created(request().subject(ISSUER, "repo:acme/old").build());
    service.retire(b.steppedUp(owner), old.id(), 1, "decommissioned");
    Caller caller = b.caller(owner);
    StoreState before = b.state();

    var e = assertRejected(() -> service.create(caller, request().subject(ISSUER, "repo:acme/old").build()),
        ErrorCode.SUBJECT_LINKED_TO_RETIRED_IDENTITY);

    assertThat(e.getMessage()).contains(old.id().value());
    assertNothingWritten(b, before);
  }

  // ---- reprovision ----------------------------------------------------------------------------------

  @Test
  void reprovision_retiredSubject_createsSuccessorWithPredecessorAndMovesLink() {
    FederatedSubject subject = new FederatedSubject(ISSUER, "repo:acme/old");
    Identity old = created(request().subject(subject.issuer(), subject.subject()).build());
    service.retire(b.steppedUp(owner), old.id(), 1, "decommissioned");
    Caller caller = b.steppedUp(admin);
    long seq = b.auditHead().seq();

    Identity successor = service.reprovision(caller, request().name("successor")
        .subject(subject.issuer(), subject.subject()).build());

    assertThat(successor.id()).isNotEqualTo(old.id());
    assertThat(successor.predecessor()).isEqualTo(old.id());
    assertThat(successor.version()).isEqualTo(1L);
    assertThat(stored(successor.id())).isEqualTo(successor);
    assertThat(stored(old.id()).status()).isEqualTo(IdentityStatus.RETIRED);
    assertThat(findLink(subject)).map(SubjectLink::identityId)
        .contains(successor.id());
    assertThat(linksOf(old.id())).isEmpty();
    List<AuditEvent> events = assertAuditedSince(b, seq, "identity.create", "identity.reprovision",
        "identity.succeeded");
    assertThat(events).extracting(AuditEvent::target).containsExactly(successor.id().value(),
        successor.id().value(), old.id().value());
    assertThat(events.get(1).details()).containsEntry("predecessor", old.id().value())
        .containsEntry("successor", successor.id().value());
    assertThat(service.create(b.caller(owner), request().subject(subject.issuer(), subject.subject()).build()))
        .isEqualTo(new CreateResult(successor, false));
  }

  @Test
  void reprovision_adminWithoutStepUp_deniedAndNothingElseWritten() {
    Identity old = created(request().subject(ISSUER, "s").build());
    service.retire(b.steppedUp(owner), old.id(), 1, "gone");
    Caller caller = b.caller(admin);
    StoreState before = b.state();

    assertRejected(() -> service.reprovision(caller, request().subject(ISSUER, "s").build()),
        ErrorCode.STEP_UP_REQUIRED);

    assertOnlyDenied(b, before, "identity.reprovision", admin.id().value(), "", ErrorCode.STEP_UP_REQUIRED);
  }

  @Test
  void reprovision_steppedUpOwnerWhoIsNotAdmin_deniedAndNothingElseWritten() {
    Identity old = created(request().subject(ISSUER, "s").build());
    Caller caller = b.steppedUp(owner);
    service.retire(caller, old.id(), 1, "gone");
    StoreState before = b.state();

    assertRejected(() -> service.reprovision(caller, request().subject(ISSUER, "s").build()), ErrorCode.FORBIDDEN);

    assertOnlyDenied(b, before, "identity.reprovision", owner.id().value(), "", ErrorCode.FORBIDDEN);
  }

  @Test
  void reprovision_subjectOfLiveIdentity_rejectedAndNothingWritten() {
    created(request().subject(ISSUER, "live").build());
    Caller caller = b.steppedUp(admin);
    StoreState before = b.state();

    assertRejected(() -> service.reprovision(caller, request().subject(ISSUER, "live").build()),
        ErrorCode.INVALID_TRANSITION);

    assertNothingWritten(b, before);
  }

  @Test
  void reprovision_unknownSubject_rejectedAndNothingWritten() {
    Caller caller = b.steppedUp(admin);
    StoreState before = b.state();

    assertRejected(() -> service.reprovision(caller, request().subject(ISSUER, "never").build()),
        ErrorCode.SUBJECT_NOT_FOUND);

    assertNothingWritten(b, before);
  }

  // ---- profile edits and versions -------------------------------------------------------------------

  @Test
  void updateProfile_owner_keepsIdAndAppendsHistoryWithBeforeAndAfter() {
    Identity v1 = created(request().name("before").label("env", "dev").build());
    b.clock().advance(Duration.ofMinutes(1));
    Caller caller = b.caller(owner);

    Identity v2 = service.updateProfile(caller, v1.id(), 1,
        new Identity.Profile("after", "now described", null, null, Map.of("env", "prod")));

    assertThat(v2.id()).isEqualTo(v1.id());
    assertThat(v2.version()).isEqualTo(2L);
    assertThat(v2.updatedAt()).isEqualTo(MutableClock.DEFAULT_START.plus(Duration.ofMinutes(1)));
    assertThat(stored(v1.id())).isEqualTo(v2);
    List<AuditEvent> history = b.history().history(caller, v1.id(), 0, 10);
    assertThat(history).extracting(AuditEvent::action).containsExactly("identity.create", "identity.update");
    AuditEvent update = history.get(1);
    @SuppressWarnings("unchecked")
    Map<String, Object> before = (Map<String, Object>) update.details().get("before");
    @SuppressWarnings("unchecked")
    Map<String, Object> after = (Map<String, Object>) update.details().get("after");
    assertThat(before).containsOnlyKeys("name", "description", "labels").containsEntry("name", "before")
        .containsEntry("labels", Map.of("env", "dev"));
    assertThat(before.get("description")).isNull();
    assertThat(after).containsOnlyKeys("name", "description", "labels").containsEntry("name", "after")
        .containsEntry("description", "now described").containsEntry("labels", Map.of("env", "prod"));
    assertThat(update.details().get("version")).isEqualTo(2L);
  }

  @Test
  void updateProfile_staleVersion_rejectedAsVersionConflictAndNothingWritten() {
    Identity v1 = created(request().name("v1").build());
    Caller caller = b.caller(owner);
    service.updateProfile(caller, v1.id(), 1, new Identity.Profile("v2", null, null, null, Map.of()));
    StoreState before = b.state();

    var e = assertRejected(() -> service.updateProfile(caller, v1.id(), 1,
        new Identity.Profile("lost", null, null, null, Map.of())), ErrorCode.VERSION_CONFLICT);

    assertThat(e.getMessage()).contains("current version 2");
    assertNothingWritten(b, before);
    assertThat(stored(v1.id()).name()).isEqualTo("v2");
  }

  @Test
  void updateProfile_unknownIdentity_rejectedAndNothingWritten() {
    Caller caller = b.caller(admin);
    StoreState before = b.state();

    assertRejected(() -> service.updateProfile(caller, TestIdentities.newId(), 1,
        new Identity.Profile("x", null, null, null, Map.of())), ErrorCode.IDENTITY_NOT_FOUND);

    assertNothingWritten(b, before);
  }

  @Test
  void updateProfile_nonOwner_deniedAuditedOnceAndNothingElseWritten() {
    Identity identity = created(request().build());
    Caller caller = b.caller(outsider);
    StoreState before = b.state();

    assertRejected(() -> service.updateProfile(caller, identity.id(), 1,
        new Identity.Profile("taken", null, null, null, Map.of())), ErrorCode.FORBIDDEN);

    assertOnlyDenied(b, before, "identity.update", outsider.id().value(), identity.id().value(), ErrorCode.FORBIDDEN);
  }

  @Test
  void updateProfile_backupTeamMemberAndBackupOperator_areOwners() {
    Identity byTeam = created(request().build());
    Identity byOperator = created(TestIdentities.workload().owner(payments).backupOperator(outsider.id()).build());

    Identity a = service.updateProfile(b.caller(backupMember), byTeam.id(), 1,
        new Identity.Profile("by backup team", null, null, null, Map.of()));
    Identity c = service.updateProfile(b.caller(outsider), byOperator.id(), 1,
        new Identity.Profile("by backup operator", null, null, null, Map.of()));

    assertThat(stored(a.id()).name()).isEqualTo("by backup team");
    assertThat(stored(c.id()).name()).isEqualTo("by backup operator");
  }

  @Test
  void updateProfile_securityOfficerWhoIsNotOwner_denied() {
    Identity identity = created(request().build());
    Caller caller = b.caller(securityOfficer);
    StoreState before = b.state();

    assertRejected(() -> service.updateProfile(caller, identity.id(), 1,
        new Identity.Profile("x", null, null, null, Map.of())), ErrorCode.FORBIDDEN);

    assertOnlyDenied(b, before, "identity.update", securityOfficer.id().value(), identity.id().value(),
        ErrorCode.FORBIDDEN);
  }

  @Test
  void updateProfile_auditFails_changeRolledBackWithIt() {
    InMemoryStore inner = new InMemoryStore();
    TestBindery failing = new TestBindery(new FailingAuditStore(inner, "identity.update"), MutableClock.standard());
    TeamId team = failing.team("payments");
    TeamId backup = failing.team("platform");
    TestOperator member = failing.member(team);
    Identity identity = failing.identities().create(failing.caller(member),
        TestIdentities.workload().owner(team).backupTeam(backup).name("original").build()).identity();
    Caller caller = failing.caller(member);
    StoreState before = failing.state();

    assertThatThrownBy(() -> failing.identities().updateProfile(caller, identity.id(), 1,
        new Identity.Profile("renamed", null, null, null, Map.of()))).isInstanceOf(IllegalStateException.class)
        .hasMessage("audit append failed");

    assertThat(failing.state()).isEqualTo(before);
    assertThat(inner.read(t -> t.identities().findById(identity.id())).orElseThrow().name()).isEqualTo("original");
  }

  // ---- lifecycle ------------------------------------------------------------------------------------

  @Test
  void lifecycle_suspendResumeRetire_eachWritesOneEventAndRetiredIsKept() {
    Identity identity = created(request().build());
    Caller caller = b.caller(owner);
    long seq = b.auditHead().seq();

    Identity suspended = service.suspend(caller, identity.id(), 1, "incident 7");
    Identity resumed = service.resume(caller, identity.id(), 2);
    Caller steppedUp = b.steppedUp(owner);
    long beforeRetire = b.auditHead().seq();
    Identity retired = service.retire(steppedUp, identity.id(), 3, "decommissioned");

    assertThat(suspended.status()).isEqualTo(IdentityStatus.SUSPENDED);
    assertThat(suspended.statusReason()).isEqualTo("incident 7");
    assertThat(resumed.status()).isEqualTo(IdentityStatus.ACTIVE);
    assertThat(retired.status()).isEqualTo(IdentityStatus.RETIRED);
    assertThat(retired.statusReason()).isEqualTo("decommissioned");
    assertThat(retired.version()).isEqualTo(4L);
    assertThat(stored(identity.id())).isEqualTo(retired);
    assertThat(b.auditSince(seq).subList(0, 2)).extracting(AuditEvent::action)
        .containsExactly("identity.suspend", "identity.resume");
    List<AuditEvent> retireEvents = assertAuditedSince(b, beforeRetire, "identity.retire");
    assertThat(retireEvents.get(0).details()).isEqualTo(Map.of("before", Map.of("status", "active"),
        "after", Map.of("status", "retired", "reason", "decommissioned"), "version", 4L));
    assertThat(service.search(caller, new IdentityQuery(null, null, IdentityStatus.RETIRED, null, null, null, null,
        null, 10)).items()).containsExactly(retired);
  }

  @Test
  void retire_withoutReason_rejectedAndNothingWritten() {
    Identity identity = created(request().build());
    Caller caller = b.steppedUp(owner);
    StoreState before = b.state();

    var e = assertRejected(() -> service.retire(caller, identity.id(), 1, " "), ErrorCode.MISSING_FIELD);

    assertThat(e.field()).isEqualTo("reason");
    assertNothingWritten(b, before);
  }

  @Test
  void retire_ownerWithoutStepUp_deniedAndNothingElseWritten() {
    Identity identity = created(request().build());
    Caller caller = b.caller(owner);
    StoreState before = b.state();

    assertRejected(() -> service.retire(caller, identity.id(), 1, "gone"), ErrorCode.STEP_UP_REQUIRED);

    assertOnlyDenied(b, before, "identity.retire", owner.id().value(), identity.id().value(),
        ErrorCode.STEP_UP_REQUIRED);
  }

  @Test
  void retired_isTerminal_everyLaterChangeRejectedAndNothingWritten() {
    Identity identity = created(request().build());
    Caller caller = b.steppedUp(owner);
    service.retire(caller, identity.id(), 1, "gone");
    Caller adminCaller = b.steppedUp(admin);
    StoreState before = b.state();

    assertRejected(() -> service.resume(caller, identity.id(), 2), ErrorCode.IDENTITY_RETIRED);
    assertRejected(() -> service.suspend(caller, identity.id(), 2, "x"), ErrorCode.IDENTITY_RETIRED);
    assertRejected(() -> service.retire(caller, identity.id(), 2, "again"), ErrorCode.IDENTITY_RETIRED);
    assertRejected(() -> service.updateProfile(caller, identity.id(), 2,
        new Identity.Profile("x", null, null, null, Map.of())), ErrorCode.IDENTITY_RETIRED);
    assertRejected(() -> service.setScopes(adminCaller, identity.id(), 2, Set.of(new Scope("a"))),
        ErrorCode.IDENTITY_RETIRED);
    assertRejected(() -> service.link(caller, identity.id(), new FederatedSubject(ISSUER, "late")),
        ErrorCode.IDENTITY_RETIRED);

    assertNothingWritten(b, before);
  }

  @Test
  void suspend_alreadySuspended_rejectedAsInvalidTransitionAndNothingWritten() {
    Identity identity = created(request().build());
    Caller caller = b.caller(owner);
    service.suspend(caller, identity.id(), 1, "x");
    StoreState before = b.state();

    assertRejected(() -> service.suspend(caller, identity.id(), 2, "again"), ErrorCode.INVALID_TRANSITION);

    assertNothingWritten(b, before);
  }

  @Test
  void suspend_securityOfficerWhoIsNotOwner_allowed() {
    Identity identity = created(request().build());

    Identity suspended = service.suspend(b.caller(securityOfficer), identity.id(), 1, "incident");

    assertThat(stored(identity.id())).isEqualTo(suspended);
    assertThat(suspended.status()).isEqualTo(IdentityStatus.SUSPENDED);
  }

  @Test
  void suspend_nonOwner_deniedAndNothingElseWritten() {
    Identity identity = created(request().build());
    Caller caller = b.caller(outsider);
    StoreState before = b.state();

    assertRejected(() -> service.suspend(caller, identity.id(), 1, "x"), ErrorCode.FORBIDDEN);

    assertOnlyDenied(b, before, "identity.suspend", outsider.id().value(), identity.id().value(), ErrorCode.FORBIDDEN);
  }

  // ---- auditor, scopes, links, ownership ------------------------------------------------------------

  @Test
  void auditor_everyWrite_deniedWithOneDeniedEventEach() {
    Identity identity = created(request().subject(ISSUER, "x").build());
    Caller caller = b.caller(auditor);
    String actor = auditor.id().value();
    String target = identity.id().value();

    StoreState s1 = b.state();
    assertRejected(() -> service.create(caller, request().build()), ErrorCode.FORBIDDEN);
    assertOnlyDenied(b, s1, "identity.create", actor, "", ErrorCode.FORBIDDEN);
    StoreState s2 = b.state();
    assertRejected(() -> service.updateProfile(caller, identity.id(), 1,
        new Identity.Profile("x", null, null, null, Map.of())), ErrorCode.FORBIDDEN);
    assertOnlyDenied(b, s2, "identity.update", actor, target, ErrorCode.FORBIDDEN);
    StoreState s3 = b.state();
    assertRejected(() -> service.suspend(caller, identity.id(), 1, "x"), ErrorCode.FORBIDDEN);
    assertOnlyDenied(b, s3, "identity.suspend", actor, target, ErrorCode.FORBIDDEN);
    StoreState s4 = b.state();
    assertRejected(() -> service.retire(caller, identity.id(), 1, "x"), ErrorCode.FORBIDDEN);
    assertOnlyDenied(b, s4, "identity.retire", actor, target, ErrorCode.FORBIDDEN);
    StoreState s5 = b.state();
    assertRejected(() -> service.setScopes(caller, identity.id(), 1, Set.of(new Scope("a"))), ErrorCode.FORBIDDEN);
    assertOnlyDenied(b, s5, "identity.set_scopes", actor, target, ErrorCode.FORBIDDEN);
    StoreState s6 = b.state();
    assertRejected(() -> service.link(caller, identity.id(), new FederatedSubject(ISSUER, "y")), ErrorCode.FORBIDDEN);
    assertOnlyDenied(b, s6, "identity.link", actor, target, ErrorCode.FORBIDDEN);
    StoreState s7 = b.state();
    assertRejected(() -> service.transferOwnership(caller, identity.id(), 1,
        new Ownership(other, BackupOwner.team(platform))), ErrorCode.FORBIDDEN);
    assertOnlyDenied(b, s7, "identity.transfer_ownership", actor, target, ErrorCode.FORBIDDEN);
    StoreState s8 = b.state();
    assertRejected(() -> service.reprovision(caller, request().subject(ISSUER, "x").build()), ErrorCode.FORBIDDEN);
    assertOnlyDenied(b, s8, "identity.reprovision", actor, "", ErrorCode.FORBIDDEN);
  }

  @Test
  void auditor_reads_allowed() {
    Identity identity = created(request().subject(ISSUER, "x").build());
    Caller caller = b.caller(auditor);

    assertThat(service.get(caller, identity.id())).isEqualTo(identity);
    assertThat(service.getBySubject(caller, new FederatedSubject(ISSUER, "x"))).isEqualTo(identity);
    assertThat(service.search(caller, IdentityQuery.all(10)).items()).containsExactly(identity);
  }

  @Test
  void setScopes_adminAndSecurityOfficer_allowedAndAudited() {
    Identity identity = created(request().build());
    long seq = b.auditHead().seq();
    Caller adminCaller = b.caller(admin);
    Caller officerCaller = b.caller(securityOfficer);

    Identity v2 = service.setScopes(adminCaller, identity.id(), 1, Set.of(new Scope("billing.read")));
    Identity v3 = service.setScopes(officerCaller, identity.id(), 2,
        Set.of(new Scope("billing.read"), new Scope("billing.write")));

    assertThat(v2.scopes()).containsExactly(new Scope("billing.read"));
    assertThat(stored(identity.id())).isEqualTo(v3);
    List<AuditEvent> events = assertAuditedSince(b, seq, "identity.set_scopes", "identity.set_scopes");
    assertThat(events.get(1).details()).isEqualTo(Map.of("before", Map.of("scopes", List.of("billing.read")),
        "after", Map.of("scopes", List.of("billing.read", "billing.write")), "version", 3L));
  }

  @Test
  void setScopes_owner_deniedSoOwnersCannotWidenTheirOwnRights() {
    Identity identity = created(request().build());
    Caller caller = b.caller(owner);
    StoreState before = b.state();

    assertRejected(() -> service.setScopes(caller, identity.id(), 1, Set.of(new Scope("admin"))), ErrorCode.FORBIDDEN);

    assertOnlyDenied(b, before, "identity.set_scopes", owner.id().value(), identity.id().value(), ErrorCode.FORBIDDEN);
  }

  @Test
  void link_subjectAlreadyLinked_rejectedAndNothingWritten() {
    Identity a = created(request().subject(ISSUER, "taken").build());
    Identity other = created(request().build());
    Caller caller = b.caller(owner);
    StoreState before = b.state();

    var e = assertRejected(() -> service.link(caller, other.id(), new FederatedSubject(ISSUER, "taken")),
        ErrorCode.SUBJECT_ALREADY_LINKED);

    assertThat(e.getMessage()).contains(a.id().value());
    assertNothingWritten(b, before);
  }

  @Test
  void link_owner_linksAndAuditsOnce() {
    Identity identity = created(request().build());
    Caller caller = b.caller(owner);
    long seq = b.auditHead().seq();

    SubjectLink link = service.link(caller, identity.id(), new FederatedSubject(ISSUER, "new"));

    assertThat(service.subjects(caller, identity.id())).containsExactly(link);
    List<AuditEvent> events = assertAuditedSince(b, seq, "identity.link");
    assertThat(events.get(0).details()).isEqualTo(Map.of("external_subject", Map.of("issuer", ISSUER,
        "subject", "new")));
  }

  @Test
  void transferOwnership_steppedUpOwner_movesOwnershipAndAuditsOnce() {
    Identity identity = created(request().build());
    Caller caller = b.steppedUp(owner);
    long seq = b.auditHead().seq();

    Identity moved = service.transferOwnership(caller, identity.id(), 1, new Ownership(other, BackupOwner.team(payments)));

    assertThat(stored(identity.id())).isEqualTo(moved);
    assertThat(moved.ownership().owningTeam()).isEqualTo(other);
    List<AuditEvent> events = assertAuditedSince(b, seq, "identity.transfer_ownership");
    assertThat(events.get(0).details()).isEqualTo(Map.of(
        "before", Map.of("owner_team", "payments", "backup_owner", "team:platform"),
        "after", Map.of("owner_team", "other", "backup_owner", "team:payments"), "version", 2L));
  }

  @Test
  void read_unauthenticated_rejected() {
    assertRejected(() -> service.search(null, IdentityQuery.all(1)), ErrorCode.UNAUTHENTICATED);
    assertRejected(() -> service.get(null, TestIdentities.newId()), ErrorCode.UNAUTHENTICATED);
  }

  @Test
  void get_unknownId_rejectedAsIdentityNotFound() {
    assertRejected(() -> service.get(b.caller(owner), TestIdentities.newId()), ErrorCode.IDENTITY_NOT_FOUND);
  }
}
