package dev.bindery.change;

import static dev.bindery.testkit.BinderyAssertions.assertAuditedSince;
import static dev.bindery.testkit.BinderyAssertions.assertOnlyDenied;
import static dev.bindery.testkit.BinderyAssertions.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.bindery.audit.AuditEvent;
import dev.bindery.common.ErrorCode;
import dev.bindery.credential.CredentialStatus;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityStatus;
import dev.bindery.revocation.RevocationEvent;
import dev.bindery.revocation.RevocationEventType;
import dev.bindery.security.Caller;
import dev.bindery.testkit.RebindingFixture;
import dev.bindery.testkit.StoreState;
import dev.bindery.testkit.TestIdentities;
import dev.bindery.testkit.pki.TestCsr;
import dev.bindery.testkit.pki.TestKeys;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@code locked} status (entered by a lock, left only by a security officer's unlock with a fresh step-up, or by
 * retirement) and the assurance level (raised by owners, lowered only by a security officer with a fresh step-up).
 */
class IdentityLockAndAssuranceTest {
  final RebindingFixture f = new RebindingFixture();
  final Identity id = f.workload(1);
  final RebindingFixture.Enrolled current = f.enrol(id.id());

  List<RevocationEvent> feedSince(StoreState before) {
    List<RevocationEvent> all = f.b.state().revocationEvents();
    return all.subList(before.revocationEvents().size(), all.size());
  }

  // ---- lock ---------------------------------------------------------------------------------------------

  @Test
  void lock_bySecurityOfficer_lockedAuditedAndIdentityLockedFeedEvent() {
    StoreState before = f.b.state();

    Identity locked = f.b.identities().lock(f.caller(f.securityOfficer), id.id(), id.version(), "suspicious use");

    assertThat(locked.status()).isEqualTo(IdentityStatus.LOCKED);
    assertThat(locked.statusReason()).isEqualTo("suspicious use");
    assertThat(locked.version()).isEqualTo(id.version() + 1);
    List<AuditEvent> events = assertAuditedSince(f.b, before.auditHead().seq(), "identity.lock");
    assertThat(events.get(0).details()).containsEntry("before", Map.of("status", "active"))
        .containsEntry("after", Map.of("status", "locked", "reason", "suspicious use"))
        .containsEntry("cause", "operator");
    assertThat(feedSince(before)).extracting(RevocationEvent::type, RevocationEvent::value)
        .containsExactly(tuple(RevocationEventType.IDENTITY_LOCKED, id.id().value()));
    assertThat(f.credential(current.id()).status()).as("credentials stay; they are unusable")
        .isEqualTo(CredentialStatus.ACTIVE);
  }

  @Test
  void lock_byOwner_forbiddenAndOnlyTheDenialWritten() {
    Caller owner = f.caller(f.owner);
    StoreState before = f.b.state();

    assertRejected(() -> f.b.identities().lock(owner, id.id(), id.version(), "mine"), ErrorCode.FORBIDDEN);

    assertOnlyDenied(f.b, before, "identity.lock", f.owner.id().value(), id.id().value(), ErrorCode.FORBIDDEN);
  }

  @Test
  void lock_fromSuspended_allowedAndTwice_identityLocked() {
    Identity suspended = f.b.identities().suspend(f.caller(f.admin), id.id(), id.version(), "maintenance");
    Identity locked = f.b.identities().lock(f.caller(f.admin), id.id(), suspended.version(), "incident");

    assertThat(locked.status()).isEqualTo(IdentityStatus.LOCKED);
    assertRejected(() -> f.b.identities().lock(f.caller(f.admin), id.id(), locked.version(), "again"),
        ErrorCode.IDENTITY_LOCKED);
    assertRejected(() -> f.b.identities().lock(f.caller(f.admin), id.id(), locked.version(), " "),
        ErrorCode.IDENTITY_LOCKED);
  }

  @Test
  void lock_withoutReason_missingField() {
    Caller officer = f.caller(f.securityOfficer);
    StoreState before = f.b.state();

    assertRejected(() -> f.b.identities().lock(officer, id.id(), id.version(), null), ErrorCode.MISSING_FIELD);

    assertThat(f.b.state()).isEqualTo(before);
  }

