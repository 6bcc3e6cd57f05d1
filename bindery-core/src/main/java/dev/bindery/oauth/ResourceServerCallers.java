package dev.bindery.oauth;

import dev.bindery.common.RejectedException;
import dev.bindery.credential.AuthenticatedCredential;
import dev.bindery.credential.CredentialService;
import dev.bindery.identity.Scope;
import dev.bindery.operator.OperatorService;
import dev.bindery.security.Authorizer;
import dev.bindery.security.Caller;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Objects;

/**
 * Authenticates the callers of the endpoints that serve resource servers (the revocation feed, introspection): an
 * operator by a bearer operator token (any operator but a leak reporter), or an identity holding the
 * {@value #INTROSPECT_SCOPE} scope by its client certificate over mutual TLS (an active X.509-SVID or registered
 * self-signed certificate, found by its x5t#S256, of an active identity). An operator token, when sent, is the
 * authentication; there is no fallback from a bad token to the certificate. Every refusal is
 * {@code invalid_client} (RFC 7662 section 2.1 lets the server choose how its callers authenticate).
 */
public final class ResourceServerCallers {
  public static final String INTROSPECT_SCOPE = "introspect";
  private static final Scope INTROSPECT = new Scope(INTROSPECT_SCOPE);

  private final OperatorService operators;
  private final Authorizer authz;
  private final CredentialService credentials;
  private final Clock clock;

  public ResourceServerCallers(OperatorService operators, Authorizer authz, CredentialService credentials,
      Clock clock) {
    this.operators = Objects.requireNonNull(operators);
    this.authz = Objects.requireNonNull(authz);
    this.credentials = Objects.requireNonNull(credentials);
    this.clock = Objects.requireNonNull(clock);
  }

  /** Who called: the audit actor of an operator or the identity id. */
  public record ResourceServerCaller(String actor, boolean operator) {}

  /**
   * @param operatorToken the bearer token of an {@code Authorization: Bearer} header, or null if none was sent
   * @param clientCertificate the leaf certificate of the TLS connection, or null
   * @throws OAuthException {@code invalid_client} if neither authenticates a permitted caller
   */
  public ResourceServerCaller authenticate(String operatorToken, X509Certificate clientCertificate, String requestId) {
    if (operatorToken != null) {
      try {
        Caller caller = operators.authenticate(operatorToken, requestId);
        authz.requireAuthenticated(caller);
        return new ResourceServerCaller(caller.actor(), true);
      } catch (RejectedException e) {
        throw new OAuthException(OAuthError.INVALID_CLIENT, "operator_token_refused",
            "the operator token was refused");
      }
    }
    if (clientCertificate == null) {
      throw new OAuthException(OAuthError.INVALID_CLIENT, "no_client_authentication",
          "authenticate with an operator token or a client certificate of an identity with the introspect scope");
    }
    AuthenticatedCredential c;
    try {
      c = credentials.authenticateCertificate(clientCertificate, clock.instant(), requestId,
          CredentialService.RefusalAudit.NOT_AUDITED);
    } catch (RejectedException e) {
      throw new OAuthException(OAuthError.INVALID_CLIENT, e.code().code(), "client certificate was refused");
    }
    if (!c.identity().scopes().contains(INTROSPECT)) {
      throw new OAuthException(OAuthError.INVALID_CLIENT, "introspect_scope_missing",
          "the identity of this client certificate lacks the introspect scope");
    }
    return new ResourceServerCaller(c.identity().id().value(), false);
  }
}
