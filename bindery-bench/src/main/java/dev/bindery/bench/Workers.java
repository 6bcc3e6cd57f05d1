package dev.bindery.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;

/**
 * The closed-loop worker threads every throughput figure of the load drivers uses: {@code threads} workers each
 * call their operation back to back until a deadline or a count, and every call's wall time goes into a
 * histogram. Also the number formats of the reports.
 */
final class Workers {
  private static final java.lang.management.ThreadMXBean THREADS =
      java.lang.management.ManagementFactory.getThreadMXBean();

  private Workers() {}

  /** One operation; a thrown exception counts as a failure and the worker goes on. */
  interface Op {
    void run();
  }

  /**
   * Operations done, wall time over all threads, failures, the merged latency histogram, and the CPU time the
   * worker threads themselves used (their own thread CPU time, not that of threads they handed work to).
   */
  record Result(long ops, long elapsedNanos, long failures, Histogram latency, long workerCpuNanos) {
    double perSecond() {
      return ops / (elapsedNanos / 1e9);
    }

    String p50() {
      return ms(latency.getValueAtPercentile(50));
    }

    String p99() {
      return ms(latency.getValueAtPercentile(99));
    }
  }

  /** A histogram of nanoseconds up to one hour, 3 significant digits. */
  static Histogram histogram() {
    return new Histogram(3_600_000_000_000L, 3);
  }

  /**
   * Runs {@code threads} workers for {@code seconds} or until {@code maxOps} operations in all, whichever comes
   * first. {@code opFactory} gets the worker's index and returns its operation.
   */
  static Result run(int threads, int seconds, long maxOps, IntFunction<Op> opFactory) {
    CountDownLatch start = new CountDownLatch(1);
    AtomicLong ops = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    AtomicLong workerCpu = new AtomicLong();
    AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    List<Histogram> histograms = new ArrayList<>();
    List<Thread> workers = new ArrayList<>();
    long[] deadline = new long[1];
    for (int t = 0; t < threads; t++) {
      Op op = opFactory.apply(t);
      Histogram h = histogram();
      histograms.add(h);
      Thread w = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        long n = 0;
        while (n < maxOps / threads) {
          long t0 = System.nanoTime();
          if (t0 - deadline[0] >= 0) {
            break;
          }
          try {
            op.run();
          } catch (RuntimeException e) {
            failures.incrementAndGet();
            firstFailure.compareAndSet(null, e);
          }
          h.recordValue(System.nanoTime() - t0);
          n++;
        }
        ops.addAndGet(n);
        workerCpu.addAndGet(THREADS.getCurrentThreadCpuTime() - cpu0);
      }, "bench-worker-" + t);
      workers.add(w);
      w.start();
    }
    long begin = System.nanoTime();
    deadline[0] = begin + Duration.ofSeconds(seconds).toNanos();
    start.countDown();
    for (Thread w : workers) {
      try {
        w.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
    long elapsed = System.nanoTime() - begin;
    if (firstFailure.get() != null) {
      System.err.println("first failure: " + firstFailure.get());
    }
    Histogram all = histogram();
    histograms.forEach(all::add);
    return new Result(ops.get(), elapsed, failures.get(), all, workerCpu.get());
  }

  /**
   * The {@code --key=value} arguments from {@code args[from]} on; anything else prints {@code usage} and exits with
   * status 2.
   */
  static Map<String, String> options(String[] args, int from, String usage) {
    Map<String, String> options = new HashMap<>();
    for (int i = from; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--") || !a.contains("=")) {
        System.err.println("unknown argument: " + a + "\n" + usage);
        System.exit(2);
      }
      options.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
    }
    return options;
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, "%,.0f", v);
  }

  static String ms(long nanos) {
    double m = nanos / 1e6;
    return String.format(Locale.ROOT, m < 10 ? "%.3f" : "%.1f", m);
  }

  static void log(String s) {
    System.err.println("[bench " + java.time.LocalTime.now().withNano(0) + "] " + s);
  }

  /** Prints the Markdown report of a load driver: the figures, the machine and the notes. */
  static void report(String title, List<String[]> rows, List<String> notes) {
    StringBuilder out = new StringBuilder("\n## " + title + "\n\n");
    out.append("| figure | value | unit | client threads |\n|---|---:|---|---:|\n");
    for (String[] r : rows) {
      out.append("| ").append(String.join(" | ", r)).append(" |\n");
    }
    out.append("\nMachine:\n");
    RegistryBench.MachineFacts.lines().forEach(l -> out.append("- ").append(l).append('\n'));
    out.append("- load average at the end: ").append(RegistryBench.MachineFacts.loadAverage()).append('\n');
    out.append("\nNotes:\n");
    notes.forEach(n -> out.append("- ").append(n).append('\n'));
    System.out.println(out);
  }
}
