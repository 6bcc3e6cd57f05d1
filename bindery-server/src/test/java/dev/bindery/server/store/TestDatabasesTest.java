package dev.bindery.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** A PostgreSQL that cannot be reached fails the test that needs it; it never turns into a skipped test. */
class TestDatabasesTest {

  @Test
  void newSchemaOn_unreachableServer_throwsIllegalStateExceptionNotAnAbort() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    var unreachable = new TestDatabases.Server("jdbc:postgresql://127.0.0.1:" + closedPort + "/postgres?connectTimeout=2",
        "postgres", "postgres");

    assertThatThrownBy(() -> TestDatabases.newSchemaOn(unreachable))
        .isInstanceOf(IllegalStateException.class)
        .isNotInstanceOf(TestAbortedException.class)
        .hasMessageContaining("cannot create a test schema on PostgreSQL at jdbc:postgresql://127.0.0.1:" + closedPort);
  }

  @Test
  void withDatabase_replacesOnlyTheDatabaseName() {
    assertThat(TestDatabases.withDatabase("jdbc:postgresql://db.example:5433/bindery?ssl=true&user=x", "other"))
        .isEqualTo("jdbc:postgresql://db.example:5433/other?ssl=true&user=x");
    assertThat(TestDatabases.withDatabase("jdbc:postgresql://localhost/postgres", "other"))
        .isEqualTo("jdbc:postgresql://localhost/other");
    assertThatThrownBy(() -> TestDatabases.withDatabase("jdbc:postgresql:bindery", "other"))
        .isInstanceOf(IllegalStateException.class);
  }
}
