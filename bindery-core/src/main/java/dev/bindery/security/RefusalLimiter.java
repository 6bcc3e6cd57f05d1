package dev.bindery.security;

import dev.bindery.common.RateLimitedException;
import dev.bindery.common.RejectedException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Counts refused attempts per source (a remote address) in fixed windows, so that an unauthenticated endpoint
 * cannot be used to fill the audit log: a source that has used up {@code maxRefusals} in the current window is
 * refused without any further work until the window ends.
 *
 * <p>An attempt takes a slot before it runs ({@link #acquire}); the caller gives it back with
 * {@link Permit#release} unless the attempt was refused. Taking the slot first makes the limit exact under
 * concurrency: at most {@code maxRefusals} attempts of one source can be refused per window, however many run
 * in parallel. The window of a source starts at its first attempt and lasts {@code window}; time comes from the
 * injected clock.
 *
 * <p>At most {@code maxSources} sources are tracked: when more are seen, expired windows are dropped first, then
 * the least recently seen sources (which only lets those start a new window early). State is per process: a
 * cluster of {@code n} nodes allows up to {@code n} times the limit.
 */
public final class RefusalLimiter {
  private final Clock clock;
  private final int maxRefusals;
  private final Duration window;
  private final int maxSources;
  private final LinkedHashMap<String, Window> windows = new LinkedHashMap<>(16, 0.75f, true);

  public RefusalLimiter(Clock clock, int maxRefusals, Duration window, int maxSources) {
    this.clock = Objects.requireNonNull(clock);
    if (maxRefusals < 1 || maxSources < 1 || window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("limits must be positive");
    }
    this.maxRefusals = maxRefusals;
    this.window = window;
    this.maxSources = maxSources;
  }

  /** The answer to {@link #acquire}: a permit to try, or how long the source must wait. */
  public sealed interface Decision permits Permit, Blocked {}

  /**
   * The source is over its limit until {@code retryAfter} has passed. {@code firstInWindow} is true for the
   * first blocked attempt of the window only: the caller records that one, and none after it.
   */
  public record Blocked(Duration retryAfter, boolean firstInWindow) implements Decision {}

  /** A slot of the source's window, held while an attempt runs. */
  public final class Permit implements Decision {
    private final String source;
    private final Window heldIn;
    private boolean released;

    private Permit(String source, Window heldIn) {
      this.source = source;
      this.heldIn = heldIn;
    }

    /** The attempt was not refused: its slot is given back. Idempotent. */
    public void release() {
      synchronized (RefusalLimiter.this) {
        if (!released) {
          released = true;
          if (windows.get(source) == heldIn) {
            heldIn.used--;
          }
        }
      }
    }
  }

  private static final class Window {
    final Instant start;
    int used;
    boolean blockedRecorded;

    Window(Instant start) {
      this.start = start;
    }
  }

  /** Takes a slot for one attempt of {@code source}, or says how long it is blocked. */
  public synchronized Decision acquire(String source) {
    Objects.requireNonNull(source);
    Instant now = clock.instant();
    Window w = windows.get(source);
    if (w == null || !now.isBefore(w.start.plus(window)) || now.isBefore(w.start)) {
      w = new Window(now);
      windows.put(source, w);
      evict(now);
    }
    if (w.used >= maxRefusals) {
      boolean first = !w.blockedRecorded;
      w.blockedRecorded = true;
      return new Blocked(Duration.between(now, w.start.plus(window)), first);
    }
    w.used++;
    return new Permit(source, w);
  }

  /**
   * Runs one attempt of {@code source} under the limit: a blocked source gets a {@link RateLimitedException} with
   * {@code limitedMessage} and the time until its window ends, before {@code attempt} runs ({@code firstBlocked} is
   * told of the first such refusal of a window only, to record it); otherwise the attempt runs, and its slot is given
   * back unless it threw a rejection that {@code counts}.
   */
  public <T> T attempt(String source, String limitedMessage, Predicate<RejectedException> counts,
      Consumer<RateLimitedException> firstBlocked, Supplier<T> attempt) {
    Decision decision = acquire(source);
    if (decision instanceof Blocked blocked) {
      RateLimitedException limited = new RateLimitedException(limitedMessage, blocked.retryAfter());
      if (blocked.firstInWindow()) {
        firstBlocked.accept(limited);
      }
      throw limited;
    }
    Permit permit = (Permit) decision;
    boolean refused = false;
    try {
      return attempt.get();
    } catch (RejectedException e) {
      refused = counts.test(e);
      throw e;
    } finally {
      if (!refused) {
        permit.release();
      }
    }
  }

  /** How many sources are tracked now (for tests and metrics). */
  public synchronized int trackedSources() {
    return windows.size();
  }

  private void evict(Instant now) {
    if (windows.size() <= maxSources) {
      return;
    }
    windows.values().removeIf(w -> !now.isBefore(w.start.plus(window)));
    Iterator<Map.Entry<String, Window>> eldest = windows.entrySet().iterator();
    while (windows.size() > maxSources && eldest.hasNext()) {
      eldest.next();
      eldest.remove();
    }
  }
}
