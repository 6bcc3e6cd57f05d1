package dev.bindery.cli;

import dev.bindery.cli.http.ApiClient;
import dev.bindery.cli.http.ApiRequest;
import dev.bindery.cli.output.Printer;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A client command: it takes the {@link ClientOptions}, runs, and turns every way of failing into the
 * documented exit code and one line on stderr. Subclasses implement {@link #run()}, reach the server through
 * {@link #api()} (connected on first use, so commands that work offline need no token) and print through
 * {@link #printer()}.
 */
public abstract class ApiCommand implements Callable<Integer> {
  @Spec protected CommandSpec spec;

  @Mixin protected ClientOptions options;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean helpRequested;

  private ApiClient api;
  private Printer printer;

  /** Does the work; returns the exit code (normally {@link ExitCodes#OK}) or throws a {@link CliFailure}. */
  protected abstract int run();

  @Override
  public final Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    printer = new Printer(out, err, options.output());
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

  /** The API client, connected on first use with the server, trust and token options. */
  protected final ApiClient api() {
    if (api == null) {
      ClientContext context = context();
      URI server = options.server(context);
      warnIfTokenWouldTravelInClear(server);
      api = options.connect(context);
    }
    return api;
  }

  /**
   * The version to send in {@code If-Match}: the {@code --version} the user gave, or else the current
   * version from a GET of the resource's ETag (which then does not protect against a change made between
   * that read and this write).
   */
  protected final long versionToMatch(Long givenVersion, String... resourceSegments) {
    if (givenVersion != null) {
      return givenVersion;
    }
    return api().send(ApiRequest.get(resourceSegments)).etagVersion();
  }

  protected final ClientContext context() {
    CommandSpec parent = spec.parent();
    while (parent != null) {
      if (parent.userObject() instanceof ClientGroup group) {
        return group.context();
      }
      parent = parent.parent();
    }
    return ClientContext.fromSystem();
  }

  private void warnIfTokenWouldTravelInClear(URI server) {
    if (tokenTravelsInClear(server)) {
      printer.warn("the server URL is plain http: the token travels unencrypted");
    }
  }

  /** Plain http is tolerated for loopback (a local proxy, tests) and warned about anywhere else. */
  static boolean tokenTravelsInClear(URI server) {
    if (!"http".equalsIgnoreCase(server.getScheme())) {
      return false;
    }
    try {
      return !InetAddress.getByName(server.getHost()).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return true;
    }
  }
}
