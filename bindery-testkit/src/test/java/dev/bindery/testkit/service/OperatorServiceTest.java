package dev.bindery.testkit.service;

import static dev.bindery.testkit.BinderyAssertions.assertAuditedSince;
import static dev.bindery.testkit.BinderyAssertions.assertNothingWritten;
import static dev.bindery.testkit.BinderyAssertions.assertOnlyDenied;
import static dev.bindery.testkit.BinderyAssertions.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.audit.AuditEvent;
import dev.bindery.common.ErrorCode;
import dev.bindery.common.Hashing;
import dev.bindery.common.RandomIds;
import dev.bindery.identity.TeamId;
import dev.bindery.operator.IssuedToken;
import dev.bindery.operator.Operator;
import dev.bindery.operator.OperatorId;
import dev.bindery.operator.OperatorService;
import dev.bindery.operator.OperatorStatus;
import dev.bindery.operator.OperatorToken;
import dev.bindery.operator.Role;
import dev.bindery.operator.TotpEnrolment;
import dev.bindery.operator.TotpFactor;
import dev.bindery.security.Caller;
import dev.bindery.security.Totp;
import dev.bindery.testkit.MutableClock;
import dev.bindery.testkit.StoreState;
import dev.bindery.testkit.TestBindery;
import dev.bindery.testkit.TestOperator;
import dev.bindery.testkit.memory.InMemoryStore;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OperatorServiceTest {
  private static final Instant START = MutableClock.DEFAULT_START;

  private TestBindery b;
  private OperatorService service;
  private TeamId payments;
  private TestOperator admin;
  private TestOperator member;

  @BeforeEach
  void setUp() {
    b = TestBindery.inMemory();
    service = b.operators();
    payments = b.team("payments");
    admin = b.admin();
    member = b.member(payments);
  }

  private Operator stored(OperatorId id) {
    return b.store().read(t -> t.operators().findById(id)).orElseThrow();
  }

  private OperatorToken storedToken(String id) {
    return b.store().read(t -> t.operatorTokens().findById(id)).orElseThrow();
  }

  private TotpFactor storedFactor(OperatorId id) {
    return b.store().read(t -> t.totp().find(id)).orElseThrow();
  }

  // ---- tokens ---------------------------------------------------------------------------------------

  @Test
  void issuedToken_format_prefixAnd256BitsBase32WithTokIdAndExpiry() {
    IssuedToken issued = member.issuedToken();

    assertThat(issued.value().reveal()).matches("bnd_op_[a-z2-7]{52}");
    assertThat(issued.token().id()).matches("tok_[a-z2-7]{26}");
    assertThat(issued.token().operatorId()).isEqualTo(member.id());
    assertThat(issued.token().createdAt()).isEqualTo(START);
    assertThat(issued.token().expiresAt()).isEqualTo(START.plus(TestBindery.TOKEN_LIFETIME));
    assertThat(issued.token().description()).isEqualTo("initial");
    assertThat(issued.value().toString()).isEqualTo("Secret[redacted]");
  }

  @Test
  void issuedToken_storedAsSha256Only_valueAppearsInNoStoredField() {
    String value = member.tokenValue();
    b.caller(member);

    OperatorToken stored = storedToken(member.tokenId());
    String everything = b.state().toString() + b.auditEvents().stream().map(AuditEvent::toString)
        .collect(Collectors.joining("\n"));

    assertThat(stored.hash()).isEqualTo(Hashing.sha256(value.getBytes(StandardCharsets.UTF_8)));
    assertThat(everything).contains(member.tokenId()).doesNotContain(value)
        .doesNotContain(value.substring(OperatorService.TOKEN_PREFIX.length()));
  }

  @Test
  void authenticate_validToken_callerCarriesRolesTeamsAndTokenAndRecordsUse() {
    Caller caller = service.authenticate(member.tokenValue(), "req-1");

    assertThat(caller.operatorId()).isEqualTo(member.id());
    assertThat(caller.roles()).isEmpty();
    assertThat(caller.teams()).containsExactly(payments);
    assertThat(caller.tokenId()).isEqualTo(member.tokenId());
    assertThat(caller.stepUpAt()).isNull();
    assertThat(caller.requestId()).isEqualTo("req-1");
    assertThat(storedToken(member.tokenId()).lastUsedAt()).isEqualTo(START);
  }

  @Test
  void authenticate_withinAMinuteOfLastUse_writesNothingAfterwardsRecordsAgain() {
    b.caller(member);
    b.clock().advance(Duration.ofSeconds(60));
    StoreState before = b.state();

    b.caller(member);
    assertNothingWritten(b, before);
    b.clock().advance(Duration.ofMillis(1));
    b.caller(member);

    assertThat(storedToken(member.tokenId()).lastUsedAt()).isEqualTo(START.plusSeconds(60).plusMillis(1));
  }

  @Test
  void authenticate_expiredToken_rejectedAndDenialAuditedOnce() {
    b.clock().advance(TestBindery.TOKEN_LIFETIME.minusMillis(1));
    assertThat(b.caller(member).operatorId()).isEqualTo(member.id());
    b.clock().advance(Duration.ofMillis(1));
    StoreState before = b.state();

    assertRejected(() -> service.authenticate(member.tokenValue(), "r"), ErrorCode.TOKEN_EXPIRED);

    assertOnlyDenied(b, before, "operator.authenticate", member.id().value(), member.tokenId(),
        ErrorCode.TOKEN_EXPIRED);
  }

  @Test
  void authenticate_revokedToken_rejectedAndDenialAuditedOnce() {
    service.revokeToken(b.caller(member), member.tokenId());
    StoreState before = b.state();

    assertRejected(() -> service.authenticate(member.tokenValue(), "r"), ErrorCode.TOKEN_REVOKED);

    assertOnlyDenied(b, before, "operator.authenticate", member.id().value(), member.tokenId(),
        ErrorCode.TOKEN_REVOKED);
  }

  @Test
  void authenticate_disabledOperator_rejectedAndDenialAuditedOnce() {
    service.setStatus(b.caller(admin), member.id(), 1, OperatorStatus.DISABLED);
    StoreState before = b.state();

    assertRejected(() -> service.authenticate(member.tokenValue(), "r"), ErrorCode.OPERATOR_DISABLED);

    assertOnlyDenied(b, before, "operator.authenticate", member.id().value(), member.tokenId(),
        ErrorCode.OPERATOR_DISABLED);
  }

  @Test
  void authenticate_unknownOrMalformedToken_tokenInvalidAndNothingWritten() {
    byte[] raw = new byte[32];
    new SecureRandom().nextBytes(raw);
    String unknown = OperatorService.TOKEN_PREFIX + RandomIds.base32(raw);
    StoreState before = b.state();

    assertRejected(() -> service.authenticate(unknown, "r"), ErrorCode.TOKEN_INVALID);
    assertRejected(() -> service.authenticate(null, "r"), ErrorCode.TOKEN_INVALID);
    assertRejected(() -> service.authenticate("", "r"), ErrorCode.TOKEN_INVALID);
    assertRejected(() -> service.authenticate("Bearer " + member.tokenValue(), "r"), ErrorCode.TOKEN_INVALID);
    assertRejected(() -> service.authenticate(member.tokenValue().toUpperCase(java.util.Locale.ROOT), "r"),
        ErrorCode.TOKEN_INVALID);
    assertRejected(() -> service.authenticate(OperatorService.TOKEN_PREFIX + "a".repeat(200), "r"),
        ErrorCode.TOKEN_INVALID);

    assertNothingWritten(b, before);
  }

  @Test
  void revokeToken_twice_secondRejectedAndNothingWritten() {
    Caller caller = b.caller(member);
    service.revokeToken(caller, member.tokenId());
    assertThat(storedToken(member.tokenId()).revokedAt()).isEqualTo(START);
    StoreState before = b.state();

    assertRejected(() -> service.revokeToken(caller, member.tokenId()), ErrorCode.INVALID_TRANSITION);

    assertNothingWritten(b, before);
  }

  @Test
  void issueToken_forAnotherOperatorByNonAdmin_deniedAndNothingElseWritten() {
    Caller caller = b.caller(member);
    StoreState before = b.state();

    assertRejected(() -> service.issueToken(caller, admin.id(), "steal", Duration.ofDays(1)), ErrorCode.FORBIDDEN);

    assertOnlyDenied(b, before, "operator.token.issue", member.id().value(), admin.id().value(), ErrorCode.FORBIDDEN);
  }

  @Test
  void issueToken_lifetimeOutOfRange_rejectedAndNothingWritten() {
    Caller caller = b.caller(member);
    StoreState before = b.state();

    assertRejected(() -> service.issueToken(caller, member.id(), null, Duration.ofDays(366)), ErrorCode.INVALID_FIELD);
    assertRejected(() -> service.issueToken(caller, member.id(), null, Duration.ZERO), ErrorCode.INVALID_FIELD);

    assertNothingWritten(b, before);
  }

  // ---- TOTP -----------------------------------------------------------------------------------------

  @Test
  void enrolTotp_newFactor_sealedUnconfirmedWithOtpauthUri() {
    Caller caller = b.caller(member);
    long seq = b.auditHead().seq();

    TotpEnrolment enrolment = service.enrolTotp(caller);

    String b32 = enrolment.seedBase32().reveal();
    byte[] seed = TestBindery.base32Decode(b32);
    assertThat(b32).matches("[A-Z2-7]{32}");
    assertThat(seed).hasSize(20);
    assertThat(enrolment.otpauthUri().reveal()).isEqualTo("otpauth://totp/Bindery%20Test:" + member.id().value()
        + "?secret=" + b32 + "&issuer=Bindery%20Test&algorithm=SHA1&digits=6&period=30");
    TotpFactor factor = storedFactor(member.id());
    assertThat(factor.confirmed()).isFalse();
    assertThat(factor.lastUsedStep()).isEqualTo(-1L);
    assertThat(b.sealer().open(factor.sealedSeed(), member.id().value().getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(seed);
    assertThat(b.state().toString() + b.auditEvents()).doesNotContain(b32);
    assertAuditedSince(b, seq, "operator.totp.enrol");
  }

  @Test
  void confirmTotp_validCode_confirmsAndRecordsTheStep() {
    Caller caller = b.caller(member);
    byte[] seed = TestBindery.base32Decode(service.enrolTotp(caller).seedBase32().reveal());
    long step = Totp.step(b.clock().instant());

    service.confirmTotp(caller, Totp.standard().code(seed, step));

    TotpFactor factor = storedFactor(member.id());
    assertThat(factor.confirmed()).isTrue();
    assertThat(factor.lastUsedStep()).isEqualTo(step);
  }

  @Test
  void confirmTotp_wrongCode_totpInvalidDeniedAndFactorStaysUnconfirmed() {
    Caller caller = b.caller(member);
    byte[] seed = TestBindery.base32Decode(service.enrolTotp(caller).seedBase32().reveal());
    String wrong = Totp.standard().code(seed, Totp.step(b.clock().instant()) + 5);
    StoreState before = b.state();

    assertRejected(() -> service.confirmTotp(caller, wrong), ErrorCode.TOTP_INVALID);

    assertOnlyDenied(b, before, "operator.totp.confirm", member.id().value(), member.id().value(),
        ErrorCode.TOTP_INVALID);
    assertThat(storedFactor(member.id()).confirmed()).isFalse();
  }

  @Test
  void enrolTotp_afterConfirmation_rejectedAndNothingWritten() {
    b.ensureTotp(member);
    Caller caller = b.caller(member);
    StoreState before = b.state();

    assertRejected(() -> service.enrolTotp(caller), ErrorCode.TOTP_ALREADY_ENROLLED);

    assertNothingWritten(b, before);
  }

  @Test
  void stepUp_withoutConfirmedFactor_rejectedAndNothingWritten() {
    Caller caller = b.caller(member);
    StoreState before = b.state();

    assertRejected(() -> service.stepUp(caller, "123456"), ErrorCode.TOTP_NOT_ENROLLED);

    assertNothingWritten(b, before);
  }

  @Test
  void stepUp_validCode_recordsStepUpOnTokenUntilWindowEnds() {
    b.ensureTotp(member);
    Caller caller = b.caller(member);
    Instant now = b.clock().instant();
    long seq = b.auditHead().seq();

    Instant validUntil = service.stepUp(caller, b.nextTotpCode(member));

    assertThat(validUntil).isEqualTo(now.plus(Duration.ofMinutes(5)));
    assertThat(storedToken(member.tokenId()).stepUpAt()).isEqualTo(now);
    assertThat(b.caller(member).stepUpAt()).isEqualTo(now);
    List<AuditEvent> events = assertAuditedSince(b, seq, "operator.step_up");
    assertThat(events.get(0).details()).isEqualTo(Map.of("token_id", member.tokenId()));
  }

  @Test
  void stepUp_replayedCode_totpReplayedDeniedAndNothingElseWritten() {
    b.ensureTotp(member);
    Caller caller = b.caller(member);
    String code = b.nextTotpCode(member);
    service.stepUp(caller, code);
    long lastStep = storedFactor(member.id()).lastUsedStep();
    StoreState before = b.state();

    assertRejected(() -> service.stepUp(caller, code), ErrorCode.TOTP_REPLAYED);

    assertOnlyDenied(b, before, "operator.step_up", member.id().value(), member.id().value(),
        ErrorCode.TOTP_REPLAYED);
    assertThat(storedFactor(member.id()).lastUsedStep()).isEqualTo(lastStep);
  }

  @Test
  void stepUp_codeOfAnEarlierStepThanTheLastUsed_totpReplayed() {
    b.ensureTotp(member);
    Caller caller = b.caller(member);
    long current = Totp.step(b.clock().instant());
    service.stepUp(caller, b.totpCode(member, current + 1));
    StoreState before = b.state();

    assertRejected(() -> service.stepUp(caller, b.totpCode(member, current)), ErrorCode.TOTP_REPLAYED);

    assertOnlyDenied(b, before, "operator.step_up", member.id().value(), member.id().value(),
        ErrorCode.TOTP_REPLAYED);
  }

  @Test
  void stepUp_windowBoundary_validAtFiveMinutesExpiredOneMillisecondLater() {
    Caller caller = b.steppedUp(admin);
    Instant steppedUpAt = caller.stepUpAt();
    assertThat(steppedUpAt).isEqualTo(b.clock().instant());
    b.clock().advance(Duration.ofMinutes(5));

    Operator granted = service.grantRole(caller, member.id(), 1, Role.SUPERVISOR);
    b.clock().advance(Duration.ofMillis(1));
    StoreState before = b.state();

    assertThat(granted.roles()).containsExactly(Role.SUPERVISOR);
    assertRejected(() -> service.grantRole(caller, member.id(), 2, Role.SERVICE_DESK), ErrorCode.STEP_UP_REQUIRED);
    assertOnlyDenied(b, before, "operator.grant_role", admin.id().value(), member.id().value(),
        ErrorCode.STEP_UP_REQUIRED);
  }

  // ---- roles ----------------------------------------------------------------------------------------

  @Test
  void grantRole_steppedUpAdmin_addsRoleBumpsVersionAndAuditsOnce() {
    Caller caller = b.steppedUp(admin);
    long seq = b.auditHead().seq();

    Operator granted = service.grantRole(caller, member.id(), 1, Role.SERVICE_DESK);

    assertThat(granted.version()).isEqualTo(2L);
    assertThat(stored(member.id())).isEqualTo(granted);
    List<AuditEvent> events = assertAuditedSince(b, seq, "operator.grant_role");
    assertThat(events.get(0).details()).isEqualTo(Map.of("before", Map.of("roles", List.of()),
        "after", Map.of("roles", List.of("service_desk")), "version", 2L));
  }

  @Test
  void grantRole_adminWithoutStepUp_deniedAndNothingElseWritten() {
    Caller caller = b.caller(admin);
    StoreState before = b.state();

    assertRejected(() -> service.grantRole(caller, member.id(), 1, Role.ADMIN), ErrorCode.STEP_UP_REQUIRED);

    assertOnlyDenied(b, before, "operator.grant_role", admin.id().value(), member.id().value(),
        ErrorCode.STEP_UP_REQUIRED);
  }

  @Test
  void grantRole_serviceDeskEvenSteppedUp_deniedAndNothingElseWritten() {
    TestOperator desk = b.withRoles(Role.SERVICE_DESK);
    Caller caller = b.steppedUp(desk);
    StoreState before = b.state();

    assertRejected(() -> service.grantRole(caller, member.id(), 1, Role.ADMIN), ErrorCode.FORBIDDEN);

    assertOnlyDenied(b, before, "operator.grant_role", desk.id().value(), member.id().value(), ErrorCode.FORBIDDEN);
  }

  @Test
  void grantRole_staleVersion_versionConflictAndNothingWritten() {
    Caller caller = b.steppedUp(admin);
    service.grantRole(caller, member.id(), 1, Role.SUPERVISOR);
    StoreState before = b.state();

    assertRejected(() -> service.grantRole(caller, member.id(), 1, Role.SERVICE_DESK), ErrorCode.VERSION_CONFLICT);

    assertNothingWritten(b, before);
  }

  @Test
  void auditorRole_combinedWithAnotherRoleOrTeam_rejectedAndNothingWritten() {
    TestOperator auditor = b.withRoles(Role.AUDITOR);
    TestOperator plain = b.operator("plain", Set.of(), Set.of());
    Caller caller = b.steppedUp(admin);
    StoreState before = b.state();

    var grantToAuditor = assertRejected(() -> service.grantRole(caller, auditor.id(), 1, Role.ADMIN),
        ErrorCode.INVALID_FIELD);
    assertRejected(() -> service.grantRole(caller, member.id(), 1, Role.AUDITOR), ErrorCode.INVALID_FIELD);
    assertRejected(() -> service.addTeam(caller, auditor.id(), 1, payments), ErrorCode.INVALID_FIELD);
    assertRejected(() -> service.create(caller, "both", EnumSet.of(Role.AUDITOR, Role.SUPERVISOR), Set.of(),
        Duration.ofDays(1)), ErrorCode.INVALID_FIELD);
    assertRejected(() -> service.create(caller, "auditor in team", EnumSet.of(Role.AUDITOR), Set.of(payments),
        Duration.ofDays(1)), ErrorCode.INVALID_FIELD);

    assertThat(grantToAuditor.field()).isEqualTo("roles");
    assertNothingWritten(b, before);
    assertThat(service.grantRole(caller, plain.id(), 1, Role.AUDITOR).roles()).containsExactly(Role.AUDITOR);
  }

  @Test
  void revokeRole_adminRemovingOwnAdmin_rejectedAndNothingWritten() {
    Caller caller = b.steppedUp(admin);
    StoreState before = b.state();

    assertRejected(() -> service.revokeRole(caller, admin.id(), 1, Role.ADMIN), ErrorCode.INVALID_TRANSITION);

    assertNothingWritten(b, before);
  }

  @Test
  void createOperator_nonAdmin_deniedAndNothingElseWritten() {
    Caller caller = b.caller(member);
    StoreState before = b.state();

    assertRejected(() -> service.create(caller, "x", Set.of(), Set.of(), Duration.ofDays(1)), ErrorCode.FORBIDDEN);

    assertOnlyDenied(b, before, "operator.create", member.id().value(), "", ErrorCode.FORBIDDEN);
  }

  @Test
  void createOperator_withRolesByAdminWithoutStepUp_deniedAndNothingElseWritten() {
    Caller caller = b.caller(admin);
    StoreState before = b.state();

    assertRejected(() -> service.create(caller, "x", Set.of(Role.SUPERVISOR), Set.of(), Duration.ofDays(1)),
        ErrorCode.STEP_UP_REQUIRED);

    assertOnlyDenied(b, before, "operator.create", admin.id().value(), "", ErrorCode.STEP_UP_REQUIRED);
  }

  @Test
  void setStatus_disableSelf_rejectedAndNothingWritten() {
    Caller caller = b.caller(admin);
    StoreState before = b.state();

    assertRejected(() -> service.setStatus(caller, admin.id(), 1, OperatorStatus.DISABLED),
        ErrorCode.INVALID_TRANSITION);

    assertNothingWritten(b, before);
  }

  // ---- teams and bootstrap --------------------------------------------------------------------------

  @Test
  void createTeam_existingId_teamExistsAndNothingWritten() {
    Caller caller = b.caller(admin);
    StoreState before = b.state();

    assertRejected(() -> service.createTeam(caller, payments, "Again"), ErrorCode.TEAM_EXISTS);

    assertNothingWritten(b, before);
  }

  @Test
  void createTeam_nonAdmin_deniedAndNothingElseWritten() {
    Caller caller = b.caller(member);
    StoreState before = b.state();

    assertRejected(() -> service.createTeam(caller, new TeamId("rogue"), "Rogue"), ErrorCode.FORBIDDEN);

    assertOnlyDenied(b, before, "team.create", member.id().value(), "rogue", ErrorCode.FORBIDDEN);
  }

  @Test
  void bootstrapIfEmpty_emptyStore_createsExactlyOneAdminOnce() {
    TestBindery fresh = new TestBindery(new InMemoryStore(), MutableClock.standard());

    Optional<IssuedToken> first = fresh.operators().bootstrapIfEmpty("root", Duration.ofHours(1));
    StoreState afterFirst = fresh.state();
    Optional<IssuedToken> second = fresh.operators().bootstrapIfEmpty("root", Duration.ofHours(1));

    assertThat(first).isPresent();
    assertThat(second).isEmpty();
    assertNothingWritten(fresh, afterFirst);
    assertThat(afterFirst.operators()).hasSize(1);
    Operator root = afterFirst.operators().get(0);
    assertThat(root.roles()).containsExactly(Role.ADMIN);
    assertThat(root.teams()).isEmpty();
    assertThat(root.name()).isEqualTo("root");
    assertThat(first.get().token().operatorId()).isEqualTo(root.id());
    assertThat(first.get().token().expiresAt()).isEqualTo(START.plus(Duration.ofHours(1)));
    List<AuditEvent> events = assertAuditedSince(fresh, 0, "operator.bootstrap", "operator.token.issue");
    assertThat(events).extracting(AuditEvent::actor).containsOnly("system");
    Caller rootCaller = fresh.operators().authenticate(first.get().value().reveal(), "r");
    assertThat(rootCaller.operatorId()).isEqualTo(root.id());
    assertThat(rootCaller.roles()).containsExactly(Role.ADMIN);
  }

  @Test
  void bootstrapIfEmpty_operatorsExist_returnsEmptyAndWritesNothing() {
    StoreState before = b.state();

    Optional<IssuedToken> result = service.bootstrapIfEmpty("root", Duration.ofHours(1));

    assertThat(result).isEmpty();
    assertNothingWritten(b, before);
  }
}
