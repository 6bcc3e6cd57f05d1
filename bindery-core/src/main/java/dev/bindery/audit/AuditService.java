package dev.bindery.audit;

import dev.bindery.security.Authorizer;
import dev.bindery.security.Caller;
import dev.bindery.store.AuditedTransactor;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Query, export and verification of the audit chain (admin, security officer, auditor). */
public final class AuditService {
  private final AuditedTransactor tx;
  private final Authorizer authz;

  public AuditService(AuditedTransactor tx, Authorizer authz) {
    this.tx = tx;
    this.authz = authz;
  }

  public List<AuditEvent> query(Caller caller, AuditQuery query) {
    return tx.read(caller, "audit.query", "", t -> {
      authz.requireAuditRead(caller);
      return t.audit().query(query);
    });
  }

  /** Streams every event after {@code afterSeq}, in order (export as JSON lines at the edge). */
  public void export(Caller caller, long afterSeq, Consumer<AuditEvent> sink) {
    tx.read(caller, "audit.export", "", t -> {
      authz.requireAuditRead(caller);
      return null;
    });
    tx.transactor().read(t -> {
      t.audit().scan(afterSeq, 1000, sink);
      return null;
    });
  }

  /** Verifies the live chain end to end against the stored head, and records that a check ran. */
  public VerificationResult verify(Caller caller) {
    tx.read(caller, "audit.verify", "", t -> {
      authz.requireAuditRead(caller);
      return null;
    });
    VerificationResult result = verifyStore();
    tx.write(caller, "audit.verify", "", t -> {
      java.util.Map<String, Object> d = new java.util.LinkedHashMap<>();
      d.put("ok", result.ok());
      d.put("events_checked", result.eventsChecked());
      if (!result.ok()) {
        d.put("first_broken_seq", result.firstBrokenSeq());
        d.put("problem", result.problem());
      }
      tx.record(t, caller, "audit.verify", "", d);
      return null;
    });
    return result;
  }

  /** Verification without authorization, for the server's own command-line check. */
  public VerificationResult verifyStore() {
    return tx.transactor().read(t -> {
      AuditVerifier v = new AuditVerifier();
      ChainHead head = t.audit().head();
      boolean[] stop = {false};
      t.audit().scan(0, 5000, e -> {
        if (!stop[0] && !v.accept(e)) {
          stop[0] = true;
        }
      });
      return v.finish(head);
    });
  }

  static Map<String, Object> none() {
    return Map.of();
  }
}
