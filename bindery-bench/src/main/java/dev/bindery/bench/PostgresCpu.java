package dev.bindery.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * CPU time of a PostgreSQL server on this machine (Linux {@code /proc}), for the "CPU per operation" figures of the
 * drivers whose database runs in another process than the JVM: the postmaster's own and its reaped children's time
 * ({@code utime + stime + cutime + cstime}) plus the time of its live children (backends, checkpointer, WAL writer...).
 * A backend that exits between two snapshots is counted once the postmaster has reaped it. Resolution: one clock tick
 * ({@value #TICKS_PER_SECOND} per second, the Linux default) per process per snapshot.
 */
final class PostgresCpu {
  static final long TICKS_PER_SECOND = 100;
  private final long postmaster;

  private PostgresCpu(long postmaster) {
    this.postmaster = postmaster;
  }

  /** The server behind {@code db}, found by the first line of {@code postmaster.pid} in its data directory. */
  static PostgresCpu of(DataSource db) throws SQLException, IOException {
    String dataDirectory;
    try (Connection c = db.getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SHOW data_directory")) {
      r.next();
      dataDirectory = r.getString(1);
    }
    String pid = Files.readAllLines(Path.of(dataDirectory, "postmaster.pid")).get(0).strip();
    return new PostgresCpu(Long.parseLong(pid));
  }

  long postmasterPid() {
    return postmaster;
  }

  /** CPU nanoseconds of the server so far (see the class comment). */
  long nanos() {
    long ticks = 0;
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString()
        .chars().allMatch(Character::isDigit))) {
      for (Path p : procs) {
        String[] f = stat(p);
        if (f == null) {
          continue;
        }
        long pid = Long.parseLong(p.getFileName().toString());
        // after "pid (comm)": [0] state, [1] ppid, ... [11] utime, [12] stime, [13] cutime, [14] cstime
        if (pid == postmaster) {
          ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
        } else if (Long.parseLong(f[1]) == postmaster) {
          ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc: " + e, e);
    }
    return ticks * (1_000_000_000L / TICKS_PER_SECOND);
  }

  /** The fields of {@code /proc/<pid>/stat} after the command name, or null if the process is gone. */
  private static String[] stat(Path proc) {
    try {
      String s = Files.readString(proc.resolve("stat"));
      return s.substring(s.lastIndexOf(')') + 2).trim().split("\\s+");
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
