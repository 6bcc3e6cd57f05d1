package dev.bindery.store;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The {@link StoreChanges} of one node, told of its own writes by the store adapter and of other nodes' writes by a
 * watcher that re-reads a store-wide change counter (the audit chain head: every state change appends an audit event
 * in its own transaction, on every node).
 *
 * <ul>
 *   <li>Local writes: {@link #writeStarted()} before the first write statement of a transaction (so before its
 *       commit) and {@link #writeEnded()} after the transaction ended, committed or not. A stamp taken before a
 *       write started is stale from that moment on; while any write is in flight no stamp is handed out at all,
 *       because a read made then could see the state from before a commit that is about to happen.
 *   <li>Other nodes: {@link #observedHead} with the counter each time the watcher reads it. A value other than the
 *       last one makes every stamp stale. A change on another node is therefore noticed at the watcher's next read:
 *       within its interval plus one query.
 *   <li>Watcher liveness: if no head was observed within {@code maxSilence} (the watcher stopped, or the store does
 *       not answer), nothing is cacheable and no stamp is current, so a node that cannot see other nodes' changes
 *       reads everything from the store.
 * </ul>
 *
 * Stamps are compared for equality only; a stamp is the count of writes started (and heads that changed) when it
 * was taken.
 */
public final class ChangeTracker implements StoreChanges {
  private final AtomicLong started = new AtomicLong();
  private final AtomicLong ended = new AtomicLong();
  private final LongSupplier nanoTime;
  private final long maxSilenceNanos;
  private volatile long lastHead = Long.MIN_VALUE;
  /** {@link #nanoTime} at the last observation, valid only once {@link #observed} is true. */
  private volatile long lastObservedNanos;
  private volatile boolean observed;

  /**
   * @param maxSilence how long stamps stay usable after the watcher's last successful read of the head
   * @param nanoTime a monotonic clock ({@code System::nanoTime} in production)
   */
  public ChangeTracker(Duration maxSilence, LongSupplier nanoTime) {
    if (maxSilence.isNegative() || maxSilence.isZero()) {
      throw new IllegalArgumentException("maxSilence must be positive");
    }
    this.maxSilenceNanos = maxSilence.toNanos();
    this.nanoTime = Objects.requireNonNull(nanoTime);
  }

  /** A transaction of this node is about to write (call before the statement runs, so before the commit). */
  public void writeStarted() {
    started.incrementAndGet();
  }

  /** A transaction that called {@link #writeStarted()} ended (after its commit or rollback). */
  public void writeEnded() {
    ended.incrementAndGet();
  }

  /** The monotonic time to pass to {@link #observedHead}: take it before the query that reads the head. */
  public long now() {
    return nanoTime.getAsLong();
  }

  /**
   * The store-wide change counter as the watcher read it with a query that started at {@code readStartedNanos}
   * ({@link #now()}). A value different from the previous one invalidates every stamp. The first observation also
   * invalidates: what was read before the watcher started was never checked against other nodes.
   */
  public void observedHead(long head, long readStartedNanos) {
    if (head != lastHead) {
      started.incrementAndGet();
      ended.incrementAndGet();
      lastHead = head;
    }
    if (!observed || readStartedNanos - lastObservedNanos > 0) {
      lastObservedNanos = readStartedNanos;
    }
    observed = true;
  }

  private boolean watched() {
    return observed && nanoTime.getAsLong() - lastObservedNanos <= maxSilenceNanos;
  }

  @Override
  public long stampBeforeRead() {
    // ended first: if both are equal, no write was in flight when ended was read and none started since
    long e = ended.get();
    long s = started.get();
    return s == e && watched() ? s : NOT_CACHEABLE;
  }

  @Override
  public boolean unchangedSince(long stamp) {
    return stamp != NOT_CACHEABLE && started.get() == stamp && watched();
  }
}
