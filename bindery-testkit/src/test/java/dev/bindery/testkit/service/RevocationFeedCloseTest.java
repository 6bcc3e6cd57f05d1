package dev.bindery.testkit.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.revocation.RevocationFeed;
import dev.bindery.store.Transactor;
import dev.bindery.store.Tx;
import dev.bindery.testkit.memory.InMemoryStore;
import dev.bindery.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** A node that shuts down answers its long-polling feed readers at once and stops reading the store. */
class RevocationFeedCloseTest {
  private final InMemoryStore store = new InMemoryStore();
  private final AtomicInteger reads = new AtomicInteger();
  private final Transactor counting = new Transactor() {
    @Override
    public <T> T inTransaction(Function<Tx, T> work) {
      reads.incrementAndGet();
      return store.inTransaction(work);
    }

    @Override
    public boolean ping() {
      return true;
    }
  };
  private final RevocationFeed feed = new RevocationFeed(counting,
      new MutableClock(Instant.parse("2026-12-01T12:00:00Z")), Duration.ofMinutes(5));

  @Test
  void close_wakesAWaitingReader_withAnEmptyPageAtItsSince() throws Exception {
    CompletableFuture<RevocationFeed.Page> page =
        CompletableFuture.supplyAsync(() -> feed.read(7, RevocationFeed.MAX_WAIT));
    while (reads.get() == 0) {
      Thread.onSpinWait();
    }

    feed.close();

    RevocationFeed.Page p = page.get(10, TimeUnit.SECONDS);
    assertThat(p.events()).isEmpty();
    assertThat(p.nextSince()).isEqualTo(7);
  }

  @Test
  void close_thenRead_answersWithoutTouchingTheStore() {
    feed.close();

    RevocationFeed.Page p = feed.read(3, Duration.ofSeconds(30));

    assertThat(p.events()).isEmpty();
    assertThat(p.nextSince()).isEqualTo(3);
    assertThat(reads).hasValue(0);
  }
}
