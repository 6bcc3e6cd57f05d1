package dev.bindery.support;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What following a support action's "this was not us" link did ({@link SupportService#disavowInTransaction}).
 *
 * @param action the action after it: cancelled if it was open, or applied and marked disavowed
 * @param revoked what was revoked of what the action issued (references and credential ids)
 * @param restored the target's fields put back to their value before the action, by wire name (only those the action
 *     changed and nobody changed since)
 * @param targetStatus the target's status afterwards: {@code locked} (identity) or {@code disabled} (operator), or
 *     {@code retired} for an identity retired meanwhile
 */
public record SupportDisavowal(SupportAction action, List<String> revoked, Map<String, String> restored,
    String targetStatus) {
  public SupportDisavowal {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(targetStatus, "targetStatus");
    revoked = List.copyOf(revoked);
    restored = Map.copyOf(restored);
  }
}
