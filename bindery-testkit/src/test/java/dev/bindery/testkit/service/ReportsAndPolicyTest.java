package dev.bindery.testkit.service;

import static dev.bindery.testkit.BinderyAssertions.assertAuditedSince;
import static dev.bindery.testkit.BinderyAssertions.assertNothingWritten;
import static dev.bindery.testkit.BinderyAssertions.assertOnlyDenied;
import static dev.bindery.testkit.BinderyAssertions.assertRejected;
import static dev.bindery.testkit.service.CredentialFixture.REQUEST_ID;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.common.ErrorCode;
import dev.bindery.credential.Credential;
import dev.bindery.credential.CredentialGauges;
import dev.bindery.credential.CredentialType;
import dev.bindery.credential.CredentialView;
import dev.bindery.credential.IssuedApiKey;
import dev.bindery.credential.RotationPolicy;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityKind;
import dev.bindery.testkit.StoreState;
import dev.bindery.testkit.TestOperator;
import dev.bindery.testkit.pki.TestKeys;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportsAndPolicyTest {
  private final CredentialFixture f = new CredentialFixture();

  private static List<Object> ids(List<CredentialView> views) {
    return views.stream().map(v -> (Object) v.credential().id()).toList();
  }

  // ---- reports with a driven clock ------------------------------------------------------------------------

  /** A workload with an X.509-SVID (24 h) and an API key (60 days), a device with a public key (100 days). */
  private final class Estate {
    final Identity workload = f.workload();
    final Identity device = f.identity(IdentityKind.DEVICE);
    final Identity bare = f.workload();
    final Identity retired = f.workload();
    final CredentialFixture.Enrolled enrolled = f.enrol(workload.id());
    final Credential svid = enrolled.issued().credential().credential();
    final IssuedApiKey apiKey = f.service.createApiKey(f.caller(f.owner), workload.id(), f.now().plus(Duration.ofDays(60)));
    final Credential key = f.service.registerPublicKey(f.caller(f.owner), device.id(),
        RegistrationTest.ecJwk(TestKeys.ecP256()), f.now().plus(Duration.ofDays(100))).credential();

    Estate() {
      f.b.identities().retire(f.b.steppedUp(f.admin), retired.id(), 1, "gone");
    }

    Credential api() {
      return apiKey.credential().credential();
    }
  }

  @Test
  void reports_atTheStart_everythingNeverUsedAndOnlyTheSvidExpiresWithinAWeek() {
    Estate e = new Estate();
    var auditor = f.caller(f.auditor);

    assertThat(ids(f.service.expiring(auditor, 7))).containsExactly(e.svid.id());
    assertThat(ids(f.service.expiring(auditor, 60))).containsExactly(e.svid.id());
    assertThat(ids(f.service.expiring(auditor, 61))).containsExactly(e.svid.id(), e.api().id());
    assertThat(ids(f.service.overdueForRotation(auditor))).isEmpty();
    assertThat(ids(f.service.neverUsed(auditor))).containsExactlyInAnyOrder(e.svid.id(), e.api().id(), e.key.id());
    assertThat(f.service.identitiesWithoutCredential(auditor)).extracting(Identity::id).containsExactly(e.bare.id());
    assertThat(f.service.gauges()).isEqualTo(new CredentialGauges(1, 0, 3, 0, 1));
  }

  @Test
  void reports_after13Hours_svidOverdueForRotation() {
    Estate e = new Estate();
    f.advance(Duration.ofHours(13));

    assertThat(ids(f.service.overdueForRotation(f.caller(f.owner)))).containsExactly(e.svid.id());
    assertThat(f.service.gauges().overdueRotation()).isEqualTo(1);
  }

  @Test
  void reports_usesRecordedAndDaysPass_unusedAndNeverUsedFollowTheClock() {
    Estate e = new Estate();
    f.service.verifyApiKey(e.apiKey.value().reveal(), REQUEST_ID);
    f.advance(Duration.ofDays(5));
    var owner = f.caller(f.owner);

    // the SVID expired after 24 h: it is in no report any more, and its identity has no usable credential
    assertThat(ids(f.service.neverUsed(owner))).containsExactly(e.key.id());
    assertThat(ids(f.service.unused(owner, 3))).containsExactlyInAnyOrder(e.api().id(), e.key.id());
    assertThat(ids(f.service.unused(owner, 5))).isEmpty();
    assertThat(ids(f.service.expiring(owner, 7))).isEmpty();
    assertThat(f.service.identitiesWithoutCredential(owner)).extracting(Identity::id).containsExactly(e.bare.id());
    assertThat(f.service.gauges().unused()).isZero();

    f.advance(Duration.ofDays(26));
    assertThat(ids(f.service.overdueForRotation(owner))).containsExactly(e.api().id());
    assertThat(ids(f.service.expiring(owner, 30))).containsExactly(e.api().id());
    // 31 days: the API key was last used on day 0 and the public key never: both idle for the gauge's 30 days
    assertThat(ids(f.service.unused(owner, 30))).containsExactlyInAnyOrder(e.api().id(), e.key.id());
    assertThat(f.service.gauges().unused()).isEqualTo(2);

    f.advance(Duration.ofDays(60));
    assertThat(ids(f.service.overdueForRotation(owner))).containsExactly(e.key.id());
    assertThat(f.service.identitiesWithoutCredential(owner)).extracting(Identity::id)
        .containsExactlyInAnyOrder(e.workload.id(), e.bare.id());
    assertThat(f.service.gauges()).isEqualTo(new CredentialGauges(0, 1, 1, 1, 2));
  }

  @Test
  void reports_atTheInstantOfExpiry_credentialIsInNoReportAndNoGauge() {
    Estate e = new Estate();
    var owner = f.caller(f.owner);
    f.b.clock().set(e.svid.notAfter().minusMillis(1));
    assertThat(ids(f.service.expiring(owner, 1))).containsExactly(e.svid.id());
    assertThat(ids(f.service.overdueForRotation(owner))).containsExactly(e.svid.id());

    // a credential is expired at its notAfter (Credential#expiredAt): from that instant it is unusable everywhere
    f.b.clock().set(e.svid.notAfter());

    assertThat(f.service.get(owner, e.svid.id()).usable()).isFalse();
    assertThat(ids(f.service.expiring(owner, 1))).isEmpty();
    assertThat(ids(f.service.overdueForRotation(owner))).isEmpty();
    assertThat(ids(f.service.neverUsed(owner))).containsExactlyInAnyOrder(e.api().id(), e.key.id());
    assertThat(f.service.identitiesWithoutCredential(owner)).extracting(Identity::id).containsExactly(e.bare.id());
    assertThat(f.service.gauges()).isEqualTo(new CredentialGauges(0, 0, 2, 0, 1));
    assertRejected(() -> f.service.authenticateCertificate(e.enrolled.certificate(), f.now(), REQUEST_ID),
        ErrorCode.CREDENTIAL_EXPIRED);
  }

  @Test
  void reports_badDaysOrLeakReporterOrNoCaller_refused() {
    var owner = f.caller(f.owner);
    var reporter = f.caller(f.leakReporter);

    for (int days : new int[] {0, -1, 3651}) {
      var e = assertRejected(() -> f.service.expiring(owner, days), ErrorCode.INVALID_QUERY);
      assertThat(e.field()).isEqualTo("days");
      assertRejected(() -> f.service.unused(owner, days), ErrorCode.INVALID_QUERY);
    }
    assertRejected(() -> f.service.overdueForRotation(reporter), ErrorCode.FORBIDDEN);
    assertRejected(() -> f.service.unused(reporter, 1), ErrorCode.FORBIDDEN);
    assertRejected(() -> f.service.identitiesWithoutCredential(reporter), ErrorCode.FORBIDDEN);
    assertRejected(() -> f.service.neverUsed(null), ErrorCode.UNAUTHENTICATED);
  }

  // ---- rotation policies ----------------------------------------------------------------------------------

  @Test
  void rotationPolicies_defaults_coverEveryKindAndType() {
    List<RotationPolicy> policies = f.service.rotationPolicies(f.caller(f.auditor));

    assertThat(policies).hasSize(IdentityKind.values().length * CredentialType.values().length);
    assertThat(policies).contains(
        new RotationPolicy(IdentityKind.WORKLOAD, CredentialType.X509_SVID, Duration.ofHours(24), Duration.ofHours(12)),
        new RotationPolicy(IdentityKind.PIPELINE, CredentialType.API_KEY, Duration.ofDays(90), Duration.ofDays(30)),
        new RotationPolicy(IdentityKind.DEVICE, CredentialType.PUBLIC_KEY, Duration.ofDays(365), Duration.ofDays(90)),
        new RotationPolicy(IdentityKind.AGENT, CredentialType.SELF_SIGNED_CERTIFICATE, Duration.ofDays(365),
            Duration.ofDays(90)));
  }

  @Test
  void setRotationPolicy_adminOrSecurityOfficer_storesItAndAuditsBeforeAndAfter() {
    long seq = f.b.auditHead().seq();

    RotationPolicy set = f.service.setRotationPolicy(f.caller(f.securityOfficer), IdentityKind.PIPELINE,
        CredentialType.API_KEY, Duration.ofDays(14), Duration.ofDays(7));
    f.service.setRotationPolicy(f.caller(f.admin), IdentityKind.PIPELINE, CredentialType.X509_SVID,
        Duration.ofHours(1), Duration.ofMinutes(30));

    assertThat(f.service.rotationPolicies(f.caller(f.owner))).contains(set);
    var events = assertAuditedSince(f.b, seq, "policy.rotation.set", "policy.rotation.set");
    assertThat(events.get(0).target()).isEqualTo("rotation_policy:pipeline:api_key");
    assertThat(events.get(0).details()).isEqualTo(Map.of(
        "before", Map.of("max_lifetime_seconds", 7_776_000L, "rotate_after_seconds", 2_592_000L),
        "after", Map.of("max_lifetime_seconds", 1_209_600L, "rotate_after_seconds", 604_800L)));
  }

  @Test
  void setRotationPolicy_ownersAuditorLeakReporter_forbiddenDeniedAndNothingWritten() {
    for (TestOperator op : List.of(f.owner, f.outsider, f.auditor, f.leakReporter)) {
      var caller = f.caller(op);
      StoreState before = f.b.state();

      assertRejected(() -> f.service.setRotationPolicy(caller, IdentityKind.WORKLOAD, CredentialType.API_KEY,
          Duration.ofDays(365 * 2), Duration.ofDays(365)), ErrorCode.FORBIDDEN);

      assertOnlyDenied(f.b, before, "policy.rotation.set", op.id().value(), "rotation_policy:workload:api_key",
          ErrorCode.FORBIDDEN);
    }
  }

  @Test
  void setRotationPolicy_outOfBounds_invalidFieldAndNothingWritten() {
    var caller = f.caller(f.admin);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.setRotationPolicy(caller, IdentityKind.WORKLOAD, CredentialType.API_KEY,
        Duration.ofDays(10), Duration.ofDays(11)), ErrorCode.INVALID_FIELD);
    assertRejected(() -> f.service.setRotationPolicy(caller, IdentityKind.WORKLOAD, CredentialType.API_KEY,
        Duration.ofDays(731), Duration.ofDays(1)), ErrorCode.INVALID_FIELD);
    assertRejected(() -> f.service.setRotationPolicy(caller, IdentityKind.WORKLOAD, CredentialType.X509_SVID,
        Duration.ofDays(31), Duration.ofDays(1)), ErrorCode.INVALID_FIELD);
    assertRejected(() -> f.service.setRotationPolicy(caller, IdentityKind.WORKLOAD, CredentialType.API_KEY,
        Duration.ZERO, Duration.ZERO), ErrorCode.INVALID_FIELD);

    assertNothingWritten(f.b, before);
  }

  @Test
  void setRotationPolicy_longerApiKeyLifetime_allowsWhatTheDefaultRefused() {
    Identity identity = f.workload();
    var owner = f.caller(f.owner);
    assertRejected(() -> f.service.createApiKey(owner, identity.id(), f.now().plus(Duration.ofDays(120))),
        ErrorCode.LIFETIME_EXCEEDS_POLICY);

    f.service.setRotationPolicy(f.caller(f.admin), IdentityKind.WORKLOAD, CredentialType.API_KEY,
        Duration.ofDays(180), Duration.ofDays(90));

    assertThat(f.service.createApiKey(owner, identity.id(), f.now().plus(Duration.ofDays(120))).credential().usable())
        .isTrue();
  }
}
