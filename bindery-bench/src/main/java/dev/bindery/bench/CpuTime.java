package dev.bindery.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * CPU time of this process and of its threads, for the figures "CPU per operation" of the load drivers: one
 * snapshot before a measured phase and one after, then the difference, in total and by thread group.
 */
final class CpuTime {
  private CpuTime() {}

  /**
   * The CPU time of this whole process and of each of its live Java threads at one moment, and the JIT compilers'
   * total compilation time (ms, -1 if the JVM does not tell).
   */
  record Snapshot(long processNanos, Map<Long, ThreadCpu> threads, long jitMillis) {
    static Snapshot now() {
      Map<Long, ThreadCpu> threads = threadCpu();
      java.lang.management.CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
      long jitMillis = jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
      return new Snapshot(CpuTime.processNanos(), threads, jitMillis);
    }

    /** Milliseconds the JIT compilers worked since {@code before} (-1 if unknown). */
    long jitMillisSince(Snapshot before) {
      return jitMillis < 0 || before.jitMillis < 0 ? -1 : jitMillis - before.jitMillis;
    }

    /** Process CPU since {@code before}. */
    long processSince(Snapshot before) {
      return processNanos - before.processNanos;
    }

    /**
     * The CPU since {@code before} by thread name with digits folded ({@code qtp#-#} or
     * {@code JettyServerThreadPool-#} are Jetty's request threads, {@code bench-worker-#} client threads), largest
     * first; the process CPU not seen on a listed thread (JIT compiler, GC and other threads the JVM does not list) is
     * "other (JIT, GC, unlisted)".
     */
    Map<String, Long> byGroupSince(Snapshot before) {
      Map<String, Long> groups = new HashMap<>();
      long listed = 0;
      for (Map.Entry<Long, ThreadCpu> e : threads.entrySet()) {
        ThreadCpu was = before.threads.get(e.getKey());
        long delta = e.getValue().nanos() - (was == null ? 0 : was.nanos());
        groups.merge(e.getValue().name().replaceAll("-acceptor-.*", "-acceptor").replaceAll("\\d+", "#"), delta,
            Long::sum);
        listed += delta;
      }
      groups.put("other (JIT, GC, unlisted)", Math.max(0, processSince(before) - listed));
      return groups.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
          .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
    }

    /**
     * {@link #byGroupSince} in ms per operation with {@code decimals} decimals, groups under one unit of the last
     * decimal left out: "name 0.12, name 0.03".
     */
    String perOpByGroupSince(Snapshot before, long ops, int decimals) {
      double perOp = Math.max(1, ops) * 1e6;
      double least = Math.pow(10, -decimals);
      return byGroupSince(before).entrySet().stream().filter(e -> e.getValue() / perOp >= least)
          .map(e -> String.format(Locale.ROOT, "%s %." + decimals + "f", e.getKey(), e.getValue() / perOp))
          .collect(Collectors.joining(", "));
    }
  }

  record ThreadCpu(String name, long nanos) {}

  /** CPU time of every live Java thread of this process. */
  static Map<Long, ThreadCpu> threadCpu() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Map<Long, ThreadCpu> out = new HashMap<>();
    for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (info != null) {
        long nanos = mx.getThreadCpuTime(info.getThreadId());
        if (nanos >= 0) {
          out.put(info.getThreadId(), new ThreadCpu(info.getThreadName(), nanos));
        }
      }
    }
    return out;
  }

  /** CPU time of this whole process (every thread). */
  static long processNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
