package dev.bindery.oauth;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import dev.bindery.credential.AuthenticatedCredential;
import dev.bindery.credential.CredentialKeys;
import dev.bindery.credential.CredentialService;
import dev.bindery.credential.CredentialService.RefusalAudit;
import dev.bindery.credential.CredentialType;
import dev.bindery.identity.IdentityId;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Locale;
import java.util.Objects;

/**
 * The steps both mutual TLS methods share: reading {@code client_id}, authenticating the presented certificate
 * with {@link CredentialService#authenticateCertificate} (the one place a certificate's credential is checked:
 * revoked, expired, superseded, quarantined, identity not active), and checking that the credential is of the
 * method's type and belongs to the named client.
 *
 * <p>Refused authentications are not audited one by one (a holder of a revoked key could otherwise fill the audit
 * log by retrying): the token endpoint counts them by reason in a metric and logs them at debug level. A lineage
 * quarantine caused by a superseded certificate is still audited by the credential service.
 */
final class MutualTlsClients {
  private final CredentialService credentials;
  private final Clock clock;

  MutualTlsClients(CredentialService credentials, Clock clock) {
    this.credentials = Objects.requireNonNull(credentials);
    this.clock = Objects.requireNonNull(clock);
  }

  /** The {@code client_id} parameter, required with mutual TLS (RFC 8705 section 2). */
  static IdentityId clientId(ClientAuthenticationRequest r) {
    if (r.clientId() == null) {
      throw new OAuthException(OAuthError.INVALID_REQUEST, "client_id_missing",
          "client_id is required with mutual tls client authentication");
    }
    try {
      return IdentityId.parse(r.clientId());
    } catch (RejectedException e) {
      throw new OAuthException(OAuthError.INVALID_CLIENT, "client_id_malformed",
          "client_id is not a bindery identity id");
    }
  }

  /**
   * Authenticates the leaf certificate; the credential must be of {@code type} and belong to {@code client}.
   */
  AuthenticatedClient authenticate(ClientAuthenticationRequest r, IdentityId client, CredentialType type,
      ClientAuthenticationMethod method) {
    X509Certificate leaf = r.leaf();
    AuthenticatedCredential authenticated;
    try {
      authenticated = credentials.authenticateCertificate(leaf, clock.instant(), r.requestId(),
          RefusalAudit.NOT_AUDITED);
    } catch (RejectedException e) {
      throw new OAuthException(OAuthError.INVALID_CLIENT, e.code().code(), describe(e));
    }
    if (authenticated.credential().type() != type) {
      throw new OAuthException(OAuthError.INVALID_CLIENT, "method_mismatch",
          "the client certificate is registered as a " + authenticated.credential().type().wire() + ", not for "
              + method.wire());
    }
    if (!authenticated.identity().id().equals(client)) {
      throw new OAuthException(OAuthError.INVALID_CLIENT, "client_id_mismatch",
          "the client certificate does not belong to client_id");
    }
    return new AuthenticatedClient(authenticated, method, CredentialKeys.x5tS256(leaf));
  }

  private static String describe(RejectedException e) {
    if (e.code() == ErrorCode.CREDENTIAL_UNKNOWN) {
      return "the client certificate is not registered with bindery";
    }
    return "client certificate refused: " + e.getMessage().toLowerCase(Locale.ROOT);
  }
}
