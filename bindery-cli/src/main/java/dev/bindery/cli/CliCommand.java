package dev.bindery.cli;

import dev.bindery.cli.failure.CliFailure;
import dev.bindery.cli.failure.ExitCodes;
import dev.bindery.cli.output.OutputFormat;
import dev.bindery.cli.output.Printer;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A client command: it runs and turns every way of failing into the documented exit code and one line on
 * stderr. Operator commands extend {@link ApiCommand}; the workload commands ({@code enroll},
 * {@code renew}) extend it directly with their own connection options.
 */
public abstract class CliCommand implements Callable<Integer> {
  @Spec protected CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean helpRequested;

  private final ClientContext ownContext;
  private Printer printer;

  /** A command inside a {@link ClientGroup}, which gives it the context. */
  protected CliCommand() {
    this.ownContext = null;
  }

  /** A top-level command (not in a group) that carries its own context. */
  protected CliCommand(ClientContext context) {
    this.ownContext = Objects.requireNonNull(context);
  }

  /** Does the work; returns the exit code (normally {@link ExitCodes#OK}) or throws a {@link CliFailure}. */
  protected abstract int run();

  /** The output format chosen on the command line. */
  protected abstract OutputFormat outputFormat();

  @Override
  public final Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    printer = new Printer(out, err, outputFormat());
    try {
      return run();
    } catch (CliFailure failure) {
      err.println("error: " + failure.getMessage());
      if (failure.exitCode() == ExitCodes.USAGE) {
        err.println("Try '" + spec.qualifiedName() + " --help' for more information.");
      }
      return failure.exitCode();
    } catch (RuntimeException bug) {
      err.println("error: internal error in the CLI, please report it: " + bug.getClass().getName());
      return ExitCodes.INTERNAL;
    } finally {
      out.flush();
      err.flush();
    }
  }

  protected final Printer printer() {
    return printer;
  }

  protected final ClientContext context() {
    if (ownContext != null) {
      return ownContext;
    }
    CommandSpec parent = spec.parent();
    while (parent != null) {
      if (parent.userObject() instanceof ClientGroup group) {
        return group.context();
      }
      parent = parent.parent();
    }
    return ClientContext.fromSystem();
  }

  /**
   * True when a secret sent to {@code server} would cross the network unencrypted: plain http is tolerated
   * for loopback (a local proxy, tests) and warned about anywhere else.
   */
  static boolean travelsInClear(URI server) {
    if (!"http".equalsIgnoreCase(server.getScheme())) {
      return false;
    }
    try {
      return !InetAddress.getByName(server.getHost()).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return true;
    }
  }

  /** Warns on stderr when {@code what} would travel unencrypted to {@code server}. */
  protected final void warnIfInClear(URI server, String what) {
    if (travelsInClear(server)) {
      printer.warn("the server URL is plain http: " + what + " travels unencrypted");
    }
  }
}
