package dev.bindery.support;

import dev.bindery.credential.CredentialId;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What applying a support action did, kept with the action: what it issued (by reference, never a secret), which
 * credentials it revoked, and the target's values it changed before and after (for the audit record, the review and
 * the "this was not us" revert).
 *
 * @param before the changed fields' values before apply, by wire name ({@code owning_team}, {@code backup_owner},
 *     {@code contact}, {@code assurance_level}, {@code tokens_revoked_through}); a field that had no value maps to
 *     the empty string
 * @param after the same fields after apply
 */
public record SupportResult(List<IssuedItem> issued, List<CredentialId> revokedCredentials,
    Map<String, String> before, Map<String, String> after) {
  public static final SupportResult NOTHING = new SupportResult(List.of(), List.of(), Map.of(), Map.of());

  public SupportResult {
    issued = List.copyOf(Objects.requireNonNull(issued, "issued"));
    revokedCredentials = List.copyOf(Objects.requireNonNull(revokedCredentials, "revokedCredentials"));
    before = Map.copyOf(Objects.requireNonNull(before, "before"));
    after = Map.copyOf(Objects.requireNonNull(after, "after"));
    if (!before.keySet().equals(after.keySet())) {
      throw new IllegalArgumentException("a result names the same fields before and after");
    }
  }
}
