package dev.bindery.oauth;

import dev.bindery.credential.CredentialService;
import dev.bindery.credential.CredentialType;
import dev.bindery.identity.IdentityId;
import java.time.Clock;

/**
 * {@code self_signed_tls_client_auth} (RFC 8705 section 2.2): the client presents a self-signed certificate that
 * was registered for {@code client_id}, matched by its x5t#S256; it must be active and unexpired and the identity
 * active. The names in the certificate mean nothing: only the registered thumbprint does.
 */
public final class SelfSignedTlsClientAuthenticator implements ClientAuthenticator {
  private final MutualTlsClients clients;

  public SelfSignedTlsClientAuthenticator(CredentialService credentials, Clock clock) {
    this.clients = new MutualTlsClients(credentials, clock);
  }

  @Override
  public ClientAuthenticationMethod method() {
    return ClientAuthenticationMethod.SELF_SIGNED_TLS_CLIENT_AUTH;
  }

  @Override
  public AuthenticatedClient authenticate(ClientAuthenticationRequest r) {
    IdentityId client = MutualTlsClients.clientId(r);
    return clients.authenticate(r, client, CredentialType.SELF_SIGNED_CERTIFICATE, method());
  }
}
