package dev.bindery.server.cli;

import dev.bindery.server.bootstrap.BinderyServer;
import dev.bindery.server.config.BinderyConfig;
import dev.bindery.server.config.ConfigException;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/** Shared by the commands: start, print where things are, block until the JVM is asked to stop. */
final class ServerRunner {
  static final int EXIT_CONFIG = 2;
  static final int EXIT_FAILURE = 1;

  private ServerRunner() {}

  static int run(Supplier<BinderyConfig> configSource, boolean dev) {
    BinderyServer server;
    try {
      server = BinderyServer.start(configSource.get(), Clock.systemUTC());
    } catch (ConfigException e) {
      System.err.println("bindery: configuration error: " + e.getMessage());
      return EXIT_CONFIG;
    } catch (RuntimeException e) {
      System.err.println("bindery: the server did not start: " + e.getMessage());
      return EXIT_FAILURE;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.stop();
      } finally {
        stopped.countDown();
      }
    }, "bindery-shutdown"));
    if (dev) {
      DevCommand.printDevDetails(server);
    } else {
      System.out.println("Bindery server: " + server.baseUri());
      System.out.println("  identity CA chain:   " + server.identityCaFile().toAbsolutePath());
    }
    if (server.bootstrapped()) {
      System.out.println("  first admin token:   written to " + server.bootstrapTokenFile().toAbsolutePath().normalize()
          + " (owner-only; use it, then delete the file)");
    } else {
      System.out.println("  first admin token:   issued on the first start, in "
          + server.bootstrapTokenFile().toAbsolutePath().normalize() + " if still there");
    }
    System.out.println("Press Ctrl-C to stop.");
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
