package dev.bindery.token;

import static dev.bindery.testkit.BinderyAssertions.assertAuditedSince;
import static dev.bindery.testkit.BinderyAssertions.assertNothingWritten;
import static dev.bindery.testkit.BinderyAssertions.assertOnlyDenied;
import static dev.bindery.testkit.BinderyAssertions.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bindery.audit.AuditEvent;
import dev.bindery.common.ErrorCode;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.TeamId;
import dev.bindery.operator.Role;
import dev.bindery.revocation.RevocationEvent;
import dev.bindery.revocation.RevocationEventType;
import dev.bindery.security.Caller;
import dev.bindery.store.AuditedTransactor;
import dev.bindery.testkit.FailingAuditStore;
import dev.bindery.testkit.StoreState;
import dev.bindery.testkit.TestBindery;
import dev.bindery.testkit.TestIdentities;
import dev.bindery.testkit.TestOperator;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Operators' revocation of access tokens: by id (admin or security officer) and every token of an identity (also its
 * owners). Each writes one feed event and one audit event in one transaction; a refusal writes nothing but the denied
 * event.
 */
class TokenRevocationServiceTest {
  static final TokenId JTI = TokenId.parse("tok_" + "a".repeat(26));
  final TestBindery b = TestBindery.inMemory();
  final TeamId payments = b.team("payments");
  final TeamId platform = b.team("platform");
  final TestOperator admin = b.admin();
  final TestOperator securityOfficer = b.withRoles(Role.SECURITY_OFFICER);
  final TestOperator serviceDesk = b.withRoles(Role.SERVICE_DESK);
  final TestOperator auditor = b.withRoles(Role.AUDITOR);
  final TestOperator leakReporter = b.withRoles(Role.LEAK_REPORTER);
  final TestOperator owner = b.member(payments);
  final TestOperator outsider = b.member(b.team("other"));
  final TokenRevocationService revocations = new TokenRevocationService(b.auditedTransactor(), b.authorizer());
  /** Authenticated once up front: authenticating records the token's use, which is a write. */
  final Caller adminCaller = b.caller(admin);

  Identity workload() {
    return b.identities().create(adminCaller, TestIdentities.workload().owner(payments).backupTeam(platform)
        .build()).identity();
  }

  List<RevocationEvent> feed() {
    return b.store().read(t -> t.revocationEvents().since(0, Integer.MAX_VALUE));
  }

  // ---- one token by id ----------------------------------------------------------------------------------

  @Test
  void revoke_securityOfficer_tokenEventAndAuditWithBeforeAfterInOneTransaction() {
    Caller so = b.caller(securityOfficer);
    long seq = b.auditHead().seq();
    Instant now = b.clock().instant();

    TokenRevocationService.RevokedToken r = revocations.revoke(so, JTI, "  leaked in a build log ");

    assertThat(r).isEqualTo(new TokenRevocationService.RevokedToken(JTI, now));
    assertThat(feed()).singleElement().satisfies(e -> {
      assertThat(e.type()).isEqualTo(RevocationEventType.TOKEN);
      assertThat(e.value()).isEqualTo(JTI.value());
      assertThat(e.at()).isEqualTo(now);
    });
    AuditEvent e = assertAuditedSince(b, seq, "token.revoke").get(0);
    assertThat(e.actor()).isEqualTo(securityOfficer.id().value());
    assertThat(e.target()).isEqualTo(JTI.value());
    assertThat(e.details()).isEqualTo(Map.of("jti", JTI.value(), "reason", "leaked in a build log",
        "before", Map.of("revoked", false), "after", Map.of("revoked", true, "revoked_at", now.toString())));
  }

  @Test
  void revoke_alreadyRevoked_answersTheSameRecordAndWritesNothing() {
    TokenRevocationService.RevokedToken first = revocations.revoke(adminCaller, JTI, "incident 12");
    b.clock().advance(Duration.ofSeconds(5));
    Caller so = b.caller(securityOfficer);
    StoreState before = b.state();

    TokenRevocationService.RevokedToken again = revocations.revoke(so, JTI, "another reason");

    assertThat(again).isEqualTo(first);
    assertNothingWritten(b, before);
  }

  @Test
  void revoke_neitherAdminNorSecurityOfficer_forbiddenOnlyADeniedEvent() {
    for (TestOperator op : List.of(owner, outsider, serviceDesk, auditor, leakReporter)) {
      Caller caller = b.caller(op);
      StoreState before = b.state();
      assertRejected(() -> revocations.revoke(caller, JTI, "why"), ErrorCode.FORBIDDEN);
      assertOnlyDenied(b, before, "token.revoke", op.id().value(), JTI.value(), ErrorCode.FORBIDDEN);
    }
    assertThat(feed()).isEmpty();
  }

