package dev.bindery.dist;

import dev.bindery.cli.app.ClientCommands;
import dev.bindery.cli.ClientContext;
import dev.bindery.server.cli.DevCommand;
import dev.bindery.server.cli.ServerCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bindery}: the one command of the distribution. {@code dev} and {@code server} run an authority; the
 * client commands (operator groups such as {@code identity}, {@code credential}, {@code audit}, and the workload
 * commands {@code enroll} and {@code renew}; see {@link ClientCommands}) talk to one over HTTPS.
 */
@Command(name = "bindery", mixinStandardHelpOptions = true, versionProvider = Main.JarVersion.class,
    description = "Bindery, an authority for machine identities.",
    subcommands = {DevCommand.class, ServerCommand.class})
public final class Main implements Callable<Integer> {
  @Spec CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine(ClientContext.fromSystem()).execute(args));
  }

  /** The full command tree; the client commands read their environment from {@code clientContext}. */
  static CommandLine commandLine(ClientContext clientContext) {
    CommandLine bindery = new CommandLine(new Main());
    ClientCommands.addTo(bindery, clientContext);
    return ClientCommands.configureTopLevel(bindery);
  }

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "missing command");
  }

  /** The version written into the jar's manifest at packaging; "development build" when run from classes. */
  static final class JarVersion implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"bindery " + (version != null ? version : "(development build)")};
    }
  }
}
