package dev.bindery.change;

import static dev.bindery.testkit.RebindingFixture.csrRequest;
import static dev.bindery.testkit.BinderyAssertions.assertOnlyDenied;
import static dev.bindery.testkit.BinderyAssertions.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.audit.AuditEvent;
import dev.bindery.audit.Canonical;
import dev.bindery.common.ErrorCode;
import dev.bindery.credential.Assurance;
import dev.bindery.credential.CredentialKeys;
import dev.bindery.credential.CredentialType;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityStatus;
import dev.bindery.pki.RevocationReason;
import dev.bindery.revocation.RevocationEvent;
import dev.bindery.revocation.RevocationEventType;
import dev.bindery.testkit.RebindingFixture;
import dev.bindery.testkit.StoreState;
import dev.bindery.testkit.pki.TestCsr;
import dev.bindery.testkit.pki.TestKeys;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Making change requests: requirements from the policy, the NIST and downgrade rules, conflicts, the abuse limit. */
class ChangeRequestCreateTest {
  final RebindingFixture f = new RebindingFixture();

  @Test
  void create_level1Rotate_needsContinuityOnlyAndIsStoredAuditedAndNotified() {
    Identity id = f.workload(1);
    var current = f.enrol(id.id());
    KeyPair next = TestKeys.ecP256();
    long seq = f.b.auditHead().seq();

    ChangeRequest r = f.create(f.owner, csrRequest(ChangeType.ROTATE, id.id(), next, current.id()));

    assertThat(r.id().value()).matches("chg_[a-z2-7]{26}");
    assertThat(r.state()).isEqualTo(ChangeState.PENDING);
    assertThat(r.required()).isEqualTo(new Requirements(true, false, List.of(), false));
    assertThat(r.missing()).containsExactly("continuity");
    assertThat(r.requester()).isEqualTo(Requester.operator(f.owner.id()));
    assertThat(r.targetVersion()).isEqualTo(id.version());
    assertThat(r.expiresAt()).isEqualTo(f.now().plus(Duration.ofHours(24)));
    assertThat(r.proposed().type()).isEqualTo(CredentialType.X509_SVID);
    assertThat(r.proposed().keyThumbprint()).isEqualTo(CredentialKeys.jwkThumbprint(next.getPublic(), "csr"));
    assertThat(r.proposed().level()).isEqualTo(2);
    assertThat(f.stored(r.id())).isEqualTo(r);
    List<AuditEvent> events = f.b.auditSince(seq);
    assertThat(events).extracting(AuditEvent::action).containsExactly("change_request.create");
    assertThat(events.get(0).actor()).isEqualTo(f.owner.id().value());
    assertThat(events.get(0).target()).isEqualTo(r.id().value());
    assertThat(events.get(0).details()).containsEntry("disavow_link_id", "dl_1").containsEntry("type", "rotate")
        .containsEntry("replaces", List.of(current.id().value()));
    String details = Canonical.json(events.get(0).details());
    assertThat(details).doesNotContain("CERTIFICATE REQUEST").doesNotContain(TestCsr.forKey(next).pem().substring(40, 80));
    assertThat(f.notifier.queued).containsExactly(
        new RebindingFixture.RecordingNotifier.Queued(r.id(), ChangeEvent.CREATED, ChangeState.PENDING));
  }

  @Test
  void create_defaultPolicy_requirementsPerTypeAndLevel() {
    for (int level = 1; level <= 3; level++) {
      Identity id = f.workload(level);
      var current = f.enrol(id.id());
      KeyPair key = level == 3 ? f.attestation.attest(TestKeys.ecP256()) : TestKeys.ecP256();
      ChangeRequest r = f.create(f.owner, f.attestedCsrRequest(ChangeType.RECOVER, id.id(), key, current.id()));
      List<ApproverRole> expected = level == 1 ? List.of(ApproverRole.OWNER)
          : List.of(ApproverRole.OWNER, ApproverRole.SECURITY_OFFICER);
      assertThat(r.required()).as("recover at level %d", level)
          .isEqualTo(new Requirements(false, false, expected, level == 3));
    }
    Identity two = f.workload(2);
    var current = f.enrol(two.id());
    assertThat(f.create(f.owner, csrRequest(ChangeType.ROTATE, two.id(), TestKeys.ecP256(), current.id()))
        .required()).isEqualTo(new Requirements(true, true, List.of(), false));
  }

