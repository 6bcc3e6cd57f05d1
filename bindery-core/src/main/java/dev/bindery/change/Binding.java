package dev.bindery.change;

import dev.bindery.credential.CredentialId;
import dev.bindery.credential.CredentialView;
import java.util.Objects;

/**
 * One entry of an identity's bindings history (docs/rebinding.md, "Bindings history"): a credential ever bound to
 * the identity, with what came after it.
 *
 * @param successor the credential that took its place: the next generation of its lineage (a renewal, or a rotate
 *     that continued the lineage), or the credential bound by the change request that revoked it; null otherwise
 * @param replacedBy the applied change request that revoked it, or null
 */
public record Binding(CredentialView credential, CredentialId successor, ChangeRequestId replacedBy) {
  public Binding {
    Objects.requireNonNull(credential, "credential");
  }
}
