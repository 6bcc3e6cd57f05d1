package dev.bindery.change;

import static dev.bindery.testkit.RebindingFixture.csrRequest;
import static dev.bindery.testkit.BinderyAssertions.assertOnlyDenied;
import static dev.bindery.testkit.BinderyAssertions.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.bindery.audit.AuditEvent;
import dev.bindery.audit.AuditQuery;
import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import dev.bindery.credential.Assurance;
import dev.bindery.credential.BindMethod;
import dev.bindery.credential.Credential;
import dev.bindery.credential.CredentialKeys;
import dev.bindery.credential.CredentialStatus;
import dev.bindery.credential.CredentialType;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityStatus;
import dev.bindery.identity.Scope;
import dev.bindery.operator.Role;
import dev.bindery.pki.RevocationReason;
import dev.bindery.revocation.RevocationEvent;
import dev.bindery.revocation.RevocationEventType;
import dev.bindery.security.Caller;
import dev.bindery.testkit.RebindingFixture;
import dev.bindery.testkit.StoreState;
import dev.bindery.testkit.pki.TestCsr;
import dev.bindery.testkit.pki.TestKeys;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Apply: re-check everything, revoke the replaced credentials, then bind the new one, in one transaction; exactly one
 * of two concurrent applies wins; a failure anywhere leaves the old state.
 */
class ApplyTest {
  final RebindingFixture f = new RebindingFixture();

  /** A level-2 recover of an identity with scopes, approved by an owner and a security officer. */
  record Approved(Identity identity, RebindingFixture.Enrolled old, KeyPair newKey, ChangeRequest request) {}

  Approved approvedRecover() {
    Identity id = f.workload(2, "billing.read");
    var old = f.enrol(id.id());
    KeyPair key = TestKeys.ecP256();
    ChangeRequest r = f.create(f.owner, csrRequest(ChangeType.RECOVER, id.id(), key, old.id()));
    f.approve(f.owner2, r.id(), ApproverRole.OWNER);
    ChangeRequest approved = f.approve(f.securityOfficer, r.id(), ApproverRole.SECURITY_OFFICER);
    assertThat(approved.state()).isEqualTo(ChangeState.APPROVED);
    // a minute later, so the new credential is bound after the old one (bindings are listed by bound time)
    f.advance(Duration.ofMinutes(1));
    f.warm();
    return new Approved(f.identity(id.id()), old, key, approved);
  }

