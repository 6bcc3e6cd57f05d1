package dev.bindery.server.store;

import java.util.Objects;

/** How to reach the database: a JDBC URL (H2 file or PostgreSQL), credentials and pool size. */
public record JdbcSettings(String url, String user, String password, int poolSize) {
  public JdbcSettings {
    Objects.requireNonNull(url);
    if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("database url must be jdbc:h2:... or jdbc:postgresql:...");
    }
    if (poolSize < 1 || poolSize > 200) {
      throw new IllegalArgumentException("pool size must be between 1 and 200");
    }
  }

  public boolean postgres() {
    return url.startsWith("jdbc:postgresql:");
  }

  @Override
  public String toString() {
    return "JdbcSettings[url=" + url + ", user=" + user + ", poolSize=" + poolSize + "]";
  }
}
