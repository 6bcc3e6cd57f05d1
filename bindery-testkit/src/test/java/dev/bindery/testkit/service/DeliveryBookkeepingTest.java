package dev.bindery.testkit.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.identity.Identity;
import dev.bindery.notify.AttemptOutcome;
import dev.bindery.notify.Delivery;
import dev.bindery.notify.Notification;
import dev.bindery.notify.NotificationAttempt;
import dev.bindery.notify.NotificationService;
import dev.bindery.notify.NotificationSettings;
import dev.bindery.notify.NotificationState;
import dev.bindery.notify.RegisteredWebhook;
import dev.bindery.notify.RetrySchedule;
import dev.bindery.security.SecretSealer;
import dev.bindery.store.AuditedTransactor;
import dev.bindery.store.Tx;
import dev.bindery.testkit.FakeDisavowHandler;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the core records of deliveries: claims, leases, attempts, backoff and the final states (no HTTP here). */
class DeliveryBookkeepingTest {
  private static final Duration LEASE = Duration.ofSeconds(30);
  private final NotificationFixture f = new NotificationFixture();

  @Test
  void retrySchedule_defaultIsOneSecondDoublingCappedAtTenMinutesTwelveAttempts() {
    RetrySchedule r = RetrySchedule.DEFAULT;

    assertThat(r.maxAttempts()).isEqualTo(12);
    assertThat(List.of(1, 2, 3, 4, 10, 11, 12, 40).stream().map(r::delayAfter).toList()).containsExactly(
        Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8),
        Duration.ofSeconds(512), Duration.ofMinutes(10), Duration.ofMinutes(10), Duration.ofMinutes(10));
  }

  @Test
  void claimDue_opensTheRegisteredSecretAndTheDisavowTokenAndLeasesTheRow() {
    Identity identity = f.workload();
    RegisteredWebhook w = f.webhook(f.payments, "https://payments.example/");
    f.queue(identity, "rebinding.requested", true, "chg_1");

    List<Delivery> claimed = f.service.claimDue(f.now(), LEASE, 10);

    Delivery d = claimed.stream().filter(x -> x.notification().identityId() != null).findFirst().orElseThrow();
    assertThat(d.signingSecret().reveal()).isEqualTo(w.secret().reveal());
    assertThat(d.disavowToken().reveal()).matches("bnd_dis_[a-z2-7]{52}");
    assertThat(d.attempt()).isEqualTo(1);
    assertThat(d.url()).isEqualTo(w.webhook().url());
    assertThat(d.toString()).doesNotContain(w.secret().reveal()).doesNotContain(d.disavowToken().reveal());
    assertThat(f.service.claimDue(f.now().plus(LEASE).minusMillis(1), LEASE, 10)).as("leased").isEmpty();
  }

  @Test
  void recordAttempt_failuresBackOffExponentiallyThenSuccessDelivers_everyAttemptRecorded() {
    Identity identity = f.workload();
    f.webhook(f.payments, "https://payments.example/");
    f.b.store().inTransaction((Tx t) -> t.notifications().claimDue(f.now(), f.now().plusSeconds(1), 10)
        .stream().map(n -> t.notifications().finish(n.delivered(f.now(), 200))).toList());
    f.queue(identity, "rebinding.applied", false, "chg_1");

    Instant start = f.now();
    assertThat(attemptOnce(500, null)).isEqualTo(AttemptOutcome.RETRY);
    assertThat(only(identity).nextAttemptAt()).isEqualTo(start.plusSeconds(1));
    assertThat(f.service.claimDue(start.plusMillis(999), LEASE, 10)).as("not due before its backoff").isEmpty();
    f.b.clock().advance(Duration.ofSeconds(1));
    assertThat(attemptOnce(null, "HttpConnectTimeoutException")).isEqualTo(AttemptOutcome.RETRY);
    assertThat(only(identity).nextAttemptAt()).isEqualTo(start.plusSeconds(3));
    f.b.clock().advance(Duration.ofSeconds(2));
    assertThat(attemptOnce(204, null)).isEqualTo(AttemptOutcome.DELIVERED);

    Notification n = only(identity);
    assertThat(n.state()).isEqualTo(NotificationState.DELIVERED);
    assertThat(n.attempts()).isEqualTo(3);
    assertThat(n.lastStatus()).isEqualTo(204);
    assertThat(n.completedAt()).isEqualTo(start.plusSeconds(3));
    List<NotificationAttempt> attempts = f.b.store().read((Tx t) -> t.notifications().attempts(n.id()));
    assertThat(attempts).extracting(NotificationAttempt::number).containsExactly(1, 2, 3);
    assertThat(attempts).extracting(NotificationAttempt::statusCode).containsExactly(500, null, 204);
    assertThat(attempts).extracting(NotificationAttempt::error)
        .containsExactly("http_status", "HttpConnectTimeoutException", null);
    assertThat(attempts).extracting(NotificationAttempt::at)
        .containsExactly(start, start.plusSeconds(1), start.plusSeconds(3));
    assertThat(f.service.claimDue(f.now().plus(Duration.ofDays(1)), LEASE, 10)).as("delivered is final").isEmpty();
  }

  @Test
  void recordAttempt_lastAllowedAttemptFails_notificationFailedAndNeverClaimedAgain() {
    NotificationService three = f.b.notifications(NotificationSettings.DEFAULT
        .withRetries(RetrySchedule.DEFAULT.withMaxAttempts(3)));
    Identity identity = f.workload();
    f.webhook(f.payments, "https://payments.example/");
    f.b.store().inTransaction((Tx t) -> t.notifications().claimDue(f.now(), f.now().plusSeconds(1), 10)
        .stream().map(n -> t.notifications().finish(n.delivered(f.now(), 200))).toList());
    f.queue(identity, "rebinding.applied", false, "chg_1");

    List<AttemptOutcome> outcomes = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Delivery d = three.claimDue(f.now(), LEASE, 10).get(0);
      outcomes.add(three.recordAttempt(d, f.now(), 503, null, 5));
      f.b.clock().advance(Duration.ofMinutes(10));
    }

    assertThat(outcomes).containsExactly(AttemptOutcome.RETRY, AttemptOutcome.RETRY, AttemptOutcome.FAILED);
    Notification n = only(identity);
    assertThat(n.state()).isEqualTo(NotificationState.FAILED);
    assertThat(n.attempts()).isEqualTo(3);
    assertThat(n.lastError()).isEqualTo("http_status");
    assertThat(three.claimDue(f.now().plus(Duration.ofDays(1)), LEASE, 10)).isEmpty();
  }

  @Test
  void recordAttempt_afterTheLeaseWasLostToAnotherClaim_recordsTheAttemptButNotItsOutcome() {
    Identity identity = f.workload();
    f.webhook(f.payments, "https://payments.example/");
    f.b.store().inTransaction((Tx t) -> t.notifications().claimDue(f.now(), f.now().plusSeconds(1), 10)
        .stream().map(n -> t.notifications().finish(n.delivered(f.now(), 200))).toList());
    f.queue(identity, "rebinding.applied", false, "chg_1");
    Delivery slow = f.service.claimDue(f.now(), LEASE, 10).get(0);
    f.b.clock().advance(LEASE);
    Delivery second = f.service.claimDue(f.now(), LEASE, 10).get(0);

    f.service.recordAttempt(slow, f.now(), 200, null, 30_000);

    Notification n = only(identity);
    assertThat(n.state()).as("attempt 2 still owns the row").isEqualTo(NotificationState.PENDING);
    assertThat(n.attempts()).isEqualTo(2);
    f.service.recordAttempt(second, f.now(), 200, null, 10);
    assertThat(only(identity).state()).isEqualTo(NotificationState.DELIVERED);
    assertThat(f.b.store().read((Tx t) -> t.notifications().attempts(n.id()))).extracting(NotificationAttempt::number)
        .containsExactly(1, 2);
  }

  @Test
  void claimDue_secretSealedUnderAnotherMasterKey_failedAtOnceWithoutAnAttemptOnTheWire() {
    Identity identity = f.workload();
    f.webhook(f.payments, "https://payments.example/");
    f.queue(identity, "rebinding.applied", false, "chg_1");
    byte[] otherKey = new byte[32];
    new SecureRandom().nextBytes(otherKey);
    NotificationService otherNode = new NotificationService(new AuditedTransactor(f.b.store(), f.b.clock()),
        f.b.authorizer(), new SecretSealer(otherKey, new SecureRandom()), new SecureRandom(),
        NotificationSettings.DEFAULT, new FakeDisavowHandler());

    assertThat(otherNode.claimDue(f.now(), LEASE, 10)).isEmpty();

    Notification n = only(identity);
    assertThat(n.state()).isEqualTo(NotificationState.FAILED);
    assertThat(n.lastError()).isEqualTo("SealedValueUnreadable");
    assertThat(f.b.store().read((Tx t) -> t.notifications().attempts(n.id()))).extracting(NotificationAttempt::outcome)
        .containsExactly(AttemptOutcome.FAILED);
  }

  private AttemptOutcome attemptOnce(Integer status, String error) {
    List<Delivery> claimed = f.service.claimDue(f.now(), LEASE, 10);
    assertThat(claimed).hasSize(1);
    return f.service.recordAttempt(claimed.get(0), f.now(), status, error, 7);
  }

  private Notification only(Identity identity) {
    List<Notification> rows = f.ofIdentity(identity);
    assertThat(rows).hasSize(1);
    return rows.get(0);
  }
}
