package dev.bindery.server.oauth;

import dev.bindery.oauth.ClientAuthentication;
import dev.bindery.oauth.OAuthError;
import dev.bindery.oauth.OAuthEvents;
import dev.bindery.oauth.OAuthException;
import dev.bindery.oauth.ResourceServerCallers;
import dev.bindery.oauth.TokenIntrospection;
import dev.bindery.oauth.TokenRevocation;
import dev.bindery.oauth.VerifiedAccessToken;
import dev.bindery.server.http.Access;
import dev.bindery.server.http.Exchange;
import dev.bindery.server.http.Json;
import dev.bindery.server.http.Route;
import dev.bindery.server.tls.ClientCertificates;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The endpoints that ask about or end an access token, with RFC 6749 JSON errors like the other OAuth endpoints:
 *
 * <ul>
 *   <li>{@code POST /oauth2/introspect} (RFC 7662): the caller authenticates as {@link ResourceServerCallers} says
 *       (else 401 {@code invalid_client}); form {@code token} (required, else {@code invalid_request}),
 *       {@code token_type_hint} ignored. Answers {@code {"active":false}} or the active token's claims; a resource
 *       server's identity only for tokens whose {@code aud} names one of its resource servers.
 *   <li>{@code POST /oauth2/revoke} (RFC 7009): the holding client authenticates as at the token endpoint
 *       ({@link ClientAuthentication}); form {@code token} (required). 200 with an empty body whether or not anything
 *       was revoked ({@link TokenRevocation}).
 * </ul>
 */
public final class TokenStatusRoutes {
  public static final String INTROSPECT_PATH = "/oauth2/introspect";
  public static final String REVOKE_PATH = "/oauth2/revoke";
  private static final String TAG = "oauth";

  private final TokenIntrospection introspection;
  private final ResourceServerCallers callers;
  private final TokenRevocation revocation;
  private final ClientAuthentication clients;
  private final OAuthClientCertificates certificates;
  private final OAuthErrors errors = new OAuthErrors(OAuthEvents.NONE);

  public TokenStatusRoutes(TokenIntrospection introspection, ResourceServerCallers callers,
      TokenRevocation revocation, ClientAuthentication clients, ClientCertificates certificates) {
    this.introspection = Objects.requireNonNull(introspection);
    this.callers = Objects.requireNonNull(callers);
    this.revocation = Objects.requireNonNull(revocation);
    this.clients = Objects.requireNonNull(clients);
    this.certificates = new OAuthClientCertificates(certificates);
  }

  public List<Route> routes() {
    return List.of(
        Route.post(INTROSPECT_PATH, "introspect").tag(TAG).access(Access.RESOURCE_SERVER)
            .consumes(FormBody.MEDIA_TYPE)
            .summary("Token introspection (RFC 7662) for resource servers and operators")
            .errors(errors).handleExchange(this::introspect),
        Route.post(REVOKE_PATH, "revoke").tag(TAG).access(Access.OAUTH_CLIENT).consumes(FormBody.MEDIA_TYPE)
            .summary("Token revocation (RFC 7009) by the client holding the token")
            .errors(errors).handleExchange(this::revoke));
  }

  private void introspect(Exchange ex) {
    ResourceServerCallers.ResourceServerCaller caller = RevocationRoutes.authenticate(ex, callers, certificates);
    String token = requiredToken(FormBody.read(ex, OAuthRoutes.MAX_FORM_BYTES, Set.of()));
    Map<String, Object> body = introspection.introspect(token, caller).map(TokenStatusRoutes::active)
        .orElseGet(() -> Map.of("active", false));
    OAuthErrors.noStore(ex);
    ex.respond(200, "application/json", Json.bytes(body));
  }

  private static Map<String, Object> active(VerifiedAccessToken t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("active", true);
    m.put("sub", t.subject());
    m.put("client_id", t.clientId());
    if (t.scope() != null) {
      m.put("scope", t.scope());
    }
    m.put("aud", t.audiences().size() == 1 ? t.audiences().get(0) : t.audiences());
    m.put("iss", t.issuer());
    m.put("exp", t.expiresAt().getEpochSecond());
    m.put("iat", t.issuedAt().getEpochSecond());
    m.put("nbf", t.notBefore().getEpochSecond());
    m.put("jti", t.jti());
    m.put("token_type", t.tokenType());
    if (t.confirmation() != null) {
      m.put("cnf", t.confirmation());
    }
    return m;
  }

  private void revoke(Exchange ex) {
    FormBody form = FormBody.read(ex, OAuthRoutes.MAX_FORM_BYTES, Set.of());
    var client = clients.authenticate(OAuthRoutes.clientAuthentication(ex, form, certificates));
    revocation.revoke(client, requiredToken(form), ex.requestId());
    OAuthErrors.noStore(ex);
    ex.respond(200, null, new byte[0]);
  }

  private static String requiredToken(FormBody form) {
    String token = form.get("token");
    if (token == null) {
      throw new OAuthException(OAuthError.INVALID_REQUEST, "token_missing", "token is required");
    }
    return token;
  }
}