  @Test
  void create_steppedUpRequester_recordsTheStepUpWhichMeetsStepUpOrOwner() {
    Identity id = f.workload(2);
    var current = f.enrol(id.id());

    ChangeRequest r = f.service.create(f.steppedUp(f.owner),
        csrRequest(ChangeType.ROTATE, id.id(), TestKeys.ecP256(), current.id()));

    assertThat(r.requesterStepUpAt()).isNotNull();
    assertThat(r.missing()).containsExactly("continuity");
  }

  @Test
  void create_level3WithUnattestedKey_assuranceTooLowAndOnlyTheDenialWritten() {
    Identity id = f.workload(3);
    var current = f.enrol(id.id());
    StoreState before = f.b.state();

    assertRejected(() -> f.create(f.owner, f.attestedCsrRequest(ChangeType.RECOVER, id.id(), TestKeys.ecP256(),
        current.id())), ErrorCode.ASSURANCE_TOO_LOW);

    assertOnlyDenied(f.b, before, "change_request.create", f.owner.id().value(), id.id().value(),
        ErrorCode.ASSURANCE_TOO_LOW);
    assertThat(f.notifier.queued).isEmpty();
  }

  @Test
  void create_level3WithAttestedKey_hardwareLevelAndAttestedKeyRequired() {
    Identity id = f.workload(3);
    var current = f.enrol(id.id());
    KeyPair key = f.attestation.attest(TestKeys.ecP256());

    ChangeRequest r = f.create(f.owner, f.attestedCsrRequest(ChangeType.ROTATE, id.id(), key, current.id()));

    assertThat(r.proposed().assurance()).isEqualTo(Assurance.HARDWARE);
    assertThat(r.proposed().level()).isEqualTo(3);
    assertThat(r.proposed().attestationPem()).isEqualTo(f.attestationPem());
    assertThat(r.required()).isEqualTo(new Requirements(true, false,
        List.of(ApproverRole.OWNER, ApproverRole.SECURITY_OFFICER), true));
  }

  @Test
  void create_silentDowngrade_assuranceTooLowAndOnlyTheDenialWritten() {
    // a level-3 identity offered a software key (level 2) without asking to downgrade
    Identity id = f.workload(3);
    var current = f.enrol(id.id());
    StoreState before = f.b.state();

    var e = assertRejected(() -> f.create(f.owner, csrRequest(ChangeType.RECOVER, id.id(), TestKeys.ecP256(),
        current.id())), ErrorCode.ASSURANCE_TOO_LOW);

    assertThat(e.getMessage()).contains("level 2").contains("assurance level 3").contains("explicit downgrade");
    assertOnlyDenied(f.b, before, "change_request.create", f.owner.id().value(), id.id().value(),
        ErrorCode.ASSURANCE_TOO_LOW);
  }

  @Test
  void create_explicitDowngrade_addsSecurityOfficerAndDropsTheAttestedKey() {
    Identity id = f.workload(3);
    var current = f.enrol(id.id());

    ChangeRequest r = f.create(f.owner, NewChangeRequest.forCsr(ChangeType.ROTATE, id.id(), "no tpm on the new host",
        TestCsr.forKey(TestKeys.ecP256()).pem(), null, List.of(current.id()), true));

    assertThat(r.downgrade()).isTrue();
    assertThat(r.required()).isEqualTo(new Requirements(true, false,
        List.of(ApproverRole.OWNER, ApproverRole.SECURITY_OFFICER), false));
    assertThat(r.proposed().level()).isEqualTo(2);
  }

  @Test
  void create_downgradeWithoutAWeakerKey_invalidFieldAndNothingWritten() {
    Identity id = f.workload(2);
    var current = f.enrol(id.id());
    StoreState before = f.b.state();

    var e = assertRejected(() -> f.create(f.owner, NewChangeRequest.forCsr(ChangeType.ROTATE, id.id(), "downgrade",
        TestCsr.forKey(TestKeys.ecP256()).pem(), null, List.of(current.id()), true)), ErrorCode.INVALID_FIELD);

    assertThat(e.field()).isEqualTo("downgrade");
    assertThat(f.b.auditSince(before.auditHead().seq())).isEmpty();
    assertThat(f.b.state()).isEqualTo(before);
  }

  @Test
  void create_secondOpenRequest_conflictAndOnlyTheDenialWritten() {
    Identity id = f.workload(1);
    var current = f.enrol(id.id());
    ChangeRequest first = f.create(f.owner, csrRequest(ChangeType.ROTATE, id.id(), TestKeys.ecP256(), current.id()));
    StoreState before = f.b.state();

    var e = assertRejected(() -> f.create(f.owner2, csrRequest(ChangeType.RECOVER, id.id(), TestKeys.ecP256(),
        current.id())), ErrorCode.CHANGE_REQUEST_CONFLICT);

    assertThat(e.getMessage()).contains(first.id().value());
    assertOnlyDenied(f.b, before, "change_request.create", f.owner2.id().value(), id.id().value(),
        ErrorCode.CHANGE_REQUEST_CONFLICT);
  }

