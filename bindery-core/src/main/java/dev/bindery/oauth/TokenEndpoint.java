package dev.bindery.oauth;

import dev.bindery.token.IssuedAccessToken;
import java.util.Objects;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token endpoint's work, in this order: the grant type ({@code invalid_request} when absent,
 * {@code unsupported_grant_type} for anything but {@code client_credentials}), client authentication
 * ({@link ClientAuthentication}), the DPoP proof when the request carries one ({@link DpopProofVerifier}), then the
 * grant ({@link TokenService}). Refusals are {@link OAuthException}s; each is logged at debug level (never with a
 * token, proof or certificate) and counted by the edge. Issued tokens are reported to {@link OAuthEvents}.
 */
public final class TokenEndpoint {
  public static final String CLIENT_CREDENTIALS = "client_credentials";
  private static final Logger LOG = LoggerFactory.getLogger(TokenEndpoint.class);
  private static final Pattern SAFE_CLIENT_ID = Pattern.compile("nhi_[a-z2-7]{26}");
  private final ClientAuthentication clients;
  private final DpopProofVerifier dpop;
  private final TokenService tokens;
  private final OAuthEvents events;

  public TokenEndpoint(ClientAuthentication clients, DpopProofVerifier dpop, TokenService tokens,
      OAuthEvents events) {
    this.clients = Objects.requireNonNull(clients);
    this.dpop = Objects.requireNonNull(dpop);
    this.tokens = Objects.requireNonNull(tokens);
    this.events = Objects.requireNonNull(events);
  }

  public ClientAuthentication clientAuthentication() {
    return clients;
  }

  public DpopProofVerifier dpop() {
    return dpop;
  }

  public IssuedAccessToken token(TokenRequest r) {
    try {
      if (r.grantType() == null) {
        throw new OAuthException(OAuthError.INVALID_REQUEST, "grant_type_missing", "grant_type is required");
      }
      if (!CLIENT_CREDENTIALS.equals(r.grantType())) {
        throw new OAuthException(OAuthError.UNSUPPORTED_GRANT_TYPE, "grant_type_unsupported",
            "only the client_credentials grant is supported");
      }
      AuthenticatedClient client = clients.authenticate(r.client());
      DpopProof proof = r.dpopProofs().isEmpty() ? null : dpop.verify(r.dpopProofs(), r.httpMethod(), r.endpoint());
      IssuedAccessToken issued = tokens.clientCredentials(client, r.scope(), r.resources(), proof);
      events.tokenIssued(client.method(), issued.confirmation());
      return issued;
    } catch (OAuthException e) {
      if (LOG.isDebugEnabled()) {
        String clientId = r.client().clientId();
        LOG.debug("event=token_refused error={} reason={} client_id={} request_id={}", e.error().code(), e.reason(),
            clientId != null && SAFE_CLIENT_ID.matcher(clientId).matches() ? clientId : "?", r.client().requestId());
      }
      throw e;
    }
  }
}
