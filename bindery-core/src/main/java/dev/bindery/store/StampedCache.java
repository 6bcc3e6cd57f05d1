package dev.bindery.store;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A bounded cache of values read from the store, each kept with the {@link StoreChanges} stamp taken before it was
 * read and returned only while the store is unchanged since that stamp. Use:
 *
 * <pre>{@code
 * V v = cache.get(key);
 * if (v == null) {
 *   long stamp = cache.stamp();   // before the read
 *   v = readFromStore(key);
 *   cache.put(key, v, stamp);     // ignored if the stamp was not cacheable
 * }
 * }</pre>
 *
 * Only what a fresh read would return may be put: callers cache successful reads, never refusals. When full, the
 * cache is emptied (entries are cheap to read again); it never holds more than {@code maxEntries}.
 */
public final class StampedCache<K, V> {
  private record Entry<V>(V value, long stamp) {}

  private final StoreChanges changes;
  private final int maxEntries;
  private final ConcurrentHashMap<K, Entry<V>> entries = new ConcurrentHashMap<>();

  public StampedCache(StoreChanges changes, int maxEntries) {
    this.changes = Objects.requireNonNull(changes);
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be positive");
    }
    this.maxEntries = maxEntries;
  }

  /** The cached value of {@code key} if the store is unchanged since it was read, else null. */
  public V get(K key) {
    Entry<V> e = entries.get(key);
    if (e == null) {
      return null;
    }
    if (!changes.unchangedSince(e.stamp())) {
      entries.remove(key, e);
      return null;
    }
    return e.value();
  }

  /** The stamp to take before reading a value that will be {@link #put}. */
  public long stamp() {
    return changes.stampBeforeRead();
  }

  /** Keeps {@code value}, read after {@code stamp} was taken; does nothing if the stamp is not cacheable. */
  public void put(K key, V value, long stamp) {
    Objects.requireNonNull(value);
    if (stamp == StoreChanges.NOT_CACHEABLE || !changes.unchangedSince(stamp)) {
      return;
    }
    if (entries.size() >= maxEntries && !entries.containsKey(key)) {
      entries.clear();
    }
    entries.put(key, new Entry<>(value, stamp));
  }

  /** Entries held now, stale ones included (for tests). */
  int size() {
    return entries.size();
  }
}
