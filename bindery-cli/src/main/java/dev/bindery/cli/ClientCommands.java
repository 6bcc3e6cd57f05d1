package dev.bindery.cli;

import dev.bindery.cli.audit.AuditCommands;
import dev.bindery.cli.identity.IdentityCommands;
import dev.bindery.cli.operator.OperatorCommands;
import dev.bindery.cli.team.TeamCommands;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The client commands of {@code bindery} ({@code identity}, {@code operator}, {@code team}, {@code audit}),
 * which talk to a Bindery server over its HTTP API, and the settings every top-level command that carries
 * them needs. The distribution adds them next to {@code dev} and {@code server} with
 * {@link #addTo(CommandLine, ClientContext)} and then calls {@link #configureTopLevel(CommandLine)}.
 */
public final class ClientCommands {
  private static final String REDACTED = "[redacted]";

  private ClientCommands() {}

  /** One instance of each client command group, sharing the given context. */
  public static List<ClientGroup> groups(ClientContext context) {
    return List.of(new IdentityCommands(context), new OperatorCommands(context), new TeamCommands(context),
        new AuditCommands(context));
  }

  /** Adds every client command group as a subcommand of {@code topLevel}. */
  public static CommandLine addTo(CommandLine topLevel, ClientContext context) {
    for (ClientGroup group : groups(context)) {
      CommandLine groupLine = new CommandLine(group);
      groupLine.getCommandSpec().usageMessage().exitCodeListHeading("Exit codes:%n")
          .exitCodeList(ExitCodes.helpList());
      topLevel.addSubcommand(groupLine);
    }
    return topLevel;
  }

  /**
   * Settings for the whole command tree; call after all subcommands are added: the exit codes in the help,
   * case-insensitive {@code --output} values, and usage-error messages that never repeat a token given on
   * the command line.
   */
  public static CommandLine configureTopLevel(CommandLine topLevel) {
    topLevel.getCommandSpec().usageMessage().exitCodeListHeading("Exit codes:%n")
        .exitCodeList(ExitCodes.helpList());
    topLevel.setCaseInsensitiveEnumValuesAllowed(true);
    topLevel.setParameterExceptionHandler(ClientCommands::reportUsageError);
    return topLevel;
  }

  /** A {@code bindery} command with only the client commands, for running the CLI without the server. */
  public static CommandLine clientOnly(ClientContext context) {
    return configureTopLevel(addTo(new CommandLine(new ClientOnlyTopLevel()), context));
  }

  @Command(name = "bindery", mixinStandardHelpOptions = true, version = "bindery client",
      description = "Bindery command-line client.")
  static final class ClientOnlyTopLevel implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      throw new ParameterException(spec.commandLine(), "missing command");
    }
  }

  private static int reportUsageError(ParameterException error, String[] args) {
    CommandLine command = error.getCommandLine();
    PrintWriter err = command.getErr();
    err.println("error: " + redactTokens(String.valueOf(error.getMessage()), args));
    UnmatchedArgumentException.printSuggestions(error, err);
    err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
    err.flush();
    return command.getCommandSpec().exitCodeOnInvalidInput();
  }

  /** Replaces every token value found in the arguments ({@code --token X}, {@code --token=X}, bnd_op_...). */
  static String redactTokens(String message, String[] args) {
    List<String> secrets = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--token") && i + 1 < args.length) {
        secrets.add(args[i + 1]);
      } else if (arg.startsWith("--token=")) {
        secrets.add(arg.substring("--token=".length()));
      } else if (arg.startsWith("bnd_op_")) {
        secrets.add(arg);
      }
    }
    String redacted = message;
    for (String secret : secrets) {
      if (!secret.isEmpty()) {
        redacted = redacted.replace(secret, REDACTED);
      }
    }
    return redacted;
  }
}
