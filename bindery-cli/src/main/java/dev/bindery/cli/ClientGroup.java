package dev.bindery.cli;

import java.util.Objects;

/**
 * A top-level command group such as {@code identity} or {@code audit}: it holds the {@link ClientContext}
 * for its subcommands and, run on its own, is a usage error that names the missing subcommand.
 */
public abstract class ClientGroup extends CommandGroup {
  private final ClientContext context;

  protected ClientGroup(ClientContext context) {
    this.context = Objects.requireNonNull(context);
  }

  public ClientContext context() {
    return context;
  }
}
