package dev.bindery.server.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityKind;
import dev.bindery.identity.TeamId;
import dev.bindery.notify.Notification;
import dev.bindery.notify.NotificationQuery;
import dev.bindery.notify.NotificationService;
import dev.bindery.notify.NotificationSettings;
import dev.bindery.notify.NotificationState;
import dev.bindery.server.store.Database;
import dev.bindery.server.store.TestDatabases;
import dev.bindery.store.Tx;
import dev.bindery.testkit.MutableClock;
import dev.bindery.testkit.TestBindery;
import dev.bindery.testkit.TestIdentities;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Two Bindery nodes' dispatchers on one database deliver every notification exactly once (no repeat, nothing left
 * behind), and a claim that another open transaction holds is skipped rather than waited for. Without the
 * {@code FOR UPDATE SKIP LOCKED} claim and its lease, both nodes would post the same due rows.
 */
class TwoDispatchersOneDatabaseTest {
  private static final int NOTIFICATIONS = 60;

  static Stream<String> stores() {
    return Stream.of("h2", "postgres");
  }

  private static Database open(String kind) {
    return Database.open(kind.equals("h2") ? TestDatabases.h2() : TestDatabases.postgres());
  }

  @ParameterizedTest
  @MethodSource("stores")
  void twoDispatchersRacing_everyNotificationPostedExactlyOnce(String kind) throws Exception {
    try (Database db = open(kind); WebhookReceiver receiver = new WebhookReceiver()) {
      MutableClock clock = MutableClock.standard();
      TestBindery b = new TestBindery(db.transactor(), clock);
      NotificationSettings settings = NotificationSettings.DEFAULT.withAllowLoopbackHttp(true);
      NotificationService nodeA = b.notifications(settings);
      NotificationService nodeB = b.notifications(settings);
      TeamId team = b.team("payments");
      TeamId backup = b.team("platform");
      Identity identity = b.identities().create(b.system(), TestIdentities.of(IdentityKind.WORKLOAD).owner(team)
          .backupTeam(backup).build()).identity();
      nodeA.registerWebhook(b.system(), team, receiver.url("/hook"));
      db.transactor().inTransaction((Tx t) -> {
        for (int i = 0; i < NOTIFICATIONS; i++) {
          nodeA.queue(t, identity.id(), "rebinding.applied", Map.of("n", Integer.toString(i)), clock.instant(), false,
              "chg_" + i);
        }
        return null;
      });
      Function<NotificationService, WebhookDispatcher> dispatcher = n -> new WebhookDispatcher(n, clock,
          Duration.ofSeconds(5), () -> URI.create("https://bindery.example"), new NotificationMetrics(
              new SimpleMeterRegistry()));
      List<WebhookDispatcher> dispatchers = List.of(dispatcher.apply(nodeA), dispatcher.apply(nodeB));
      ExecutorService pool = Executors.newFixedThreadPool(2);
      CountDownLatch go = new CountDownLatch(1);
      try {
        List<Future<Integer>> runs = new ArrayList<>();
        for (WebhookDispatcher d : dispatchers) {
          runs.add(pool.submit(() -> {
            go.await();
            int attempts = 0;
            int n;
            while ((n = d.runOnce()) > 0) {
              attempts += n;
            }
            return attempts;
          }));
        }
        go.countDown();
        int total = 0;
        for (Future<Integer> r : runs) {
          total += r.get(120, TimeUnit.SECONDS);
        }
        // one more round each, in case a node stopped while the other still held rows
        for (WebhookDispatcher d : dispatchers) {
          total += d.runOnce();
        }

        List<String> deliveries = receiver.received().stream().map(r -> r.header("Bindery-Delivery")).toList();
        Map<String, Long> perDelivery = deliveries.stream().collect(Collectors.groupingBy(x -> x,
            Collectors.counting()));
        assertThat(perDelivery.values()).as("no notification posted twice").containsOnly(1L);
        // the webhook.added notice plus the queued ones
        assertThat(deliveries).hasSize(NOTIFICATIONS + 1);
        assertThat(total).isEqualTo(NOTIFICATIONS + 1);
        List<Notification> stored = db.transactor().read((Tx t) -> t.notifications()
            .list(NotificationQuery.forTeam(team, 500)));
        assertThat(stored).extracting(Notification::state).containsOnly(NotificationState.DELIVERED);
        assertThat(stored).extracting(Notification::attempts).containsOnly(1);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @ParameterizedTest
  @MethodSource("stores")
  void claimWhileAnotherTransactionHoldsRows_skipsThemWithoutWaitingAndNeverReturnsThem(String kind)
      throws Exception {
    try (Database db = open(kind)) {
      MutableClock clock = MutableClock.standard();
      TestBindery b = new TestBindery(db.transactor(), clock);
      TeamId team = b.team("payments");
      TeamId backup = b.team("platform");
      Identity identity = b.identities().create(b.system(), TestIdentities.of(IdentityKind.WORKLOAD).owner(team)
          .backupTeam(backup).build()).identity();
      b.notifications().registerWebhook(b.system(), team, "https://127.0.0.1:9/hook");
      db.transactor().inTransaction((Tx t) -> {
        for (int i = 0; i < 3; i++) {
          b.notifications().queue(t, identity.id(), "rebinding.applied", Map.of(), clock.instant().plusMillis(i),
              false, "chg_" + i);
        }
        return null;
      });
      Instant now = clock.instant().plusSeconds(1);
      Instant lease = now.plusSeconds(60);
      CountDownLatch holding = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(1);
      try {
        Future<List<String>> first = pool.submit(() -> db.transactor().inTransaction((Tx t) -> {
          List<String> ids = t.notifications().claimDue(now, lease, 2).stream().map(n -> n.id().value()).toList();
          holding.countDown();
          try {
            release.await(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return ids;
        }));
        assertThat(holding.await(30, TimeUnit.SECONDS)).isTrue();

        long started = System.nanoTime();
        List<String> second = db.transactor().inTransaction((Tx t) -> t.notifications().claimDue(now, lease, 10)
            .stream().map(n -> n.id().value()).toList());
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        release.countDown();
        List<String> firstIds = first.get(30, TimeUnit.SECONDS);

        assertThat(firstIds).hasSize(2);
        assertThat(second).as("rows held by the first claim are skipped").doesNotContainAnyElementsOf(firstIds);
        assertThat(waitedMillis).as("the second claim does not wait for the first one's locks").isLessThan(5_000);
        if (kind.equals("postgres")) {
          // PostgreSQL skips locked rows before applying LIMIT; H2 applies LIMIT first and may find none
          assertThat(second).hasSize(2);
        }
        List<String> third = db.transactor().inTransaction((Tx t) -> t.notifications().claimDue(now, lease, 10)
            .stream().map(n -> n.id().value()).toList());
        Set<String> all = new HashSet<>(firstIds);
        all.addAll(second);
        assertThat(third).doesNotContainAnyElementsOf(all);
        all.addAll(third);
        assertThat(all).hasSize(4); // the three queued and the webhook.added notice
      } finally {
        release.countDown();
        pool.shutdownNow();
      }
    }
  }
}
