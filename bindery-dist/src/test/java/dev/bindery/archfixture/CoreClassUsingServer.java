package dev.bindery.archfixture;

import dev.bindery.server.cli.DevCommand;

/** Breaks the core rule on purpose: a core package reaching into the server. Used only by the rule tests. */
public final class CoreClassUsingServer {
  Object devCommand() {
    return new DevCommand();
  }
}