  @Test
  void create_openRequestPastItsExpiry_expiresItThenCreates() {
    Identity id = f.workload(1);
    var current = f.enrol(id.id());
    ChangeRequest first = f.create(f.owner, csrRequest(ChangeType.ROTATE, id.id(), TestKeys.ecP256(), current.id()));
    f.advance(Duration.ofHours(24));
    long seq = f.b.auditHead().seq();

    ChangeRequest second = f.create(f.owner, csrRequest(ChangeType.ROTATE, id.id(), TestKeys.ecP256(), current.id()));

    assertThat(f.stored(first.id()).state()).isEqualTo(ChangeState.EXPIRED);
    assertThat(f.stored(first.id()).resolvedBy()).isEqualTo("system");
    assertThat(second.state()).isEqualTo(ChangeState.PENDING);
    assertThat(f.b.auditSince(seq)).extracting(AuditEvent::action)
        .containsExactly("change_request.expire", "change_request.create");
  }

  @Test
  void create_replacedCredentialOfAnotherIdentityOrRevoked_refusedAndNothingWritten() {
    Identity id = f.workload(1);
    var current = f.enrol(id.id());
    Identity otherIdentity = f.workload(1);
    var foreign = f.enrol(otherIdentity.id());
    StoreState before = f.b.state();

    var e = assertRejected(() -> f.create(f.owner, csrRequest(ChangeType.ROTATE, id.id(), TestKeys.ecP256(),
        foreign.id())), ErrorCode.CREDENTIAL_NOT_FOUND);
    assertThat(e.field()).isEqualTo("replaces");
    assertThat(f.b.auditSince(before.auditHead().seq())).isEmpty();
    assertThat(f.b.state()).isEqualTo(before);

    f.b.credentials().revoke(f.caller(f.admin), current.id(), RevocationReason.KEY_COMPROMISE);
    StoreState revoked = f.b.state();
    assertRejected(() -> f.create(f.owner, csrRequest(ChangeType.RECOVER, id.id(), TestKeys.ecP256(), current.id())),
        ErrorCode.CREDENTIAL_ALREADY_REVOKED);
    assertOnlyDenied(f.b, revoked, "change_request.create", f.owner.id().value(), id.id().value(),
        ErrorCode.CREDENTIAL_ALREADY_REVOKED);
  }

  @Test
  void create_keyBoundBefore_credentialExistsAndNothingStored() {
    Identity id = f.workload(1);
    var current = f.enrol(id.id());
    StoreState before = f.b.state();

    assertRejected(() -> f.create(f.owner, csrRequest(ChangeType.ROTATE, id.id(), current.key(), current.id())),
        ErrorCode.CREDENTIAL_EXISTS);

    assertOnlyDenied(f.b, before, "change_request.create", f.owner.id().value(), id.id().value(),
        ErrorCode.CREDENTIAL_EXISTS);
  }

  @Test
  void create_byOutsiderOrAuditor_forbiddenAndOnlyTheDenialWritten() {
    Identity id = f.workload(1);
    var current = f.enrol(id.id());
    StoreState before = f.b.state();

    assertRejected(() -> f.create(f.outsider, csrRequest(ChangeType.ROTATE, id.id(), TestKeys.ecP256(), current.id())),
        ErrorCode.FORBIDDEN);

    assertOnlyDenied(f.b, before, "change_request.create", f.outsider.id().value(), id.id().value(),
        ErrorCode.FORBIDDEN);
    StoreState again = f.b.state();
    assertRejected(() -> f.create(f.auditor, csrRequest(ChangeType.ROTATE, id.id(), TestKeys.ecP256(), current.id())),
        ErrorCode.FORBIDDEN);
    assertOnlyDenied(f.b, again, "change_request.create", f.auditor.id().value(), id.id().value(),
        ErrorCode.FORBIDDEN);
  }

