package dev.bindery.dist;

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
}
