package dev.bindery.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL CPU the drivers report is the server's: a query that keeps one backend busy for a while shows up
 * in it (as that live backend's time), and the JVM's own work does not.
 */
class PostgresCpuTest {
  @Test
  void nanos_aQueryBusyInABackend_countsItsCpuAndNotTheJvms() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
      PostgresCpu cpu = PostgresCpu.of(pg.getPostgresDatabase());
      assertThat(cpu.postmasterPid()).isNotEqualTo(ProcessHandle.current().pid());
      try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
        long before = cpu.nanos();
        long jvm0 = CpuTime.processNanos();
        try (ResultSet r = s.executeQuery("SELECT count(*) FROM generate_series(1, 20000000)")) {
          r.next();
          assertThat(r.getLong(1)).isEqualTo(20_000_000L);
        }
        long server = cpu.nanos() - before;
        long jvm = CpuTime.processNanos() - jvm0;

        assertThat(server).as("at least 50 ms of the server's CPU").isGreaterThanOrEqualTo(50_000_000L);
        assertThat(server).isGreaterThan(jvm);
      }
    }
  }
}
