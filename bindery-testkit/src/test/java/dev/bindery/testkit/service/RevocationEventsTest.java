package dev.bindery.testkit.service;

import static dev.bindery.testkit.BinderyAssertions.assertNothingWritten;
import static dev.bindery.testkit.BinderyAssertions.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import dev.bindery.common.ErrorCode;
import dev.bindery.credential.Credential;
import dev.bindery.credential.CredentialService;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityService;
import dev.bindery.pki.RevocationReason;
import dev.bindery.revocation.RevocationEvent;
import dev.bindery.revocation.RevocationEventType;
import dev.bindery.store.AuditedTransactor;
import dev.bindery.testkit.FailingAuditStore;
import dev.bindery.testkit.StoreState;
import dev.bindery.testkit.pki.TestKeys;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The revocation feed's events are appended in the transaction of the change they announce: a credential that stops
 * being usable (revoked, superseded, its lineage quarantined, its identity retired) and an identity suspended or
 * retired. A change that rolls back leaves no event.
 */
class RevocationEventsTest {
  private final CredentialFixture f = new CredentialFixture();

  private List<RevocationEvent> events() {
    return f.b.store().read(t -> t.revocationEvents().since(0, 1000));
  }

  private static List<String> typeAndValue(List<RevocationEvent> events) {
    return events.stream().map(e -> e.type().wire() + " " + e.value()).toList();
  }

  @Test
  void revoke_svid_appendsItsX5tS256AtTheRevocationTime() {
    Identity identity = f.workload();
    Credential c = f.enrol(identity.id()).issued().credential().credential();
    f.advance(Duration.ofMinutes(2));

    f.service.revoke(f.caller(f.owner), c.id(), RevocationReason.KEY_COMPROMISE);

    List<RevocationEvent> events = events();
    assertThat(events).hasSize(1);
    assertThat(events.get(0).type()).isEqualTo(RevocationEventType.X5T_S256);
    assertThat(events.get(0).value()).isEqualTo(c.thumbprint().value());
    assertThat(events.get(0).at()).isEqualTo(f.now());
  }

  @Test
  void revoke_registeredPublicKey_appendsItsJwkThumbprintAsJkt() {
    Identity identity = f.workload();
    KeyPair key = TestKeys.ecP256();
    String jwk = new ECKey.Builder(Curve.P_256, (ECPublicKey) key.getPublic()).build().toJSONString();
    Credential c = f.service.registerPublicKey(f.caller(f.owner), identity.id(), jwk, f.now().plus(Duration.ofDays(1)))
        .credential();

    f.service.revoke(f.caller(f.owner), c.id(), RevocationReason.KEY_COMPROMISE);

    assertThat(typeAndValue(events())).containsExactly("jkt " + c.thumbprint().value());
  }

  @Test
  void revoke_selfSignedCertificate_appendsItsX5tS256() {
    Identity identity = f.workload();
    KeyPair key = TestKeys.ecP256();
    var cert = CredentialFixture.selfSigned(key, f.now().minusSeconds(60), f.now().plus(Duration.ofDays(10)));
    Credential c = f.service.registerSelfSignedCertificate(f.caller(f.owner), identity.id(), CredentialFixture.pem(cert))
        .credential();

    f.service.revoke(f.caller(f.owner), c.id(), RevocationReason.UNSPECIFIED);

    assertThat(typeAndValue(events())).containsExactly("x5t#S256 " + c.thumbprint().value());
  }

  @Test
  void revoke_apiKey_appendsNothingBecauseNoTokenIsBoundToOne() {
    Identity identity = f.workload();
    Credential c = f.service.createApiKey(f.caller(f.owner), identity.id(), f.now().plus(Duration.ofDays(1)))
        .credential().credential();

    f.service.revoke(f.caller(f.owner), c.id(), RevocationReason.UNSPECIFIED);

    assertThat(events()).isEmpty();
  }

