package dev.bindery.bench;

import dev.bindery.bench.RegistryBench.MachineFacts;
import dev.bindery.server.config.BinderyConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The stores the in-JVM server drivers run on: the embedded H2 file database, or an embedded PostgreSQL (zonky) on
 * loopback with {@code fsync} and {@code synchronous_commit} on, as in production. Each run gets a fresh temporary data
 * directory (and database), deleted at the end.
 */
final class EmbeddedStores {
  private EmbeddedStores() {}

  /** What a driver runs on the store: the data directory, the database settings, the PostgreSQL server or null. */
  interface OnStore {
    void run(Path dataDir, Map<String, String> database, EmbeddedPostgres postgres) throws Exception;
  }

  /**
   * Logs the machine, starts {@code store} ({@code h2} or {@code postgres}), notes which it is in {@code notes}, runs
   * {@code body} on it and deletes everything afterwards.
   */
  static void run(String store, String tempPrefix, String options, List<String> notes, OnStore body)
      throws Exception {
    Workers.log("machine: " + String.join("; ", MachineFacts.lines()));
    Workers.log("store=" + store + " options=" + options + " load=" + MachineFacts.loadAverage());
    Path dir = Files.createTempDirectory(tempPrefix);
    try {
      if (store.equals("h2")) {
        notes.add("server: in this JVM as ./bindery dev does; embedded H2 " + org.h2.engine.Constants.FULL_VERSION
            + " file database in a temporary data directory");
        body.run(dir, Map.of(), null);
      } else {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder()
            .setServerConfig("synchronous_commit", "on")
            .setServerConfig("fsync", "on")
            .setPGStartupWait(Duration.ofSeconds(60))
            .start()) {
          notes.add("server: in this JVM as ./bindery dev does, on embedded PostgreSQL (zonky) on loopback, "
              + "fsync=on, synchronous_commit=on");
          body.run(dir, Map.of(BinderyConfig.DB_URL, pg.getJdbcUrl("postgres", "postgres"),
              BinderyConfig.DB_USER, "postgres", BinderyConfig.DB_PASSWORD, "postgres"), pg);
        }
      }
    } finally {
      RegistryBench.deleteTree(dir);
    }
  }
}
