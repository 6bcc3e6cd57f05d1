package dev.bindery.change;

import dev.bindery.credential.CredentialId;
import dev.bindery.identity.Identity;
import java.util.Objects;

/**
 * What following a "this was not us" link did: the request after it (cancelled if it was open), the new credential
 * revoked if the request had been applied (or null), and the identity, now locked (unless it was retired).
 */
public record DisavowOutcome(ChangeRequest request, CredentialId revokedCredential, Identity identity) {
  public DisavowOutcome {
    Objects.requireNonNull(request);
    Objects.requireNonNull(identity);
  }
}
