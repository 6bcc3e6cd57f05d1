package dev.bindery.audit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An audit event before it is placed in the chain. {@code details} holds before/after values for edits and
 * never secrets; it must contain only {@link Canonical} values.
 */
public record AuditRecord(
    String actor, String action, String target, Map<String, Object> details, Outcome outcome, String requestId) {
  public AuditRecord {
    Objects.requireNonNull(actor);
    Objects.requireNonNull(action);
    Objects.requireNonNull(outcome);
    target = target == null ? "" : target;
    requestId = requestId == null ? "" : requestId;
    details = details == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
    Canonical.json(details); // fail fast on unsupported values
  }
}
