package dev.bindery.change;

import dev.bindery.credential.CredentialId;
import dev.bindery.credential.CredentialView;
import dev.bindery.credential.IssuedSvid;
import java.util.List;
import java.util.Objects;

/**
 * The answer to applying a change request: the request (now {@code applied}), the credential it bound, the issued
 * certificate and its chain for an X.509-SVID (null for a public key), and the credentials it revoked.
 */
public record AppliedChange(ChangeRequest request, CredentialView credential, IssuedSvid svid,
    List<CredentialId> revoked) {
  public AppliedChange {
    Objects.requireNonNull(request);
    Objects.requireNonNull(credential);
    revoked = List.copyOf(revoked);
  }
}
