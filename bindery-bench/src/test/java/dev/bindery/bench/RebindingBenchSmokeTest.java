package dev.bindery.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The re-binding driver runs a few level-2 recovers end to end on H2: every one is approved by both roles, applied,
 * replaces exactly the old certificate (the driver throws otherwise), and the SDK refuses the old certificate's
 * token after the apply (the driver throws if it still accepts it after 30 s).
 */
class RebindingBenchSmokeTest {
  @Test
  void runsAFewRebindingsOnH2_reportsRatesLatenciesAndPropagation() throws Exception {
    RebindingBench bench = new RebindingBench(Map.of("threads", "1,2", "warmup", "2", "rebindings", "2",
        "propagation", "2"));

    bench.run("h2");

    List<String[]> rows = bench.rows();
    assertThat(rows).extracting(r -> r[0] + "|" + r[3]).containsExactly(
        "level-2 recover applied (create + owner and security officer approvals + apply)|1",
        "whole re-binding p50 / p99|1",
        "apply step p50 / p99|1",
        "level-2 recover applied (create + owner and security officer approvals + apply)|2",
        "whole re-binding p50 / p99|2",
        "apply step p50 / p99|2",
        "apply returned → SDK refuses the old certificate's token, p50 / p99 / max|1");
    assertThat(Double.parseDouble(rows.get(0)[1].replace(",", ""))).isPositive();
    String[] propagation = rows.get(6)[1].split(" / ");
    assertThat(propagation).hasSize(3);
    assertThat(Double.parseDouble(propagation[2])).isGreaterThan(0).isLessThan(30_000);
  }
}
