package dev.bindery.cli.leak;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bindery.cli.ApiCommand;
import dev.bindery.cli.failure.CliFailure;
import dev.bindery.cli.ClientContext;
import dev.bindery.cli.ClientGroup;
import dev.bindery.cli.failure.ExitCodes;
import dev.bindery.cli.http.ApiRequest;
import dev.bindery.cli.http.Json;
import dev.bindery.cli.output.Columns;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bindery leak ...}: report a leaked credential so that Bindery revokes it at once. */
@Command(name = "leak", description = "Report leaked credentials.", subcommands = LeakCommands.Report.class)
public final class LeakCommands extends ClientGroup {
  /** The server's default body limit; a leaked value is far smaller. */
  static final int MAX_VALUE_BYTES = 1024 * 1024;

  public LeakCommands(ClientContext context) {
    super(context);
  }

  @Command(name = "report", description = {
      "Report a leaked value (POST /api/v1/leaks; any operator, or the leak_reporter role): an API key, a"
          + " certificate PEM, a public key (PEM or JWK) or a Bindery access token. The credential it belongs"
          + " to is revoked at once with reason key_compromise, and the answer says what was revoked. An access"
          + " token is revoked by its jti; its credential only with --revoke-bound-credential.",
      "Pass the value in a file (--file FILE) or on standard input (-), not with --value: a command-line"
          + " argument is visible to other local users and stays in shell history. The value is never"
          + " printed. The exit code is 0 whether or not it matched a credential; see 'matched'."})
  static final class Report extends ApiCommand {
    @Option(names = "--value", paramLabel = "VALUE", description = "The leaked value itself (avoid: see above).")
    String value;

    @Option(names = "--file", paramLabel = "FILE", description = "File holding the leaked value.")
    Path file;

    @Parameters(arity = "0..1", paramLabel = "-", description = "Read the leaked value from standard input.")
    String stdinMarker;

    @Option(names = "--revoke-bound-credential", description = "For a leaked access token: also revoke the"
        + " credential it is bound to (key_compromise). Without it only the token is revoked.")
    boolean revokeBoundCredential;

    @Override
    protected int run() {
      byte[] leaked = leakedValue();
      JsonNode answer;
      try {
        var body = Json.object().put("value", new String(leaked, StandardCharsets.UTF_8).strip());
        if (revokeBoundCredential) {
          body.put("revoke_bound_credential", true);
        }
        answer = api().send(ApiRequest.post("leaks").body(body)).json();
      } finally {
        Arrays.fill(leaked, (byte) 0);
      }
      if (printer().isJson()) {
        printer().resource(answer);
        return ExitCodes.OK;
      }
      JsonNode token = answer.path("access_token");
      boolean credentials = answer.path("revoked").size() + answer.path("already_revoked").size() > 0;
      if (token.isObject()) {
        printer().outcome(answer, "matched: access token " + token.path("jti").asText() + " of "
            + token.path("identity_id").asText() + ": " + switch (token.path("status").asText()) {
              case "revoked" -> "revoked";
              case "already_revoked" -> "already revoked before this report";
              case "expired" -> "expired, nothing to revoke";
              default -> token.path("status").asText();
            });
        if (revokeBoundCredential && !credentials) {
          printer().raw("no credential of its identity is bound to this token: no credential was revoked");
        }
      }
      if (credentials) {
        int revoked = answer.path("revoked").size();
        printer().raw("matched: revoked " + revoked + " credential" + (revoked == 1 ? "" : "s")
            + " with reason key_compromise");
        printer().rows(answer.path("revoked"), Columns.REVOKED_CREDENTIALS);
        int before = answer.path("already_revoked").size();
        if (before > 0) {
          printer().raw("already revoked before this report: " + before + " credential" + (before == 1 ? "" : "s"));
          printer().rows(answer.path("already_revoked"), Columns.REVOKED_CREDENTIALS);
        }
      } else if (!token.isObject()) {
        printer().raw("no credential matched this value: nothing was revoked");
      }
      return ExitCodes.OK;
    }

    private byte[] leakedValue() {
      if (stdinMarker != null && !stdinMarker.equals("-")) {
        throw CliFailure.usage("the only argument accepted is '-' (read standard input)");
      }
      int sources = (value != null ? 1 : 0) + (file != null ? 1 : 0) + (stdinMarker != null ? 1 : 0);
      if (sources != 1) {
        throw CliFailure.usage("give the leaked value in exactly one way: --file FILE, - (standard input)"
            + " or --value VALUE");
      }
      byte[] content;
      String source;
      if (value != null) {
        content = value.getBytes(StandardCharsets.UTF_8);
        source = "--value";
      } else if (file != null) {
        content = readFile(file);
        source = "file " + file;
      } else {
        content = readLimited(context().stdin());
        source = "standard input";
      }
      if (new String(content, StandardCharsets.UTF_8).isBlank()) {
        throw CliFailure.usage(source + " holds no value");
      }
      return content;
    }

    private static byte[] readFile(Path file) {
      try (InputStream in = Files.newInputStream(file)) {
        return readLimited(in);
      } catch (IOException e) {
        throw CliFailure.usage("cannot read " + file + ": " + CliFailure.reason(e));
      }
    }

    private static byte[] readLimited(InputStream in) {
      try {
        byte[] content = in.readNBytes(MAX_VALUE_BYTES + 1);
        if (content.length > MAX_VALUE_BYTES) {
          throw CliFailure.usage("the leaked value is larger than " + MAX_VALUE_BYTES + " bytes");
        }
        return content;
      } catch (IOException e) {
        throw CliFailure.usage("cannot read the leaked value: " + CliFailure.reason(e));
      }
    }
  }
}
