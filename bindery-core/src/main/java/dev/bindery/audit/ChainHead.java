package dev.bindery.audit;

/** The last sequence number and hash of the chain, kept separately so that truncation is detectable. */
public record ChainHead(long seq, String hash) {
  public static final ChainHead EMPTY = new ChainHead(0, AuditChain.GENESIS);
}
