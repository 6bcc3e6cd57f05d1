package dev.bindery.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.bindery.archfixture.CoreClassUsingJackson;
import dev.bindery.archfixture.CoreClassUsingJdbc;
import dev.bindery.archfixture.CoreClassUsingServer;
import dev.bindery.archfixture.NonServerClassUsingJavalin;
import dev.bindery.cli.archfixture.CliClassUsingJdbc;
import dev.bindery.cli.archfixture.CliClassUsingServer;
import dev.bindery.client.archfixture.ClientClassUsingCli;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Each rule, applied to a test class that breaks it, must fail: a rule that cannot fail (a typo in a
 * package pattern, say) would otherwise pass silently for ever.
 */
class ArchitectureRulesDetectViolationsTest {

  @Test
  void coreKnowsNoAdapters_coreClassUsingJackson_fails() {
    assertViolated(ArchitectureRules.CORE_KNOWS_NO_ADAPTERS, CoreClassUsingJackson.class, "com.fasterxml.jackson");
  }

  @Test
  void coreKnowsNoAdapters_coreClassUsingJdbc_fails() {
    assertViolated(ArchitectureRules.CORE_KNOWS_NO_ADAPTERS, CoreClassUsingJdbc.class, "java.sql.Connection");
  }

  @Test
  void coreKnowsNoAdapters_coreClassUsingServer_fails() {
    assertViolated(ArchitectureRules.CORE_KNOWS_NO_ADAPTERS, CoreClassUsingServer.class, "dev.bindery.server");
  }

  @Test
  void cliStaysOutOfServerAndDatabase_cliClassUsingJdbc_fails() {
    assertViolated(ArchitectureRules.CLI_STAYS_OUT_OF_SERVER_AND_DATABASE, CliClassUsingJdbc.class, "java.sql");
  }

  @Test
  void cliStaysOutOfServerAndDatabase_cliClassUsingServer_fails() {
    assertViolated(ArchitectureRules.CLI_STAYS_OUT_OF_SERVER_AND_DATABASE, CliClassUsingServer.class,
        "dev.bindery.server");
  }

  @Test
  void clientStaysOutOfServerAndCli_clientClassUsingCli_fails() {
    assertViolated(ArchitectureRules.CLIENT_STAYS_OUT_OF_SERVER_AND_CLI, ClientClassUsingCli.class,
        "dev.bindery.cli");
  }

  @Test
  void onlyServerUsesJavalinOrJetty_nonServerClassUsingJavalin_fails() {
    assertViolated(ArchitectureRules.ONLY_SERVER_USES_JAVALIN_OR_JETTY, NonServerClassUsingJavalin.class,
        "io.javalin");
  }

  private static void assertViolated(com.tngtech.archunit.lang.ArchRule rule, Class<?> offender, String named) {
    JavaClasses classes = new ClassFileImporter().importClasses(offender);
    assertThatThrownBy(() -> rule.check(classes))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(offender.getName())
        .hasMessageContaining(named);
  }

  @Test
  void packageCycles_aPackageJoiningACycle_theMergeOfTwoTangles_andAStaleKnownList_areReported() {
    Map<String, Set<String>> graph = new TreeMap<>(Map.of(
        "a", Set.of("b"), "b", Set.of("a", "c"), "c", Set.of("d"),
        "d", Set.of(), "x", Set.of("y"), "y", Set.of("x")));
    List<Set<String>> known = List.of(Set.of("a", "b"),
        Set.of("x", "y"));
    List<Set<String>> tangles = PackageCycles.tangles(graph);
    assertThat(tangles)
        .containsExactly(Set.of("a", "b"), Set.of("x", "y"));
    assertThat(PackageCycles.problems(tangles, known)).isEmpty();

    graph.put("d", Set.of("b")); // d -> b closes b -> c -> d -> b: c and d join a's tangle
    assertThat(PackageCycles.problems(PackageCycles.tangles(graph), known))
        .containsExactly("new package cycle among [a, b, c, d] (not in a known tangle: [c, d])");

    graph.put("d", Set.of());
    graph.put("y", Set.of("x", "a")); // and a -> x: the two tangles merge
    graph.put("a", Set.of("b", "x"));
    assertThat(PackageCycles.problems(PackageCycles.tangles(graph), known))
        .containsExactly("new package cycle among [a, b, x, y] (merges known tangles)");

    graph.put("y", Set.of()); // the x, y cycle is broken: the known list must shrink
    graph.put("a", Set.of("b"));
    assertThat(PackageCycles.problems(PackageCycles.tangles(graph), known))
        .containsExactly("known tangle [x, y] is now [], no longer in a cycle: [x, y]; record that");
  }

  @Test
  void packageCycles_aKnownTangleThatSplit_isReported() {
    Map<String, Set<String>> graph = Map.of("a", Set.of("b"), "b", Set.of("a", "c"), "c", Set.of("d"),
        "d", Set.of("c"));
    assertThat(PackageCycles.problems(PackageCycles.tangles(graph), List.of(Set.of("a", "b", "c", "d"))))
        .containsExactly("known tangle [a, b, c, d] is now [[a, b], [c, d]]; record that");
    assertThat(PackageCycles.problems(PackageCycles.tangles(graph), List.of(Set.of("a", "b"), Set.of("c", "d"))))
        .isEmpty();
  }
}
