package dev.bindery.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The rules that let a cache of store reads trust a stamp: {@link ChangeTracker}. */
class ChangeTrackerTest {
  private static final Duration SILENCE = Duration.ofSeconds(1);
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private ChangeTracker tracker;

  @BeforeEach
  void watched() {
    tracker = new ChangeTracker(SILENCE, nanos::get);
    tracker.observedHead(10, tracker.now());
  }

  @Test
  void stamp_quietStore_staysCurrent() {
    long stamp = tracker.stampBeforeRead();

    assertThat(stamp).isNotEqualTo(StoreChanges.NOT_CACHEABLE);
    assertThat(tracker.unchangedSince(stamp)).isTrue();
    tracker.observedHead(10, tracker.now()); // the other nodes wrote nothing
    assertThat(tracker.unchangedSince(stamp)).isTrue();
  }

  @Test
  void unchangedSince_localWriteStartedAfterStamp_staleBeforeTheWriteCommits() {
    long stamp = tracker.stampBeforeRead();

    tracker.writeStarted(); // the first write statement runs; the commit comes later

    assertThat(tracker.unchangedSince(stamp)).isFalse();
    tracker.writeEnded();
    assertThat(tracker.unchangedSince(stamp)).isFalse();
  }

  @Test
  void stampBeforeRead_whileALocalWriteIsInFlight_notCacheable() {
    tracker.writeStarted();

    assertThat(tracker.stampBeforeRead()).isEqualTo(StoreChanges.NOT_CACHEABLE);
    assertThat(tracker.unchangedSince(StoreChanges.NOT_CACHEABLE)).isFalse();

    tracker.writeEnded();
    long after = tracker.stampBeforeRead();
    assertThat(after).isNotEqualTo(StoreChanges.NOT_CACHEABLE);
    assertThat(tracker.unchangedSince(after)).isTrue();
  }

  @Test
  void stampBeforeRead_twoOverlappingWrites_notCacheableUntilBothEnd() {
    tracker.writeStarted();
    tracker.writeStarted();
    tracker.writeEnded();

    assertThat(tracker.stampBeforeRead()).isEqualTo(StoreChanges.NOT_CACHEABLE);
    tracker.writeEnded();
    assertThat(tracker.stampBeforeRead()).isNotEqualTo(StoreChanges.NOT_CACHEABLE);
  }

  @Test
  void unchangedSince_otherNodeMovedTheHead_stale() {
    long stamp = tracker.stampBeforeRead();

    tracker.observedHead(11, tracker.now());

    assertThat(tracker.unchangedSince(stamp)).isFalse();
    long fresh = tracker.stampBeforeRead();
    assertThat(tracker.unchangedSince(fresh)).isTrue();
  }

  @Test
  void stampBeforeRead_neverWatched_notCacheable() {
    ChangeTracker unwatched = new ChangeTracker(SILENCE, nanos::get);

    assertThat(unwatched.stampBeforeRead()).isEqualTo(StoreChanges.NOT_CACHEABLE);
    assertThat(unwatched.unchangedSince(0)).isFalse();
  }

  @Test
  void watcherSilentLongerThanMaxSilence_nothingCacheableAndStampsStale() {
    long stamp = tracker.stampBeforeRead();

    nanos.addAndGet(SILENCE.toNanos() + 1);

    assertThat(tracker.unchangedSince(stamp)).isFalse();
    assertThat(tracker.stampBeforeRead()).isEqualTo(StoreChanges.NOT_CACHEABLE);
    tracker.observedHead(10, tracker.now()); // the watcher is back and nothing changed
    assertThat(tracker.unchangedSince(stamp)).isTrue();
  }

  @Test
  void observedHead_silenceCountsFromWhenTheReadStarted() {
    long readStarted = tracker.now();
    nanos.addAndGet(SILENCE.toNanos()); // the read of the head took the whole allowance

    tracker.observedHead(10, readStarted);
    nanos.addAndGet(1);

    assertThat(tracker.stampBeforeRead()).isEqualTo(StoreChanges.NOT_CACHEABLE);
  }
}
