package dev.bindery.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bindery.common.Page;
import dev.bindery.common.Secret;
import dev.bindery.credential.Credential;
import dev.bindery.credential.CredentialId;
import dev.bindery.credential.CredentialQuery;
import dev.bindery.credential.CredentialStatus;
import dev.bindery.credential.CredentialType;
import dev.bindery.credential.EnrolmentCode;
import dev.bindery.credential.EnrolmentCodes;
import dev.bindery.credential.Lineage;
import dev.bindery.credential.LineageId;
import dev.bindery.credential.PublicKeyDer;
import dev.bindery.credential.RotationPolicy;
import dev.bindery.credential.SecretHash;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.IdentityKind;
import dev.bindery.identity.IdentityStatus;
import dev.bindery.identity.TeamId;
import dev.bindery.operator.Team;
import dev.bindery.pki.RevocationReason;
import dev.bindery.pki.RevokedCertificate;
import dev.bindery.store.Transactor;
import dev.bindery.store.Tx;
import dev.bindery.store.UniqueViolation;
import dev.bindery.testkit.StoreState;
import dev.bindery.testkit.TestCredentials;
import dev.bindery.testkit.TestIdentities;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The storage contract of the credential ports ({@link dev.bindery.credential.CredentialRepository},
 * {@link dev.bindery.credential.LineageRepository}, {@link dev.bindery.credential.EnrolmentCodeRepository},
 * {@link dev.bindery.credential.RotationPolicyRepository}), as JUnit test-interface methods. The
 * {@link RepositoryConformanceSuite} implements it, so every adapter that passes the suite passes these too;
 * a test class may also implement it alone (it only needs {@link #credentialStore()}, fresh per test).
 *
 * <p>Fixtures respect the referential rules of a relational schema: a team and an identity before their
 * credentials, a credential before the lineage and the used enrolment code that name it. Instants have
 * millisecond precision.
 */
public interface CredentialRepositoryConformance {
  Instant C0 = Instant.parse("2026-11-23T10:00:00.123Z");
  TeamId CREDENTIAL_TEAM = new TeamId("credential-owners");
  TeamId CREDENTIAL_BACKUP_TEAM = new TeamId("credential-backup");

  /** The store under test: fresh for each test (it may hold what a suite's own setup wrote). */
  Transactor credentialStore();

  // ---- credentials: insert and find ---------------------------------------------------------------------

  @Test
  default void credentialInsert_everyTypeEveryField_roundTripsExactly() {
    IdentityId identity = storedIdentity(IdentityKind.WORKLOAD, IdentityStatus.ACTIVE);
    LineageId lineage = TestCredentials.newLineage();
    List<Credential> all = List.of(
        TestCredentials.x509(identity, lineage, 3).lastUsedAt(C0.plusSeconds(5)).build(C0),
        TestCredentials.publicKey(identity).validFor(Duration.ofDays(90)).build(C0.plusMillis(1)),
        TestCredentials.selfSigned(identity).notBefore(C0.minusSeconds(3600)).build(C0.plusMillis(2)),
        TestCredentials.apiKey(identity).boundBy("op_" + "b".repeat(26)).build(C0.plusMillis(3)));
    all.forEach(this::insertCredential);

    for (Credential c : all) {
      assertThat(cread((Tx t) -> t.credentials().findById(c.id()))).contains(c);
    }
    assertThat(cread((Tx t) -> t.credentials().listForIdentity(identity))).containsExactlyElementsOf(all);
  }

  @Test
  default void credentialInsert_revokedSupersededQuarantined_roundTripWithRevocation() {
    IdentityId identity = storedIdentity(IdentityKind.WORKLOAD, IdentityStatus.ACTIVE);
    LineageId lineage = TestCredentials.newLineage();
    Credential next = TestCredentials.x509(identity, lineage, 2).build(C0.plusSeconds(1));
    List<Credential> all = List.of(
        TestCredentials.x509(identity, lineage, 1).superseded(next.id()).build(C0),
        next,
        TestCredentials.x509(identity, TestCredentials.newLineage(), 1).quarantined().build(C0.plusSeconds(2)),
        TestCredentials.apiKey(identity).revoked(RevocationReason.KEY_COMPROMISE).build(C0.plusSeconds(3)));
    all.forEach(this::insertCredential);

    for (Credential c : all) {
      Credential read = cread((Tx t) -> t.credentials().findById(c.id())).orElseThrow();
      assertThat(read).isEqualTo(c);
      assertThat(read.revocationReason()).isEqualTo(c.revocationReason());
    }
  }

  @Test
  default void credentialFind_bySerialThumbprintHashAndKey_findsExactlyTheMatch() {
    IdentityId identity = storedIdentity(IdentityKind.WORKLOAD, IdentityStatus.ACTIVE);
    PublicKeyDer sharedKey = TestCredentials.randomKey();
    Credential cert = insertCredential(TestCredentials.x509(identity, TestCredentials.newLineage(), 1)
        .serial(new BigInteger("00ff00112233445566778899aabbccddeeff0011", 16)).key(sharedKey).build(C0));
    Credential jwk = insertCredential(TestCredentials.publicKey(identity).key(sharedKey).build(C0.plusMillis(1)));
    Credential other = insertCredential(TestCredentials.selfSigned(identity).build(C0.plusMillis(2)));
    Credential apiKey = insertCredential(TestCredentials.apiKey(identity).build(C0.plusMillis(3)));

    assertThat(cread((Tx t) -> t.credentials().findBySerial(cert.serial()))).contains(cert);
    assertThat(cread((Tx t) -> t.credentials().findBySerial(cert.serial().add(BigInteger.ONE)))).isEmpty();
    assertThat(cread((Tx t) -> t.credentials().findByThumbprint(CredentialType.X509_SVID, cert.thumbprint()))).contains(cert);
    assertThat(cread((Tx t) -> t.credentials().findByThumbprint(CredentialType.PUBLIC_KEY, cert.thumbprint()))).isEmpty();
    assertThat(cread((Tx t) -> t.credentials().findByThumbprint(CredentialType.SELF_SIGNED_CERTIFICATE,
        other.thumbprint()))).contains(other);
    assertThat(cread((Tx t) -> t.credentials().findBySecretHash(apiKey.secretHash()))).contains(apiKey);
    assertThat(cread((Tx t) -> t.credentials().findBySecretHash(SecretHash.of(Secret.of("x"))))).isEmpty();
    assertThat(cread((Tx t) -> t.credentials().findByPublicKey(sharedKey.fingerprint())))
        .containsExactlyInAnyOrder(cert, jwk);
    assertThat(cread((Tx t) -> t.credentials().findByPublicKey(TestCredentials.randomThumbprint()))).isEmpty();
    assertThat(cread((Tx t) -> t.credentials().findById(CredentialId.generate(new SecureRandom())))).isEmpty();
  }

  @Test
  default void credentialInsert_duplicateIdSerialThumbprintOrHash_throwsUniqueViolationAndKeepsOriginal() {
    IdentityId identity = storedIdentity(IdentityKind.WORKLOAD, IdentityStatus.ACTIVE);
    Credential cert = insertCredential(TestCredentials.x509(identity, TestCredentials.newLineage(), 1).build(C0));
    Credential jwk = insertCredential(TestCredentials.publicKey(identity).build(C0));
    Credential key = insertCredential(TestCredentials.apiKey(identity).build(C0));
    StoreState before = StoreState.capture(credentialStore());

    List<Credential> clashes = List.of(
        TestCredentials.publicKey(identity).id(jwk.id()).build(C0),
        TestCredentials.x509(identity, TestCredentials.newLineage(), 1).serial(cert.serial()).build(C0),
        TestCredentials.publicKey(identity).thumbprint(jwk.thumbprint()).build(C0),
        TestCredentials.apiKey(identity).secretHash(key.secretHash()).build(C0));
    for (Credential clash : clashes) {
      assertThatThrownBy(() -> cwrite(t -> t.credentials().insert(clash))).isInstanceOf(UniqueViolation.class);
    }

    assertThat(StoreState.capture(credentialStore())).isEqualTo(before);
  }

  @Test
  default void credentialInsert_sameThumbprintDifferentType_isAllowed() {
    IdentityId identity = storedIdentity(IdentityKind.WORKLOAD, IdentityStatus.ACTIVE);
    Credential cert = insertCredential(TestCredentials.x509(identity, TestCredentials.newLineage(), 1).build(C0));
    Credential selfSigned = insertCredential(TestCredentials.selfSigned(identity).thumbprint(cert.thumbprint())
        .build(C0));

    assertThat(cread((Tx t) -> t.credentials().listForIdentity(identity))).containsExactlyInAnyOrder(cert, selfSigned);
  }

  // ---- credentials: update and use --------------------------------------------------------------------

  @Test
  default void credentialUpdate_nextVersion_replacesStatusAndKeepsLastUse() {
    IdentityId identity = storedIdentity(IdentityKind.WORKLOAD, IdentityStatus.ACTIVE);
    Credential c = insertCredential(TestCredentials.apiKey(identity).build(C0));
    cwrite(t -> t.credentials().recordUse(c.id(), C0.plusSeconds(30)));

    Credential revoked = c.revoke(RevocationReason.PRIVILEGE_WITHDRAWN, C0.plusSeconds(60));
    boolean updated = cwriteResult((Tx t) -> t.credentials().update(revoked));

    assertThat(updated).isTrue();
    Credential read = cread((Tx t) -> t.credentials().findById(c.id())).orElseThrow();
    assertThat(read).isEqualTo(revoked.withLastUsedAt(C0.plusSeconds(30)));
    assertThat(read.version()).isEqualTo(2);
  }

  @Test
  default void credentialUpdate_staleVersion_returnsFalseAndChangesNothing() {
    IdentityId identity = storedIdentity(IdentityKind.WORKLOAD, IdentityStatus.ACTIVE);
    Credential c = insertCredential(TestCredentials.apiKey(identity).build(C0));
    Credential first = c.revoke(RevocationReason.KEY_COMPROMISE, C0.plusSeconds(1));
    cwrite(t -> assertThat(t.credentials().update(first)).isTrue());

    boolean second = cwriteResult((Tx t) -> t.credentials().update(c.revoke(RevocationReason.UNSPECIFIED, C0.plusSeconds(2))));
    boolean unknown = cwriteResult((Tx t) -> t.credentials().update(TestCredentials.apiKey(identity).build(C0)
        .revoke(RevocationReason.UNSPECIFIED, C0)));

    assertThat(second).isFalse();
    assertThat(unknown).isFalse();
    assertThat(cread((Tx t) -> t.credentials().findById(c.id()))).contains(first);
    assertThat(cread((Tx t) -> t.credentials().listForIdentity(identity))).containsExactly(first);
  }

  @Test
  default void credentialRecordUse_onlyMovesForwardAndKeepsVersion() {
    IdentityId identity = storedIdentity(IdentityKind.WORKLOAD, IdentityStatus.ACTIVE);
    Credential c = insertCredential(TestCredentials.publicKey(identity).build(C0));

    cwrite(t -> t.credentials().recordUse(c.id(), C0.plusSeconds(10)));
    cwrite(t -> t.credentials().recordUse(c.id(), C0.plusSeconds(5)));

    Credential read = cread((Tx t) -> t.credentials().findById(c.id())).orElseThrow();
    assertThat(read.lastUsedAt()).isEqualTo(C0.plusSeconds(10));
    assertThat(read.version()).isEqualTo(1);
    assertThat(read).isEqualTo(c.withLastUsedAt(C0.plusSeconds(10)));
  }

  // ---- credentials: search, count, reports ------------------------------------------------------------

  @Test
  default void credentialSearch_eachFilter_returnsOnlyMatchingInIdOrder() {
    IdentityId workload = storedIdentity(IdentityKind.WORKLOAD, IdentityStatus.ACTIVE);
    IdentityId pipeline = storedIdentity(IdentityKind.PIPELINE, IdentityStatus.ACTIVE);
    Credential usedKey = insertCredential(TestCredentials.apiKey(workload).lastUsedAt(C0.plusSeconds(100))
        .validFor(Duration.ofDays(10)).build(C0));
    Credential idleCert = insertCredential(TestCredentials.x509(workload, TestCredentials.newLineage(), 1)
        .validFor(Duration.ofHours(24)).build(C0.plusSeconds(1)));
    Credential pipelineKey = insertCredential(TestCredentials.publicKey(pipeline).validFor(Duration.ofDays(30))
        .lastUsedAt(C0.plusSeconds(3000)).build(C0.plusSeconds(2)));
    Credential revoked = insertCredential(TestCredentials.apiKey(pipeline).revoked(RevocationReason.UNSPECIFIED)
        .validFor(Duration.ofDays(10)).build(C0.plusSeconds(3)));
    CredentialQuery all = CredentialQuery.all(CredentialQuery.MAX_LIMIT);

    assertThat(search(all)).isEqualTo(byId(usedKey, idleCert, pipelineKey, revoked));
    assertThat(search(all.withIdentity(workload))).isEqualTo(byId(usedKey, idleCert));
    assertThat(search(all.withKindAndType(IdentityKind.PIPELINE, null))).isEqualTo(byId(pipelineKey, revoked));
    assertThat(search(all.withKindAndType(null, CredentialType.API_KEY))).isEqualTo(byId(usedKey, revoked));
    assertThat(search(all.withStatuses(Set.of(CredentialStatus.REVOKED)))).isEqualTo(byId(revoked));
    assertThat(search(all.withStatuses(Set.of(CredentialStatus.ACTIVE, CredentialStatus.REVOKED))))
        .isEqualTo(byId(usedKey, idleCert, pipelineKey, revoked));
    // a credential is expired at its notAfter: idleCert is left out from that very instant, in search and count
    Instant idleCertNotAfter = idleCert.notAfter();
    assertThat(search(all.withUnexpiredAt(idleCertNotAfter))).isEqualTo(byId(usedKey, pipelineKey, revoked));
    assertThat(cread((Tx t) -> t.credentials().count(all.withUnexpiredAt(idleCertNotAfter)))).isEqualTo(3L);
    assertThat(search(all.withUnexpiredAt(idleCertNotAfter.minusNanos(1000))))
        .isEqualTo(byId(usedKey, idleCert, pipelineKey, revoked));
    assertThat(search(all.withNotAfterBefore(C0.plus(Duration.ofDays(10)).plusSeconds(3))))
        .isEqualTo(byId(usedKey, idleCert));
    assertThat(search(all.withBoundBefore(C0.plusSeconds(2)))).isEqualTo(byId(usedKey, idleCert));
    assertThat(search(all.withNeverUsed(true))).isEqualTo(byId(idleCert, revoked));
    assertThat(search(all.withNeverUsed(false))).isEqualTo(byId(usedKey, pipelineKey));
    assertThat(search(all.withIdleSince(C0.plusSeconds(2)))).isEqualTo(byId(idleCert));
    assertThat(search(all.withIdleSince(C0.plusSeconds(101)))).isEqualTo(byId(usedKey, idleCert, revoked));
    assertThat(search(all.withIdleSince(C0.plusSeconds(3001)))).isEqualTo(byId(usedKey, idleCert, pipelineKey,
        revoked));
    assertThat(search(all.withIdentity(workload).withKindAndType(IdentityKind.WORKLOAD, CredentialType.API_KEY)
        .withStatuses(Set.of(CredentialStatus.ACTIVE)).withNeverUsed(false))).isEqualTo(byId(usedKey));
  }

  @Test
  default void credentialSearch_paged_walksEveryMatchOnceAndCountIgnoresPaging() {
    IdentityId identity = storedIdentity(IdentityKind.WORKLOAD, IdentityStatus.ACTIVE);
    List<Credential> active = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      active.add(insertCredential(TestCredentials.apiKey(identity).build(C0.plusMillis(i))));
      insertCredential(TestCredentials.apiKey(identity).revoked(RevocationReason.UNSPECIFIED).build(C0.plusMillis(i)));
    }
    CredentialQuery q = CredentialQuery.active(3);

    List<String> walked = new ArrayList<>();
    CredentialQuery next = q;
    for (int guard = 0; guard < 10; guard++) {
      CredentialQuery current = next;
      Page<Credential> page = cread((Tx t) -> t.credentials().search(current));
      assertThat(page.items().size()).isLessThanOrEqualTo(3);
      page.items().forEach(c -> walked.add(c.id().value()));
      if (page.nextCursor() == null) {
        break;
      }
      assertThat(page.nextCursor()).isEqualTo(page.items().get(page.items().size() - 1).id().value());
      next = q.after(CredentialId.parse(page.nextCursor()));
    }

    assertThat(walked).isEqualTo(byId(active.toArray(Credential[]::new)));
    assertThat(cread((Tx t) -> t.credentials().count(q))).isEqualTo(7L);
    assertThat(cread((Tx t) -> t.credentials().count(q.after(CredentialId.parse(walked.get(2)))))).isEqualTo(7L);
    assertThat(cread((Tx t) -> t.credentials().count(CredentialQuery.all(1)))).isEqualTo(14L);
  }

  @Test
  default void revokedUnexpired_listsEveryNonActiveUnexpiredCertificateOnly() {
    IdentityId identity = storedIdentity(IdentityKind.WORKLOAD, IdentityStatus.ACTIVE);
    Instant now = C0.plus(Duration.ofHours(2));
    LineageId lineage = TestCredentials.newLineage();
    Credential current = insertCredential(TestCredentials.x509(identity, lineage, 2).build(C0.plusSeconds(1)));
    Credential superseded = insertCredential(TestCredentials.x509(identity, lineage, 1).superseded(current.id())
        .build(C0));
    Credential quarantined = insertCredential(TestCredentials.x509(identity, TestCredentials.newLineage(), 1)
        .quarantined().build(C0));
    Credential revoked = insertCredential(TestCredentials.x509(identity, TestCredentials.newLineage(), 1)
        .revoked(RevocationReason.CESSATION_OF_OPERATION).build(C0));
    insertCredential(TestCredentials.x509(identity, TestCredentials.newLineage(), 1)
        .revoked(RevocationReason.KEY_COMPROMISE).validFor(Duration.ofHours(2)).build(C0));
    insertCredential(TestCredentials.selfSigned(identity).revoked(RevocationReason.KEY_COMPROMISE).build(C0));

    List<RevokedCertificate> crl = cread((Tx t) -> t.credentials().revokedUnexpired(now));

    assertThat(crl).containsExactlyInAnyOrder(
        new RevokedCertificate(superseded.serial(), C0, RevocationReason.SUPERSEDED),
        new RevokedCertificate(quarantined.serial(), C0, RevocationReason.KEY_COMPROMISE),
        new RevokedCertificate(revoked.serial(), C0, RevocationReason.CESSATION_OF_OPERATION));
  }

  @Test
  default void identitiesWithoutActiveCredential_ignoresRetiredAndCountsOnlyUnexpiredActive() {
    Instant now = C0.plus(Duration.ofDays(2));
    IdentityId withActive = storedIdentity(IdentityKind.WORKLOAD, IdentityStatus.ACTIVE);
    insertCredential(TestCredentials.apiKey(withActive).validFor(Duration.ofDays(3)).build(C0));
    IdentityId onlyExpired = storedIdentity(IdentityKind.WORKLOAD, IdentityStatus.ACTIVE);
    insertCredential(TestCredentials.apiKey(onlyExpired).validFor(Duration.ofDays(2)).build(C0));
    IdentityId onlyRevoked = storedIdentity(IdentityKind.WORKLOAD, IdentityStatus.SUSPENDED);
    insertCredential(TestCredentials.apiKey(onlyRevoked).revoked(RevocationReason.UNSPECIFIED)
        .validFor(Duration.ofDays(3)).build(C0));
    IdentityId none = storedIdentity(IdentityKind.DEVICE, IdentityStatus.ACTIVE);
    storedIdentity(IdentityKind.WORKLOAD, IdentityStatus.RETIRED);
    List<IdentityId> expected = sortedIds(onlyExpired, onlyRevoked, none);

    List<IdentityId> found = cread((Tx t) -> t.credentials().identitiesWithoutActiveCredential(now, 100));
    List<IdentityId> firstTwo = cread((Tx t) -> t.credentials().identitiesWithoutActiveCredential(now, 2));
    long count = cread((Tx t) -> t.credentials().countIdentitiesWithoutActiveCredential(now));

    assertThat(found).containsExactlyElementsOf(expected);
    assertThat(firstTwo).containsExactlyElementsOf(expected.subList(0, 2));
    assertThat(count).isEqualTo(3L);
  }

  // ---- lineages ---------------------------------------------------------------------------------------

  @Test
  default void lineage_insertRenewQuarantine_roundTripsWithVersionCheck() {
    IdentityId identity = storedIdentity(IdentityKind.WORKLOAD, IdentityStatus.ACTIVE);
    LineageId id = TestCredentials.newLineage();
    Credential first = insertCredential(TestCredentials.x509(identity, id, 1).build(C0));
    Credential second = insertCredential(TestCredentials.x509(identity, id, 2).build(C0.plusSeconds(1)));
    Lineage started = Lineage.start(id, identity, first.id(), C0);
    cwrite(t -> t.lineages().insert(started));
    assertThat(cread((Tx t) -> t.lineages().findById(id))).contains(started);

    Lineage renewed = started.renewed(second.id(), C0.plusSeconds(1));
    assertThat(cwriteResult((Tx t) -> t.lineages().update(renewed))).isTrue();
    assertThat(cwriteResult((Tx t) -> t.lineages().update(started.quarantine(C0.plusSeconds(2))))).isFalse();
    Lineage quarantined = renewed.quarantine(C0.plusSeconds(3));
    assertThat(cwriteResult((Tx t) -> t.lineages().update(quarantined))).isTrue();

    Lineage read = cread((Tx t) -> t.lineages().findById(id)).orElseThrow();
    assertThat(read).isEqualTo(quarantined);
    assertThat(read.currentGeneration()).isEqualTo(2);
    assertThat(read.quarantinedAt()).isEqualTo(C0.plusSeconds(3));
    assertThat(cread((Tx t) -> t.lineages().findById(TestCredentials.newLineage()))).isEmpty();
    assertThatThrownBy(() -> cwrite(t -> t.lineages().insert(started))).isInstanceOf(UniqueViolation.class);
  }

  // ---- enrolment codes --------------------------------------------------------------------------------

  @Test
  default void enrolmentCode_insertFindMarkUsedOnce_roundTrips() {
    IdentityId identity = storedIdentity(IdentityKind.WORKLOAD, IdentityStatus.ACTIVE);
    SecretHash hash = SecretHash.of(EnrolmentCodes.generate(new SecureRandom()));
    EnrolmentCode code = new EnrolmentCode(hash, identity, "op_" + "c".repeat(26), C0, C0.plusSeconds(600), null, null);
    cwrite(t -> t.enrolmentCodes().insert(code));
    Credential c = insertCredential(TestCredentials.x509(identity, TestCredentials.newLineage(), 1).build(C0));

    assertThat(cread((Tx t) -> t.enrolmentCodes().findByHash(hash))).contains(code);
    assertThat(cwriteResult((Tx t) -> t.enrolmentCodes().markUsed(hash, C0.plusSeconds(5), c.id()))).isTrue();
    assertThat(cwriteResult((Tx t) -> t.enrolmentCodes().markUsed(hash, C0.plusSeconds(6), c.id()))).isFalse();
    SecretHash unknown = SecretHash.of(EnrolmentCodes.generate(new SecureRandom()));
    assertThat(cwriteResult((Tx t) -> t.enrolmentCodes().markUsed(unknown, C0, c.id()))).isFalse();

    EnrolmentCode used = new EnrolmentCode(hash, identity, code.createdBy(), C0, C0.plusSeconds(600),
        C0.plusSeconds(5), c.id());
    assertThat(cread((Tx t) -> t.enrolmentCodes().findByHash(hash))).contains(used);
    assertThat(cread((Tx t) -> t.enrolmentCodes().findByHash(unknown))).isEmpty();
    assertThat(cread((Tx t) -> t.enrolmentCodes().listForIdentity(identity))).containsExactly(used);
    assertThatThrownBy(() -> cwrite(t -> t.enrolmentCodes().insert(code))).isInstanceOf(UniqueViolation.class);
  }

  // ---- rotation policies ------------------------------------------------------------------------------

  @Test
  default void rotationPolicy_putThenReplace_findAndListReturnTheStoredOnly() {
    RotationPolicy first = new RotationPolicy(IdentityKind.WORKLOAD, CredentialType.API_KEY, Duration.ofDays(10),
        Duration.ofDays(5));
    RotationPolicy other = new RotationPolicy(IdentityKind.DEVICE, CredentialType.X509_SVID, Duration.ofHours(4),
        Duration.ofHours(2));
    cwrite(t -> {
      t.rotationPolicies().put(first);
      t.rotationPolicies().put(other);
    });
    RotationPolicy replaced = new RotationPolicy(IdentityKind.WORKLOAD, CredentialType.API_KEY, Duration.ofDays(20),
        Duration.ofDays(1));
    cwrite(t -> t.rotationPolicies().put(replaced));

    assertThat(cread((Tx t) -> t.rotationPolicies().find(IdentityKind.WORKLOAD, CredentialType.API_KEY))).contains(replaced);
    assertThat(cread((Tx t) -> t.rotationPolicies().find(IdentityKind.WORKLOAD, CredentialType.X509_SVID))).isEmpty();
    assertThat(cread((Tx t) -> t.rotationPolicies().list())).containsExactlyInAnyOrder(replaced, other);
  }

  // ---- rollback ---------------------------------------------------------------------------------------

  @Test
  default void credentialWrites_inTransactionThatThrows_leaveNoTrace() {
    IdentityId identity = storedIdentity(IdentityKind.WORKLOAD, IdentityStatus.ACTIVE);
    Credential existing = insertCredential(TestCredentials.apiKey(identity).build(C0));
    StoreState before = StoreState.capture(credentialStore());
    RuntimeException boom = new IllegalStateException("boom");
    LineageId lineage = TestCredentials.newLineage();
    Credential fresh = TestCredentials.x509(identity, lineage, 1).build(C0);

    assertThatThrownBy(() -> cwrite(t -> {
      t.credentials().insert(fresh);
      t.lineages().insert(Lineage.start(lineage, identity, fresh.id(), C0));
      t.credentials().update(existing.revoke(RevocationReason.KEY_COMPROMISE, C0));
      t.credentials().recordUse(existing.id(), C0.plusSeconds(1));
      t.enrolmentCodes().insert(new EnrolmentCode(SecretHash.of(Secret.of("code")), identity, "op_x", C0,
          C0.plusSeconds(60), null, null));
      t.rotationPolicies().put(RotationPolicy.defaultFor(IdentityKind.AGENT, CredentialType.API_KEY));
      throw boom;
    })).isSameAs(boom);

    assertThat(StoreState.capture(credentialStore())).isEqualTo(before);
    assertThat(cread((Tx t) -> t.credentials().findById(fresh.id()))).isEmpty();
    assertThat(cread((Tx t) -> t.lineages().findById(lineage))).isEmpty();
    assertThat(cread((Tx t) -> t.rotationPolicies().list())).isEmpty();
  }

  // ---- helpers ----------------------------------------------------------------------------------------

  private IdentityId storedIdentity(IdentityKind kind, IdentityStatus status) {
    Identity identity = TestIdentities.of(kind).owner(CREDENTIAL_TEAM).backupTeam(CREDENTIAL_BACKUP_TEAM)
        .status(status, status == IdentityStatus.ACTIVE ? null : "test").toIdentity(C0);
    cwrite(t -> {
      if (t.teams().findById(CREDENTIAL_TEAM).isEmpty()) {
        t.teams().insert(new Team(CREDENTIAL_TEAM, "Credential owners", C0));
        t.teams().insert(new Team(CREDENTIAL_BACKUP_TEAM, "Credential backup", C0));
      }
      t.identities().insert(identity);
    });
    return identity.id();
  }

  private Credential insertCredential(Credential c) {
    cwrite(t -> t.credentials().insert(c));
    return c;
  }

  private List<String> search(CredentialQuery q) {
    Page<Credential> page = cread((Tx t) -> t.credentials().search(q));
    assertThat(page.nextCursor()).isNull();
    assertThat(cread((Tx t) -> t.credentials().count(q))).isEqualTo((long) page.items().size());
    return page.items().stream().map(c -> c.id().value()).toList();
  }

  private static List<String> byId(Credential... credentials) {
    return java.util.Arrays.stream(credentials).map(c -> c.id().value()).sorted().toList();
  }

  private static List<IdentityId> sortedIds(IdentityId... ids) {
    return java.util.Arrays.stream(ids).sorted(Comparator.comparing(IdentityId::value)).toList();
  }

  private void cwrite(Consumer<Tx> work) {
    credentialStore().inTransaction(t -> {
      work.accept(t);
      return null;
    });
  }

  private <T> T cwriteResult(Function<Tx, T> work) {
    return credentialStore().inTransaction(work);
  }

  private <T> T cread(Function<Tx, T> work) {
    return credentialStore().read(work);
  }
}
