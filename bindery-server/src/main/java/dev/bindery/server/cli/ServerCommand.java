package dev.bindery.server.cli;

import dev.bindery.server.config.BinderyConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bindery server --config FILE}: a server configured by a {@code bindery.conf} file, with environment
 * variables ({@code BINDERY_*}) overriding it.
 */
@Command(name = "server", mixinStandardHelpOptions = true,
    description = "Start a Bindery server from a configuration file and block until stopped.")
public final class ServerCommand implements Callable<Integer> {
  @Option(names = "--config", paramLabel = "FILE", required = true, description = "bindery.conf (key=value)")
  Path config;

  public ServerCommand() {}

  @Override
  public Integer call() {
    return ServerRunner.run(() -> BinderyConfig.load(config, System.getenv()), false);
  }

  public static void main(String[] args) {
    System.exit(new picocli.CommandLine(new ServerCommand()).execute(args));
  }
}
