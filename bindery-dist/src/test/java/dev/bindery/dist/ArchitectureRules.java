package dev.bindery.dist;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.lang.ArchRule;

/**
 * The directions between Bindery's parts. The domain core ("core" = every package under dev.bindery that is
 * not an edge: server, cli, client, testkit, dist, bench) knows nothing of HTTP, JSON binding or SQL; the
 * CLI and the client never reach into the server. Maven's enforcer keeps the module dependencies in line;
 * these rules also catch a stray import that a transitive dependency would have allowed.
 */
final class ArchitectureRules {
  private static final String[] EDGE_PACKAGES = {
      "dev.bindery.server..", "dev.bindery.cli..", "dev.bindery.client..", "dev.bindery.testkit..",
      "dev.bindery.dist..", "dev.bindery.bench.."};

  static final ArchRule CORE_KNOWS_NO_ADAPTERS = noClasses()
      .that().resideInAPackage("dev.bindery..").and().resideOutsideOfPackages(EDGE_PACKAGES)
      .should().dependOnClassesThat().resideInAnyPackage(
          "dev.bindery.server..", "dev.bindery.cli..", "dev.bindery.client..",
          "io.javalin..", "org.eclipse.jetty..", "com.fasterxml.jackson..", "tools.jackson..",
          "org.jdbi..", "java.sql..", "javax.sql..")
      .as("the domain core depends on no server, CLI or client code and on no HTTP, JSON-binding or SQL API");

  static final ArchRule CLI_STAYS_OUT_OF_SERVER_AND_DATABASE = noClasses()
      .that().resideInAPackage("dev.bindery.cli..")
      .should().dependOnClassesThat().resideInAnyPackage(
          "dev.bindery.server..", "java.sql..", "javax.sql..", "org.jdbi..")
      .as("the CLI talks to the server only over HTTP and never touches a database");

  /** bindery-client has no classes yet; allowEmptyShould keeps the rule in force for when it does. */
  static final ArchRule CLIENT_STAYS_OUT_OF_SERVER_AND_CLI = noClasses()
      .that().resideInAPackage("dev.bindery.client..")
      .should().dependOnClassesThat().resideInAnyPackage("dev.bindery.server..", "dev.bindery.cli..")
      .allowEmptyShould(true)
      .as("the client SDK depends on neither the server nor the CLI");

  static final ArchRule ONLY_SERVER_USES_JAVALIN_OR_JETTY = noClasses()
      .that().resideInAPackage("dev.bindery..").and().resideOutsideOfPackage("dev.bindery.server..")
      .should().dependOnClassesThat().resideInAnyPackage("io.javalin..", "org.eclipse.jetty..")
      .as("only the server uses Javalin or Jetty");

  private ArchitectureRules() {}
}