  @Test
  void locked_noTokensNoRenewalNoEnrolmentNoResume() {
    var renewable = f.b.credentials().authenticateCertificate(current.certificate(), f.now(), "req");
    String code = f.b.credentials().createEnrolmentCode(f.caller(f.admin), id.id(), null).code().reveal();
    Identity locked = f.b.identities().lock(f.caller(f.securityOfficer), id.id(), id.version(), "incident");

    assertRejected(() -> f.b.credentials().authenticateCertificate(current.certificate(), f.now(), "req"),
        ErrorCode.IDENTITY_NOT_ACTIVE);
    assertRejected(() -> f.b.credentials().renew(renewable, TestCsr.forKey(TestKeys.ecP256()).pem(), "req"),
        ErrorCode.IDENTITY_NOT_ACTIVE);
    assertRejected(() -> f.b.credentials().enrol(code, TestCsr.ecP256Pem(), "req"), ErrorCode.IDENTITY_NOT_ACTIVE);
    assertRejected(() -> f.b.identities().resume(f.caller(f.admin), id.id(), locked.version()),
        ErrorCode.IDENTITY_LOCKED);
    assertRejected(() -> f.b.identities().suspend(f.caller(f.admin), id.id(), locked.version(), "x"),
        ErrorCode.IDENTITY_LOCKED);
    assertThat(f.credentialsOf(id.id())).hasSize(1);
  }

  @Test
  void retire_lockedIdentity_allowedAndRevokesItsCredentials() {
    Identity locked = f.b.identities().lock(f.caller(f.securityOfficer), id.id(), id.version(), "incident");

    Identity retired = f.b.identities().retire(f.steppedUp(f.admin), id.id(), locked.version(), "compromised");

    assertThat(retired.status()).isEqualTo(IdentityStatus.RETIRED);
    assertThat(f.credential(current.id()).status()).isEqualTo(CredentialStatus.REVOKED);
  }

  // ---- unlock -------------------------------------------------------------------------------------------

  @Test
  void unlock_bySecurityOfficerWithStepUp_activeAgainAuditedNoFeedEvent() {
    Identity locked = f.b.identities().lock(f.caller(f.securityOfficer), id.id(), id.version(), "incident");
    Caller officer = f.steppedUp(f.securityOfficer);
    StoreState before = f.b.state();

    Identity unlocked = f.b.identities().unlock(officer, id.id(), locked.version(), "reviewed: false alarm");

    assertThat(unlocked.status()).isEqualTo(IdentityStatus.ACTIVE);
    assertThat(unlocked.statusReason()).isNull();
    List<AuditEvent> events = assertAuditedSince(f.b, before.auditHead().seq(), "identity.unlock");
    assertThat(events.get(0).details()).containsEntry("reason", "reviewed: false alarm")
        .containsEntry("before", Map.of("status", "locked"));
    assertThat(feedSince(before)).isEmpty();
    assertThat(f.b.credentials().authenticateCertificate(current.certificate(), f.now(), "req")).isNotNull();
  }

  @Test
  void unlock_withoutStepUpOrByAdminOrOwner_refusedAndOnlyTheDenialWritten() {
    Identity locked = f.b.identities().lock(f.caller(f.securityOfficer), id.id(), id.version(), "incident");
    Caller officer = f.caller(f.securityOfficer);
    Caller admin = f.steppedUp(f.admin);
    Caller owner = f.steppedUp(f.owner);
    StoreState before = f.b.state();

    assertRejected(() -> f.b.identities().unlock(officer, id.id(), locked.version(), "ok"),
        ErrorCode.STEP_UP_REQUIRED);
    assertOnlyDenied(f.b, before, "identity.unlock", f.securityOfficer.id().value(), id.id().value(),
        ErrorCode.STEP_UP_REQUIRED);
    StoreState next = f.b.state();
    assertRejected(() -> f.b.identities().unlock(admin, id.id(), locked.version(), "ok"), ErrorCode.FORBIDDEN);
    assertOnlyDenied(f.b, next, "identity.unlock", f.admin.id().value(), id.id().value(), ErrorCode.FORBIDDEN);
    assertRejected(() -> f.b.identities().unlock(owner, id.id(), locked.version(), "ok"), ErrorCode.FORBIDDEN);
    assertThat(f.identity(id.id()).status()).isEqualTo(IdentityStatus.LOCKED);
  }

  @Test
  void unlock_withoutReasonOrNotLocked_refused() {
    Caller officer = f.steppedUp(f.securityOfficer);

    assertRejected(() -> f.b.identities().unlock(officer, id.id(), id.version(), null), ErrorCode.MISSING_FIELD);
    assertRejected(() -> f.b.identities().unlock(officer, id.id(), id.version(), "not locked"),
        ErrorCode.INVALID_TRANSITION);
    assertThat(f.identity(id.id())).isEqualTo(id);
  }

  // ---- assurance level ----------------------------------------------------------------------------------