  @Test
  void apply_approvedRecover_revokesTheOldForKeyCompromiseThenBindsTheNewInOneTransaction() {
    Approved a = approvedRecover();
    List<AuditEvent> historyBefore = f.b.history().history(f.caller(f.admin), a.identity().id(), 0, 100);
    StoreState before = f.b.state();

    AppliedChange applied = f.service.apply(f.caller(f.owner), a.request().id());

    Credential old = f.credential(a.old().id());
    assertThat(old.status()).isEqualTo(CredentialStatus.REVOKED);
    assertThat(old.revocationReason()).isEqualTo(RevocationReason.KEY_COMPROMISE);
    assertThat(old.revokedAt()).isEqualTo(f.now());
    Credential bound = f.credential(applied.credential().credential().id());
    assertThat(bound.status()).isEqualTo(CredentialStatus.ACTIVE);
    assertThat(bound.bindMethod()).isEqualTo(BindMethod.REBINDING);
    assertThat(bound.changeRequestId()).isEqualTo(a.request().id());
    assertThat(bound.assurance()).isEqualTo(Assurance.SOFTWARE);
    assertThat(bound.lineageId()).as("recover starts a new lineage").isNotEqualTo(old.lineageId());
    assertThat(bound.generation()).isEqualTo(1);
    assertThat(bound.boundBy()).isEqualTo(f.owner.id().value());
    assertThat(CredentialKeys.fingerprint(applied.svid().certificate().getPublicKey()))
        .isEqualTo(CredentialKeys.fingerprint(a.newKey().getPublic()));
    assertThat(applied.revoked()).containsExactly(a.old().id());
    ChangeRequest stored = f.stored(a.request().id());
    assertThat(stored.state()).isEqualTo(ChangeState.APPLIED);
    assertThat(stored.result()).isEqualTo(new ChangeResult(bound.id(), List.of(a.old().id())));
    assertThat(stored.resolvedBy()).isEqualTo(f.owner.id().value());
    assertThat(applied.request()).isEqualTo(stored);
    // the revocation feed names the old certificate: its tokens die
    StoreState after = f.b.state();
    List<RevocationEvent> feed = after.revocationEvents().subList(before.revocationEvents().size(),
        after.revocationEvents().size());
    assertThat(feed).extracting(RevocationEvent::type, RevocationEvent::value)
        .containsExactly(tuple(RevocationEventType.X5T_S256, a.old().credential().thumbprint().value()));
    assertThat(f.b.auditSince(before.auditHead().seq())).extracting(AuditEvent::action)
        .containsExactly("credential.revoke", "credential.rebind", "change_request.apply");
    assertThat(f.notifier.events()).endsWith(ChangeEvent.APPLIED);
    // the identity keeps its id, owners, scopes, level, version and history: nothing about it changed
    assertThat(after.identities()).isEqualTo(before.identities());
    assertThat(f.identity(a.identity().id()).scopes()).containsExactly(new Scope("billing.read"));
    assertThat(f.b.history().history(f.caller(f.admin), a.identity().id(), 0, 100)).startsWith(
        historyBefore.toArray(new AuditEvent[0]));
    assertThat(f.credentialsOf(a.identity().id())).extracting(Credential::id).containsExactly(old.id(), bound.id());
    // the old certificate no longer authenticates, the new one does
    assertRejected(() -> f.b.credentials().authenticateCertificate(a.old().certificate(), f.now(), "req"),
        ErrorCode.CREDENTIAL_REVOKED);
    assertThat(f.b.credentials().authenticateCertificate(applied.svid().certificate(), f.now(), "req").credential()
        .id()).isEqualTo(bound.id());
  }

  @Test
  void apply_rotateOfACertificate_continuesItsLineageAndSupersedesTheOld() {
    Identity id = f.workload(1);
    var old = f.enrol(id.id());
    ChangeRequest r = f.create(f.owner, csrRequest(ChangeType.ROTATE, id.id(), TestKeys.ecP256(), old.id()));
    f.proveContinuity(f.owner, r.id(), old);

    AppliedChange applied = f.service.apply(f.caller(f.owner), r.id());

    Credential superseded = f.credential(old.id());
    Credential bound = applied.credential().credential();
    assertThat(superseded.status()).isEqualTo(CredentialStatus.SUPERSEDED);
    assertThat(superseded.supersededBy()).isEqualTo(bound.id());
    assertThat(bound.lineageId()).isEqualTo(old.credential().lineageId());
    assertThat(bound.generation()).isEqualTo(2);
    var lineage = f.b.store().read(t -> t.lineages().findById(bound.lineageId())).orElseThrow();
    assertThat(lineage.currentCredential()).isEqualTo(bound.id());
    assertThat(applied.revoked()).containsExactly(old.id());
    assertThat(f.b.state().revocationEvents()).extracting(RevocationEvent::value)
        .contains(old.credential().thumbprint().value());
  }

  @Test
  void apply_migrateToAPublicKey_registersItByItsJwkThumbprintAndRevokesTheOldAsSuperseded() {
    Identity id = f.workload(1);
    var old = f.enrol(id.id());
    KeyPair key = TestKeys.ecP256();
    Map<String, Object> jwk = new com.nimbusds.jose.jwk.ECKey.Builder(com.nimbusds.jose.jwk.Curve.P_256,
        (java.security.interfaces.ECPublicKey) key.getPublic()).build().toJSONObject();
    ChangeRequest r = f.create(f.owner, NewChangeRequest.forJwk(ChangeType.MIGRATE, id.id(), "to the new cluster",
        jwk, f.now().plus(Duration.ofDays(7)), null, List.of(old.id()), false));
    f.approve(f.owner2, r.id(), ApproverRole.OWNER);

    AppliedChange applied = f.service.apply(f.caller(f.owner), r.id());

    Credential bound = applied.credential().credential();
    assertThat(applied.svid()).isNull();
    assertThat(bound.type()).isEqualTo(CredentialType.PUBLIC_KEY);
    assertThat(bound.thumbprint()).isEqualTo(CredentialKeys.jwkThumbprint(key.getPublic(), "jwk"));
    assertThat(bound.notAfter()).isEqualTo(f.now().plus(Duration.ofDays(7)));
    assertThat(bound.bindMethod()).isEqualTo(BindMethod.REBINDING);
    Credential revoked = f.credential(old.id());
    assertThat(revoked.status()).isEqualTo(CredentialStatus.REVOKED);
    assertThat(revoked.revocationReason()).isEqualTo(RevocationReason.SUPERSEDED);
  }

