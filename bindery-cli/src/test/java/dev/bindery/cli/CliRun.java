package dev.bindery.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine;

/** Runs the client-only {@code bindery} command in-process and captures exit code, stdout and stderr. */
record CliRun(int exitCode, String out, String err) {
  static CliRun run(Map<String, String> environment, String... args) {
    CommandLine cli = ClientCommands.clientOnly(
        new ClientContext(environment, Duration.ofSeconds(5), Duration.ofSeconds(10)));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exitCode = cli.execute(args);
    return new CliRun(exitCode, out.toString(), err.toString());
  }

  /** Runs against the fake server with a token from the environment, the way scripts usually do. */
  static CliRun against(FakeBinderyServer server, String... args) {
    return run(Map.of("BINDERY_SERVER", server.url(), "BINDERY_TOKEN", ClientTestData.TOKEN), args);
  }

  String all() {
    return out + err;
  }
}
