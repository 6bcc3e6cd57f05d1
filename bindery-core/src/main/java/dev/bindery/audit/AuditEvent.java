package dev.bindery.audit;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * An event in the hash chain. {@code hash} = SHA-256 over {@code prevHash} and the canonical serialization of
 * every other field ({@link AuditChain#hash}); the first event's {@code prevHash} is 64 zeros.
 */
public record AuditEvent(
    long seq,
    Instant time,
    String actor,
    String action,
    String target,
    Map<String, Object> details,
    Outcome outcome,
    String requestId,
    String prevHash,
    String hash) {
  public AuditEvent {
    Objects.requireNonNull(time);
    Objects.requireNonNull(actor);
    Objects.requireNonNull(action);
    Objects.requireNonNull(target);
    Objects.requireNonNull(details);
    Objects.requireNonNull(outcome);
    Objects.requireNonNull(requestId);
    Objects.requireNonNull(prevHash);
    Objects.requireNonNull(hash);
  }

  public String detailsJson() {
    return Canonical.json(details);
  }
}
