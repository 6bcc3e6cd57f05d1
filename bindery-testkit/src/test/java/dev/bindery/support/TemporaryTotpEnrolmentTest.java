package dev.bindery.support;

import static dev.bindery.testkit.BinderyAssertions.assertNothingWritten;
import static dev.bindery.testkit.BinderyAssertions.assertOnlyDenied;
import static dev.bindery.testkit.BinderyAssertions.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.audit.AuditEvent;
import dev.bindery.common.ErrorCode;
import dev.bindery.common.Secret;
import dev.bindery.credential.SecretHash;
import dev.bindery.notify.Delivery;
import dev.bindery.notify.SecretKind;
import dev.bindery.operator.TotpEnrolment;
import dev.bindery.operator.TotpFactor;
import dev.bindery.operator.TotpReset;
import dev.bindery.security.Caller;
import dev.bindery.security.Totp;
import dev.bindery.store.Tx;
import dev.bindery.testkit.StoreState;
import dev.bindery.testkit.TestBindery;
import dev.bindery.testkit.TestOperator;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The temporary TOTP enrolment of a {@code factor_reenrol}: the old factor goes, a single-use code goes to the
 * operator's teams, the operator redeems it with their own token; meanwhile the ordinary enrolment is refused.
 */
class TemporaryTotpEnrolmentTest {
  private final SupportFixture s = new SupportFixture();
  private final SupportActionId action = SupportFixture.newAction();
  /** An operator of team payments who enrolled and confirmed a TOTP factor (and then lost the device). */
  private final TestOperator operator = s.b.operator("lost device", Set.of(), Set.of(s.f.payments));

  TemporaryTotpEnrolmentTest() {
    s.b.ensureTotp(operator);
  }

  private IssuedItem issue(TestOperator target, Duration ttl) {
    return issue(target, ttl, action);
  }

  private IssuedItem issue(TestOperator target, Duration ttl, SupportActionId by) {
    return s.inTx(t -> s.delivery.issueTotpEnrolment(t, SupportFixture.AGENT, SupportFixture.REQUEST_ID, target.id(),
        ttl, by, s.now()));
  }

  private Optional<TotpFactor> factor(TestOperator op) {
    return s.b.store().read((Tx t) -> t.totp().find(op.id()));
  }

  private TotpEnrolment recover(TestOperator op, String code) {
    return s.b.operators().recoverTotp(s.b.caller(op), code);
  }

  /** Confirms a new factor with the seed the recovery returned, as an authenticator app would. */
  private void confirm(TestOperator op, TotpEnrolment enrolment) {
    byte[] seed = TestBindery.base32Decode(enrolment.seedBase32().reveal());
    s.b.operators().confirmTotp(s.b.caller(op), Totp.standard().code(seed, Totp.step(s.now())));
  }

  @Test
  void issueTotpEnrolment_operatorsTeamHasAWebhook_factorRemovedCodeStoredHashedAndDeliveredToTheTeam() {
    s.webhook(s.f.payments);
    s.webhook(s.f.other);

    IssuedItem item = issue(operator, Duration.ofMinutes(10));

    assertThat(factor(operator)).isEmpty();
    List<TotpReset> resets = s.b.store().read((Tx t) -> t.totpResets().listForOperator(operator.id()));
    assertThat(resets).hasSize(1);
    TotpReset reset = resets.get(0);
    assertThat(item).isEqualTo(new IssuedItem(IssuedItem.Kind.TOTP_ENROLMENT, reset.ref()));
    assertThat(reset.supportActionId()).isEqualTo(action);
    assertThat(reset.expiresAt()).isEqualTo(s.now().plus(Duration.ofMinutes(10)));
    List<Delivery> deliveries = s.deliveries(SupportCredentialDelivery.EVENT_TOTP_ENROLMENT);
    assertThat(deliveries).as("only the webhooks of the operator's team").hasSize(1);
    assertThat(deliveries.get(0).notification().team()).isEqualTo(s.f.payments);
    assertThat(deliveries.get(0).notification().operatorId()).isEqualTo(operator.id());
    assertThat(deliveries.get(0).notification().identityId()).isNull();
    assertThat(deliveries.get(0).secret().kind()).isEqualTo(SecretKind.TOTP_ENROLMENT_CODE);
    String code = s.deliveredValue(SupportCredentialDelivery.EVENT_TOTP_ENROLMENT);
    assertThat(code).matches("bnd_tre_[a-z2-7]{52}");
    assertThat(SecretHash.of(Secret.of(code))).isEqualTo(reset.hash());
    s.assertNotInAudit(code);
    AuditEvent audited = s.b.auditEvents().stream().filter(e -> e.action().equals("support.totp_enrolment.issue"))
        .findFirst().orElseThrow();
    assertThat(audited.target()).isEqualTo(operator.id().value());
    assertThat(audited.details()).containsEntry("factor_removed", true).containsEntry("code_ref", reset.ref());
  }

