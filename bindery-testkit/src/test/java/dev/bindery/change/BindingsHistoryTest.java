package dev.bindery.change;

import static dev.bindery.testkit.BinderyAssertions.assertRejected;
import static dev.bindery.testkit.RebindingFixture.csrRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.common.ErrorCode;
import dev.bindery.credential.BindMethod;
import dev.bindery.credential.CredentialId;
import dev.bindery.credential.CredentialStatus;
import dev.bindery.credential.IssuedSvid;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityId;
import dev.bindery.operator.Role;
import dev.bindery.testkit.RebindingFixture;
import dev.bindery.testkit.TestOperator;
import dev.bindery.testkit.pki.TestCsr;
import dev.bindery.testkit.pki.TestKeys;
import java.security.KeyPair;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The bindings history: every credential ever bound, oldest first, with its successor and what replaced it. */
class BindingsHistoryTest {
  final RebindingFixture f = new RebindingFixture();

  @Test
  void bindings_afterRenewalThenRecover_listEveryCredentialOldestFirstWithSuccessors() {
    Identity id = f.workload(1);
    RebindingFixture.Enrolled first = f.enrol(id.id());
    f.advance(Duration.ofMinutes(1));
    var presenter = f.b.credentials().authenticateCertificate(first.certificate(), f.now(), "req");
    IssuedSvid renewed = f.b.credentials().renew(presenter, TestCsr.forKey(first.key()).pem(), "req");
    f.advance(Duration.ofMinutes(1));
    f.warm();
    KeyPair newKey = TestKeys.ecP256();
    ChangeRequest r = f.create(f.owner, csrRequest(ChangeType.RECOVER, id.id(), newKey,
        renewed.credential().credential().id()));
    f.approve(f.owner2, r.id(), ApproverRole.OWNER);
    f.advance(Duration.ofMinutes(1));
    f.warm();
    AppliedChange applied = f.service.apply(f.caller(f.owner), r.id());
    CredentialId bound = applied.credential().credential().id();

    List<Binding> history = f.service.bindings(f.caller(f.outsider), id.id());

    assertThat(history).extracting(b -> b.credential().credential().id())
        .containsExactly(first.id(), renewed.credential().credential().id(), bound);
    Binding renewal = history.get(0);
    assertThat(renewal.credential().credential().status()).isEqualTo(CredentialStatus.SUPERSEDED);
    assertThat(renewal.successor()).isEqualTo(renewed.credential().credential().id());
    assertThat(renewal.replacedBy()).isNull();
    Binding recovered = history.get(1);
    assertThat(recovered.credential().credential().status()).isEqualTo(CredentialStatus.REVOKED);
    assertThat(recovered.successor()).as("the credential the recovery bound").isEqualTo(bound);
    assertThat(recovered.replacedBy()).isEqualTo(r.id());
    Binding current = history.get(2);
    assertThat(current.credential().credential().bindMethod()).isEqualTo(BindMethod.REBINDING);
    assertThat(current.credential().credential().changeRequestId()).isEqualTo(r.id());
    assertThat(current.credential().usable()).isTrue();
    assertThat(current.successor()).isNull();
    assertThat(current.replacedBy()).isNull();
  }

  @Test
  void bindings_identityWithoutCredentials_empty() {
    Identity id = f.workload(1);

    assertThat(f.service.bindings(f.caller(f.auditor), id.id())).isEmpty();
  }

  @Test
  void bindings_unknownIdentity_identityNotFound() {
    IdentityId unknown = IdentityId.generate(new java.security.SecureRandom());

    assertRejected(() -> f.service.bindings(f.caller(f.admin), unknown), ErrorCode.IDENTITY_NOT_FOUND);
  }

  @Test
  void bindings_leakReporter_forbidden() {
    Identity id = f.workload(1);
    TestOperator reporter = f.b.operator("scanner", EnumSet.of(Role.LEAK_REPORTER), Set.of());

    assertRejected(() -> f.service.bindings(f.caller(reporter), id.id()), ErrorCode.FORBIDDEN);
  }
}
