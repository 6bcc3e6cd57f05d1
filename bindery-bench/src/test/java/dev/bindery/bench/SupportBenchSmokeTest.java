package dev.bindery.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The support desk driver runs a few credential resets end to end on H2 over HTTPS: every privileged one is pending
 * after the agent's request and applied by the supervisor's approval, every level-1 one applied at create; each
 * revokes exactly the target's certificate and issues an enrolment code (the driver throws otherwise), every
 * action's notifications are in the outbox for both owner teams, and the loopback receiver gets every enrolment code.
 */
class SupportBenchSmokeTest {
  @Test
  void runsAFewResetsOnH2_withAndWithoutApproval_reportsRatesLatenciesAndCpu() throws Exception {
    SupportBench bench = new SupportBench(Map.of("threads", "1,2", "jit-warmup", "2", "warmup", "2", "actions",
        "2", "direct", "2"));

    bench.run("h2");

    List<String[]> rows = bench.rows();
    assertThat(rows).extracting(r -> r[0].replaceAll(" \\(.*", "") + "|" + r[3]).containsExactly(
        "level-2 credential_reset completed|1",
        "whole action p50 / p99|1",
        "request step|1",
        "approval step|1",
        "JVM CPU per action with approval|1",
        "level-1 credential_reset applied at create|1",
        "level-1 action p50 / p99|1",
        "JVM CPU per action without approval|1",
        "level-2 credential_reset completed|2",
        "whole action p50 / p99|2",
        "request step|2",
        "approval step|2",
        "JVM CPU per action with approval|2",
        "level-1 credential_reset applied at create|2",
        "level-1 action p50 / p99|2",
        "JVM CPU per action without approval|2");
    assertThat(Double.parseDouble(rows.get(0)[1])).isPositive();
    assertThat(Double.parseDouble(rows.get(4)[1])).isPositive();
    assertThat(bench.notes()).filteredOn(n -> n.startsWith("with approval, 1 thread(s): 2 actions"))
        .singleElement().asString()
        .contains("8 notifications queued per action")
        .contains("all 16 enrolment codes so far delivered");
    assertThat(bench.notes()).filteredOn(n -> n.startsWith("without approval, 2 thread(s): 2 actions"))
        .singleElement().asString()
        .contains("4 notifications queued per action")
        .contains("all 40 enrolment codes so far delivered");
  }
}
