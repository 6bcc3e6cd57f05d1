package dev.bindery.cli;

import dev.bindery.cli.app.ClientCommands;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine;

/** Runs the client-only {@code bindery} command in-process and captures exit code, stdout and stderr. */
record CliRun(int exitCode, String out, String err) {
  static CliRun run(Map<String, String> environment, String... args) {
    return runWithStdin(environment, "", args);
  }

  /** Runs with {@code stdin} as the command's standard input. */
  static CliRun runWithStdin(Map<String, String> environment, String stdin, String... args) {
    InputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
    CommandLine cli = ClientCommands.clientOnly(
        new ClientContext(environment, Duration.ofSeconds(5), Duration.ofSeconds(10), in));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exitCode = cli.execute(args);
    return new CliRun(exitCode, out.toString(), err.toString());
  }

  /** Runs against the fake server with a token from the environment, the way scripts usually do. */
  static CliRun against(FakeBinderyServer server, String... args) {
    return run(environment(server), args);
  }

  /** As {@link #against}, with {@code stdin} as standard input. */
  static CliRun againstWithStdin(FakeBinderyServer server, String stdin, String... args) {
    return runWithStdin(environment(server), stdin, args);
  }

  private static Map<String, String> environment(FakeBinderyServer server) {
    return Map.of("BINDERY_SERVER", server.url(), "BINDERY_TOKEN", ClientTestData.TOKEN);
  }

  String all() {
    return out + err;
  }
}
