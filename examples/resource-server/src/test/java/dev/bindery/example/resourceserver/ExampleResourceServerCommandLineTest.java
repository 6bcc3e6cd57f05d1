package dev.bindery.example.resourceserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bindery.example.resourceserver.ExampleResourceServer.FeedAccess;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The example's command line: exactly one way to the revocation feed (a certificate, an operator token, or
 * explicitly none) and every other mistake refused with a message naming it, before anything starts.
 */
class ExampleResourceServerCommandLineTest {
  private static final String AUDIENCE = "https://orders.example";

  @Test
  void parse_certificateFeed_settingsFromTheCommandLine() {
    ExampleResourceServer.Settings s = ExampleResourceServer.parse("--issuer", "https://127.0.0.1:8443",
        "--audience", AUDIENCE, "--ca-file", "ca.pem", "--client-ca-file", "id.pem", "--tls-cert", "rs.pem",
        "--tls-key", "rs.key", "--feed-key", "f.key", "--feed-cert", "f.pem", "--port", "9443");
    assertThat(s).isEqualTo(new ExampleResourceServer.Settings("https://127.0.0.1:8443", AUDIENCE, Path.of("ca.pem"),
        Path.of("id.pem"), Path.of("rs.pem"), Path.of("rs.key"), "127.0.0.1", 9443,
        new FeedAccess.IdentityCertificate(Path.of("f.key"), Path.of("f.pem"))));
    assertThat(ExampleResourceServer.parse(base("--feed-token-file", "op.token")).feedAccess())
        .isEqualTo(new FeedAccess.OperatorToken(Path.of("op.token")));
    assertThat(ExampleResourceServer.parse(base("--without-revocation-feed")).feedAccess())
        .isEqualTo(FeedAccess.none());
  }

  private static String[] base(String... more) {
    String[] required = {"--issuer", "https://127.0.0.1:8443", "--audience", AUDIENCE, "--ca-file", "ca.pem",
        "--client-ca-file", "id.pem", "--tls-cert", "rs.pem", "--tls-key", "rs.key"};
    String[] all = Arrays.copyOf(required, required.length + more.length);
    System.arraycopy(more, 0, all, required.length, more.length);
    return all;
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "''                                                         | choose one of --feed-key/--feed-cert",
      "--feed-key f.key                                           | give --feed-key and --feed-cert together",
      "--feed-cert f.pem                                          | give --feed-key and --feed-cert together",
      "--feed-key f.key --feed-cert f.pem --feed-token-file t     | choose one of --feed-key/--feed-cert",
      "--feed-token-file t --without-revocation-feed              | choose one of --feed-key/--feed-cert",
      "--without-revocation-feed --without-revocation-feed        | --without-revocation-feed is given twice",
      "--feed-token-file t --feed-token-file u                    | --feed-token-file is given twice",
      "--feed-token-file                                          | --feed-token-file needs a value",
      "--feed-token-file --without-revocation-feed                | --feed-token-file needs a value",
      "--feed-tokenfile t                                         | unknown option --feed-tokenfile",
      "--without-revocation-feed --port 65536                     | --port must be 0 to 65535, not 65536",
      "--without-revocation-feed --port -1                        | --port must be 0 to 65535, not -1",
  })
  void parse_badCommandLine_refusedNamingTheProblem(String extra, String message) {
    String[] more = extra.isBlank() ? new String[0] : extra.trim().split(" +");
    assertThatThrownBy(() -> ExampleResourceServer.parse(base(more)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(message);
  }

  @Test
  void parse_missingRequiredOption_refused() {
    assertThatThrownBy(() -> ExampleResourceServer.parse("--audience", AUDIENCE, "--without-revocation-feed"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("--issuer is required");
  }
}
