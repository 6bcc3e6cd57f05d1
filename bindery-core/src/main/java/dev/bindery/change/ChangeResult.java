package dev.bindery.change;

import dev.bindery.credential.CredentialId;
import java.util.List;
import java.util.Objects;

/** What an applied change request did: the credential it bound and the credentials it revoked. */
public record ChangeResult(CredentialId credentialId, List<CredentialId> revoked) {
  public ChangeResult {
    Objects.requireNonNull(credentialId, "credentialId");
    revoked = List.copyOf(revoked);
  }
}
