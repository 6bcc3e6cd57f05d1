package dev.bindery.testkit.service;

import static dev.bindery.testkit.BinderyAssertions.assertRejected;
import static dev.bindery.testkit.service.CredentialFixture.REQUEST_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bindery.audit.AuditEvent;
import dev.bindery.common.ErrorCode;
import dev.bindery.credential.Credential;
import dev.bindery.credential.CredentialStatus;
import dev.bindery.credential.CredentialView;
import dev.bindery.credential.IssuedApiKey;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityStatus;
import dev.bindery.identity.TeamId;
import dev.bindery.pki.RevocationReason;
import dev.bindery.store.Tx;
import dev.bindery.testkit.FailingAuditStore;
import dev.bindery.testkit.MutableClock;
import dev.bindery.testkit.StoreState;
import dev.bindery.testkit.TestBindery;
import dev.bindery.testkit.TestIdentities;
import dev.bindery.testkit.TestOperator;
import dev.bindery.testkit.memory.InMemoryStore;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetirementCascadeTest {
  private final CredentialFixture f = new CredentialFixture();

  private List<Credential> credentialsOf(Identity identity) {
    return f.b.store().read((Tx t) -> t.credentials().listForIdentity(identity.id()));
  }

  @Test
  void retire_revokesEveryActiveCredentialForCessationInTheSameChange() {
    Identity identity = f.workload();
    CredentialFixture.Enrolled gen1 = f.enrol(identity.id());
    CredentialFixture.Enrolled gen2 = f.renew(gen1.certificate());
    IssuedApiKey key = f.service.createApiKey(f.caller(f.owner), identity.id(), f.now().plus(Duration.ofDays(1)));
    f.service.registerPublicKey(f.caller(f.owner), identity.id(),
        RegistrationTest.ecJwk(dev.bindery.testkit.pki.TestKeys.ecP256()), f.now().plus(Duration.ofDays(1)));
    Identity other = f.workload();
    IssuedApiKey othersKey = f.service.createApiKey(f.caller(f.owner), other.id(), f.now().plus(Duration.ofDays(1)));
    var caller = f.b.steppedUp(f.owner);
    f.advance(Duration.ofMinutes(1));
    long seq = f.b.auditHead().seq();

    Identity retired = f.b.identities().retire(caller, identity.id(), 1, "decommissioned");

    assertThat(retired.status()).isEqualTo(IdentityStatus.RETIRED);
    List<Credential> after = credentialsOf(identity);
    Credential superseded = after.stream().filter(c -> c.id().equals(gen1.issued().credential().credential().id()))
        .findFirst().orElseThrow();
    assertThat(superseded.status()).isEqualTo(CredentialStatus.SUPERSEDED);
    assertThat(after).filteredOn(c -> !c.id().equals(superseded.id())).allSatisfy(c -> {
      assertThat(c.status()).isEqualTo(CredentialStatus.REVOKED);
      assertThat(c.revocationReason()).isEqualTo(RevocationReason.CESSATION_OF_OPERATION);
      assertThat(c.revokedAt()).isEqualTo(f.now());
    });
    assertThat(after).hasSize(4);
    List<AuditEvent> events = f.b.auditSince(seq);
    assertThat(events).extracting(AuditEvent::action).containsExactly("identity.retire", "credential.revoke",
        "credential.revoke", "credential.revoke");
    assertThat(events.subList(1, 4)).allSatisfy(e -> {
      assertThat(e.details()).containsEntry("cause", "identity.retire")
          .containsEntry("revocation_reason", "cessation_of_operation");
      assertThat(e.actor()).isEqualTo(f.owner.id().value());
      assertThat(e.target()).isEqualTo(identity.id().value());
    });
    assertRejected(() -> f.service.authenticateCertificate(gen2.certificate(), f.now(), REQUEST_ID),
        ErrorCode.CREDENTIAL_REVOKED);
    assertRejected(() -> f.service.verifyApiKey(key.value().reveal(), REQUEST_ID), ErrorCode.CREDENTIAL_REVOKED);
    assertThat(f.service.listForIdentity(f.caller(f.auditor), identity.id(), null))
        .extracting(CredentialView::usable).containsOnly(false);
    assertThat(f.service.verifyApiKey(othersKey.value().reveal(), REQUEST_ID).identity().id()).isEqualTo(other.id());
  }

  @Test
  void retire_whenTheCascadeFails_nothingChangesNotEvenTheIdentity() {
    InMemoryStore inner = new InMemoryStore();
    TestBindery b = new TestBindery(new FailingAuditStore(inner, "credential.revoke"), MutableClock.standard());
    TeamId payments = b.team("payments");
    TeamId platform = b.team("platform");
    TestOperator admin = b.admin();
    Identity identity = b.identities().create(b.caller(admin),
        TestIdentities.workload().owner(payments).backupTeam(platform).build()).identity();
    IssuedApiKey key = b.credentials().createApiKey(b.caller(admin), identity.id(),
        b.clock().instant().plus(Duration.ofDays(1)));
    var caller = b.steppedUp(admin);
    StoreState before = b.state();

    assertThatThrownBy(() -> b.identities().retire(caller, identity.id(), 1, "gone"))
        .isInstanceOf(IllegalStateException.class).hasMessage("audit append failed");

    assertThat(b.state()).isEqualTo(before);
    assertThat(b.credentials().verifyApiKey(key.value().reveal(), REQUEST_ID).identity().status())
        .isEqualTo(IdentityStatus.ACTIVE);
  }

  @Test
  void suspend_blocksEveryCredentialWithoutWritingAndResumeUnblocks() {
    Identity identity = f.workload();
    CredentialFixture.Enrolled enrolled = f.enrol(identity.id());
    IssuedApiKey key = f.service.createApiKey(f.caller(f.owner), identity.id(), f.now().plus(Duration.ofDays(1)));
    List<Credential> before = credentialsOf(identity);

    f.b.identities().suspend(f.caller(f.securityOfficer), identity.id(), 1, "incident");

    assertThat(credentialsOf(identity)).isEqualTo(before);
    assertThat(f.service.listForIdentity(f.caller(f.owner), identity.id(), null)).extracting(CredentialView::usable)
        .containsOnly(false);
    assertRejected(() -> f.service.authenticateCertificate(enrolled.certificate(), f.now(), REQUEST_ID),
        ErrorCode.IDENTITY_NOT_ACTIVE);
    assertRejected(() -> f.service.verifyApiKey(key.value().reveal(), REQUEST_ID), ErrorCode.IDENTITY_NOT_ACTIVE);

    f.b.identities().resume(f.caller(f.securityOfficer), identity.id(), 2);

    assertThat(f.service.listForIdentity(f.caller(f.owner), identity.id(), CredentialStatus.ACTIVE))
        .extracting(CredentialView::usable).containsOnly(true).hasSize(2);
    assertThat(f.service.authenticateCertificate(enrolled.certificate(), f.now(), REQUEST_ID).identity().status())
        .isEqualTo(IdentityStatus.ACTIVE);
    assertThat(f.service.verifyApiKey(key.value().reveal(), REQUEST_ID).credential().id())
        .isEqualTo(key.credential().credential().id());
  }

  @Test
  void registration_onRetiredIdentity_identityRetiredAndNothingWritten() {
    Identity identity = f.workload();
    f.b.identities().retire(f.b.steppedUp(f.admin), identity.id(), 1, "gone");
    var caller = f.caller(f.admin);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.createApiKey(caller, identity.id(), f.now().plus(Duration.ofDays(1))),
        ErrorCode.IDENTITY_RETIRED);
    assertRejected(() -> f.service.registerPublicKey(caller, identity.id(),
        RegistrationTest.ecJwk(dev.bindery.testkit.pki.TestKeys.ecP256()), f.now().plus(Duration.ofDays(1))),
        ErrorCode.IDENTITY_RETIRED);

    assertThat(f.b.state()).isEqualTo(before);
  }
}
