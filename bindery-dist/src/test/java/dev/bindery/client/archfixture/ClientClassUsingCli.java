package dev.bindery.client.archfixture;

import dev.bindery.cli.failure.ExitCodes;

/** Breaks the client rule on purpose: the SDK depending on the CLI. Used only by the rule tests. */
public final class ClientClassUsingCli {
  // a method call, not a constant: javac inlines constants, leaving no dependency in the class file
  int documentedExitCodes() {
    return ExitCodes.helpList().size();
  }
}
