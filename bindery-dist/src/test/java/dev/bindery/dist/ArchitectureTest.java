package dev.bindery.dist;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The architecture rules checked against the production classes of every module on this classpath. */
@AnalyzeClasses(packages = "dev.bindery", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  @ArchTest
  static final ArchRule coreKnowsNoAdapters = ArchitectureRules.CORE_KNOWS_NO_ADAPTERS;

  @ArchTest
  static final ArchRule cliStaysOutOfServerAndDatabase = ArchitectureRules.CLI_STAYS_OUT_OF_SERVER_AND_DATABASE;

  @ArchTest
  static final ArchRule clientStaysOutOfServerAndCli = ArchitectureRules.CLIENT_STAYS_OUT_OF_SERVER_AND_CLI;

  @ArchTest
  static final ArchRule onlyServerUsesJavalinOrJetty = ArchitectureRules.ONLY_SERVER_USES_JAVALIN_OR_JETTY;
}
