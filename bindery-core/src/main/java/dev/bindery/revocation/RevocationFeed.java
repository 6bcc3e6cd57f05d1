package dev.bindery.revocation;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import dev.bindery.store.Transactor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The revocation feed read by resource servers that verify tokens locally (docs/api.md "Revocation feed"): pages of
 * events after a sequence number, with long polling. A reader waiting for events is woken at once when this node
 * commits an event ({@link #wake()}, called by the store after the commit) and otherwise re-reads the store every
 * {@link #POLL_INTERVAL}, which is how it learns of events committed by other nodes: propagation across nodes takes
 * at most that interval plus one query.
 *
 * <p>Events are retained for {@link #retention()} (the maximum token lifetime plus a margin, so no token an event
 * could affect is still valid when it is dropped) and pruned by {@link #prune()}.
 */
public final class RevocationFeed {
  /** How often a waiting reader re-reads the store for events committed by other nodes. */
  public static final Duration POLL_INTERVAL = Duration.ofMillis(200);
  /** The longest a reader may wait ({@code wait} query parameter). */
  public static final Duration MAX_WAIT = Duration.ofSeconds(30);
  /** At most this many events in one page. */
  public static final int PAGE_SIZE = 1000;
  /** Added to the maximum token lifetime: clock skew allowed to verifiers, and a feed poll that was delayed. */
  public static final Duration RETENTION_MARGIN = Duration.ofMinutes(5);
  /** Readers waiting at once on this node; more are answered at once, as with {@code wait=0}. */
  public static final int MAX_WAITERS = 256;

  private final Transactor store;
  private final Clock clock;
  private final Duration retention;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition appended = lock.newCondition();
  private long wakeups;
  private int waiters;
  private boolean closed;

  /** @param maxTokenLifetime the longest lifetime of an access token (the configured cap) */
  public RevocationFeed(Transactor store, Clock clock, Duration maxTokenLifetime) {
    this.store = Objects.requireNonNull(store);
    this.clock = Objects.requireNonNull(clock);
    this.retention = maxTokenLifetime.plus(RETENTION_MARGIN);
  }

  /** One answer of the feed. {@code nextSince} is the last event's seq, or the request's {@code since}. */
  public record Page(List<RevocationEvent> events, long nextSince, Duration retention) {
    public Page {
      events = List.copyOf(events);
    }
  }

  public Duration retention() {
    return retention;
  }

  /**
   * The events after {@code since}; with none, waits up to {@code wait} for one (an empty page on timeout).
   *
   * @throws RejectedException {@code invalid_query} for a negative {@code since} or a wait outside 0..30 s
   */
  public Page read(long since, Duration wait) {
    if (since < 0) {
      throw new RejectedException(ErrorCode.INVALID_QUERY, "since must be a sequence number, 0 or more", "since");
    }
    if (wait.isNegative() || wait.compareTo(MAX_WAIT) > 0) {
      throw new RejectedException(ErrorCode.INVALID_QUERY, "wait must be between 0 and " + MAX_WAIT.toSeconds() + " seconds", "wait");
    }
    long deadline = System.nanoTime() + wait.toNanos();
    boolean registered = false;
    try {
      while (true) {
        long seen = wakeupsNow();
        if (isClosed()) {
          return new Page(List.of(), since, retention);
        }
        List<RevocationEvent> events = store.read(t -> t.revocationEvents().since(since, PAGE_SIZE));
        long remaining = deadline - System.nanoTime();
        if (!events.isEmpty() || remaining <= 0) {
          return new Page(events, events.isEmpty() ? since : events.get(events.size() - 1).seq(), retention);
        }
        if (!registered) {
          registered = register();
          if (!registered) {
            return new Page(List.of(), since, retention);
          }
        }
        awaitWake(seen, Math.min(remaining, POLL_INTERVAL.toNanos()));
      }
    } finally {
      if (registered) {
        unregister();
      }
    }
  }

  /** Wakes every waiting reader of this node: an event was committed here. */
  public void wake() {
    lock.lock();
    try {
      wakeups++;
      appended.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops long polling when the node shuts down: waiting readers answer at once with an empty page (their
   * {@code since} unchanged, so they lose nothing) and no reader touches the store any more.
   */
  public void close() {
    lock.lock();
    try {
      closed = true;
      wakeups++;
      appended.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  /** Drops the events older than the retention; returns how many. */
  public int prune() {
    Instant cutoff = clock.instant().minus(retention);
    return store.inTransaction(t -> t.revocationEvents().deleteBefore(cutoff));
  }

  private long wakeupsNow() {
    lock.lock();
    try {
      return wakeups;
    } finally {
      lock.unlock();
    }
  }

  private boolean register() {
    lock.lock();
    try {
      if (waiters >= MAX_WAITERS) {
        return false;
      }
      waiters++;
      return true;
    } finally {
      lock.unlock();
    }
  }

  private void unregister() {
    lock.lock();
    try {
      waiters--;
    } finally {
      lock.unlock();
    }
  }

  /** Waits until a wake-up after {@code seen}, or {@code nanos}. */
  private void awaitWake(long seen, long nanos) {
    lock.lock();
    try {
      long left = nanos;
      while (wakeups == seen && left > 0) {
        left = appended.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for revocation events", e);
    } finally {
      lock.unlock();
    }
  }
}
