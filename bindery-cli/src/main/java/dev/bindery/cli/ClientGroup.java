package dev.bindery.cli;

import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A command group such as {@code identity} or {@code audit}: it holds the {@link ClientContext} for its
 * subcommands and, run on its own, is a usage error that names the missing subcommand.
 */
public abstract class ClientGroup implements Callable<Integer> {
  private final ClientContext context;

  @Spec CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean helpRequested;

  protected ClientGroup(ClientContext context) {
    this.context = Objects.requireNonNull(context);
  }

  public ClientContext context() {
    return context;
  }

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "missing subcommand: one of "
        + String.join(", ", spec.subcommands().keySet()));
  }
}
