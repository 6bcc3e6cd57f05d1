package dev.bindery.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import dev.bindery.credential.AuthenticatedCredential;
import dev.bindery.credential.Credential;
import dev.bindery.credential.CredentialRevocationRegistry;
import dev.bindery.credential.CredentialStatus;
import dev.bindery.credential.IssuedApiKey;
import dev.bindery.credential.IssuedSvid;
import dev.bindery.credential.LeakReport;
import dev.bindery.identity.Identity;
import dev.bindery.identity.TeamId;
import dev.bindery.pki.CertificateStatus;
import dev.bindery.pki.RevocationReason;
import dev.bindery.testkit.MutableClock;
import dev.bindery.testkit.TestBindery;
import dev.bindery.testkit.TestIdentities;
import dev.bindery.testkit.TestOperator;
import dev.bindery.testkit.pki.TestCsr;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The credential service end to end on the JDBC stores: enrolment, renewal, the stolen older generation, leak
 * report and the retirement cascade, on H2 and PostgreSQL. The rules themselves are tested in the testkit against
 * the in-memory store; this shows the SQL adapters carry them.
 */
class CredentialServiceOnJdbcTest {
  static Stream<String> stores() {
    return Stream.of("h2", "postgres");
  }

  private static Database open(String kind) {
    return Database.open(kind.equals("h2") ? TestDatabases.h2() : TestDatabases.postgres());
  }

  private static ErrorCode code(ThrowingCallable call) {
    try {
      call.call();
    } catch (RejectedException e) {
      return e.code();
    } catch (Throwable t) {
      throw new AssertionError("unexpected " + t, t);
    }
    throw new AssertionError("not rejected");
  }

  @ParameterizedTest
  @MethodSource("stores")
  void lifecycle_enrolRenewQuarantineLeakRetire(String kind) {
    try (Database db = open(kind)) {
      TestBindery b = new TestBindery(db.transactor(), MutableClock.standard());
      TeamId payments = b.team("payments");
      TeamId platform = b.team("platform");
      TestOperator admin = b.admin();
      var credentials = b.credentials();
      var registry = new CredentialRevocationRegistry(db.transactor());
      Identity identity = b.identities().create(b.caller(admin),
          TestIdentities.workload().owner(payments).backupTeam(platform).build()).identity();

      IssuedSvid gen1 = credentials.enrol(credentials.createEnrolmentCode(b.caller(admin), identity.id(), null)
          .code().reveal(), TestCsr.ecP256Pem(), "r1");
      IssuedSvid other = credentials.enrol(credentials.createEnrolmentCode(b.caller(admin), identity.id(), null)
          .code().reveal(), TestCsr.ecP256Pem(), "r2");
      b.clock().advance(Duration.ofHours(1));
      AuthenticatedCredential auth = credentials.authenticateCertificate(gen1.certificate(), b.clock().instant(), "r3");
      IssuedSvid gen2 = credentials.renew(auth, TestCsr.ecP256Pem(), "r4");

      assertThat(gen2.credential().credential().generation()).isEqualTo(2);
      assertThat(registry.status(gen1.credential().credential().serial(), b.clock().instant()))
          .isEqualTo(new CertificateStatus.Revoked(b.clock().instant(), RevocationReason.SUPERSEDED));

      assertThat(code(() -> credentials.authenticateCertificate(gen1.certificate(), b.clock().instant(), "r5")))
          .isEqualTo(ErrorCode.CREDENTIAL_SUPERSEDED);
      assertThat(code(() -> credentials.authenticateCertificate(gen2.certificate(), b.clock().instant(), "r6")))
          .isEqualTo(ErrorCode.CREDENTIAL_QUARANTINED);
      assertThat(credentials.authenticateCertificate(other.certificate(), b.clock().instant(), "r7").identity().id())
          .isEqualTo(identity.id());
      assertThat(b.quarantinedLineages()).hasSize(1);
      assertThat(registry.revokedUnexpired(b.clock().instant())).hasSize(2);

      IssuedApiKey key = credentials.createApiKey(b.caller(admin), identity.id(),
          b.clock().instant().plus(Duration.ofDays(1)));
      LeakReport leak = credentials.reportLeak(b.caller(admin), key.value().reveal());
      assertThat(leak.revoked()).hasSize(1);
      assertThat(code(() -> credentials.verifyApiKey(key.value().reveal(), "r8")))
          .isEqualTo(ErrorCode.CREDENTIAL_REVOKED);

      b.identities().retire(b.steppedUp(admin), identity.id(), 1, "decommissioned");

      List<Credential> all = db.transactor().read(t -> t.credentials().listForIdentity(identity.id()));
      assertThat(all).extracting(Credential::status).containsExactlyInAnyOrder(CredentialStatus.SUPERSEDED,
          CredentialStatus.REVOKED, CredentialStatus.QUARANTINED, CredentialStatus.REVOKED);
      assertThat(all).filteredOn(c -> c.id().equals(other.credential().credential().id()))
          .extracting(Credential::revocationReason).containsExactly(RevocationReason.CESSATION_OF_OPERATION);
      assertThat(b.audit().verifyStore().ok()).isTrue();
      assertThat(credentials.gauges().identitiesWithoutCredential()).isZero();
    }
  }
}