  @Test
  void revoke_missingBlankOrOverlongReason_refusedAndNothingWritten() {
    StoreState before = b.state();

    assertRejected(() -> revocations.revoke(adminCaller, JTI, null), ErrorCode.MISSING_FIELD);
    assertRejected(() -> revocations.revoke(adminCaller, JTI, "  "), ErrorCode.MISSING_FIELD);
    assertRejected(() -> revocations.revoke(adminCaller, JTI, "x".repeat(1001)), ErrorCode.INVALID_FIELD);
    assertRejected(() -> revocations.revoke(adminCaller, JTI, "bad\u0000reason"), ErrorCode.INVALID_FIELD);

    assertNothingWritten(b, before);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "tok_", "tok_aaaa", "TOK_aaaaaaaaaaaaaaaaaaaaaaaaaa", "tok_AAAAAAAAAAAAAAAAAAAAAAAAAA",
      "tok_aaaaaaaaaaaaaaaaaaaaaaaaa1", "tok_aaaaaaaaaaaaaaaaaaaaaaaaaaa", "nhi_aaaaaaaaaaaaaaaaaaaaaaaaaa",
      "tok_aaaaaaaaaaaaaaaaaaaaaaaaa/", "eyJhbGciOiJFUzI1NiJ9.e30.c2ln"})
  void tokenId_notAJtiOfThisServer_invalidIdentifier(String value) {
    assertRejected(() -> TokenId.parse(value), ErrorCode.INVALID_IDENTIFIER);
  }

  @Test
  void revoke_auditAppendFails_noFeedEvent() {
    TokenRevocationService failing = new TokenRevocationService(new AuditedTransactor(
        new FailingAuditStore(b.store(), "token.revoke"), b.clock()), b.authorizer());
    StoreState before = b.state();

    assertThatThrownBy(() -> failing.revoke(adminCaller, JTI, "why")).isInstanceOf(IllegalStateException.class);

    assertNothingWritten(b, before);
  }

  // ---- every token of an identity -----------------------------------------------------------------------

  @Test
  void revokeIdentityTokens_ownerThenSecurityOfficer_identityEventsAndCutoffsBeforeAfter() {
    Identity i = workload();
    Caller ownerCaller = b.caller(owner);
    Caller so = b.caller(securityOfficer);
    long seq = b.auditHead().seq();
    Instant first = b.clock().instant();

    TokenRevocationService.RevokedIdentityTokens r1 = revocations.revokeIdentityTokens(ownerCaller, i.id(), "rotated");
    b.clock().advance(Duration.ofSeconds(90));
    TokenRevocationService.RevokedIdentityTokens r2 = revocations.revokeIdentityTokens(so, i.id(), "incident");

    assertThat(r1).isEqualTo(new TokenRevocationService.RevokedIdentityTokens(i.id(), first));
    assertThat(r2.revokedAt()).isEqualTo(first.plusSeconds(90));
    assertThat(feed()).extracting(RevocationEvent::type, RevocationEvent::value, RevocationEvent::at).containsExactly(
        org.assertj.core.groups.Tuple.tuple(RevocationEventType.IDENTITY, i.id().value(), first),
        org.assertj.core.groups.Tuple.tuple(RevocationEventType.IDENTITY, i.id().value(), first.plusSeconds(90)));
    List<AuditEvent> events = assertAuditedSince(b, seq, "token.revoke_identity", "token.revoke_identity");
    assertThat(events.get(0).actor()).isEqualTo(owner.id().value());
    assertThat(events.get(0).target()).isEqualTo(i.id().value());
    Map<String, Object> noCutoff = new HashMap<>();
    noCutoff.put("tokens_revoked_through", null);
    assertThat(events.get(0).details()).isEqualTo(Map.of("reason", "rotated", "before", noCutoff,
        "after", Map.of("tokens_revoked_through", first.toString())));
    assertThat(events.get(1).details()).isEqualTo(Map.of("reason", "incident",
        "before", Map.of("tokens_revoked_through", first.toString()),
        "after", Map.of("tokens_revoked_through", first.plusSeconds(90).toString())));
  }

  @Test
  void revokeIdentityTokens_notAnOwnerAdminOrSecurityOfficer_forbiddenOnlyADeniedEvent() {
    Identity i = workload();
    for (TestOperator op : List.of(outsider, serviceDesk, auditor, leakReporter)) {
      Caller caller = b.caller(op);
      StoreState before = b.state();
      assertRejected(() -> revocations.revokeIdentityTokens(caller, i.id(), "why"), ErrorCode.FORBIDDEN);
      assertOnlyDenied(b, before, "token.revoke_identity", op.id().value(), i.id().value(), ErrorCode.FORBIDDEN);
    }
    assertThat(feed()).isEmpty();
  }

  @Test
  void revokeIdentityTokens_unknownRetiredOrNoReason_refusedAndNothingWritten() {
    Identity i = workload();
    Identity retired = workload();
    b.identities().retire(b.steppedUp(admin), retired.id(), retired.version(), "gone");
    StoreState before = b.state();

    assertRejected(() -> revocations.revokeIdentityTokens(adminCaller, IdentityId.parse("nhi_" + "b".repeat(26)),
        "why"), ErrorCode.IDENTITY_NOT_FOUND);
    assertRejected(() -> revocations.revokeIdentityTokens(adminCaller, retired.id(), "why"),
        ErrorCode.IDENTITY_RETIRED);
    assertRejected(() -> revocations.revokeIdentityTokens(adminCaller, i.id(), null), ErrorCode.MISSING_FIELD);

    assertNothingWritten(b, before);
  }

  @Test
  void revokeIdentityTokens_auditAppendFails_noFeedEvent() {
    Identity i = workload();
    TokenRevocationService failing = new TokenRevocationService(new AuditedTransactor(
        new FailingAuditStore(b.store(), "token.revoke_identity"), b.clock()), b.authorizer());
    StoreState before = b.state();

    assertThatThrownBy(() -> failing.revokeIdentityTokens(adminCaller, i.id(), "why"))
        .isInstanceOf(IllegalStateException.class);

    assertNothingWritten(b, before);
  }
}