  @Test
  void create_withAssuranceLevel_storedAndInTheCreateAudit() {
    Identity three = f.b.identities().create(f.caller(f.owner), TestIdentities.workload().owner(f.payments)
        .backupTeam(f.platform).assuranceLevel(3).build()).identity();

    assertThat(f.identity(three.id()).assuranceLevel()).isEqualTo(3);
    assertThat(id.assuranceLevel()).as("default").isEqualTo(1);
    @SuppressWarnings("unchecked")
    Map<String, Object> after = (Map<String, Object>) f.b.auditEvents().stream()
        .filter(e -> e.action().equals("identity.create") && e.target().equals(three.id().value())).findFirst()
        .orElseThrow().details().get("after");
    assertThat(after).containsEntry("assurance_level", 3L);
    assertRejected(() -> TestIdentities.workload().owner(f.payments).backupTeam(f.platform).assuranceLevel(4).build(),
        ErrorCode.INVALID_FIELD);
  }

  @Test
  void raise_byOwner_auditedBeforeAndAfter() {
    StoreState before = f.b.state();

    Identity raised = f.b.identities().setAssuranceLevel(f.caller(f.owner), id.id(), id.version(), 3, "tpm rollout");

    assertThat(raised.assuranceLevel()).isEqualTo(3);
    assertThat(raised.version()).isEqualTo(id.version() + 1);
    List<AuditEvent> events = assertAuditedSince(f.b, before.auditHead().seq(), "identity.assurance.raise");
    assertThat(events.get(0).details()).containsEntry("before", Map.of("assurance_level", 1L))
        .containsEntry("after", Map.of("assurance_level", 3L)).containsEntry("reason", "tpm rollout");
  }

  @Test
  void raise_byOutsider_forbidden() {
    Caller outsider = f.caller(f.outsider);
    StoreState before = f.b.state();

    assertRejected(() -> f.b.identities().setAssuranceLevel(outsider, id.id(), id.version(), 2, null),
        ErrorCode.FORBIDDEN);

    assertOnlyDenied(f.b, before, "identity.assurance.raise", f.outsider.id().value(), id.id().value(),
        ErrorCode.FORBIDDEN);
  }

  @Test
  void lower_byOwnerOrAdminOrWithoutStepUp_refusedAndOnlyTheDenialWritten() {
    Identity three = f.b.identities().setAssuranceLevel(f.caller(f.owner), id.id(), id.version(), 3, null);
    Caller owner = f.steppedUp(f.owner);
    Caller admin = f.steppedUp(f.admin);
    Caller officer = f.caller(f.securityOfficer);
    StoreState before = f.b.state();

    assertRejected(() -> f.b.identities().setAssuranceLevel(owner, id.id(), three.version(), 1, null),
        ErrorCode.FORBIDDEN);
    assertOnlyDenied(f.b, before, "identity.assurance.lower", f.owner.id().value(), id.id().value(),
        ErrorCode.FORBIDDEN);
    StoreState next = f.b.state();
    assertRejected(() -> f.b.identities().setAssuranceLevel(admin, id.id(), three.version(), 2, null),
        ErrorCode.FORBIDDEN);
    assertOnlyDenied(f.b, next, "identity.assurance.lower", f.admin.id().value(), id.id().value(),
        ErrorCode.FORBIDDEN);
    StoreState last = f.b.state();
    assertRejected(() -> f.b.identities().setAssuranceLevel(officer, id.id(), three.version(), 2, null),
        ErrorCode.STEP_UP_REQUIRED);
    assertOnlyDenied(f.b, last, "identity.assurance.lower", f.securityOfficer.id().value(), id.id().value(),
        ErrorCode.STEP_UP_REQUIRED);
  }

  @Test
  void lower_bySecurityOfficerWithStepUp_lowered() {
    Identity three = f.b.identities().setAssuranceLevel(f.caller(f.owner), id.id(), id.version(), 3, null);
    long seq = f.b.auditHead().seq();

    Identity lowered = f.b.identities().setAssuranceLevel(f.steppedUp(f.securityOfficer), id.id(), three.version(),
        2, "hsm decommissioned");

    assertThat(lowered.assuranceLevel()).isEqualTo(2);
    assertThat(f.b.auditSince(seq)).extracting(AuditEvent::action).contains("identity.assurance.lower");
  }

  @Test
  void setAssuranceLevel_sameOrInvalidLevelOrStaleVersion_refused() {
    Caller owner = f.caller(f.owner);

    assertRejected(() -> f.b.identities().setAssuranceLevel(owner, id.id(), id.version(), 1, null),
        ErrorCode.INVALID_TRANSITION);
    assertRejected(() -> f.b.identities().setAssuranceLevel(owner, id.id(), id.version(), 0, null),
        ErrorCode.INVALID_FIELD);
    assertRejected(() -> f.b.identities().setAssuranceLevel(owner, id.id(), id.version(), 4, null),
        ErrorCode.INVALID_FIELD);
    assertRejected(() -> f.b.identities().setAssuranceLevel(owner, id.id(), id.version() + 5, 2, null),
        ErrorCode.VERSION_CONFLICT);
    assertThat(f.identity(id.id())).isEqualTo(id);
  }
}