  @Test
  void revoke_auditAppendFails_credentialAndEventBothRolledBack() {
    Identity identity = f.workload();
    Credential c = f.enrol(identity.id()).issued().credential().credential();
    CredentialService failing = new CredentialService(new AuditedTransactor(
        new FailingAuditStore(f.b.store(), "credential.revoke"), f.b.clock()), f.b.authorizer(), new SecureRandom(),
        f.b.pki().ca(), new dev.bindery.credential.CredentialEvents() { });
    StoreState before = f.b.state();

    assertThatThrownBy(() -> failing.revoke(f.caller(f.owner), c.id(), RevocationReason.KEY_COMPROMISE))
        .isInstanceOf(IllegalStateException.class);

    assertNothingWritten(f.b, before);
    assertThat(events()).isEmpty();
  }

  @Test
  void revoke_alreadyRevoked_refusedAndNoSecondEvent() {
    Identity identity = f.workload();
    Credential c = f.enrol(identity.id()).issued().credential().credential();
    f.service.revoke(f.caller(f.owner), c.id(), RevocationReason.KEY_COMPROMISE);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.revoke(f.caller(f.owner), c.id(), RevocationReason.KEY_COMPROMISE),
        ErrorCode.CREDENTIAL_ALREADY_REVOKED);

    assertThat(f.b.state().withoutAudit()).isEqualTo(before.withoutAudit());
    assertThat(events()).hasSize(1);
  }

  @Test
  void renew_supersededCertificateIsAnnounced() {
    Identity identity = f.workload();
    CredentialFixture.Enrolled gen1 = f.enrol(identity.id());

    f.renew(gen1.certificate());

    assertThat(typeAndValue(events()))
        .containsExactly("x5t#S256 " + gen1.issued().credential().credential().thumbprint().value());
  }

  @Test
  void presentSupersededGeneration_quarantineAnnouncesEveryCertificateOfTheLineage() {
    Identity identity = f.workload();
    CredentialFixture.Enrolled gen1 = f.enrol(identity.id());
    CredentialFixture.Enrolled gen2 = f.renew(gen1.certificate());
    int before = events().size();

    assertRejected(() -> f.service.authenticateCertificate(gen1.certificate(), f.now(), "r"),
        ErrorCode.CREDENTIAL_SUPERSEDED);

    assertThat(typeAndValue(events().subList(before, events().size()))).containsExactlyInAnyOrder(
        "x5t#S256 " + gen1.issued().credential().credential().thumbprint().value(),
        "x5t#S256 " + gen2.issued().credential().credential().thumbprint().value());
  }

  @Test
  void suspend_appendsAnIdentityEvent_resumeAppendsNothing() {
    Identity identity = f.workload();
    IdentityService identities = f.b.identities();

    Identity suspended = identities.suspend(f.caller(f.admin), identity.id(), identity.version(), "incident");
    f.advance(Duration.ofMinutes(1));
    identities.resume(f.caller(f.admin), identity.id(), suspended.version());

    List<RevocationEvent> events = events();
    assertThat(typeAndValue(events)).containsExactly("identity " + identity.id().value());
    assertThat(events.get(0).at()).isEqualTo(f.now().minus(Duration.ofMinutes(1)));
  }

  @Test
  void retire_announcesEachActiveCredentialThenTheIdentity() {
    Identity identity = f.workload();
    Credential c = f.enrol(identity.id()).issued().credential().credential();

    f.b.identities().retire(f.b.steppedUp(f.admin), identity.id(), identity.version(), "decommissioned");

    assertThat(typeAndValue(events())).containsExactly("x5t#S256 " + c.thumbprint().value(),
        "identity " + identity.id().value());
  }

  @Test
  void suspend_refusedVersionConflict_nothingWrittenAndNoEvent() {
    Identity identity = f.workload();
    StoreState before = f.b.state();

    assertThatThrownBy(() -> f.b.identities().suspend(f.caller(f.admin), identity.id(), identity.version() + 7, "x"))
        .isInstanceOf(dev.bindery.common.RejectedException.class);

    assertNothingWritten(f.b, before);
    assertThat(events()).isEmpty();
  }
}