  @Test
  void apply_level3WithAttestedKey_bindsAHardwareCredential() {
    Identity id = f.workload(3);
    var old = f.enrol(id.id());
    KeyPair key = f.attestation.attest(TestKeys.ecP256());
    ChangeRequest r = f.create(f.owner, f.attestedCsrRequest(ChangeType.RECOVER, id.id(), key, old.id()));
    f.approve(f.owner2, r.id(), ApproverRole.OWNER);
    f.approve(f.securityOfficer, r.id(), ApproverRole.SECURITY_OFFICER);

    AppliedChange applied = f.service.apply(f.caller(f.owner), r.id());

    assertThat(applied.credential().credential().assurance()).isEqualTo(Assurance.HARDWARE);
    assertThat(applied.credential().credential().level()).isEqualTo(3);
  }

  @Test
  void apply_level3AttestationNoLongerVerifies_assuranceTooLowAndNothingWritten() {
    Identity id = f.workload(3);
    var old = f.enrol(id.id());
    KeyPair key = f.attestation.attest(TestKeys.ecP256());
    ChangeRequest r = f.create(f.owner, f.attestedCsrRequest(ChangeType.RECOVER, id.id(), key, old.id()));
    f.approve(f.owner2, r.id(), ApproverRole.OWNER);
    f.approve(f.securityOfficer, r.id(), ApproverRole.SECURITY_OFFICER);
    f.attestation.revoke(key);
    Caller owner = f.caller(f.owner);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.apply(owner, r.id()), ErrorCode.ASSURANCE_TOO_LOW);

