package dev.bindery.cli.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bindery.audit.VerificationResult;
import dev.bindery.cli.ApiCommand;
import dev.bindery.cli.failure.CliFailure;
import dev.bindery.cli.ClientContext;
import dev.bindery.cli.ClientGroup;
import dev.bindery.cli.failure.ExitCodes;
import dev.bindery.cli.PageOptions;
import dev.bindery.cli.http.ApiRequest;
import dev.bindery.cli.http.ContractViolation;
import dev.bindery.cli.http.Json;
import dev.bindery.cli.output.Columns;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bindery audit ...}: read, export and verify the tamper-evident audit chain. */
@Command(name = "audit", description = "Query, export and verify the audit log.",
    subcommands = {AuditCommands.Query.class, AuditCommands.Export.class, AuditCommands.Verify.class})
public final class AuditCommands extends ClientGroup {
  public AuditCommands(ClientContext context) {
    super(context);
  }

  @Command(name = "query", description = "Search audit events (GET /api/v1/audit/events).")
  static final class Query extends ApiCommand {
    @Option(names = "--target", description = "Only events about this id.")
    String target;

    @Option(names = "--actor", description = "Only events by this operator id, system or anonymous.")
    String actor;

    @Option(names = "--action", description = "Only this action, e.g. identity.create.")
    String action;

    @Option(names = "--from", paramLabel = "TIME", description = "Not before this RFC 3339 time.")
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "Before this RFC 3339 time (exclusive).")
    String to;

    @Mixin PageOptions page;

    @Override
    protected int run() {
      ApiRequest request = ApiRequest.get("audit", "events").query("target", target).query("actor", actor)
          .query("action", action).query("from", from).query("to", to);
      printer().list(api().send(page.applyTo(request)).json(), Columns.AUDIT_EVENTS);
      return ExitCodes.OK;
    }
  }

  @Command(name = "export", description = {
      "Export the audit chain as JSON lines, in sequence order (GET /api/v1/audit/export).",
      "Check the file offline with 'bindery audit verify --file FILE'."})
  static final class Export extends ApiCommand {
    @Option(names = "--after", paramLabel = "SEQ",
        description = "Only events after this sequence number (a partial export cannot be verified offline).")
    Long after;

    @Option(names = "--out", paramLabel = "FILE", description = "Write to this file instead of stdout.")
    Path out;

    @Override
    protected int run() {
      ApiRequest request = ApiRequest.get("audit", "export").query("after", after).accept("application/x-ndjson");
      if (out == null) {
        api().streamLines(request, printer()::raw);
        return ExitCodes.OK;
      }
      long events = 0;
      try (BufferedWriter file = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
        long[] count = {0};
        api().streamLines(request, line -> {
          writeLine(file, line);
          count[0]++;
        });
        events = count[0];
      } catch (IOException e) {
        throw CliFailure.usage("cannot write " + out + ": " + CliFailure.reason(e));
      } catch (UncheckedIOException e) {
        throw CliFailure.usage("cannot write " + out + ": " + CliFailure.reason(e.getCause()));
      }
      printer().note("exported " + events + " events to " + out);
      return ExitCodes.OK;
    }

    private static void writeLine(BufferedWriter file, String line) {
      try {
        file.write(line);
        file.write('\n');
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Command(name = "verify", description = {
      "Verify the audit chain and name the first broken sequence number (exit code 5 if broken).",
      "Without --file the server verifies its chain, head included (POST /api/v1/audit/verify);",
      "with --file this CLI verifies a complete export offline."})
  static final class Verify extends ApiCommand {
    @Option(names = "--file", paramLabel = "FILE", description = "An export file to verify offline.")
    Path file;

    @Override
    protected int run() {
      VerificationResult result = file != null ? verifyFile() : verifyOnServer();
      ObjectNode json = Json.object();
      json.put("ok", result.ok());
      json.put("events_checked", result.eventsChecked());
      if (result.firstBrokenSeq() == null) {
        json.putNull("first_broken_seq");
      } else {
        json.put("first_broken_seq", result.firstBrokenSeq());
      }
      json.put("problem", result.problem());
      String subject = file != null ? "audit export " + file : "audit chain on the server";
      if (result.ok()) {
        printer().outcome(json, subject + " is intact: " + result.eventsChecked() + " events checked");
        if (file != null) {
          printer().note("an export cannot show whether events after its last one were removed;"
              + " 'bindery audit verify' without --file checks the server's chain head too");
        }
        return ExitCodes.OK;
      }
      printer().outcome(json, subject + " is broken at seq " + result.firstBrokenSeq() + ": "
          + result.problem() + " (" + result.eventsChecked() + " events before it are intact)");
      return ExitCodes.BROKEN_CHAIN;
    }

    private VerificationResult verifyFile() {
      try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        return ExportFileVerification.verify(lines);
      } catch (IOException e) {
        throw CliFailure.usage("cannot read " + file + ": " + CliFailure.reason(e));
      }
    }

    private VerificationResult verifyOnServer() {
      JsonNode answer = api().send(ApiRequest.post("audit", "verify").body(Json.object())).json();
      JsonNode ok = answer.path("ok");
      if (!ok.isBoolean()) {
        throw new ContractViolation("the verification answer has no 'ok'");
      }
      long checked = answer.path("events_checked").asLong();
      if (ok.booleanValue()) {
        return VerificationResult.valid(checked);
      }
      JsonNode brokenSeq = answer.path("first_broken_seq");
      if (!brokenSeq.canConvertToLong()) {
        throw new ContractViolation("the verification answer says broken but names no sequence number");
      }
      return VerificationResult.broken(checked, brokenSeq.asLong(), answer.path("problem").asText(""));
    }
  }
}
