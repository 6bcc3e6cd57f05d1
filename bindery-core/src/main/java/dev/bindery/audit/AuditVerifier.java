package dev.bindery.audit;

/**
 * Checks a chain event by event, in the order given. Detects an edited event (its hash no longer matches
 * its fields), a deleted or reordered event (sequence gap or {@code prev} mismatch), an inserted event
 * (duplicate sequence number or {@code prev} mismatch), and truncation (the last event differs from the
 * separately kept head). Feed events with {@link #accept}; read the verdict with {@link #finish}.
 */
public final class AuditVerifier {
  private long expectedSeq = 1;
  private String prev = AuditChain.GENESIS;
  private long checked;
  private VerificationResult failure;

  /** Returns false once the chain is known to be broken (later events are ignored). */
  public boolean accept(AuditEvent e) {
    if (failure != null) {
      return false;
    }
    if (e.seq() != expectedSeq) {
      failure = VerificationResult.broken(checked, expectedSeq,
          e.seq() < expectedSeq ? "sequence number " + e.seq() + " repeats or goes backwards"
              : "event " + expectedSeq + " is missing");
      return false;
    }
    if (!e.prevHash().equals(prev)) {
      failure = VerificationResult.broken(checked, e.seq(), "previous-hash link does not match event " + (e.seq() - 1));
      return false;
    }
    String recomputed = AuditChain.recompute(e);
    if (!recomputed.equals(e.hash())) {
      failure = VerificationResult.broken(checked, e.seq(), "event content does not match its hash");
      return false;
    }
    prev = e.hash();
    expectedSeq++;
    checked++;
    return true;
  }

  /** The verdict; pass the stored head to detect truncation of the tail, or null for an export file. */
  public VerificationResult finish(ChainHead head) {
    if (failure != null) {
      return failure;
    }
    if (head != null) {
      if (head.seq() != expectedSeq - 1) {
        // the first event the head does not vouch for: the first missing one, or the first beyond the head
        return VerificationResult.broken(checked, head.seq() > expectedSeq - 1 ? expectedSeq : head.seq() + 1,
            head.seq() > expectedSeq - 1 ? "events after " + (expectedSeq - 1) + " are missing (head is "
                + head.seq() + ")" : "chain is longer than its head");
      }
      if (!head.hash().equals(prev)) {
        return VerificationResult.broken(checked, head.seq(), "last event does not match the chain head");
      }
    }
    return VerificationResult.valid(checked);
  }
}
