package dev.bindery.cli;

import static dev.bindery.cli.JsonAssert.assertSameJson;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditCommandsTest {
  @TempDir Path dir;
  private FakeBinderyServer server;

  @BeforeEach
  void start() throws Exception {
    server = FakeBinderyServer.http();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void query_sendsFiltersAndPrintsEvents() {
    server.replyJson("GET", "/api/v1/audit/events", 200, """
        {"items":[{"seq":4,"time":"2026-11-23T19:40:00.123Z","actor":"op_1","action":"identity.retire",
          "target":"nhi_abc","details":{"reason":"x"},"outcome":"success","request_id":"r4",
          "prev_hash":"aa","hash":"bb"}],"next_cursor":"n1"}""");

    CliRun run = CliRun.against(server, "audit", "query", "--target", "nhi_abc", "--actor", "op_1",
        "--action", "identity.retire", "--from", "2026-11-23T00:00:00Z", "--to", "2026-11-24T00:00:00Z",
        "--limit", "1000");

    assertThat(run.exitCode()).isZero();
    assertThat(server.onlyRequest().pathAndQuery()).isEqualTo("/api/v1/audit/events?target=nhi_abc&actor=op_1"
        + "&action=identity.retire&from=2026-11-23T00%3A00%3A00Z&to=2026-11-24T00%3A00%3A00Z&limit=1000");
    assertThat(run.out()).contains("identity.retire");
    assertThat(run.err()).contains("--cursor n1");
  }

  @Test
  void export_toStdout_printsEachLineUnchanged() {
    List<String> lines = AuditExports.lines(AuditExports.chain(3));
    server.reply("GET", "/api/v1/audit/export", ndjson(lines));

    CliRun run = CliRun.against(server, "audit", "export", "--after", "0");

    assertThat(run.exitCode()).isZero();
    assertThat(server.onlyRequest().pathAndQuery()).isEqualTo("/api/v1/audit/export?after=0");
    assertThat(server.onlyRequest().header("Accept")).isEqualTo("application/x-ndjson");
    assertThat(run.out().lines()).containsExactlyElementsOf(lines);
  }

  @Test
  void export_toFileThenVerifyFile_intact() throws IOException {
    server.reply("GET", "/api/v1/audit/export", ndjson(AuditExports.lines(AuditExports.chain(4))));
    Path file = dir.resolve("export.jsonl");

    CliRun export = CliRun.against(server, "audit", "export", "--out", file.toString());
    CliRun verify = CliRun.run(Map.of(), "audit", "verify", "--file", file.toString());

    assertThat(export.exitCode()).isZero();
    assertThat(export.err()).contains("exported 4 events to " + file);
    assertThat(verify.exitCode()).isZero();
    assertThat(verify.out()).contains("is intact: 4 events checked");
  }

  @Test
  void export_forbidden403_exit1() {
    server.replyProblem("GET", "/api/v1/audit/export", 403, "forbidden", "auditors only");

    CliRun run = CliRun.against(server, "audit", "export");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("error: forbidden: auditors only");
  }

  @Test
  void verify_onServerIntact_exit0() {
    server.replyJson("POST", "/api/v1/audit/verify", 200,
        "{\"ok\":true,\"events_checked\":12,\"first_broken_seq\":null,\"problem\":null}");

    CliRun run = CliRun.against(server, "audit", "verify");

    assertThat(run.exitCode()).isZero();
    assertThat(server.onlyRequest().method()).isEqualTo("POST");
    assertSameJson(server.onlyRequest().body(), "{}");
    assertThat(run.out()).contains("audit chain on the server is intact: 12 events checked");
  }

  @Test
  void verify_onServerBroken_exit5NamingFirstBrokenSeq() {
    server.replyJson("POST", "/api/v1/audit/verify", 200,
        "{\"ok\":false,\"events_checked\":6,\"first_broken_seq\":7,\"problem\":\"event content does not match its hash\"}");

    CliRun run = CliRun.against(server, "audit", "verify", "--output", "json");

    assertThat(run.exitCode()).isEqualTo(5);
    assertSameJson(run.out(),
        "{\"ok\":false,\"events_checked\":6,\"first_broken_seq\":7,\"problem\":\"event content does not match its hash\"}");
  }

  @Test
  void verifyFile_genuineExport_exit0WithoutTokenOrServer() throws IOException {
    Path file = write(AuditExports.lines(AuditExports.chain(10)));

    CliRun run = CliRun.run(Map.of(), "audit", "verify", "--file", file.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("is intact: 10 events checked");
    assertThat(run.err()).contains("cannot show whether events after its last one were removed");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void verifyFile_editedDetails_exit5NamingThatSeq() throws IOException {
    List<String> lines = new ArrayList<>(AuditExports.lines(AuditExports.chain(6)));
    lines.set(2, lines.get(2).replace("\"ratio\":1.50", "\"ratio\":1.5"));

    CliRun run = CliRun.run(Map.of(), "audit", "verify", "--file", write(lines).toString());

    assertThat(run.exitCode()).isEqualTo(5);
    assertThat(run.out()).contains("is broken at seq 3: event content does not match its hash"
        + " (2 events before it are intact)");
  }

  @Test
  void verifyFile_editedActor_exit5NamingThatSeq() throws IOException {
    List<String> lines = new ArrayList<>(AuditExports.lines(AuditExports.chain(6)));
    lines.set(4, lines.get(4).replace("\"actor\":\"op_1\"", "\"actor\":\"op_2\""));

    CliRun run = CliRun.run(Map.of(), "audit", "verify", "--file", write(lines).toString(), "-o", "json");

    assertThat(run.exitCode()).isEqualTo(5);
    assertSameJson(run.out(), "{\"ok\":false,\"events_checked\":4,\"first_broken_seq\":5,"
        + "\"problem\":\"event content does not match its hash\"}");
  }

  @Test
  void verifyFile_deletedLine_exit5NamingMissingSeq() throws IOException {
    List<String> lines = new ArrayList<>(AuditExports.lines(AuditExports.chain(6)));
    lines.remove(3);

    CliRun run = CliRun.run(Map.of(), "audit", "verify", "--file", write(lines).toString());

    assertThat(run.exitCode()).isEqualTo(5);
    assertThat(run.out()).contains("is broken at seq 4: event 4 is missing");
  }

  @Test
  void verifyFile_reorderedLines_exit5NamingFirstOutOfPlaceSeq() throws IOException {
    List<String> lines = new ArrayList<>(AuditExports.lines(AuditExports.chain(6)));
    Collections.swap(lines, 1, 2);

    CliRun run = CliRun.run(Map.of(), "audit", "verify", "--file", write(lines).toString());

    assertThat(run.exitCode()).isEqualTo(5);
    assertThat(run.out()).contains("is broken at seq 2:");
  }

  @Test
  void verifyFile_renumberedAfterDeletion_exit5AtBrokenLink() throws IOException {
    List<String> lines = new ArrayList<>(AuditExports.lines(AuditExports.chain(5)));
    lines.remove(1);
    lines.set(1, lines.get(1).replace("\"seq\":3", "\"seq\":2"));

    CliRun run = CliRun.run(Map.of(), "audit", "verify", "--file", write(lines).toString());

    assertThat(run.exitCode()).isEqualTo(5);
    assertThat(run.out()).contains("is broken at seq 2: previous-hash link does not match event 1");
  }

  @Test
  void verifyFile_lineThatIsNotJson_exit5AtExpectedSeq() throws IOException {
    List<String> lines = new ArrayList<>(AuditExports.lines(AuditExports.chain(4)));
    lines.set(2, "{not json");

    CliRun run = CliRun.run(Map.of(), "audit", "verify", "--file", write(lines).toString());

    assertThat(run.exitCode()).isEqualTo(5);
    assertThat(run.out()).contains("is broken at seq 3: line 3 is not an audit event: not a JSON object");
  }

  @Test
  void verifyFile_unknownFieldAdded_exit5() throws IOException {
    List<String> lines = new ArrayList<>(AuditExports.lines(AuditExports.chain(3)));
    lines.set(0, lines.get(0).replaceFirst("^\\{", "{\"note\":\"unverified\","));

    CliRun run = CliRun.run(Map.of(), "audit", "verify", "--file", write(lines).toString());

    assertThat(run.exitCode()).isEqualTo(5);
    assertThat(run.out()).contains("is broken at seq 1: line 1 is not an audit event: unknown field 'note'");
  }

  @Test
  void verifyFile_duplicateKey_exit5() throws IOException {
    List<String> lines = new ArrayList<>(AuditExports.lines(AuditExports.chain(3)));
    lines.set(1, lines.get(1).replaceFirst("^\\{", "{\"actor\":\"op_9\","));

    CliRun run = CliRun.run(Map.of(), "audit", "verify", "--file", write(lines).toString());

    assertThat(run.exitCode()).isEqualTo(5);
    assertThat(run.out()).contains("is broken at seq 2: line 2 is not an audit event");
  }

  @Test
  void verifyFile_timeChangedByOneMillisecond_exit5() throws IOException {
    List<String> lines = new ArrayList<>(AuditExports.lines(AuditExports.chain(3)));
    lines.set(1, lines.get(1).replace("19:40:02.123Z", "19:40:02.124Z"));

    CliRun run = CliRun.run(Map.of(), "audit", "verify", "--file", write(lines).toString());

    assertThat(run.exitCode()).isEqualTo(5);
    assertThat(run.out()).contains("is broken at seq 2: event content does not match its hash");
  }

  @Test
  void verifyFile_timeWithOffsetInsteadOfZ_sameInstantStillIntact() throws IOException {
    List<String> lines = new ArrayList<>(AuditExports.lines(AuditExports.chain(3)));
    lines.set(1, lines.get(1).replace("2026-11-23T19:40:02.123Z", "2026-11-23T20:40:02.123+01:00"));

    CliRun run = CliRun.run(Map.of(), "audit", "verify", "--file", write(lines).toString());

    assertThat(run.exitCode()).isZero();
  }

  @Test
  void verifyFile_missingFile_usageError() {
    CliRun run = CliRun.run(Map.of(), "audit", "verify", "--file", dir.resolve("nope.jsonl").toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("cannot read " + dir.resolve("nope.jsonl") + ": no such file");
  }

  @Test
  void verifyFile_emptyFile_intactWithZeroEvents() throws IOException {
    CliRun run = CliRun.run(Map.of(), "audit", "verify", "--file", write(List.of()).toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("0 events checked");
  }

  private Path write(List<String> lines) throws IOException {
    Path file = Files.createTempFile(dir, "export", ".jsonl");
    Files.write(file, lines, StandardCharsets.UTF_8);
    return file;
  }

  private static FakeBinderyServer.Reply ndjson(List<String> lines) {
    return new FakeBinderyServer.Reply(200, "application/x-ndjson", String.join("\n", lines) + "\n", Map.of());
  }
}
