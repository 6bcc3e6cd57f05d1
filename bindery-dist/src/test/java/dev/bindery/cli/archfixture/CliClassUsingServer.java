package dev.bindery.cli.archfixture;

import dev.bindery.server.cli.ServerCommand;

/** Breaks the CLI rule on purpose: the CLI reaching into the server. Used only by the rule tests. */
public final class CliClassUsingServer {
  Object serverCommand() {
    return new ServerCommand();
  }
}
