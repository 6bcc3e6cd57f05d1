package dev.bindery.audit;

import java.util.List;
import java.util.function.Consumer;

/**
 * Storage port for the audit chain. {@link #append} runs inside the caller's transaction and serializes
 * appends (it locks the chain head), so the event commits or rolls back together with the change it records.
 */
public interface AuditLog {
  AuditEvent append(AuditRecord record, java.time.Instant time);

  List<AuditEvent> query(AuditQuery query);

  /** Streams every event in sequence order, in pages of {@code batch}. */
  void scan(long afterSeq, int batch, Consumer<AuditEvent> sink);

  ChainHead head();
}
