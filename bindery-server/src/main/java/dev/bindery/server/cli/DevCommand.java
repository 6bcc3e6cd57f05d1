package dev.bindery.server.cli;

import dev.bindery.server.bootstrap.BinderyServer;
import dev.bindery.server.config.BinderyConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bindery dev}: a development server on this machine, HTTPS with a generated development CA and an
 * embedded H2 database under the data directory. Prints where to find the CA and the bootstrap token; never the
 * token itself.
 */
@Command(name = "dev", mixinStandardHelpOptions = true,
    description = "Start a development server (dev TLS, embedded H2) and block until Ctrl-C.")
public final class DevCommand implements Callable<Integer> {
  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "./bindery-data",
      description = "data directory (default: ${DEFAULT-VALUE})")
  Path dataDir;

  @Option(names = "--port", paramLabel = "N", defaultValue = "8443", description = "HTTPS port (default: ${DEFAULT-VALUE})")
  int port;

  public DevCommand() {}

  @Override
  public Integer call() {
    // Only this command's options apply: a development server must not pick up a production environment.
    return ServerRunner.run(() -> BinderyConfig.fromSources(Map.of(
        BinderyConfig.DATA_DIR, dataDir.toString(),
        BinderyConfig.HTTP_PORT, Integer.toString(port),
        BinderyConfig.TLS_MODE, "dev"), Map.of()), true);
  }

  /** Entry point for running the dev server without the distribution's top-level command. */
  public static void main(String[] args) {
    System.exit(new picocli.CommandLine(new DevCommand()).execute(args));
  }

  static void printDevDetails(BinderyServer server) {
    System.out.println("Bindery development server: " + server.baseUri());
    System.out.println("  trust this CA:       " + server.caFile().toAbsolutePath().normalize());
    System.out.println("  identity CA chain:   " + server.identityCaFile().toAbsolutePath().normalize()
        + " (trust domain " + server.identityCa().trustDomain() + ")");
    System.out.println("  example:             curl --cacert " + server.caFile().toAbsolutePath().normalize() + " "
        + server.baseUri() + "/health/ready");
  }
}
