package dev.bindery.server.http;

import dev.bindery.audit.AuditEvent;
import dev.bindery.audit.AuditQuery;
import dev.bindery.audit.AuditService;
import dev.bindery.audit.VerificationResult;
import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /api/v1/audit}: query, export (NDJSON) and verification of the audit chain. */
public final class AuditRoutes {
  private static final String BASE = "/api/v1/audit";
  private final AuditService audit;

  public AuditRoutes(AuditService audit) {
    this.audit = audit;
  }

  public List<Route> routes() {
    return List.of(
        Route.get(BASE + "/events", "queryAuditEvents").tag("audit").access(Access.AUDIT_READ)
            .summary("Query audit events in sequence order")
            .query("target", "string", "target id").query("actor", "string", "actor id, system or anonymous")
            .query("action", "string", "action, such as identity.create")
            .query("from", "string", "RFC 3339 time, inclusive").query("to", "string", "RFC 3339 time, exclusive")
            .query("limit", "integer", "1-1000, default 50").query("cursor", "string", "next_cursor of the previous page")
            .handle(this::events),
        Route.get(BASE + "/export", "exportAuditEvents").tag("audit").access(Access.AUDIT_READ)
            .produces("application/x-ndjson").summary("Every event after a sequence number, one JSON object a line")
            .query("after", "integer", "sequence number to start after, default 0").handle(this::export),
        Route.post(BASE + "/verify", "verifyAuditChain").tag("audit").access(Access.AUDIT_READ)
            .summary("Verify the whole chain against its head").body(BodySpec.empty()).handle(this::verify));
  }

  private void events(Call call) {
    int limit = call.limit(50, AuditQuery.MAX_LIMIT);
    AuditQuery q = new AuditQuery(call.query("target"), call.query("actor"), call.query("action"),
        time(call, "from"), time(call, "to"), Cursors.decodeSeq(call.query("cursor")), limit);
    List<AuditEvent> events = audit.query(call.caller(), q);
    String next = events.size() == limit ? Cursors.encode(Long.toString(events.get(events.size() - 1).seq())) : null;
    call.json(Views.page(events, Views::auditEvent, next));
  }

  private static Instant time(Call call, String name) {
    String v = call.query(name);
    if (v == null) {
      return null;
    }
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw new RejectedException(ErrorCode.INVALID_QUERY, "'" + name + "' must be an RFC 3339 UTC time", name);
    }
  }

  private void export(Call call) throws IOException {
    String after = call.query("after");
    long afterSeq;
    try {
      afterSeq = after == null ? 0 : Long.parseLong(after);
    } catch (NumberFormatException e) {
      afterSeq = -1;
    }
    if (afterSeq < 0) {
      throw new RejectedException(ErrorCode.INVALID_QUERY, "'after' must be a non-negative sequence number", "after");
    }
    call.ctx().status(200).contentType("application/x-ndjson");
    OutputStream[] out = {null}; // opened at the first event, so a refusal can still answer with a problem
    try {
      // Authorization is checked (and a refusal audited) before the first event is written.
      audit.export(call.caller(), afterSeq, e -> {
        try {
          if (out[0] == null) {
            out[0] = call.ctx().outputStream();
          }
          out[0].write(Json.bytes(AuditJson.toMap(e)));
          out[0].write('\n');
        } catch (IOException io) {
          throw new UncheckedIOException(io);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private void verify(Call call) {
    call.body();
    VerificationResult r = audit.verify(call.caller());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ok", r.ok());
    m.put("events_checked", r.eventsChecked());
    m.put("first_broken_seq", r.firstBrokenSeq());
    m.put("problem", r.problem());
    call.json(m);
  }
}
