package dev.bindery.token;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What this node's token signatures cost in CPU time: every signature is counted, and the signing thread's CPU time
 * is read around one signature in {@link #SAMPLE_EVERY} (two thread-CPU-clock reads, about a microsecond, so the
 * meter costs well under 1% of a signature). Read in-process only ({@link KeyRing#signingCost()}, used by the token
 * benchmark to compare a signature inside the loaded server with the raw signing rate). Deliberately not exported
 * on the public {@code /metrics}: the CPU time of identifiable signatures is a timing side channel on the signing
 * key's nonces. Thread-safe; CPU time, not wall time, so no clock.
 */
public final class SigningCost {
  /** One signature in this many is timed; a power of two. */
  static final int SAMPLE_EVERY = 8;

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final boolean supported = threads.isCurrentThreadCpuTimeSupported();
  private final AtomicLong signatures = new AtomicLong();
  private final LongAdder samples = new LongAdder();
  private final LongAdder sampledNanos = new LongAdder();

  /** What the meter has counted so far. */
  public record Totals(long signatures, long samples, long sampledCpuNanos) {
    /** The mean CPU time of a sampled signature in nanoseconds, 0 before the first sample. */
    public double meanCpuNanos() {
      return samples == 0 ? 0 : (double) sampledCpuNanos / samples;
    }

    /** The counts since {@code earlier}. */
    public Totals since(Totals earlier) {
      return new Totals(signatures - earlier.signatures, samples - earlier.samples,
          sampledCpuNanos - earlier.sampledCpuNanos);
    }
  }

  /** Counts one signature about to start; true when this one is to be timed (then call {@link #timed(long)}). */
  boolean starting() {
    return (signatures.incrementAndGet() & (SAMPLE_EVERY - 1)) == 0 && supported;
  }

  /** The current thread's CPU time in nanoseconds. */
  long threadCpuNanos() {
    return threads.getCurrentThreadCpuTime();
  }

  /** Records a timed signature that started at thread CPU time {@code startNanos}. */
  void timed(long startNanos) {
    long end = threads.getCurrentThreadCpuTime();
    long spent = end - startNanos;
    // -1 from either read means CPU timing was switched off meanwhile: no sample
    if (startNanos >= 0 && end >= 0 && spent >= 0) {
      sampledNanos.add(spent);
      samples.increment();
    }
  }

  public Totals totals() {
    return new Totals(signatures.get(), samples.sum(), sampledNanos.sum());
  }
}