  @Test
  void create_lockedOrRetiredIdentity_refused() {
    Identity id = f.workload(1);
    var current = f.enrol(id.id());
    Identity locked = f.b.identities().lock(f.caller(f.securityOfficer), id.id(), id.version(), "under review");
    StoreState before = f.b.state();

    assertRejected(() -> f.create(f.owner, csrRequest(ChangeType.ROTATE, id.id(), TestKeys.ecP256(), current.id())),
        ErrorCode.IDENTITY_LOCKED);
    assertOnlyDenied(f.b, before, "change_request.create", f.owner.id().value(), id.id().value(),
        ErrorCode.IDENTITY_LOCKED);

    f.b.identities().retire(f.steppedUp(f.admin), id.id(), locked.version(), "decommissioned");
    assertRejected(() -> f.create(f.owner, csrRequest(ChangeType.ROTATE, id.id(), TestKeys.ecP256(), current.id())),
        ErrorCode.IDENTITY_RETIRED);
  }

  @Test
  void create_publicKeyProposal_jwkThumbprintAndExpiryChecked() {
    Identity id = f.workload(1);
    var current = f.enrol(id.id());
    KeyPair key = TestKeys.ecP256();
    Map<String, Object> jwk = new com.nimbusds.jose.jwk.ECKey.Builder(com.nimbusds.jose.jwk.Curve.P_256,
        (java.security.interfaces.ECPublicKey) key.getPublic()).build().toJSONObject();

    ChangeRequest r = f.create(f.owner, NewChangeRequest.forJwk(ChangeType.MIGRATE, id.id(), "new runtime", jwk,
        f.now().plus(Duration.ofDays(30)), null, List.of(current.id()), false));

    assertThat(r.proposed().type()).isEqualTo(CredentialType.PUBLIC_KEY);
    assertThat(r.proposed().keyThumbprint()).isEqualTo(CredentialKeys.jwkThumbprint(key.getPublic(), "jwk"));
    assertThat(r.proposed().expiresAt()).isEqualTo(f.now().plus(Duration.ofDays(30)));
    f.service.cancel(f.caller(f.owner), r.id(), null);
    StoreState before = f.b.state();
    assertRejected(() -> f.create(f.owner, NewChangeRequest.forJwk(ChangeType.MIGRATE, id.id(), "too long", jwk,
        f.now().plus(Duration.ofDays(3650)), null, List.of(current.id()), false)), ErrorCode.LIFETIME_EXCEEDS_POLICY);
    assertThat(f.b.state()).isEqualTo(before);
  }

  @Test
  void create_privateJwk_refusedBeforeAnythingIsStored() {
    Identity id = f.workload(1);
    var current = f.enrol(id.id());
    Map<String, Object> privateJwk = new com.nimbusds.jose.jwk.ECKey.Builder(com.nimbusds.jose.jwk.Curve.P_256,
        (java.security.interfaces.ECPublicKey) current.key().getPublic())
        .privateKey(current.key().getPrivate()).build().toJSONObject();
    StoreState before = f.b.state();

    assertRejected(() -> f.create(f.owner, NewChangeRequest.forJwk(ChangeType.MIGRATE, id.id(), "new runtime",
        privateJwk, f.now().plus(Duration.ofDays(1)), null, List.of(current.id()), false)),
        ErrorCode.PRIVATE_KEY_NOT_ACCEPTED);
    assertThat(f.b.auditSince(before.auditHead().seq())).isEmpty();
    assertThat(f.b.state()).isEqualTo(before);
  }

  // ---- abuse limit --------------------------------------------------------------------------------------

