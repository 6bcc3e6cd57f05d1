package dev.bindery.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bindery.common.Secret;
import dev.bindery.credential.Credential;
import dev.bindery.credential.EnrolmentCode;
import dev.bindery.credential.EnrolmentCodes;
import dev.bindery.credential.SecretHash;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.TeamId;
import dev.bindery.notify.DisavowToken;
import dev.bindery.notify.Notification;
import dev.bindery.notify.NotificationId;
import dev.bindery.notify.NotificationQuery;
import dev.bindery.notify.SecretKind;
import dev.bindery.notify.Webhook;
import dev.bindery.notify.WebhookId;
import dev.bindery.notify.WebhookUrl;
import dev.bindery.operator.Operator;
import dev.bindery.operator.OperatorId;
import dev.bindery.operator.Team;
import dev.bindery.operator.TotpReset;
import dev.bindery.operator.TotpResets;
import dev.bindery.store.Transactor;
import dev.bindery.store.Tx;
import dev.bindery.store.UniqueViolation;
import dev.bindery.support.RecoveryCode;
import dev.bindery.support.RecoveryCodes;
import dev.bindery.support.SupportActionId;
import dev.bindery.testkit.TestCredentials;
import dev.bindery.testkit.TestIdentities;
import dev.bindery.testkit.TestOperators;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The storage contract of the support desk's temporary credentials and their delivery (issue 6): enrolment codes
 * linked to a support action (with the enrolment's source, and revocation before use), notifications about an
 * operator and carrying a sealed secret, disavow tokens about an operator, temporary TOTP enrolments
 * ({@link dev.bindery.operator.TotpResetRepository}) and recovery codes
 * ({@link dev.bindery.support.RecoveryCodeRepository}). The {@link RepositoryConformanceSuite} implements it; it only
 * needs {@link #supportStore()}, fresh per test. Instants have millisecond precision.
 */
public interface SupportDeliveryRepositoryConformance {
  Instant S0 = Instant.parse("2026-12-03T08:00:00.456Z");
  TeamId SUPPORT_TEAM = new TeamId("support-owners");
  TeamId SUPPORT_BACKUP_TEAM = new TeamId("support-backup");

  /** The store under test: fresh for each test (it may hold what a suite's own setup wrote). */
  Transactor supportStore();

  // ---- enrolment codes of support actions ----------------------------------------------------------------

  @Test
  default void supportEnrolmentCode_linkSourceAndRevocation_roundTripAndListByAction() {
    IdentityId identity = supportIdentity();
    SupportActionId action = newAction();
    SecretHash used = hash(EnrolmentCodes.generate(new SecureRandom()));
    SecretHash revoked = hash(EnrolmentCodes.generate(new SecureRandom()));
    SecretHash ordinary = hash(EnrolmentCodes.generate(new SecureRandom()));
    EnrolmentCode first = new EnrolmentCode(used, identity, "op_agent", S0, S0.plusSeconds(600), null, null, action,
        null, null);
    EnrolmentCode second = new EnrolmentCode(revoked, identity, "op_agent", S0.plusSeconds(1), S0.plusSeconds(600),
        null, null, action, null, null);
    EnrolmentCode owners = new EnrolmentCode(ordinary, identity, "op_owner", S0, S0.plusSeconds(600), null, null);
    swrite(t -> List.of(first, second, owners).forEach(t.enrolmentCodes()::insert));
    Credential c = TestCredentials.x509(identity, TestCredentials.newLineage(), 1).build(S0);
    swrite(t -> t.credentials().insert(c));
    String source = "2001:db8::1%eth0";

    assertThat(scall((Tx t) -> t.enrolmentCodes().markUsed(used, S0.plusSeconds(5), c.id(), source))).isTrue();
    assertThat(scall((Tx t) -> t.enrolmentCodes().markRevoked(used, S0.plusSeconds(6)))).as("used: not revocable")
        .isFalse();
    assertThat(scall((Tx t) -> t.enrolmentCodes().markRevoked(revoked, S0.plusSeconds(7)))).isTrue();
    assertThat(scall((Tx t) -> t.enrolmentCodes().markRevoked(revoked, S0.plusSeconds(8)))).isFalse();
    assertThat(scall((Tx t) -> t.enrolmentCodes().markUsed(revoked, S0.plusSeconds(9), c.id(), source)))
        .as("revoked: not usable").isFalse();

    EnrolmentCode usedRead = new EnrolmentCode(used, identity, "op_agent", S0, S0.plusSeconds(600),
        S0.plusSeconds(5), c.id(), action, source, null);
    EnrolmentCode revokedRead = new EnrolmentCode(revoked, identity, "op_agent", S0.plusSeconds(1),
        S0.plusSeconds(600), null, null, action, null, S0.plusSeconds(7));
    assertThat(sread((Tx t) -> t.enrolmentCodes().findByHash(used))).contains(usedRead);
    assertThat(sread((Tx t) -> t.enrolmentCodes().findByHash(revoked))).contains(revokedRead);
    assertThat(sread((Tx t) -> t.enrolmentCodes().listForSupportAction(action)))
        .containsExactly(usedRead, revokedRead);
    assertThat(sread((Tx t) -> t.enrolmentCodes().listForSupportAction(newAction()))).isEmpty();
    assertThat(sread((Tx t) -> t.enrolmentCodes().listForIdentity(identity))).hasSize(3).contains(owners);
  }

  // ---- notifications about operators, with a sealed secret ------------------------------------------------

  @Test
  default void notification_aboutAnOperatorWithSealedSecret_roundTripsEveryField() {
    OperatorId operator = supportOperator();
    IdentityId identity = supportIdentity();
    Webhook w = supportWebhook();
    NotificationId id = NotificationId.generate(new SecureRandom());
    Notification aboutOperator = Notification.queued(id, SUPPORT_TEAM, w.id(), null, operator,
        "support.totp_enrolment", Map.of("code_ref", "abc"), newAction().value(), new byte[] {1, 2, 3},
        S0.plusSeconds(3600), SecretKind.TOTP_ENROLMENT_CODE, new byte[] {9, 0, -1, 4}, S0);
    Notification aboutIdentity = Notification.queued(NotificationId.generate(new SecureRandom()), SUPPORT_TEAM,
        w.id(), identity, null, "support.recovery_codes", Map.of(), newAction().value(), null, null,
        SecretKind.RECOVERY_CODES, new byte[600], S0.plusSeconds(1));
    swrite(t -> {
      t.notifications().insert(aboutOperator);
      t.notifications().insert(aboutIdentity);
    });

    assertThat(sread((Tx t) -> t.notifications().findById(id)).orElseThrow().sameAs(aboutOperator)).isTrue();
    assertThat(sread((Tx t) -> t.notifications().findById(aboutIdentity.id())).orElseThrow().sameAs(aboutIdentity))
        .isTrue();
    List<Notification> ofTeam = sread((Tx t) -> t.notifications().list(NotificationQuery.forTeam(SUPPORT_TEAM, 10)));
    assertThat(ofTeam).extracting(Notification::id).containsExactly(aboutIdentity.id(), id);
    Notification claimed = scall((Tx t) -> t.notifications().claimDue(S0.plusSeconds(5), S0.plusSeconds(60), 10))
        .stream().filter(n -> n.id().equals(id)).findFirst().orElseThrow();
    assertThat(claimed.sameAs(aboutOperator.claimed(S0.plusSeconds(60)))).as("a claim keeps the secret").isTrue();
  }

  @Test
  default void notification_withSecret_deliveredOrCancelled_theSealedSecretIsDropped() {
    IdentityId identity = supportIdentity();
    Webhook w = supportWebhook();
    Notification delivered = Notification.queued(NotificationId.generate(new SecureRandom()), SUPPORT_TEAM, w.id(),
        identity, null, "support.enrolment_code", Map.of(), newAction().value(), null, null,
        SecretKind.ENROLMENT_CODE, new byte[] {5, 6, 7}, S0);
    Notification retried = Notification.queued(NotificationId.generate(new SecureRandom()), SUPPORT_TEAM, w.id(),
        identity, null, "support.enrolment_code", Map.of(), newAction().value(), null, null,
        SecretKind.ENROLMENT_CODE, new byte[] {8}, S0.plusSeconds(1));
    swrite(t -> {
      t.notifications().insert(delivered);
      t.notifications().insert(retried);
    });
    List<Notification> claimed = scall((Tx t) -> t.notifications().claimDue(S0.plusSeconds(2), S0.plusSeconds(60),
        10));
    assertThat(claimed).hasSize(2).allSatisfy(n -> assertThat(n.hasSecret()).isTrue());

    assertThat(scall((Tx t) -> t.notifications().finish(claimed.get(0).delivered(S0.plusSeconds(3), 204)))).isTrue();
    assertThat(scall((Tx t) -> t.notifications().finish(claimed.get(1).retryAt(S0.plusSeconds(3),
        S0.plusSeconds(4), 500, "http_status")))).isTrue();

    Notification done = sread((Tx t) -> t.notifications().findById(delivered.id())).orElseThrow();
    assertThat(done.hasSecret()).isFalse();
    assertThat(done.sealedSecret()).isNull();
    assertThat(done.secretKind()).isEqualTo(SecretKind.ENROLMENT_CODE);
    Notification pending = sread((Tx t) -> t.notifications().findById(retried.id())).orElseThrow();
    assertThat(pending.sealedSecret()).as("kept for the next attempt").containsExactly(8);
    assertThat(scall((Tx t) -> t.notifications().cancelPending(w.id(), S0.plusSeconds(5)))).isEqualTo(1);
    Notification cancelled = sread((Tx t) -> t.notifications().findById(retried.id())).orElseThrow();
    assertThat(cancelled.hasSecret()).isFalse();
    assertThat(cancelled.secretKind()).isEqualTo(SecretKind.ENROLMENT_CODE);
  }

  // ---- disavow tokens about operators ---------------------------------------------------------------------

  @Test
  default void disavowToken_aboutAnOperator_roundTripsAndListsByOperatorOnly() {
    OperatorId operator = supportOperator();
    IdentityId identity = supportIdentity();
    SupportActionId action = newAction();
    SecretHash h1 = hash(DisavowToken.generate(new SecureRandom()));
    SecretHash h2 = hash(DisavowToken.generate(new SecureRandom()));
    DisavowToken ofOperator = new DisavowToken(h1, null, operator, action.value(), S0, S0.plusSeconds(60), null);
    DisavowToken ofIdentity = new DisavowToken(h2, identity, null, newAction().value(), S0, S0.plusSeconds(60), null);
    swrite(t -> {
      t.disavowTokens().insert(ofOperator);
      t.disavowTokens().insert(ofIdentity);
    });

    assertThat(sread((Tx t) -> t.disavowTokens().findByHash(h1))).contains(ofOperator);
    assertThat(sread((Tx t) -> t.disavowTokens().listForOperator(operator))).containsExactly(ofOperator);
    assertThat(sread((Tx t) -> t.disavowTokens().listForIdentity(identity))).containsExactly(ofIdentity);
    assertThat(scall((Tx t) -> t.disavowTokens().markUsed(h1, S0.plusSeconds(2)))).isTrue();
    assertThat(sread((Tx t) -> t.disavowTokens().findByHash(h1))).contains(ofOperator.usedAt(S0.plusSeconds(2)));
  }

  // ---- temporary TOTP enrolments --------------------------------------------------------------------------

  @Test
  default void totpReset_insertFindUseRevoke_onceEachAndListed() {
    OperatorId operator = supportOperator();
    OperatorId other = supportOperator();
    SupportActionId action = newAction();
    SecretHash first = hash(TotpResets.generate(new SecureRandom()));
    SecretHash second = hash(TotpResets.generate(new SecureRandom()));
    SecretHash foreign = hash(TotpResets.generate(new SecureRandom()));
    TotpReset a = new TotpReset(first, operator, action, "op_agent", S0, S0.plusSeconds(600), null, null);
    TotpReset b = new TotpReset(second, operator, newAction(), "op_agent", S0.plusSeconds(10), S0.plusSeconds(600),
        null, null);
    TotpReset c = new TotpReset(foreign, other, action, "op_agent", S0.plusSeconds(5), S0.plusSeconds(600), null,
        null);
    swrite(t -> List.of(b, c, a).forEach(t.totpResets()::insert));

    assertThat(sread((Tx t) -> t.totpResets().findByHash(first))).contains(a);
    assertThat(scall((Tx t) -> t.totpResets().markUsed(first, S0.plusSeconds(20)))).isTrue();
    assertThat(scall((Tx t) -> t.totpResets().markUsed(first, S0.plusSeconds(21)))).isFalse();
    assertThat(scall((Tx t) -> t.totpResets().markRevoked(first, S0.plusSeconds(22)))).isFalse();
    assertThat(scall((Tx t) -> t.totpResets().markRevoked(second, S0.plusSeconds(23)))).isTrue();
    assertThat(scall((Tx t) -> t.totpResets().markUsed(second, S0.plusSeconds(24)))).isFalse();

    TotpReset aUsed = new TotpReset(first, operator, action, "op_agent", S0, S0.plusSeconds(600), S0.plusSeconds(20),
        null);
    TotpReset bRevoked = new TotpReset(second, operator, b.supportActionId(), "op_agent", S0.plusSeconds(10),
        S0.plusSeconds(600), null, S0.plusSeconds(23));
    assertThat(sread((Tx t) -> t.totpResets().listForOperator(operator))).containsExactly(aUsed, bRevoked);
    assertThat(sread((Tx t) -> t.totpResets().listForSupportAction(action))).containsExactly(aUsed, c);
    assertThat(sread((Tx t) -> t.totpResets().findByHash(hash(TotpResets.generate(new SecureRandom()))))).isEmpty();
    assertThatThrownBy(() -> swrite(t -> t.totpResets().insert(a))).isInstanceOf(UniqueViolation.class);
  }

  // ---- recovery codes -------------------------------------------------------------------------------------

  @Test
  default void recoveryCodes_useOnceInvalidateByIdentityAndByAction_onlyValidOnesChange() {
    IdentityId identity = supportIdentity();
    IdentityId other = supportIdentity();
    SupportActionId oldSet = newAction();
    SupportActionId newSet = newAction();
    SecretHash used = hash(RecoveryCodes.generate(new SecureRandom()));
    SecretHash spare = hash(RecoveryCodes.generate(new SecureRandom()));
    SecretHash fresh = hash(RecoveryCodes.generate(new SecureRandom()));
    SecretHash others = hash(RecoveryCodes.generate(new SecureRandom()));
    swrite(t -> {
      t.recoveryCodes().insert(RecoveryCode.issued(used, identity, oldSet, S0));
      t.recoveryCodes().insert(RecoveryCode.issued(spare, identity, oldSet, S0));
      t.recoveryCodes().insert(RecoveryCode.issued(others, other, oldSet, S0));
    });

    assertThat(scall((Tx t) -> t.recoveryCodes().markUsed(used, S0.plusSeconds(1), "chg_first"))).isTrue();
    assertThat(scall((Tx t) -> t.recoveryCodes().markUsed(used, S0.plusSeconds(2), "chg_second"))).isFalse();
    assertThat(scall((Tx t) -> t.recoveryCodes().invalidateForIdentity(identity, S0.plusSeconds(3)))).isEqualTo(1);
    assertThat(scall((Tx t) -> t.recoveryCodes().markUsed(spare, S0.plusSeconds(4), "chg_third")))
        .as("invalidated: not usable").isFalse();
    swrite(t -> t.recoveryCodes().insert(RecoveryCode.issued(fresh, identity, newSet, S0.plusSeconds(5))));
    assertThat(scall((Tx t) -> t.recoveryCodes().invalidateForSupportAction(oldSet, S0.plusSeconds(6))))
        .as("only the other identity's code of the old set was still valid").isEqualTo(1);

    assertThat(sread((Tx t) -> t.recoveryCodes().listForIdentity(identity))).containsExactlyInAnyOrder(
        new RecoveryCode(used, identity, oldSet, S0, S0.plusSeconds(1), "chg_first", null),
        new RecoveryCode(spare, identity, oldSet, S0, null, null, S0.plusSeconds(3)),
        RecoveryCode.issued(fresh, identity, newSet, S0.plusSeconds(5)));
    assertThat(sread((Tx t) -> t.recoveryCodes().findByHash(others))).contains(
        new RecoveryCode(others, other, oldSet, S0, null, null, S0.plusSeconds(6)));
    assertThat(sread((Tx t) -> t.recoveryCodes().listForIdentity(identity)).get(2).hash()).isEqualTo(fresh);
    assertThatThrownBy(() -> swrite(t -> t.recoveryCodes().insert(RecoveryCode.issued(fresh, other, newSet, S0))))
        .isInstanceOf(UniqueViolation.class);
  }

  @Test
  default void supportWrites_inTransactionThatThrows_leaveNoTrace() {
    OperatorId operator = supportOperator();
    IdentityId identity = supportIdentity();
    SecretHash reset = hash(TotpResets.generate(new SecureRandom()));
    SecretHash code = hash(RecoveryCodes.generate(new SecureRandom()));

    assertThatThrownBy(() -> swrite(t -> {
      t.totpResets().insert(new TotpReset(reset, operator, newAction(), "op_agent", S0, S0.plusSeconds(60), null,
          null));
      t.recoveryCodes().insert(RecoveryCode.issued(code, identity, newAction(), S0));
      throw new IllegalStateException("boom");
    })).hasMessage("boom");

    assertThat(sread((Tx t) -> t.totpResets().findByHash(reset))).isEmpty();
    assertThat(sread((Tx t) -> t.recoveryCodes().findByHash(code))).isEmpty();
  }

  // ---- fixtures -------------------------------------------------------------------------------------------

  private static SupportActionId newAction() {
    return SupportActionId.generate(new SecureRandom());
  }

  private static SecretHash hash(Secret secret) {
    return SecretHash.of(secret);
  }

  private void supportTeams() {
    swrite(t -> {
      for (TeamId team : List.of(SUPPORT_TEAM, SUPPORT_BACKUP_TEAM)) {
        if (t.teams().findById(team).isEmpty()) {
          t.teams().insert(new Team(team, "Team " + team, S0));
        }
      }
    });
  }

  private IdentityId supportIdentity() {
    supportTeams();
    Identity identity = TestIdentities.workload().owner(SUPPORT_TEAM).backupTeam(SUPPORT_BACKUP_TEAM).toIdentity(S0);
    swrite(t -> t.identities().insert(identity));
    return identity.id();
  }

  private OperatorId supportOperator() {
    supportTeams();
    Operator op = TestOperators.operator().teams(SUPPORT_TEAM).build(S0);
    swrite(t -> t.operators().insert(op));
    return op.id();
  }

  private Webhook supportWebhook() {
    supportTeams();
    Webhook w = new Webhook(WebhookId.generate(new SecureRandom()), SUPPORT_TEAM,
        new WebhookUrl("https://support.example/hook"), new byte[] {1, 2, 3}, S0, "op_creator", null, null);
    swrite(t -> t.webhooks().insert(w));
    return w;
  }

  private void swrite(Consumer<Tx> work) {
    supportStore().inTransaction(t -> {
      work.accept(t);
      return null;
    });
  }

  private <T> T scall(Function<Tx, T> work) {
    return supportStore().inTransaction(work);
  }

  private <T> T sread(Function<Tx, T> work) {
    return supportStore().read(work);
  }
}
