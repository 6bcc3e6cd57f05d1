package dev.bindery.oauth;

import dev.bindery.credential.Credential;
import dev.bindery.credential.CredentialKeys;
import dev.bindery.credential.CredentialService;
import dev.bindery.credential.CredentialType;
import dev.bindery.credential.Thumbprint;
import dev.bindery.identity.IdentityId;
import dev.bindery.store.Transactor;
import java.time.Clock;
import java.util.Objects;

/**
 * {@code self_signed_tls_client_auth} (RFC 8705 section 2.2): the client presents a self-signed certificate that
 * was registered for {@code client_id}, matched by its x5t#S256; it must be active and unexpired and the identity
 * active. The names in the certificate mean nothing: only the registered thumbprint does.
 *
 * <p>A certificate that is not registered, or registered for another identity than {@code client_id}, is refused
 * after a read and before the credential service records any use of it: a refused request writes nothing.
 */
public final class SelfSignedTlsClientAuthenticator implements ClientAuthenticator {
  private final MutualTlsClients clients;
  private final Transactor store;

  public SelfSignedTlsClientAuthenticator(CredentialService credentials, Transactor store, Clock clock) {
    this.clients = new MutualTlsClients(credentials, clock);
    this.store = Objects.requireNonNull(store);
  }

  @Override
  public ClientAuthenticationMethod method() {
    return ClientAuthenticationMethod.SELF_SIGNED_TLS_CLIENT_AUTH;
  }

  @Override
  public AuthenticatedClient authenticate(ClientAuthenticationRequest r) {
    IdentityId client = MutualTlsClients.clientId(r);
    Thumbprint x5t = CredentialKeys.x5tS256(r.leaf());
    Credential registered = store.read(t -> t.credentials().findByThumbprint(CredentialType.SELF_SIGNED_CERTIFICATE,
        x5t)).orElseThrow(() -> new OAuthException(OAuthError.INVALID_CLIENT, "credential_unknown",
            "the client certificate is not registered with bindery"));
    if (!registered.identityId().equals(client)) {
      throw new OAuthException(OAuthError.INVALID_CLIENT, "client_id_mismatch",
          "the client certificate does not belong to client_id");
    }
    return clients.authenticate(r, client, CredentialType.SELF_SIGNED_CERTIFICATE, method());
  }
}
