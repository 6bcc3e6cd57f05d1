package dev.bindery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS to a server whose certificate a private CA issued, trusted with --ca-file or BINDERY_CA_FILE. */
class TlsTest {
  @TempDir static Path dir;
  private static TestPki pki;
  private static FakeBinderyServer server;
  private static Path caFile;

  @BeforeAll
  static void start() throws Exception {
    pki = TestPki.generate();
    caFile = Files.writeString(dir.resolve("ca.pem"), pki.caPem());
    server = FakeBinderyServer.https(pki.serverContext);
    server.replyJson("GET", "/api/v1/operators/me", 200, ClientTestData.OPERATOR);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void caFileOption_trustsThatCa_requestSucceeds() {
    CliRun run = CliRun.against(server, "operator", "me", "--ca-file", caFile.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).containsPattern("(?m)^id +op_1$");
  }

  @Test
  void caFileFromEnvironment_trustsThatCa() {
    CliRun run = CliRun.run(Map.of("BINDERY_SERVER", server.url(), "BINDERY_TOKEN", ClientTestData.TOKEN,
        "BINDERY_CA_FILE", caFile.toString()), "operator", "me");

    assertThat(run.exitCode()).isZero();
  }

  @Test
  void noCaFile_defaultTrustStoreRejectsPrivateCa_exit3TlsFailure() {
    CliRun run = CliRun.against(server, "operator", "me");

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.err()).contains("TLS failure talking to " + server.url());
    assertThat(run.all()).doesNotContain(ClientTestData.TOKEN);
  }

  @Test
  void caFileOfAnotherCa_exit3TlsFailure() throws Exception {
    Path otherCa = Files.writeString(dir.resolve("other.pem"), TestPki.generate().caPem());

    CliRun run = CliRun.against(server, "operator", "me", "--ca-file", otherCa.toString());

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.err()).contains("TLS failure");
  }

  @Test
  void serverUrlWithHostNameNotInCertificate_exit3() {
    CliRun run = CliRun.run(Map.of("BINDERY_TOKEN", ClientTestData.TOKEN), "operator", "me",
        "--ca-file", caFile.toString(), "--server", server.url().replace("127.0.0.1", "localhost"));

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.err()).contains("TLS failure");
  }

  @Test
  void caFileNotPem_usageError() throws Exception {
    Path notPem = Files.writeString(dir.resolve("not.pem"), "hello");

    CliRun run = CliRun.against(server, "operator", "me", "--ca-file", notPem.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("does not hold PEM certificates");
  }
}