  @Test
  void issueTotpEnrolment_operatorSteppedUpWithTheOldFactor_thatStepUpNoLongerCounts_othersKeepTheirs() {
    s.webhook(s.f.payments);
    Caller steppedUp = s.b.steppedUp(operator);
    Caller otherSteppedUp = s.b.steppedUp(s.f.owner);
    assertThat(s.b.authorizer().hasFreshStepUp(steppedUp)).isTrue();

    issue(operator, null);

    Caller after = s.b.caller(operator);
    assertThat(after.stepUpAt()).isNull();
    assertThat(s.b.authorizer().hasFreshStepUp(after)).isFalse();
    assertRejected(() -> s.b.authorizer().requireStepUp(after), ErrorCode.STEP_UP_REQUIRED);
    assertThat(s.b.caller(s.f.owner).stepUpAt()).as("another operator's step-up stays")
        .isEqualTo(otherSteppedUp.stepUpAt());
    AuditEvent audited = s.b.auditEvents().stream().filter(e -> e.action().equals("support.totp_enrolment.issue"))
        .findFirst().orElseThrow();
    assertThat(audited.details()).containsEntry("step_ups_cleared", 1L);
  }

  @Test
  void issueTotpEnrolment_noWebhookOnTheOperatorsTeams_noDeliveryChannelAndTheFactorStays() {
    s.webhook(s.f.platform);
    StoreState before = s.b.state();

    assertRejected(() -> issue(operator, null), ErrorCode.NO_DELIVERY_CHANNEL);

    assertNothingWritten(s.b, before);
    assertThat(factor(operator)).hasValueSatisfying(f -> assertThat(f.confirmed()).isTrue());
  }

  @Test
  void recoverTotp_withTheCode_newSeedConfirmedAndStepUpWorksAgain() {
    s.webhook(s.f.payments);
    issue(operator, null);
    String code = s.deliveredValue(SupportCredentialDelivery.EVENT_TOTP_ENROLMENT);

    TotpEnrolment enrolment = recover(operator, code);
    confirm(operator, enrolment);

    assertThat(factor(operator)).hasValueSatisfying(f -> assertThat(f.confirmed()).isTrue());
    TotpReset reset = s.b.store().read((Tx t) -> t.totpResets().listForOperator(operator.id())).get(0);
    assertThat(reset.usedAt()).isEqualTo(s.now());
    AuditEvent recovered = s.b.auditEvents().stream().filter(e -> e.action().equals("operator.totp.recover"))
        .findFirst().orElseThrow();
    assertThat(recovered.actor()).isEqualTo(operator.id().value());
    assertThat(recovered.details()).containsEntry("support_action_id", action.value())
        .containsEntry("code_ref", reset.ref());
    s.assertNotInAudit(code);
    s.b.clock().advance(Duration.ofSeconds(Totp.STEP_SECONDS));
    byte[] seed = TestBindery.base32Decode(enrolment.seedBase32().reveal());
    assertThat(s.b.operators().stepUp(s.b.caller(operator), Totp.standard().code(seed, Totp.step(s.now()))))
        .isAfter(s.now());
  }

  @Test
  void recoverTotp_codeUsedTwice_refusedAuditedAndNothingElseWritten() {
    s.webhook(s.f.payments);
    issue(operator, null);
    String code = s.deliveredValue(SupportCredentialDelivery.EVENT_TOTP_ENROLMENT);
    recover(operator, code);
    s.b.caller(operator);
    StoreState before = s.b.state();

    assertThat(assertRejected(() -> recover(operator, code), ErrorCode.TOTP_ENROLMENT_CODE_INVALID).getMessage())
        .endsWith("was already used");

    AuditEvent denied = assertOnlyDenied(s.b, before, "operator.totp.recover", operator.id().value(),
        operator.id().value(), ErrorCode.TOTP_ENROLMENT_CODE_INVALID);
    assertThat(denied.details().get("reason").toString()).endsWith("was already used").doesNotContain(code);
  }

  @Test
  void recoverTotp_afterExpiry_refusedAndTheCodeStaysUnused() {
    s.webhook(s.f.payments);
    issue(operator, Duration.ofMinutes(3));
    String code = s.deliveredValue(SupportCredentialDelivery.EVENT_TOTP_ENROLMENT);
    s.b.clock().advance(Duration.ofMinutes(3));
    s.b.caller(operator);
    StoreState before = s.b.state();

    assertThat(assertRejected(() -> recover(operator, code), ErrorCode.TOTP_ENROLMENT_CODE_INVALID).getMessage())
        .endsWith("expired");

    assertOnlyDenied(s.b, before, "operator.totp.recover", operator.id().value(), operator.id().value(),
        ErrorCode.TOTP_ENROLMENT_CODE_INVALID);
    assertThat(factor(operator)).isEmpty();
  }