  @Test
  void create_fourthRecoverOrMigrateWithin24h_refusedAndLocksTheIdentityInOneTransaction() {
    Identity id = f.workload(1);
    var current = f.enrol(id.id());
    for (ChangeType type : List.of(ChangeType.RECOVER, ChangeType.MIGRATE, ChangeType.RECOVER)) {
      ChangeRequest r = f.create(f.owner, csrRequest(type, id.id(), TestKeys.ecP256(), current.id()));
      f.service.cancel(f.caller(f.owner), r.id(), "wrong key");
      f.advance(Duration.ofHours(1));
    }
    StoreState before = f.b.state();
    long seq = before.auditHead().seq();

    assertRejected(() -> f.create(f.owner, csrRequest(ChangeType.MIGRATE, id.id(), TestKeys.ecP256(), current.id())),
        ErrorCode.REBINDING_RATE_EXCEEDED);

    Identity locked = f.identity(id.id());
    assertThat(locked.status()).isEqualTo(IdentityStatus.LOCKED);
    assertThat(locked.statusReason()).contains("abuse limit");
    assertThat(locked.version()).isEqualTo(id.version() + 1);
    List<AuditEvent> events = f.b.auditSince(seq);
    assertThat(events).extracting(AuditEvent::action).containsExactly("identity.lock", "change_request.create");
    assertThat(events.get(0).actor()).isEqualTo("system");
    assertThat(events.get(0).details()).containsEntry("cause", "rebinding_rate_exceeded");
    assertThat(events.get(1).details()).containsEntry("code", "rebinding_rate_exceeded");
    StoreState after = f.b.state();
    assertThat(after.changeRequests()).isEqualTo(before.changeRequests());
    List<RevocationEvent> feed = after.revocationEvents().subList(before.revocationEvents().size(),
        after.revocationEvents().size());
    assertThat(feed).extracting(RevocationEvent::type, RevocationEvent::value)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(RevocationEventType.IDENTITY_LOCKED, id.id().value()));
    // locked: no further request of any type, and its credential no longer authenticates
    assertRejected(() -> f.create(f.owner, csrRequest(ChangeType.ROTATE, id.id(), TestKeys.ecP256(), current.id())),
        ErrorCode.IDENTITY_LOCKED);
    assertRejected(() -> f.b.credentials().authenticateCertificate(current.certificate(), f.now(), "req"),
        ErrorCode.IDENTITY_NOT_ACTIVE);
  }

  @Test
  void create_threeRecoversThenTheWindowPasses_theNextIsAllowed() {
    Identity id = f.workload(1);
    var current = f.enrol(id.id());
    for (int i = 0; i < 3; i++) {
      ChangeRequest r = f.create(f.owner, csrRequest(ChangeType.RECOVER, id.id(), TestKeys.ecP256(), current.id()));
      f.service.cancel(f.caller(f.owner), r.id(), null);
    }
    f.advance(Duration.ofHours(24).plusSeconds(1));

    ChangeRequest fourth = f.create(f.owner, csrRequest(ChangeType.RECOVER, id.id(), TestKeys.ecP256(), current.id()));

    assertThat(fourth.state()).isEqualTo(ChangeState.PENDING);
    assertThat(f.identity(id.id()).status()).isEqualTo(IdentityStatus.ACTIVE);
  }

  @Test
  void create_rotatesDoNotCountTowardsTheAbuseLimit() {
    Identity id = f.workload(1);
    var current = f.enrol(id.id());
    for (int i = 0; i < 5; i++) {
      ChangeRequest r = f.create(f.owner, csrRequest(ChangeType.ROTATE, id.id(), TestKeys.ecP256(), current.id()));
      f.service.cancel(f.caller(f.owner), r.id(), null);
    }

    assertThat(f.create(f.owner, csrRequest(ChangeType.RECOVER, id.id(), TestKeys.ecP256(), current.id())).state())
        .isEqualTo(ChangeState.PENDING);
  }

  // ---- shape --------------------------------------------------------------------------------------------

  @Test
  void newChangeRequest_badShapes_refusedWithTheField() {
    var target = f.workload(1).id();
    var cred = dev.bindery.credential.CredentialId.generate(new java.security.SecureRandom());
    String csr = TestCsr.ecP256Pem();
    assertThat(assertRejected(() -> NewChangeRequest.forCsr(ChangeType.ROTATE, target, " ", csr, null,
        List.of(cred), false), ErrorCode.MISSING_FIELD).field()).isEqualTo("reason");
    assertThat(assertRejected(() -> NewChangeRequest.forCsr(ChangeType.ROTATE, target, "r", csr, null,
        List.of(), false), ErrorCode.MISSING_FIELD).field()).isEqualTo("replaces");
    assertThat(assertRejected(() -> NewChangeRequest.forCsr(ChangeType.ROTATE, target, "r", csr, null,
        List.of(cred, cred), false), ErrorCode.INVALID_FIELD).field()).isEqualTo("replaces");
    assertThat(assertRejected(() -> new NewChangeRequest(ChangeType.ROTATE, target, "r", csr, "{}", null, null,
        List.of(cred), false), ErrorCode.INVALID_FIELD).field()).isEqualTo("proposed");
    assertThat(assertRejected(() -> new NewChangeRequest(ChangeType.ROTATE, target, "r", null, "{}", null, null,
        List.of(cred), false), ErrorCode.MISSING_FIELD).field()).isEqualTo("expires_at");
    assertThat(assertRejected(() -> new NewChangeRequest(ChangeType.ROTATE, target, "r", csr, null, f.now(), null,
        List.of(cred), false), ErrorCode.INVALID_FIELD).field()).isEqualTo("expires_at");
    assertThat(assertRejected(() -> NewChangeRequest.forCsr(ChangeType.ROTATE, target, "x".repeat(1001), csr, null,
        List.of(cred), false), ErrorCode.INVALID_FIELD).field()).isEqualTo("reason");
  }
}
