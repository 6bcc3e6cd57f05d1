package dev.bindery.testkit.service;

import static dev.bindery.testkit.BinderyAssertions.assertAuditedSince;
import static dev.bindery.testkit.BinderyAssertions.assertOnlyDenied;
import static dev.bindery.testkit.BinderyAssertions.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import dev.bindery.audit.AuditEvent;
import dev.bindery.common.ErrorCode;
import dev.bindery.credential.ApiKeys;
import dev.bindery.credential.Credential;
import dev.bindery.credential.CredentialStatus;
import dev.bindery.credential.IssuedApiKey;
import dev.bindery.credential.LeakReport;
import dev.bindery.identity.Identity;
import dev.bindery.pki.RevocationReason;
import dev.bindery.store.Tx;
import dev.bindery.testkit.StoreState;
import dev.bindery.testkit.TestIdentities;
import dev.bindery.testkit.TestOperator;
import dev.bindery.testkit.pki.TestCsr;
import dev.bindery.testkit.pki.TestKeys;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeakReportTest {
  private final CredentialFixture f = new CredentialFixture();

  private Credential stored(Credential c) {
    return f.b.store().read((Tx t) -> t.credentials().findById(c.id())).orElseThrow();
  }

  private void assertRevokedForCompromise(Credential c) {
    Credential now = stored(c);
    assertThat(now.status()).isEqualTo(CredentialStatus.REVOKED);
    assertThat(now.revocationReason()).isEqualTo(RevocationReason.KEY_COMPROMISE);
    assertThat(now.revokedAt()).isEqualTo(f.now());
  }

  private static LeakReport.Match match(Credential c) {
    return new LeakReport.Match(c.id(), c.identityId(), c.type());
  }

  /** The leak report's audit event: one, naming the kind of value and never the value. */
  private AuditEvent leakEvent(long seq, String value) {
    List<AuditEvent> events = f.b.auditSince(seq);
    List<AuditEvent> reports = events.stream().filter(e -> e.action().equals("credential.leak.report")).toList();
    assertThat(reports).hasSize(1);
    for (AuditEvent e : events) {
      assertThat(e.detailsJson()).doesNotContain(value.strip());
    }
    return reports.get(0);
  }

  @Test
  void reportLeak_apiKey_revokesItWithKeyCompromise() {
    Identity identity = f.workload();
    IssuedApiKey key = f.service.createApiKey(f.caller(f.owner), identity.id(), f.now().plus(Duration.ofDays(1)));
    Credential c = key.credential().credential();
    long seq = f.b.auditHead().seq();
    String value = "  " + key.value().reveal() + "\n";

    LeakReport report = f.service.reportLeak(f.caller(f.leakReporter), value);

    assertThat(report).isEqualTo(new LeakReport(true, List.of(match(c)), List.of()));
    assertRevokedForCompromise(c);
    AuditEvent e = leakEvent(seq, value);
    assertThat(e.actor()).isEqualTo(f.leakReporter.id().value());
    assertThat(e.details()).containsEntry("value_kind", "api_key").containsEntry("matched", true)
        .containsEntry("revoked", List.of(c.id().value()));
    assertThat(f.b.auditSince(seq)).extracting(AuditEvent::action)
        .containsExactly("credential.revoke", "credential.leak.report");
    assertRejected(() -> f.service.verifyApiKey(key.value().reveal(), CredentialFixture.REQUEST_ID),
        ErrorCode.CREDENTIAL_REVOKED);
  }

  @Test
  void reportLeak_issuedCertificatePem_revokesItAndEveryCredentialOnTheSameKey() {
    Identity identity = f.workload();
    CredentialFixture.Enrolled gen1 = f.enrol(identity.id());
    // renewed with the same key: both generations carry the leaked key
    var auth = f.service.authenticateCertificate(gen1.certificate(), f.now(), CredentialFixture.REQUEST_ID);
    Credential gen2 = f.service.renew(auth, TestCsr.forKey(gen1.key()).pem(), CredentialFixture.REQUEST_ID)
        .credential().credential();
    Credential untouched = f.enrol(identity.id()).issued().credential().credential();
    long seq = f.b.auditHead().seq();
    String value = CredentialFixture.pem(gen1.certificate());

    LeakReport report = f.service.reportLeak(f.caller(f.outsider), value);

    Credential first = gen1.issued().credential().credential();
    assertThat(report.matched()).isTrue();
    assertThat(report.revoked()).containsExactlyInAnyOrder(match(first), match(gen2));
    assertRevokedForCompromise(first);
    assertRevokedForCompromise(gen2);
    assertThat(stored(untouched).status()).isEqualTo(CredentialStatus.ACTIVE);
    assertThat(leakEvent(seq, value).details()).containsEntry("value_kind", "certificate");
  }

  @Test
  void reportLeak_selfSignedCertificatePem_revokesIt() {
    Identity identity = f.workload();
    X509Certificate cert = CredentialFixture.selfSigned(TestKeys.ecP256(), f.now(), f.now().plus(Duration.ofDays(10)));
    Credential c = f.service.registerSelfSignedCertificate(f.caller(f.owner), identity.id(), CredentialFixture.pem(cert))
        .credential();

    LeakReport report = f.service.reportLeak(f.caller(f.securityOfficer), CredentialFixture.pem(cert));

    assertThat(report.revoked()).containsExactly(match(c));
    assertRevokedForCompromise(c);
  }

  @Test
  void reportLeak_publicKeyPem_findsTheCertificateAndTheJwkOnThatKey() {
    Identity identity = f.workload();
    KeyPair key = TestKeys.ecP256();
    Credential cert = f.service.enrol(f.code(identity.id()).code().reveal(), TestCsr.forKey(key).pem(),
        CredentialFixture.REQUEST_ID).credential().credential();
    Credential jwk = f.service.registerPublicKey(f.caller(f.owner), identity.id(), RegistrationTest.ecJwk(key),
        f.now().plus(Duration.ofDays(1))).credential();
    long seq = f.b.auditHead().seq();
    String value = TestCsr.pem("PUBLIC KEY", key.getPublic().getEncoded());

    LeakReport report = f.service.reportLeak(f.caller(f.admin), value);

    assertThat(report.revoked()).containsExactlyInAnyOrder(match(cert), match(jwk));
    assertRevokedForCompromise(cert);
    assertRevokedForCompromise(jwk);
    assertThat(leakEvent(seq, value).details()).containsEntry("value_kind", "public_key");
  }

  @Test
  void reportLeak_privateJwk_findsTheRegisteredPublicKey() {
    Identity identity = f.workload();
    KeyPair key = TestKeys.ecP256();
    Credential jwk = f.service.registerPublicKey(f.caller(f.owner), identity.id(), RegistrationTest.ecJwk(key),
        f.now().plus(Duration.ofDays(1))).credential();
    String leakedPrivate = new ECKey.Builder(Curve.P_256, (ECPublicKey) key.getPublic())
        .privateKey((ECPrivateKey) key.getPrivate()).build().toJSONString();
    long seq = f.b.auditHead().seq();

    LeakReport report = f.service.reportLeak(f.caller(f.leakReporter), leakedPrivate);

    assertThat(report.revoked()).containsExactly(match(jwk));
    assertRevokedForCompromise(jwk);
    AuditEvent e = leakEvent(seq, leakedPrivate);
    assertThat(e.details()).containsEntry("value_kind", "jwk");
    assertThat(e.detailsJson()).doesNotContain(((ECPrivateKey) key.getPrivate()).getS().toString(16));
  }

  @Test
  void reportLeak_alreadyRevokedCredential_matchedButNothingNewRevoked() {
    Identity identity = f.workload();
    IssuedApiKey key = f.service.createApiKey(f.caller(f.owner), identity.id(), f.now().plus(Duration.ofDays(1)));
    f.service.revoke(f.caller(f.owner), key.credential().credential().id(), RevocationReason.UNSPECIFIED);
    Credential before = stored(key.credential().credential());

    LeakReport report = f.service.reportLeak(f.caller(f.leakReporter), key.value().reveal());

    assertThat(report).isEqualTo(new LeakReport(true, List.of(), List.of(match(before))));
    assertThat(stored(before)).isEqualTo(before);
  }

  @Test
  void reportLeak_valuesMatchingNothing_answerMatchedFalseRevokeNothingAndAuditOnlyTheKind() {
    Identity identity = f.workload();
    f.enrol(identity.id());
    f.service.createApiKey(f.caller(f.owner), identity.id(), f.now().plus(Duration.ofDays(1)));
    String validButUnknownKey = ApiKeys.generate(new SecureRandom()).reveal();
    String mistypedKey = validButUnknownKey.substring(0, 30) + "zz" + validButUnknownKey.substring(32);
    String foreignCert = CredentialFixture.pem(CredentialFixture.selfSigned(TestKeys.ecP256(), f.now(),
        f.now().plus(Duration.ofDays(1))));
    String foreignKey = TestCsr.pem("PUBLIC KEY", TestKeys.ed25519().getPublic().getEncoded());
    String brokenPem = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----";
    List<String> values = List.of(validButUnknownKey, mistypedKey, foreignCert, foreignKey, brokenPem,
        "AKIAIOSFODNN7EXAMPLE", "{\"not\":\"a jwk\"}", TestIdentities.newId().value());
    var caller = f.caller(f.leakReporter);

    for (String value : values) {
      StoreState before = f.b.state();
      long seq = before.auditHead().seq();

      LeakReport report = f.service.reportLeak(caller, value);

      assertThat(report).isEqualTo(LeakReport.noMatch());
      assertThat(f.b.state().withoutAudit()).isEqualTo(before.withoutAudit());
      AuditEvent e = assertAuditedSince(f.b, seq, "credential.leak.report").get(0);
      assertThat(e.details()).containsEntry("matched", false).containsEntry("revoked", List.of());
      assertThat(e.detailsJson()).doesNotContain(value);
    }
  }

  @Test
  void reportLeak_emptyOrHugeValue_refusedAndNothingWritten() {
    var caller = f.caller(f.leakReporter);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.reportLeak(caller, null), ErrorCode.MISSING_FIELD);
    assertRejected(() -> f.service.reportLeak(caller, "  "), ErrorCode.MISSING_FIELD);
    assertRejected(() -> f.service.reportLeak(caller, "x".repeat(64 * 1024 + 1)), ErrorCode.INVALID_FIELD);

    assertThat(f.b.state()).isEqualTo(before);
  }

  /** An auditor is read-only and a leak report revokes: refused, audited as denied, nothing revoked. */
  @Test
  void reportLeak_auditor_forbiddenDeniedAndNothingRevoked() {
    Identity identity = f.workload();
    IssuedApiKey key = f.service.createApiKey(f.caller(f.owner), identity.id(), f.now().plus(Duration.ofDays(1)));
    var auditor = f.caller(f.auditor);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.reportLeak(auditor, key.value().reveal()), ErrorCode.FORBIDDEN);

    AuditEvent e = assertOnlyDenied(f.b, before, "credential.leak.report", f.auditor.id().value(), "",
        ErrorCode.FORBIDDEN);
    assertThat(e.detailsJson()).doesNotContain(key.value().reveal());
    assertThat(stored(key.credential().credential()).status()).isEqualTo(CredentialStatus.ACTIVE);
  }

  @Test
  void reportLeak_noCaller_unauthenticated() {
    assertRejected(() -> f.service.reportLeak(null, "bnd_ak_x"), ErrorCode.UNAUTHENTICATED);
  }

  @Test
  void leakReporter_canDoNothingElse() {
    Identity identity = f.workload();
    Credential c = f.service.createApiKey(f.caller(f.owner), identity.id(), f.now().plus(Duration.ofDays(1)))
        .credential().credential();
    var reporter = f.caller(f.leakReporter);

    assertRejected(() -> f.service.get(reporter, c.id()), ErrorCode.FORBIDDEN);
    assertRejected(() -> f.service.listForIdentity(reporter, identity.id(), null), ErrorCode.FORBIDDEN);
    assertRejected(() -> f.service.expiring(reporter, 7), ErrorCode.FORBIDDEN);
    assertRejected(() -> f.service.neverUsed(reporter), ErrorCode.FORBIDDEN);
    assertRejected(() -> f.service.rotationPolicies(reporter), ErrorCode.FORBIDDEN);
    assertRejected(() -> f.b.identities().get(reporter, identity.id()), ErrorCode.FORBIDDEN);
    assertRejected(() -> f.b.operators().teams(reporter), ErrorCode.FORBIDDEN);
    assertRejected(() -> f.b.audit().query(reporter, dev.bindery.audit.AuditQuery.forTarget(identity.id().value(), 10)),
        ErrorCode.FORBIDDEN);
  }

  @Test
  void leakReporterRole_cannotBeCombined() {
    for (TestOperator op : List.of(f.admin)) {
      var caller = f.b.steppedUp(op);
      assertRejected(() -> f.b.operators().create(caller, "scanner", java.util.EnumSet.of(
          dev.bindery.operator.Role.LEAK_REPORTER, dev.bindery.operator.Role.AUDITOR), java.util.Set.of(),
          Duration.ofDays(1)), ErrorCode.INVALID_FIELD);
      assertRejected(() -> f.b.operators().create(caller, "scanner", java.util.EnumSet.of(
          dev.bindery.operator.Role.LEAK_REPORTER), java.util.Set.of(f.payments), Duration.ofDays(1)),
          ErrorCode.INVALID_FIELD);
    }
  }
}