  @Test
  void recoverTotp_byAnotherOperator_refusedAndTheRightOperatorCanStillUseIt() {
    TestOperator colleague = s.b.operator("colleague", Set.of(), Set.of(s.f.payments));
    s.webhook(s.f.payments);
    issue(operator, null);
    String code = s.deliveredValue(SupportCredentialDelivery.EVENT_TOTP_ENROLMENT);
    s.b.caller(colleague);
    StoreState before = s.b.state();

    assertThat(assertRejected(() -> recover(colleague, code), ErrorCode.TOTP_ENROLMENT_CODE_INVALID).getMessage())
        .endsWith("was issued for another operator");

    assertOnlyDenied(s.b, before, "operator.totp.recover", colleague.id().value(), colleague.id().value(),
        ErrorCode.TOTP_ENROLMENT_CODE_INVALID);
    assertThat(recover(operator, code).seedBase32().reveal()).matches("[A-Z2-7]{32}");
  }

  @Test
  void enrolTotp_whileTheSupportResetIsOutstanding_refusedAuditedAndNothingWritten() {
    s.webhook(s.f.payments);
    issue(operator, null);
    s.b.caller(operator);
    StoreState before = s.b.state();

    assertRejected(() -> s.b.operators().enrolTotp(s.b.caller(operator)), ErrorCode.TOTP_RECOVERY_REQUIRED);

    assertOnlyDenied(s.b, before, "operator.totp.enrol", operator.id().value(), operator.id().value(),
        ErrorCode.TOTP_RECOVERY_REQUIRED);
  }

  @Test
  void enrolTotp_afterRedeemingButBeforeConfirming_stillRefused() {
    s.webhook(s.f.payments);
    issue(operator, null);
    recover(operator, s.deliveredValue(SupportCredentialDelivery.EVENT_TOTP_ENROLMENT));
    s.b.caller(operator);
    StoreState before = s.b.state();

    assertRejected(() -> s.b.operators().enrolTotp(s.b.caller(operator)), ErrorCode.TOTP_RECOVERY_REQUIRED);

    assertOnlyDenied(s.b, before, "operator.totp.enrol", operator.id().value(), operator.id().value(),
        ErrorCode.TOTP_RECOVERY_REQUIRED);
  }

  @Test
  void issueTotpEnrolment_again_revokesTheEarlierUnusedCode() {
    s.webhook(s.f.payments);
    issue(operator, null);
    String first = s.deliveredValue(SupportCredentialDelivery.EVENT_TOTP_ENROLMENT);
    issue(operator, null, SupportFixture.newAction());
    String second = s.deliveredValue(SupportCredentialDelivery.EVENT_TOTP_ENROLMENT);

    assertThat(assertRejected(() -> recover(operator, first), ErrorCode.TOTP_ENROLMENT_CODE_INVALID).getMessage())
        .endsWith("was revoked");
    assertThat(recover(operator, second).seedBase32().reveal()).matches("[A-Z2-7]{32}");
  }

  @Test
  void revokeIssued_unusedCode_revokedAndTheOperatorStillNeedsANewSupportAction() {
    s.webhook(s.f.payments);
    IssuedItem item = issue(operator, null);
    String code = s.deliveredValue(SupportCredentialDelivery.EVENT_TOTP_ENROLMENT);

    List<String> revoked = s.inTx(t -> s.delivery.revokeIssued(t, "op_officer", SupportFixture.REQUEST_ID, action,
        s.now()));

    assertThat(revoked).containsExactly("totp_enrolment:" + item.ref());
    assertThat(assertRejected(() -> recover(operator, code), ErrorCode.TOTP_ENROLMENT_CODE_INVALID).getMessage())
        .endsWith("was revoked");
    assertRejected(() -> s.b.operators().enrolTotp(s.b.caller(operator)), ErrorCode.TOTP_RECOVERY_REQUIRED);
  }

  @Test
  void revokeIssued_codeAlreadyUsed_theFactorEnrolledWithItIsRemoved() {
    s.webhook(s.f.payments);
    issue(operator, null);
    TotpEnrolment enrolment = recover(operator, s.deliveredValue(SupportCredentialDelivery.EVENT_TOTP_ENROLMENT));
    confirm(operator, enrolment);
    // a step-up with the factor enrolled with the code
    s.b.clock().advance(Duration.ofSeconds(Totp.STEP_SECONDS));
    s.b.operators().stepUp(s.b.caller(operator), Totp.standard().code(TestBindery.base32Decode(
        enrolment.seedBase32().reveal()), Totp.step(s.now())));
    assertThat(s.b.caller(operator).stepUpAt()).isNotNull();

    List<String> revoked = s.inTx(t -> s.delivery.revokeIssued(t, "op_officer", SupportFixture.REQUEST_ID, action,
        s.now()));

    assertThat(revoked).containsExactly("totp_factor:" + operator.id().value());
    assertThat(factor(operator)).isEmpty();
    assertThat(s.b.caller(operator).stepUpAt()).as("a step-up proved with the removed factor").isNull();
    assertRejected(() -> s.b.operators().enrolTotp(s.b.caller(operator)), ErrorCode.TOTP_RECOVERY_REQUIRED);
  }
}
