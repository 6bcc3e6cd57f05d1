package dev.bindery.audit;

/**
 * The outcome of checking a chain: {@code ok} with the number of events checked, or the first sequence
 * number at which the chain is broken and why.
 */
public record VerificationResult(boolean ok, long eventsChecked, Long firstBrokenSeq, String problem) {
  public static VerificationResult valid(long n) {
    return new VerificationResult(true, n, null, null);
  }

  public static VerificationResult broken(long n, long seq, String problem) {
    return new VerificationResult(false, n, seq, problem);
  }
}
