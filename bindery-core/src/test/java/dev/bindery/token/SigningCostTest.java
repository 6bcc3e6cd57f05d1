package dev.bindery.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class SigningCostTest {

  @Test
  void everySignatureIsCounted_oneInEightIsTimed_withTheThreadsCpuTime() {
    SigningCost cost = new SigningCost();
    boolean supported = ManagementFactory.getThreadMXBean().isCurrentThreadCpuTimeSupported();
    int timed = 0;
    for (int i = 0; i < 3 * SigningCost.SAMPLE_EVERY; i++) {
      if (cost.starting()) {
        timed++;
        long start = cost.threadCpuNanos();
        burnCpu();
        cost.timed(start);
      }
    }
    SigningCost.Totals totals = cost.totals();
    assertThat(totals.signatures()).isEqualTo(3L * SigningCost.SAMPLE_EVERY);
    assertThat(timed).isEqualTo(supported ? 3 : 0);
    assertThat(totals.samples()).isEqualTo(timed);
    if (supported) {
      assertThat(totals.sampledCpuNanos()).as("CPU time of the timed work").isPositive();
      assertThat(totals.meanCpuNanos()).isEqualTo(totals.sampledCpuNanos() / 3.0);
    }
  }

  @Test
  void since_subtractsAnEarlierReading_andTheMeanOfNoSampleIsZero() {
    SigningCost.Totals later = new SigningCost.Totals(20, 3, 900);
    SigningCost.Totals earlier = new SigningCost.Totals(4, 1, 300);
    assertThat(later.since(earlier)).isEqualTo(new SigningCost.Totals(16, 2, 600));
    assertThat(later.since(earlier).meanCpuNanos()).isEqualTo(300.0);
    assertThat(new SigningCost.Totals(5, 0, 0).meanCpuNanos()).isZero();
  }

  @Test
  void aReadingOfMinusOne_timingSwitchedOff_isNoSample() {
    SigningCost cost = new SigningCost();
    cost.timed(-1);
    assertThat(cost.totals().samples()).isZero();
    assertThat(cost.totals().sampledCpuNanos()).isZero();
  }

  private static long sink;

  private static void burnCpu() {
    long x = 1;
    for (int i = 0; i < 2_000_000; i++) {
      x = x * 6364136223846793005L + 1442695040888963407L;
    }
    sink += x;
  }
}