    assertOnlyDenied(f.b, before, "change_request.apply", f.owner.id().value(), r.id().value(),
        ErrorCode.ASSURANCE_TOO_LOW);
  }

  @Test
  void apply_downgrade_lowersTheIdentityLevelAudited() {
    Identity id = f.workload(3);
    var old = f.enrol(id.id());
    ChangeRequest r = f.create(f.owner, NewChangeRequest.forCsr(ChangeType.RECOVER, id.id(), "no tpm available",
        TestCsr.forKey(TestKeys.ecP256()).pem(), null, List.of(old.id()), true));
    f.approve(f.owner2, r.id(), ApproverRole.OWNER);
    f.approve(f.securityOfficer, r.id(), ApproverRole.SECURITY_OFFICER);
    long seq = f.b.auditHead().seq();

    f.service.apply(f.caller(f.owner), r.id());

    Identity lowered = f.identity(id.id());
    assertThat(lowered.assuranceLevel()).isEqualTo(2);
    assertThat(lowered.version()).isEqualTo(id.version() + 1);
    AuditEvent lower = f.b.auditSince(seq).stream().filter(e -> e.action().equals("identity.assurance.lower"))
        .findFirst().orElseThrow();
    assertThat(lower.details()).containsEntry("reason", "rebinding_downgrade")
        .containsEntry("before", Map.of("assurance_level", 3L)).containsEntry("after", Map.of("assurance_level", 2L))
        .containsEntry("change_request_id", r.id().value());
  }

  @Test
  void apply_approverLostTheRoleBeforeApply_approverNotEntitledAndNothingWritten() {
    Approved a = approvedRecover();
    var officer = f.b.store().read(t -> t.operators().findById(f.securityOfficer.id())).orElseThrow();
    f.b.operators().revokeRole(f.steppedUp(f.admin), officer.id(), officer.version(), Role.SECURITY_OFFICER);
    Caller owner = f.caller(f.owner);
    StoreState before = f.b.state();

    var e = assertRejected(() -> f.service.apply(owner, a.request().id()), ErrorCode.APPROVER_NOT_ENTITLED);

    assertThat(e.getMessage()).contains(f.securityOfficer.id().value());
    assertOnlyDenied(f.b, before, "change_request.apply", f.owner.id().value(), a.request().id().value(),
        ErrorCode.APPROVER_NOT_ENTITLED);
    assertThat(f.credential(a.old().id()).status()).isEqualTo(CredentialStatus.ACTIVE);
  }

  @Test
  void apply_ownerApproverLeftTheOwningTeamBeforeApply_approverNotEntitled() {
    Approved a = approvedRecover();
    var owner2 = f.b.store().read(t -> t.operators().findById(f.owner2.id())).orElseThrow();
    f.b.operators().removeTeam(f.steppedUp(f.admin), owner2.id(), owner2.version(), f.payments);
    Caller owner = f.caller(f.owner);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.apply(owner, a.request().id()), ErrorCode.APPROVER_NOT_ENTITLED);

    assertOnlyDenied(f.b, before, "change_request.apply", f.owner.id().value(), a.request().id().value(),
        ErrorCode.APPROVER_NOT_ENTITLED);
  }

  @Test
  void apply_approverDisabledBeforeApply_approverNotEntitled() {
    Approved a = approvedRecover();
    var officer = f.b.store().read(t -> t.operators().findById(f.securityOfficer.id())).orElseThrow();
    f.b.operators().setStatus(f.steppedUp(f.admin), officer.id(), officer.version(),
        dev.bindery.operator.OperatorStatus.DISABLED);

    assertRejected(() -> f.service.apply(f.caller(f.owner), a.request().id()), ErrorCode.APPROVER_NOT_ENTITLED);
    assertThat(f.stored(a.request().id()).state()).isEqualTo(ChangeState.APPROVED);
  }

  @Test
  void apply_afterExpiry_expiredAndNothingApplied() {
    Approved a = approvedRecover();
    f.advance(Duration.ofHours(24));
    Caller owner = f.caller(f.owner);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.apply(owner, a.request().id()), ErrorCode.CHANGE_REQUEST_EXPIRED);

    StoreState after = f.b.state();
    assertThat(f.stored(a.request().id()).state()).isEqualTo(ChangeState.EXPIRED);
    assertThat(after.credentials()).isEqualTo(before.credentials());
    assertThat(after.revocationEvents()).isEqualTo(before.revocationEvents());
    assertThat(f.b.auditSince(before.auditHead().seq())).extracting(AuditEvent::action)
        .containsExactly("change_request.expire", "change_request.apply");
  }

  @Test
  void apply_pendingRequest_approvalRequiredAndNothingWritten() {
    Identity id = f.workload(2);
    var old = f.enrol(id.id());
    ChangeRequest r = f.create(f.owner, csrRequest(ChangeType.RECOVER, id.id(), TestKeys.ecP256(), old.id()));
    f.approve(f.owner2, r.id(), ApproverRole.OWNER);
    Caller owner = f.steppedUp(f.owner);
    StoreState before = f.b.state();

    var e = assertRejected(() -> f.service.apply(owner, r.id()), ErrorCode.APPROVAL_REQUIRED);

    assertThat(e.getMessage()).contains("approval:security_officer");
    assertOnlyDenied(f.b, before, "change_request.apply", f.owner.id().value(), r.id().value(),
        ErrorCode.APPROVAL_REQUIRED);
  }

  @Test
  void apply_byNeitherRequesterNorAdmin_forbidden() {
    Approved a = approvedRecover();
    Caller officer = f.steppedUp(f.securityOfficer2);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.apply(officer, a.request().id()), ErrorCode.FORBIDDEN);

    assertOnlyDenied(f.b, before, "change_request.apply", f.securityOfficer2.id().value(), a.request().id().value(),
        ErrorCode.FORBIDDEN);
  }

  @Test
  void apply_byAdmin_allowed() {
    Approved a = approvedRecover();

    assertThat(f.service.apply(f.caller(f.admin), a.request().id()).request().resolvedBy())
        .isEqualTo(f.admin.id().value());
  }

  @Test
  void apply_identityChangedSinceTheRequest_versionConflictAndNothingWritten() {
    Approved a = approvedRecover();
    f.b.identities().updateProfile(f.caller(f.owner), a.identity().id(), a.identity().version(),
        new Identity.Profile("renamed", null, null, null, Map.of()));
    Caller owner = f.caller(f.owner);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.apply(owner, a.request().id()), ErrorCode.VERSION_CONFLICT);

    assertOnlyDenied(f.b, before, "change_request.apply", f.owner.id().value(), a.request().id().value(),
        ErrorCode.VERSION_CONFLICT);
  }

  @Test
  void apply_identityLockedSinceTheRequest_identityLocked() {
    Approved a = approvedRecover();
    f.b.identities().lock(f.caller(f.securityOfficer), a.identity().id(), a.identity().version(), "incident");
    Caller owner = f.caller(f.owner);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.apply(owner, a.request().id()), ErrorCode.IDENTITY_LOCKED);

    assertOnlyDenied(f.b, before, "change_request.apply", f.owner.id().value(), a.request().id().value(),
        ErrorCode.IDENTITY_LOCKED);
  }

  @Test
  void apply_replacedCredentialRevokedSince_refusedAndNothingWritten() {
    Approved a = approvedRecover();
    f.b.credentials().revoke(f.caller(f.admin), a.old().id(), RevocationReason.KEY_COMPROMISE);
    Caller owner = f.caller(f.owner);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.apply(owner, a.request().id()), ErrorCode.CREDENTIAL_ALREADY_REVOKED);

    assertOnlyDenied(f.b, before, "change_request.apply", f.owner.id().value(), a.request().id().value(),
        ErrorCode.CREDENTIAL_ALREADY_REVOKED);
  }

  @Test
  void apply_twice_secondIsInvalidTransition() {
    Approved a = approvedRecover();
    f.service.apply(f.caller(f.owner), a.request().id());
    Caller owner = f.caller(f.owner);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.apply(owner, a.request().id()), ErrorCode.INVALID_TRANSITION);

    assertOnlyDenied(f.b, before, "change_request.apply", f.owner.id().value(), a.request().id().value(),
        ErrorCode.INVALID_TRANSITION);
  }

  @Test
  void apply_twoConcurrentApplies_exactlyOneWins() throws Exception {
    Approved a = approvedRecover();
    Caller owner = f.caller(f.owner);
    Caller admin = f.caller(f.admin);
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<AppliedChange>> results = new ArrayList<>();
      for (Caller c : List.of(owner, admin)) {
        Callable<AppliedChange> apply = () -> {
          start.await();
          return f.service.apply(c, a.request().id());
        };
        results.add(pool.submit(apply));
      }
      start.countDown();
      int won = 0;
      int refused = 0;
      for (Future<AppliedChange> r : results) {
        try {
          r.get();
          won++;
        } catch (java.util.concurrent.ExecutionException e) {
          assertThat(e.getCause()).isInstanceOfSatisfying(RejectedException.class,
              x -> assertThat(x.code()).isEqualTo(ErrorCode.INVALID_TRANSITION));
          refused++;
        }
      }
      assertThat(won).isEqualTo(1);
      assertThat(refused).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
    List<Credential> all = f.credentialsOf(a.identity().id());
    assertThat(all).filteredOn(c -> c.status() == CredentialStatus.ACTIVE).hasSize(1);
    assertThat(all).hasSize(2);
    List<AuditEvent> events = f.b.store().read(t -> t.audit().query(AuditQuery.forTarget(a.request().id().value(),
        100)));
    assertThat(events).filteredOn(e -> e.action().equals("change_request.apply")).extracting(AuditEvent::outcome)
        .containsExactlyInAnyOrder(dev.bindery.audit.Outcome.SUCCESS, dev.bindery.audit.Outcome.DENIED);
  }

  @Test
  void apply_caFailsAfterTheRevocation_everythingRolledBackOldCredentialStillActive() {
    Approved a = approvedRecover();
    Caller owner = f.caller(f.owner);
    StoreState before = f.b.state();
    f.ca.failIssue.set(true);

    assertThatThrownBy(() -> f.service.apply(owner, a.request().id())).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("signing key");

    assertThat(f.b.auditSince(before.auditHead().seq())).isEmpty();
    assertThat(f.b.state()).isEqualTo(before);
    assertThat(f.credential(a.old().id()).status()).isEqualTo(CredentialStatus.ACTIVE);
    assertThat(f.stored(a.request().id()).state()).isEqualTo(ChangeState.APPROVED);
    // and once the CA is back, the same request applies
    f.ca.failIssue.set(false);
    assertThat(f.service.apply(owner, a.request().id()).request().state()).isEqualTo(ChangeState.APPLIED);
  }

  @Test
  void apply_notificationFailsAtTheEnd_everythingRolledBack() {
    Approved a = approvedRecover();
    Caller owner = f.caller(f.owner);
    StoreState before = f.b.state();
    f.notifier.failOn = ChangeEvent.APPLIED;

    assertThatThrownBy(() -> f.service.apply(owner, a.request().id())).isInstanceOf(IllegalStateException.class);

    assertThat(f.b.auditSince(before.auditHead().seq())).isEmpty();
    assertThat(f.b.state()).isEqualTo(before);
  }

  @Test
  void apply_levelTwoRotateMissingOnlyStepUp_theRequestersFreshStepUpAtApplyMeetsIt() {
    Identity id = f.workload(2);
    var old = f.enrol(id.id());
    ChangeRequest r = f.create(f.owner, csrRequest(ChangeType.ROTATE, id.id(), TestKeys.ecP256(), old.id()));
    f.proveContinuity(f.owner, r.id(), old);
    Caller notSteppedUp = f.caller(f.owner);
    StoreState before = f.b.state();
    assertRejected(() -> f.service.apply(notSteppedUp, r.id()), ErrorCode.APPROVAL_REQUIRED);
    assertOnlyDenied(f.b, before, "change_request.apply", f.owner.id().value(), r.id().value(),
        ErrorCode.APPROVAL_REQUIRED);

    AppliedChange applied = f.service.apply(f.steppedUp(f.owner), r.id());

    assertThat(applied.request().state()).isEqualTo(ChangeState.APPLIED);
    assertThat(applied.request().requesterStepUpAt()).isNotNull();
  }

  // ---- workloads over mutual TLS ------------------------------------------------------------------------

  @Test
  void workload_rotateOfItself_mutualTlsContinuityApprovedAtLevel1AndAppliedByItself() {
    Identity id = f.workload(1);
    var old = f.enrol(id.id());
    var presenter = f.b.credentials().authenticateCertificate(old.certificate(), f.now(), "req");

    ChangeRequest r = f.service.createByWorkload(presenter, csrRequest(ChangeType.ROTATE, id.id(), TestKeys.ecP256(),
        old.id()), "req");

    assertThat(r.requester()).isEqualTo(Requester.workload(id.id()));
    assertThat(r.continuity()).isEqualTo(new ContinuityProof(ContinuityProof.Method.MUTUAL_TLS, old.id(), f.now()));
    assertThat(r.state()).isEqualTo(ChangeState.APPROVED);
    AppliedChange applied = f.service.applyByWorkload(presenter, r.id(), "req");
    assertThat(applied.request().resolvedBy()).isEqualTo(id.id().value());
    assertThat(f.credential(old.id()).status()).isEqualTo(CredentialStatus.SUPERSEDED);
  }

  @Test
  void workload_recoverOrAnotherTarget_forbiddenAndOnlyTheDenialWritten() {
    Identity id = f.workload(1);
    var old = f.enrol(id.id());
    Identity other = f.workload(1);
    var otherOld = f.enrol(other.id());
    var presenter = f.b.credentials().authenticateCertificate(old.certificate(), f.now(), "req");
    StoreState before = f.b.state();

    assertRejected(() -> f.service.createByWorkload(presenter, csrRequest(ChangeType.RECOVER, id.id(),
        TestKeys.ecP256(), old.id()), "req"), ErrorCode.FORBIDDEN);
    assertOnlyDenied(f.b, before, "change_request.create", id.id().value(), id.id().value(), ErrorCode.FORBIDDEN);
    assertRejected(() -> f.service.createByWorkload(presenter, csrRequest(ChangeType.ROTATE, other.id(),
        TestKeys.ecP256(), otherOld.id()), "req"), ErrorCode.FORBIDDEN);
  }

  @Test
  void workload_applyOfAnOperatorsRequest_forbidden() {
    Approved a = approvedRecover();
    var presenter = f.b.credentials().authenticateCertificate(a.old().certificate(), f.now(), "req");
    StoreState before = f.b.state();

    assertRejected(() -> f.service.applyByWorkload(presenter, a.request().id(), "req"), ErrorCode.FORBIDDEN);

    assertOnlyDenied(f.b, before, "change_request.apply", a.identity().id().value(), a.request().id().value(),
        ErrorCode.FORBIDDEN);
  }

  @Test
  void workload_presenterRevokedSinceAuthentication_refused() {
    Identity id = f.workload(1);
    var old = f.enrol(id.id());
    var presenter = f.b.credentials().authenticateCertificate(old.certificate(), f.now(), "req");
    f.b.credentials().revoke(f.caller(f.admin), old.id(), RevocationReason.KEY_COMPROMISE);

    assertRejected(() -> f.service.createByWorkload(presenter, csrRequest(ChangeType.ROTATE, id.id(),
        TestKeys.ecP256(), old.id()), "req"), ErrorCode.CREDENTIAL_REVOKED);
    assertThat(f.b.state().changeRequests()).isEmpty();
  }

  // ---- "this was not us" ---------------------------------------------------------------------------------

  @Test
  void disavow_appliedRequest_revokesTheNewCredentialAndLocksTheIdentity() {
    Approved a = approvedRecover();
    AppliedChange applied = f.service.apply(f.caller(f.owner), a.request().id());
    long seq = f.b.auditHead().seq();

    DisavowOutcome outcome = f.b.store().inTransaction(t -> f.service.disavowInTransaction(t, a.request().id(),
        "disavow:dl_1", "req"));

    assertThat(outcome.revokedCredential()).isEqualTo(applied.credential().credential().id());
    Credential revoked = f.credential(applied.credential().credential().id());
    assertThat(revoked.status()).isEqualTo(CredentialStatus.REVOKED);
    assertThat(revoked.revocationReason()).isEqualTo(RevocationReason.KEY_COMPROMISE);
    assertThat(f.identity(a.identity().id()).status()).isEqualTo(IdentityStatus.LOCKED);
    assertThat(f.b.auditSince(seq)).extracting(AuditEvent::action)
        .containsExactly("credential.revoke", "identity.lock", "change_request.disavow");
    assertThat(f.b.state().revocationEvents()).extracting(RevocationEvent::type, RevocationEvent::value).contains(
        tuple(RevocationEventType.X5T_S256, revoked.thumbprint().value()),
        tuple(RevocationEventType.IDENTITY_LOCKED, a.identity().id().value()));
  }

  @Test
  void disavow_openRequest_cancelsItAndLocksTheIdentity() {
    Identity id = f.workload(1);
    var old = f.enrol(id.id());
    ChangeRequest r = f.create(f.owner, csrRequest(ChangeType.ROTATE, id.id(), TestKeys.ecP256(), old.id()));

    DisavowOutcome outcome = f.b.store().inTransaction(t -> f.service.disavowInTransaction(t, r.id(),
        "disavow:dl_1", "req"));

    assertThat(outcome.request().state()).isEqualTo(ChangeState.CANCELLED);
    assertThat(outcome.revokedCredential()).isNull();
    assertThat(f.stored(r.id()).state()).isEqualTo(ChangeState.CANCELLED);
    assertThat(f.identity(id.id()).status()).isEqualTo(IdentityStatus.LOCKED);
    assertThat(f.credential(old.id()).status()).isEqualTo(CredentialStatus.ACTIVE);
  }

  @Test
  void bindingsHistory_everyCredentialEverBoundKeptWithItsChangeRequest() {
    Approved a = approvedRecover();
    AppliedChange applied = f.service.apply(f.caller(f.owner), a.request().id());

    List<Credential> all = f.credentialsOf(a.identity().id());

    assertThat(all).extracting(Credential::id, Credential::status, Credential::bindMethod, Credential::changeRequestId)
        .containsExactly(
            tuple(a.old().id(), CredentialStatus.REVOKED, BindMethod.ENROLMENT, null),
            tuple(applied.credential().credential().id(), CredentialStatus.ACTIVE, BindMethod.REBINDING,
                a.request().id()));
  }
}
