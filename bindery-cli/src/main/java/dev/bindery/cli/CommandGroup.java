package dev.bindery.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A command that only holds subcommands, such as {@code report credentials}: run on its own, it is a usage
 * error that names the missing subcommand. Top-level groups are {@link ClientGroup}s, which also carry the
 * {@link ClientContext}.
 */
public abstract class CommandGroup implements Callable<Integer> {
  @Spec protected CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean helpRequested;

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "missing subcommand: one of "
        + String.join(", ", spec.subcommands().keySet()));
  }
}
