package dev.bindery.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StampedCacheTest {
  private final AtomicLong nanos = new AtomicLong();
  private ChangeTracker changes;
  private StampedCache<String, String> cache;

  @BeforeEach
  void setUp() {
    changes = new ChangeTracker(Duration.ofSeconds(1), nanos::get);
    changes.observedHead(1, changes.now());
    cache = new StampedCache<>(changes, 3);
  }

  @Test
  void get_storeUnchanged_returnsWhatWasPut() {
    long stamp = cache.stamp();
    cache.put("a", "value of a", stamp);

    assertThat(cache.get("a")).isEqualTo("value of a");
    assertThat(cache.get("b")).isNull();
  }

  @Test
  void get_afterAWriteStarted_nullAndEntryDropped() {
    cache.put("a", "old", cache.stamp());

    changes.writeStarted();

    assertThat(cache.get("a")).isNull();
    assertThat(cache.size()).isZero();
    changes.writeEnded();
    assertThat(cache.get("a")).isNull();
  }

  @Test
  void put_readStartedBeforeAWrite_notKept() {
    long stamp = cache.stamp();
    String readBeforeTheWrite = "old";
    changes.writeStarted();
    changes.writeEnded();

    cache.put("a", readBeforeTheWrite, stamp);

    assertThat(cache.get("a")).isNull();
    assertThat(cache.size()).isZero();
  }

  @Test
  void put_notCacheableStamp_notKept() {
    changes.writeStarted();
    long stamp = cache.stamp();
    changes.writeEnded();

    cache.put("a", "read during a write", stamp);

    assertThat(stamp).isEqualTo(StoreChanges.NOT_CACHEABLE);
    assertThat(cache.size()).isZero();
  }

  @Test
  void put_full_neverHoldsMoreThanMax() {
    for (int i = 0; i < 10; i++) {
      cache.put("k" + i, "v" + i, cache.stamp());
      assertThat(cache.size()).isLessThanOrEqualTo(3);
    }
    assertThat(cache.get("k9")).isEqualTo("v9");
  }

  @Test
  void noneChanges_nothingIsEverCached() {
    StampedCache<String, String> none = new StampedCache<>(StoreChanges.NONE, 3);

    none.put("a", "value", none.stamp());

    assertThat(none.get("a")).isNull();
    assertThat(none.size()).isZero();
  }
}
