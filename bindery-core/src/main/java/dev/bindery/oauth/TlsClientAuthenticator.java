package dev.bindery.oauth;

import dev.bindery.credential.CredentialService;
import dev.bindery.credential.CredentialType;
import dev.bindery.identity.IdentityId;
import dev.bindery.pki.CertificateAuthority;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * {@code tls_client_auth} (RFC 8705 section 2.1): the client presents an X.509-SVID issued by Bindery's CA. Its
 * URI SAN must be exactly the SPIFFE id of {@code client_id}, and the certificate must be the active credential of
 * that identity (looked up by x5t#S256, so a certificate of any other CA, even with the same SAN, is unknown and
 * refused). A valid chain is not enough: revoked, expired, superseded or quarantined certificates are refused.
 */
public final class TlsClientAuthenticator implements ClientAuthenticator {
  private static final int URI_SAN = 6;
  private final MutualTlsClients clients;
  private final CertificateAuthority ca;

  public TlsClientAuthenticator(CredentialService credentials, CertificateAuthority ca, Clock clock) {
    this.clients = new MutualTlsClients(credentials, clock);
    this.ca = Objects.requireNonNull(ca);
  }

  @Override
  public ClientAuthenticationMethod method() {
    return ClientAuthenticationMethod.TLS_CLIENT_AUTH;
  }

  @Override
  public AuthenticatedClient authenticate(ClientAuthenticationRequest r) {
    IdentityId client = MutualTlsClients.clientId(r);
    List<String> uris = uriSans(r.leaf());
    if (uris.size() != 1 || !uris.get(0).equals(ca.spiffeId(client))) {
      throw new OAuthException(OAuthError.INVALID_CLIENT, "san_mismatch",
          "the client certificate's uri san does not name client_id");
    }
    return clients.authenticate(r, client, CredentialType.X509_SVID, method());
  }

  private static List<String> uriSans(X509Certificate leaf) {
    List<String> out = new ArrayList<>();
    try {
      Collection<List<?>> names = leaf.getSubjectAlternativeNames();
      if (names != null) {
        for (List<?> name : names) {
          if (name.size() >= 2 && Integer.valueOf(URI_SAN).equals(name.get(0)) && name.get(1) instanceof String s) {
            out.add(s);
          }
        }
      }
    } catch (CertificateParsingException e) {
      throw new OAuthException(OAuthError.INVALID_CLIENT, "san_unreadable",
          "the client certificate's subject alternative names cannot be read");
    }
    return out;
  }
}
