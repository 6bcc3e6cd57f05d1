package dev.bindery.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bindery.common.Secret;
import dev.bindery.credential.SecretHash;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.TeamId;
import dev.bindery.notify.AttemptOutcome;
import dev.bindery.notify.DisavowToken;
import dev.bindery.notify.Notification;
import dev.bindery.notify.NotificationAttempt;
import dev.bindery.notify.NotificationId;
import dev.bindery.notify.NotificationQuery;
import dev.bindery.notify.NotificationState;
import dev.bindery.notify.Webhook;
import dev.bindery.notify.WebhookId;
import dev.bindery.notify.WebhookUrl;
import dev.bindery.operator.Team;
import dev.bindery.store.Transactor;
import dev.bindery.store.Tx;
import dev.bindery.store.UniqueViolation;
import dev.bindery.testkit.TestIdentities;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The storage contract of the notification ports ({@link dev.bindery.notify.WebhookRepository},
 * {@link dev.bindery.notify.NotificationRepository}, {@link dev.bindery.notify.DisavowTokenRepository}) as JUnit
 * test-interface methods. The {@link RepositoryConformanceSuite} implements it; a test class may implement it alone
 * (it only needs {@link #notificationStore()}, fresh per test). Instants have millisecond precision.
 *
 * <p>What needs two open transactions at once (a claim skipping rows another claim holds) is not here: a store that
 * serializes its transactions cannot show it. The JDBC adapters test it themselves.
 */
public interface NotificationRepositoryConformance {
  Instant N0 = Instant.parse("2026-12-02T09:00:00.789Z");
  TeamId NOTIFY_TEAM = new TeamId("notify-owners");
  TeamId NOTIFY_BACKUP_TEAM = new TeamId("notify-backup");
  TeamId NOTIFY_OTHER_TEAM = new TeamId("notify-other");

  /** The store under test: fresh for each test (it may hold what a suite's own setup wrote). */
  Transactor notificationStore();

  // ---- webhooks -----------------------------------------------------------------------------------------------

  @Test
  default void webhooks_insertAndFind_roundTripEveryFieldAndListByTeamOldestFirst() {
    notifyTeams();
    Webhook second = webhook(NOTIFY_TEAM, N0.plusSeconds(5), "https://hooks.example.com/b?x=%C3%BC&y=1");
    Webhook first = webhook(NOTIFY_TEAM, N0, "http://127.0.0.1:8080/hook");
    Webhook other = webhook(NOTIFY_OTHER_TEAM, N0, "https://other.example/");
    nwrite(t -> {
      t.webhooks().insert(second);
      t.webhooks().insert(first);
      t.webhooks().insert(other);
    });

    Webhook read = nread((Tx t) -> t.webhooks().findById(first.id())).orElseThrow();
    assertThat(read.sameAs(first)).as("every field, the sealed secret included").isTrue();
    assertThat(nread((Tx t) -> t.webhooks().listForTeam(NOTIFY_TEAM, false))).extracting(Webhook::id)
        .containsExactly(first.id(), second.id());
    assertThat(nread((Tx t) -> t.webhooks().findById(WebhookId.generate(new SecureRandom())))).isEmpty();
  }

  @Test
  default void webhooks_sameIdTwice_uniqueViolationAndNothingWritten() {
    notifyTeams();
    Webhook w = webhook(NOTIFY_TEAM, N0, "https://a.example/");
    nwrite(t -> t.webhooks().insert(w));
    Webhook clash = new Webhook(w.id(), NOTIFY_OTHER_TEAM, new WebhookUrl("https://b.example/"), new byte[] {1},
        N0, "op_x", null, null);

    assertThatThrownBy(() -> nwrite(t -> t.webhooks().insert(clash))).isInstanceOf(UniqueViolation.class);

    assertThat(nread((Tx t) -> t.webhooks().listForTeam(NOTIFY_OTHER_TEAM, true))).isEmpty();
  }

  @Test
  default void webhooks_markRemoved_onceThenFalseAndOnlyActiveOnesListed() {
    notifyTeams();
    Webhook keep = webhook(NOTIFY_TEAM, N0, "https://keep.example/");
    Webhook drop = webhook(NOTIFY_TEAM, N0.plusSeconds(1), "https://drop.example/");
    Webhook backup = webhook(NOTIFY_BACKUP_TEAM, N0, "https://backup.example/");
    Webhook other = webhook(NOTIFY_OTHER_TEAM, N0, "https://other.example/");
    nwrite(t -> List.of(keep, drop, backup, other).forEach(t.webhooks()::insert));
    Instant at = N0.plusSeconds(60);

    assertThat(ncall((Tx t) -> t.webhooks().markRemoved(drop.id(), at, "op_remover"))).isTrue();
    assertThat(ncall((Tx t) -> t.webhooks().markRemoved(drop.id(), at.plusSeconds(1), "op_late"))).isFalse();

    Webhook removed = nread((Tx t) -> t.webhooks().findById(drop.id())).orElseThrow();
    assertThat(removed.sameAs(drop.removed(at, "op_remover"))).isTrue();
    assertThat(nread((Tx t) -> t.webhooks().listForTeam(NOTIFY_TEAM, false))).extracting(Webhook::id)
        .containsExactly(keep.id());
    assertThat(nread((Tx t) -> t.webhooks().listForTeam(NOTIFY_TEAM, true))).extracting(Webhook::id)
        .containsExactly(keep.id(), drop.id());
    assertThat(nread((Tx t) -> t.webhooks().activeForTeams(List.of(NOTIFY_TEAM, NOTIFY_BACKUP_TEAM))))
        .extracting(Webhook::id).containsExactlyInAnyOrder(keep.id(), backup.id());
  }

  // ---- notifications --------------------------------------------------------------------------------------

  @Test
  default void notifications_insertAndFind_roundTripEveryField() {
    IdentityId identity = notifyIdentity();
    Webhook w = storedWebhook(NOTIFY_TEAM);
    Map<String, String> details = new LinkedHashMap<>();
    details.put("reason", "quote \" backslash \\ newline \n unicode \u00fc \uD83D\uDE00");
    details.put("credential_id", "cred_x");
    Notification n = Notification.queued(NotificationId.generate(new SecureRandom()), NOTIFY_TEAM, w.id(),
        identity, "rebinding.requested", details, "chg_abc", new byte[] {9, 8, 7, 0, -1}, N0.plusSeconds(3600), N0);
    Notification teamEvent = Notification.queued(NotificationId.generate(new SecureRandom()), NOTIFY_TEAM, w.id(),
        null, "webhook.added", Map.of(), null, null, null, N0);
    nwrite(t -> {
      t.notifications().insert(n);
      t.notifications().insert(teamEvent);
    });

    assertThat(nread((Tx t) -> t.notifications().findById(n.id())).orElseThrow().sameAs(n)).isTrue();
    assertThat(nread((Tx t) -> t.notifications().findById(teamEvent.id())).orElseThrow().sameAs(teamEvent)).isTrue();
    assertThatThrownBy(() -> nwrite(t -> t.notifications().insert(n))).isInstanceOf(UniqueViolation.class);
  }

  @Test
  default void notifications_claimDue_takesOnlyDuePendingRowsEarliestFirstAndLeasesThem() {
    IdentityId identity = notifyIdentity();
    Webhook w = storedWebhook(NOTIFY_TEAM);
    Notification a = pending(w, identity, N0);
    Notification b = pending(w, identity, N0.plusSeconds(1));
    Notification c = pending(w, identity, N0.plusSeconds(2));
    Notification future = pending(w, identity, N0.plusSeconds(60));
    Notification done = pending(w, identity, N0).claimed(N0.plusSeconds(30)).delivered(N0.plusSeconds(1), 204);
    nwrite(t -> List.of(c, future, a, done, b).forEach(t.notifications()::insert));
    Instant now = N0.plusSeconds(10);
    Instant lease = now.plusSeconds(30);

    List<Notification> first = ncall((Tx t) -> t.notifications().claimDue(now, lease, 2));
    List<Notification> second = ncall((Tx t) -> t.notifications().claimDue(now, lease, 10));
    List<Notification> whileLeased = ncall((Tx t) -> t.notifications().claimDue(lease.minusMillis(1), lease, 10));

    assertThat(first).extracting(Notification::id).containsExactly(a.id(), b.id());
    assertThat(first.get(0).sameAs(a.claimed(lease))).as("returned as stored: attempt 1, leased").isTrue();
    assertThat(second).extracting(Notification::id).containsExactly(c.id());
    assertThat(whileLeased).as("a leased row is not due to anyone").isEmpty();
    assertThat(nread((Tx t) -> t.notifications().findById(a.id())).orElseThrow().sameAs(a.claimed(lease))).isTrue();
    List<Notification> afterLease = ncall((Tx t) -> t.notifications().claimDue(lease, lease.plusSeconds(30), 10));
    assertThat(afterLease).extracting(Notification::id).containsExactlyInAnyOrder(a.id(), b.id(), c.id());
    assertThat(afterLease).extracting(Notification::attempts).containsOnly(2);
  }

  @Test
  default void notifications_claimRolledBack_leavesTheRowsDueAndUnclaimed() {
    IdentityId identity = notifyIdentity();
    Webhook w = storedWebhook(NOTIFY_TEAM);
    Notification a = pending(w, identity, N0);
    nwrite(t -> t.notifications().insert(a));

    assertThatThrownBy(() -> nwrite(t -> {
      assertThat(t.notifications().claimDue(N0, N0.plusSeconds(30), 10)).hasSize(1);
      throw new IllegalStateException("abort");
    })).hasMessage("abort");

    assertThat(nread((Tx t) -> t.notifications().findById(a.id())).orElseThrow().sameAs(a)).isTrue();
  }

  @Test
  default void notifications_finish_appliesOnlyToTheClaimedAttemptOfAPendingRow() {
    IdentityId identity = notifyIdentity();
    Webhook w = storedWebhook(NOTIFY_TEAM);
    Notification a = pending(w, identity, N0);
    nwrite(t -> t.notifications().insert(a));
    Notification claimed1 = ncall((Tx t) -> t.notifications().claimDue(N0, N0.plusSeconds(30), 1)).get(0);
    // the lease runs out and another dispatcher claims attempt 2
    Notification claimed2 = ncall((Tx t) -> t.notifications().claimDue(N0.plusSeconds(30), N0.plusSeconds(60), 1))
        .get(0);

    boolean late = ncall((Tx t) -> t.notifications().finish(claimed1.delivered(N0.plusSeconds(31), 200)));
    Notification retry = claimed2.retryAt(N0.plusSeconds(32), N0.plusSeconds(34), 503, "http_status");
    boolean current = ncall((Tx t) -> t.notifications().finish(retry));

    assertThat(late).as("attempt 1's outcome after attempt 2 was claimed").isFalse();
    assertThat(current).isTrue();
    Notification stored = nread((Tx t) -> t.notifications().findById(a.id())).orElseThrow();
    assertThat(stored.sameAs(retry)).isTrue();
    assertThat(stored.state()).isEqualTo(NotificationState.PENDING);
    assertThat(stored.nextAttemptAt()).isEqualTo(N0.plusSeconds(34));
    assertThat(stored.lastStatus()).isEqualTo(503);
    Notification delivered = ncall((Tx t) -> t.notifications().claimDue(N0.plusSeconds(34), N0.plusSeconds(64), 1))
        .get(0).delivered(N0.plusSeconds(35), 204);
    assertThat(ncall((Tx t) -> t.notifications().finish(delivered))).isTrue();
    assertThat(ncall((Tx t) -> t.notifications().finish(delivered))).as("a completed row is final").isFalse();
    assertThat(nread((Tx t) -> t.notifications().findById(a.id())).orElseThrow().sameAs(delivered)).isTrue();
  }

  @Test
  default void notifications_cancelPending_cancelsOnlyThePendingRowsOfThatWebhook() {
    IdentityId identity = notifyIdentity();
    Webhook w = storedWebhook(NOTIFY_TEAM);
    Webhook other = storedWebhook(NOTIFY_BACKUP_TEAM);
    Notification p1 = pending(w, identity, N0);
    Notification p2 = pending(w, identity, N0.plusSeconds(1));
    Notification done = pending(w, identity, N0).claimed(N0.plusSeconds(30)).failed(N0.plusSeconds(2), 500, "x");
    Notification elsewhere = pending(other, identity, N0);
    nwrite(t -> List.of(p1, p2, done, elsewhere).forEach(t.notifications()::insert));
    Instant at = N0.plusSeconds(5);

    int cancelled = ncall((Tx t) -> t.notifications().cancelPending(w.id(), at));

    assertThat(cancelled).isEqualTo(2);
    assertThat(nread((Tx t) -> t.notifications().findById(p1.id())).orElseThrow().sameAs(p1.cancelled(at))).isTrue();
    assertThat(nread((Tx t) -> t.notifications().findById(p2.id())).orElseThrow().state())
        .isEqualTo(NotificationState.CANCELLED);
    assertThat(nread((Tx t) -> t.notifications().findById(done.id())).orElseThrow().sameAs(done)).isTrue();
    assertThat(nread((Tx t) -> t.notifications().findById(elsewhere.id())).orElseThrow().sameAs(elsewhere)).isTrue();
  }

  @Test
  default void notificationAttempts_insertAndListByNumber_sameNumberTwiceIsAUniqueViolation() {
    IdentityId identity = notifyIdentity();
    Webhook w = storedWebhook(NOTIFY_TEAM);
    Notification a = pending(w, identity, N0);
    Notification b = pending(w, identity, N0);
    nwrite(t -> {
      t.notifications().insert(a);
      t.notifications().insert(b);
    });
    NotificationAttempt second = new NotificationAttempt(a.id(), 2, N0.plusSeconds(2), null,
        "HttpConnectTimeoutException", AttemptOutcome.RETRY, 10_000);
    NotificationAttempt first = new NotificationAttempt(a.id(), 1, N0, 500, "http_status", AttemptOutcome.RETRY, 12);
    NotificationAttempt third = new NotificationAttempt(a.id(), 3, N0.plusSeconds(6), 204, null,
        AttemptOutcome.DELIVERED, 3);
    nwrite(t -> List.of(second, third, first).forEach(t.notifications()::insertAttempt));

    assertThat(nread((Tx t) -> t.notifications().attempts(a.id()))).containsExactly(first, second, third);
    assertThat(nread((Tx t) -> t.notifications().attempts(b.id()))).isEmpty();
    assertThatThrownBy(() -> nwrite(t -> t.notifications().insertAttempt(new NotificationAttempt(a.id(), 1,
        N0.plusSeconds(9), 200, null, AttemptOutcome.DELIVERED, 1)))).isInstanceOf(UniqueViolation.class);
    assertThat(nread((Tx t) -> t.notifications().attempts(a.id()))).containsExactly(first, second, third);
  }

  @Test
  default void notifications_list_byIdentityOrTeamNewestFirstAndPagedByPosition() {
    IdentityId identity = notifyIdentity();
    IdentityId another = notifyIdentity();
    Webhook w = storedWebhook(NOTIFY_TEAM);
    Webhook backup = storedWebhook(NOTIFY_BACKUP_TEAM);
    List<Notification> mine = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      mine.add(pending(w, identity, N0.plusSeconds(i / 2)));
    }
    Notification backupsCopy = pending(backup, identity, N0.plusSeconds(9));
    Notification teamEvent = Notification.queued(NotificationId.generate(new SecureRandom()), NOTIFY_TEAM, w.id(),
        null, "webhook.added", Map.of(), null, null, null, N0.plusSeconds(1));
    Notification notMine = pending(w, another, N0.plusSeconds(3));
    nwrite(t -> {
      mine.forEach(t.notifications()::insert);
      t.notifications().insert(backupsCopy);
      t.notifications().insert(teamEvent);
      t.notifications().insert(notMine);
    });
    List<Notification> expected = new ArrayList<>(mine);
    expected.add(backupsCopy);
    expected.sort(java.util.Comparator.comparing(Notification::createdAt)
        .thenComparing(n -> n.id().value()).reversed());

    List<NotificationId> paged = new ArrayList<>();
    NotificationQuery q = NotificationQuery.forIdentity(identity, 2);
    while (true) {
      NotificationQuery page = q;
      List<Notification> items = nread((Tx t) -> t.notifications().list(page));
      items.forEach(n -> paged.add(n.id()));
      if (items.size() < 2) {
        break;
      }
      q = q.after(NotificationQuery.Position.of(items.get(items.size() - 1)));
    }

    assertThat(paged).containsExactlyElementsOf(expected.stream().map(Notification::id).toList());
    assertThat(nread((Tx t) -> t.notifications().list(NotificationQuery.forTeam(NOTIFY_TEAM, 100))))
        .extracting(Notification::id).contains(teamEvent.id(), notMine.id()).doesNotContain(backupsCopy.id())
        .hasSize(7);
  }

  // ---- disavow tokens -------------------------------------------------------------------------------------

  @Test
  default void disavowTokens_insertFindAndMarkUsedOnce() {
    IdentityId identity = notifyIdentity();
    SecretHash hash = SecretHash.of(DisavowToken.generate(new SecureRandom()));
    DisavowToken token = new DisavowToken(hash, identity, "chg_one", N0, N0.plus(Duration.ofHours(72)), null);
    DisavowToken older = new DisavowToken(SecretHash.of(Secret.of("another")), identity, "chg_zero",
        N0.minusSeconds(1), N0.plusSeconds(60), null);
    nwrite(t -> {
      t.disavowTokens().insert(token);
      t.disavowTokens().insert(older);
    });

    assertThat(nread((Tx t) -> t.disavowTokens().findByHash(hash))).contains(token);
    assertThat(ncall((Tx t) -> t.disavowTokens().markUsed(hash, N0.plusSeconds(5)))).isTrue();
    assertThat(ncall((Tx t) -> t.disavowTokens().markUsed(hash, N0.plusSeconds(6)))).isFalse();
    assertThat(nread((Tx t) -> t.disavowTokens().findByHash(hash)).orElseThrow().usedAt())
        .isEqualTo(N0.plusSeconds(5));
    assertThat(ncall((Tx t) -> t.disavowTokens().markUsed(SecretHash.of(Secret.of("unknown")), N0))).isFalse();
    assertThat(nread((Tx t) -> t.disavowTokens().listForIdentity(identity))).extracting(DisavowToken::changeRequestId)
        .containsExactly("chg_zero", "chg_one");
    assertThatThrownBy(() -> nwrite(t -> t.disavowTokens().insert(token))).isInstanceOf(UniqueViolation.class);
  }

  // ---- fixtures -------------------------------------------------------------------------------------------

  private void notifyTeams() {
    nwrite(t -> {
      for (TeamId team : List.of(NOTIFY_TEAM, NOTIFY_BACKUP_TEAM, NOTIFY_OTHER_TEAM)) {
        if (t.teams().findById(team).isEmpty()) {
          t.teams().insert(new Team(team, "Team " + team, N0));
        }
      }
    });
  }

  private IdentityId notifyIdentity() {
    notifyTeams();
    Identity identity = TestIdentities.workload().owner(NOTIFY_TEAM).backupTeam(NOTIFY_BACKUP_TEAM).toIdentity(N0);
    nwrite(t -> t.identities().insert(identity));
    return identity.id();
  }

  private static Webhook webhook(TeamId team, Instant at, String url) {
    byte[] sealed = new byte[45];
    new SecureRandom().nextBytes(sealed);
    return new Webhook(WebhookId.generate(new SecureRandom()), team, new WebhookUrl(url), sealed, at, "op_creator",
        null, null);
  }

  private Webhook storedWebhook(TeamId team) {
    notifyTeams();
    Webhook w = webhook(team, N0, "https://" + team + ".example/hook");
    nwrite(t -> t.webhooks().insert(w));
    return w;
  }

  private static Notification pending(Webhook w, IdentityId identity, Instant at) {
    return Notification.queued(NotificationId.generate(new SecureRandom()), w.team(), w.id(), identity,
        "rebinding.applied", Map.of("credential_id", "cred_x"), "chg_abc", null, null, at);
  }

  private void nwrite(Consumer<Tx> work) {
    notificationStore().inTransaction(t -> {
      work.accept(t);
      return null;
    });
  }

  private <T> T ncall(Function<Tx, T> work) {
    return notificationStore().inTransaction(work);
  }

  private <T> T nread(Function<Tx, T> work) {
    return notificationStore().read(work);
  }
}
