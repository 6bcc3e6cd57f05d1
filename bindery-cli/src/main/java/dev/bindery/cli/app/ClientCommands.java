package dev.bindery.cli.app;

import dev.bindery.cli.CliCommand;
import dev.bindery.cli.ClientContext;
import dev.bindery.cli.ClientGroup;
import dev.bindery.cli.audit.AuditCommands;
import dev.bindery.cli.credential.ApiKeyCommands;
import dev.bindery.cli.credential.CertificateCommands;
import dev.bindery.cli.credential.CredentialCommands;
import dev.bindery.cli.credential.EnrolmentCodeCommands;
import dev.bindery.cli.credential.PublicKeyCommands;
import dev.bindery.cli.failure.ExitCodes;
import dev.bindery.cli.identity.IdentityCommands;
import dev.bindery.cli.leak.LeakCommands;
import dev.bindery.cli.operator.OperatorCommands;
import dev.bindery.cli.policy.PolicyCommands;
import dev.bindery.cli.rebind.RebindCommands;
import dev.bindery.cli.support.SupportCommands;
import dev.bindery.cli.report.ReportCommands;
import dev.bindery.cli.notification.NotificationCommands;
import dev.bindery.cli.team.TeamCommands;
import dev.bindery.cli.token.ResourceServerCommands;
import dev.bindery.cli.token.TokenCommands;
import dev.bindery.cli.token.TokenPolicyCommands;
import dev.bindery.cli.workload.EnrolCommand;
import dev.bindery.cli.workload.RenewCommand;
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
 * The client commands of {@code bindery}, which talk to a Bindery server over its HTTP API: the operator
 * command groups ({@code identity}, {@code operator}, {@code team}, {@code audit}, {@code enrolment-code},
 * {@code credential}, {@code public-key}, {@code certificate}, {@code api-key}, {@code leak}, {@code report},
 * {@code policy}, {@code token}, {@code resource-server}, {@code token-policy}, {@code notification}, {@code rebind}, {@code support}) and the workload commands {@code enroll} and {@code renew}; and the settings every
 * top-level command that carries them needs. The distribution adds them next to {@code dev} and {@code server} with
 * {@link #addTo(CommandLine, ClientContext)} and then calls {@link #configureTopLevel(CommandLine)}.
 */
public final class ClientCommands {
  private static final String REDACTED = "[redacted]";
  private static final List<String> SECRET_OPTIONS = List.of("--token", "--code", "--value");
  private static final List<String> SECRET_PREFIXES = List.of("bnd_op_", "bnd_enr_", "bnd_ak_", "bnd_whs_", "bnd_dis_",
      // the support desk's temporary TOTP enrolment codes and recovery codes
      "bnd_tre_", "bnd_rc_",
      // a JWT (an access token given to 'token introspect' or 'token revoke')
      "eyJ");

  private ClientCommands() {}

  /** One instance of each client command group, sharing the given context. */
  public static List<ClientGroup> groups(ClientContext context) {
    return List.of(new IdentityCommands(context), new OperatorCommands(context), new TeamCommands(context),
        new AuditCommands(context), new EnrolmentCodeCommands(context), new CredentialCommands(context),
        new PublicKeyCommands(context), new CertificateCommands(context), new ApiKeyCommands(context),
        new LeakCommands(context), new ReportCommands(context), new PolicyCommands(context),
        new TokenCommands(context), new ResourceServerCommands(context), new TokenPolicyCommands(context),
        new NotificationCommands(context), new RebindCommands(context), new SupportCommands(context));
  }

  /** The commands a workload runs itself, with no operator token: {@code enroll} and {@code renew}. */
  public static List<CliCommand> workloadCommands(ClientContext context) {
    return List.of(new EnrolCommand(context), new RenewCommand(context));
  }

  /** Adds every client command group, then the workload commands, as subcommands of {@code topLevel}. */
  public static CommandLine addTo(CommandLine topLevel, ClientContext context) {
    List<Object> commands = new ArrayList<>(groups(context));
    commands.addAll(workloadCommands(context));
    for (Object command : commands) {
      CommandLine line = new CommandLine(command);
      line.getCommandSpec().usageMessage().exitCodeListHeading("Exit codes:%n")
          .exitCodeList(ExitCodes.helpList());
      topLevel.addSubcommand(line);
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
    err.println("error: " + redactSecrets(String.valueOf(error.getMessage()), args));
    UnmatchedArgumentException.printSuggestions(error, err);
    err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
    err.flush();
    return command.getCommandSpec().exitCodeOnInvalidInput();
  }

  /**
   * Replaces every secret found in the arguments: the values of {@code --token}, {@code --code} (an
   * enrolment code) and {@code --value} (a leaked value), in both {@code --opt X} and {@code --opt=X} forms,
   * and any argument that starts like a Bindery secret or a JWT (the prefixes in {@code SECRET_PREFIXES}).
   */
  static String redactSecrets(String message, String[] args) {
    List<String> secrets = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      for (String option : SECRET_OPTIONS) {
        if (arg.equals(option) && i + 1 < args.length) {
          secrets.add(args[i + 1]);
        } else if (arg.startsWith(option + "=")) {
          secrets.add(arg.substring(option.length() + 1));
        }
      }
      for (String prefix : SECRET_PREFIXES) {
        if (arg.startsWith(prefix)) {
          secrets.add(arg);
        }
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
