package dev.bindery.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.identity.Identity;
import dev.bindery.identity.TeamId;
import dev.bindery.oauth.UsedClientAssertion;
import dev.bindery.operator.Team;
import dev.bindery.testkit.TestIdentities;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A private_key_jwt assertion is accepted once across Bindery nodes: two nodes (two pools, one PostgreSQL schema)
 * race to record the same client's jti, and exactly one of them wins; a node that comes later sees the record.
 */
class ClientAssertionReplayAcrossNodesTest {
  private static final int THREADS = 8;
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

  @Test
  void use_sameJtiRacedOnTwoNodes_exactlyOneWins() throws Exception {
    JdbcSettings settings = TestDatabases.postgres();
    try (Database node1 = Database.open(settings); Database node2 = Database.open(settings)) {
      Identity client = TestIdentities.workload().owner(new TeamId("owners")).backupTeam(new TeamId("backup"))
          .toIdentity(NOW);
      node1.transactor().inTransaction(t -> {
        t.teams().insert(new Team(new TeamId("owners"), "Owners", NOW));
        t.teams().insert(new Team(new TeamId("backup"), "Backup", NOW));
        t.identities().insert(client);
        return null;
      });
      UsedClientAssertion used = new UsedClientAssertion(client.id(), UsedClientAssertion.jtiHash("raced"), NOW,
          NOW.plusSeconds(90));
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      try {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
          Database node = i % 2 == 0 ? node1 : node2;
          results.add(pool.submit(() -> {
            start.await();
            return node.transactor().inTransaction(t -> t.clientAssertions().use(used));
          }));
        }
        start.countDown();
        int wins = 0;
        for (Future<Boolean> r : results) {
          wins += r.get(60, TimeUnit.SECONDS) ? 1 : 0;
        }
        assertThat(wins).isEqualTo(1);
      } finally {
        pool.shutdownNow();
      }
      List<UsedClientAssertion> recorded = node2.transactor().read(t -> t.clientAssertions()
          .listForClient(client.id()));
      assertThat(recorded).containsExactly(used);
      boolean again = node1.transactor().inTransaction(t -> t.clientAssertions().use(used));
      assertThat(again).isFalse();
    }
  }
}
