package dev.bindery.audit;

import dev.bindery.common.Hashing;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The hash chain rule. An event's hash is SHA-256 of the UTF-8 bytes of the canonical JSON object
 * {@code {"action","actor","details","outcome","prev","request_id","seq","target","time"}} where
 * {@code time} is epoch milliseconds and {@code prev} is the previous event's hash (64 zeros for the first).
 */
public final class AuditChain {
  public static final String GENESIS = "0".repeat(64);

  private AuditChain() {}

  public static String hash(
      String prevHash, long seq, Instant time, String actor, String action, String target,
      Map<String, Object> details, Outcome outcome, String requestId) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("action", action);
    m.put("actor", actor);
    m.put("details", details);
    m.put("outcome", outcome.wire());
    m.put("prev", prevHash);
    m.put("request_id", requestId);
    m.put("seq", seq);
    m.put("target", target);
    m.put("time", time.toEpochMilli());
    return HexFormat.of().formatHex(Hashing.sha256(Canonical.json(m).getBytes(StandardCharsets.UTF_8)));
  }

  /** Seals a record as event {@code seq} after {@code prevHash}. Time is truncated to milliseconds. */
  public static AuditEvent seal(AuditRecord r, long seq, Instant time, String prevHash) {
    Instant t = Instant.ofEpochMilli(time.toEpochMilli());
    String h = hash(prevHash, seq, t, r.actor(), r.action(), r.target(), r.details(), r.outcome(), r.requestId());
    return new AuditEvent(seq, t, r.actor(), r.action(), r.target(), r.details(), r.outcome(), r.requestId(),
        prevHash, h);
  }

  /** Recomputes an event's hash from its fields. */
  public static String recompute(AuditEvent e) {
    return hash(e.prevHash(), e.seq(), e.time(), e.actor(), e.action(), e.target(), e.details(), e.outcome(),
        e.requestId());
  }
}
