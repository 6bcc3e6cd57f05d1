package dev.bindery.server.cli;

import dev.bindery.server.bootstrap.BinderyServer;
import dev.bindery.server.config.BinderyConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bindery dev}: a development server on this machine, HTTPS with a generated development CA and an
 * embedded H2 database under the data directory. Prints where to find the CA and the bootstrap token; never the
 * token itself. It reads no configuration file and no environment: it trusts a hardware attestation root only
 * when one is named with {@code --attestation-roots}. Its subcommands {@code attestation-root} and {@code attest}
 * make a development-only attestation root and chains under it ({@link DevAttestationCommands}).
 */
@Command(name = "dev", mixinStandardHelpOptions = true,
    description = "Start a development server (dev TLS, embedded H2) and block until Ctrl-C.",
    subcommands = {DevAttestationCommands.AttestationRoot.class, DevAttestationCommands.Attest.class})
public final class DevCommand implements Callable<Integer> {
  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "./bindery-data",
      description = "data directory (default: ${DEFAULT-VALUE})")
  Path dataDir;

  @Option(names = "--port", paramLabel = "N", defaultValue = "8443", description = "HTTPS port (default: ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--attestation-roots", paramLabel = "FILE", split = ",",
      description = "hardware attestation vendor root certificates to trust (PEM files or directories of them;"
          + " repeatable or comma-separated), as bindery.attestation.roots does for 'bindery server'."
          + " Default: none, and no key is attested as hardware-held.")
  List<Path> attestationRoots = new ArrayList<>();

  public DevCommand() {}

  @Override
  public Integer call() {
    return ServerRunner.run(this::config, true);
  }

  /**
   * The configuration of this command's options, and nothing else: a development server must not pick up a
   * production environment, nor trust an attestation root it was not given on its command line.
   */
  BinderyConfig config() {
    Map<String, String> values = new LinkedHashMap<>();
    values.put(BinderyConfig.DATA_DIR, dataDir.toString());
    values.put(BinderyConfig.HTTP_PORT, Integer.toString(port));
    values.put(BinderyConfig.TLS_MODE, "dev");
    if (!attestationRoots.isEmpty()) {
      values.put(BinderyConfig.ATTESTATION_ROOTS,
          attestationRoots.stream().map(Path::toString).collect(Collectors.joining(",")));
    }
    return BinderyConfig.fromSources(values, Map.of());
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
    List<Path> roots = server.config().attestationRoots();
    System.out.println("  attestation roots:   " + (roots.isEmpty()
        ? "none (no key is attested as hardware-held; see --attestation-roots)"
        : roots.stream().map(p -> p.toAbsolutePath().normalize().toString()).collect(Collectors.joining(", "))));
  }
}
