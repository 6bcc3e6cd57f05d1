package dev.bindery.server.oauth;

import com.fasterxml.jackson.core.JsonGenerator;
import com.nimbusds.jose.JWSAlgorithm;
import dev.bindery.identity.Scope;
import dev.bindery.oauth.ClientAuthenticationMethod;
import dev.bindery.oauth.ClientAuthenticationRequest;
import dev.bindery.oauth.DpopProofVerifier;
import dev.bindery.oauth.OAuthEvents;
import dev.bindery.oauth.PrivateKeyJwtAuthenticator;
import dev.bindery.oauth.TokenEndpoint;
import dev.bindery.oauth.TokenRequest;
import dev.bindery.server.http.Access;
import dev.bindery.server.http.Call;
import dev.bindery.server.http.Exchange;
import dev.bindery.server.http.Json;
import dev.bindery.server.http.Route;
import dev.bindery.server.tls.ClientCertificates;
import dev.bindery.token.IssuedAccessToken;
import dev.bindery.token.KeyRing;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The authorization server's endpoints on the HTTPS listener, which requests but does not require client
 * certificates (so the mutual TLS aliases of RFC 8705 section 5 are the same URLs):
 *
 * <ul>
 *   <li>{@code GET /.well-known/oauth-authorization-server}: RFC 8414 metadata.
 *   <li>{@code GET /oauth2/jwks}: the signing keys (current, next, retired within retention), cacheable for the
 *       key ring's JWKS max-age.
 *   <li>{@code POST /oauth2/token}: the {@code client_credentials} grant. This class is the edge converter: it reads
 *       the form ({@link FormBody}), the client certificates ({@link ClientCertificates}: the TLS peer chain, or one
 *       forwarded by a trusted proxy) and the {@code DPoP} headers into a
 *       {@link TokenRequest}, lets the core {@link TokenEndpoint} decide, and writes the token response. Errors are
 *       RFC 6749 JSON ({@link OAuthErrors}).
 * </ul>
 */
public final class OAuthRoutes {
  public static final String METADATA_PATH = "/.well-known/oauth-authorization-server";
  public static final String JWKS_PATH = "/oauth2/jwks";
  public static final String TOKEN_PATH = "/oauth2/token";
  /** Room for a client assertion with a certificate chain; a client_credentials form is a few hundred bytes. */
  public static final int MAX_FORM_BYTES = 16 * 1024;
  private static final String TAG = "oauth";

  private final TokenEndpoint endpoint;
  private final KeyRing keys;
  private final Supplier<URI> publicUrl;
  private final OAuthClientCertificates certificates;
  private final OAuthErrors tokenErrors;
  private final OAuthErrors otherErrors = new OAuthErrors(OAuthEvents.NONE);
  private volatile TokenUrl tokenUrl;

  /**
   * @param publicUrl the issuer: the base URL clients use (configured, or derived from the listener once bound); the
   *     DPoP {@code htu} of the token endpoint is built from it, never from the request's URL or forwarded headers
   * @param events the token endpoint's metrics
   */
  public OAuthRoutes(TokenEndpoint endpoint, KeyRing keys, Supplier<URI> publicUrl, ClientCertificates certificates,
      OAuthEvents events) {
    this.endpoint = Objects.requireNonNull(endpoint);
    this.keys = Objects.requireNonNull(keys);
    this.publicUrl = Objects.requireNonNull(publicUrl);
    this.certificates = new OAuthClientCertificates(certificates);
    this.tokenErrors = new OAuthErrors(events);
  }

  public List<Route> routes() {
    return List.of(
        Route.get(METADATA_PATH, "getAuthorizationServerMetadata").tag(TAG).access(Access.PUBLIC)
            .summary("Authorization server metadata (RFC 8414)").errors(otherErrors).handle(this::metadata),
        Route.get(JWKS_PATH, "getJwks").tag(TAG).access(Access.PUBLIC).produces("application/jwk-set+json")
            .summary("The token signing keys (RFC 7517): current, next and recently retired")
            .errors(otherErrors).handle(this::jwks),
        Route.post(TOKEN_PATH, "token").tag(TAG).access(Access.OAUTH_CLIENT).consumes(FormBody.MEDIA_TYPE)
            .summary("Token endpoint: client_credentials with mutual TLS or private_key_jwt client authentication, "
                + "optional DPoP")
            .errors(tokenErrors).handleExchange(this::token));
  }

  private String base() {
    String s = publicUrl.get().toString();
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  private void metadata(Call call) {
    String base = base();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("issuer", base);
    m.put("token_endpoint", base + TOKEN_PATH);
    m.put("jwks_uri", base + JWKS_PATH);
    m.put("grant_types_supported", List.of(TokenEndpoint.CLIENT_CREDENTIALS));
    // required by RFC 8414; Bindery has no authorization endpoint, so no response type
    m.put("response_types_supported", List.of());
    Set<ClientAuthenticationMethod> methods = endpoint.clientAuthentication().methods();
    m.put("token_endpoint_auth_methods_supported", List.of(ClientAuthenticationMethod.values()).stream()
        .filter(methods::contains).map(ClientAuthenticationMethod::wire).toList());
    if (methods.contains(ClientAuthenticationMethod.PRIVATE_KEY_JWT)) {
      m.put("token_endpoint_auth_signing_alg_values_supported",
          PrivateKeyJwtAuthenticator.ALGORITHMS.stream().map(JWSAlgorithm::getName).toList());
    }
    m.put("tls_client_certificate_bound_access_tokens", true);
    m.put("dpop_signing_alg_values_supported",
        DpopProofVerifier.ALGORITHMS.stream().map(JWSAlgorithm::getName).toList());
    m.put("introspection_endpoint", base + TokenStatusRoutes.INTROSPECT_PATH);
    m.put("revocation_endpoint", base + TokenStatusRoutes.REVOKE_PATH);
    m.put("revocation_endpoint_auth_methods_supported", m.get("token_endpoint_auth_methods_supported"));
    if (m.containsKey("token_endpoint_auth_signing_alg_values_supported")) {
      m.put("revocation_endpoint_auth_signing_alg_values_supported",
          m.get("token_endpoint_auth_signing_alg_values_supported"));
    }
    m.put("mtls_endpoint_aliases", Map.of("token_endpoint", base + TOKEN_PATH,
        "introspection_endpoint", base + TokenStatusRoutes.INTROSPECT_PATH,
        "revocation_endpoint", base + TokenStatusRoutes.REVOKE_PATH));
    cacheable(call.ctx());
    call.json(m);
  }

  private void jwks(Call call) {
    cacheable(call.ctx());
    call.ctx().status(200).contentType("application/jwk-set+json").result(Json.bytes(Map.of("keys", keys.jwks())));
  }

  private void cacheable(Context ctx) {
    ctx.header("Cache-Control", "max-age=" + keys.settings().jwksMaxAge().toSeconds());
  }

  /** Served on Jetty's core handler API ahead of Javalin (see {@code CoreRoutes}). */
  private void token(Exchange ex) {
    FormBody form = FormBody.read(ex, MAX_FORM_BYTES, Set.of("resource"));
    ClientAuthenticationRequest client = clientAuthentication(ex, form, certificates);
    TokenRequest request = new TokenRequest(form.get("grant_type"), form.get("scope"), form.all("resource"), client,
        ex.headers("DPoP"), "POST", tokenEndpoint());
    IssuedAccessToken issued = endpoint.token(request);
    byte[] body = tokenResponse(issued);
    OAuthErrors.noStore(ex);
    if (endpoint.dpop().nonceRequired()) {
      ex.header("DPoP-Nonce", endpoint.dpop().nonce());
    }
    ex.respond(200, "application/json", body);
  }

  /**
   * The RFC 6749 section 5.1 answer, written with Jackson's streaming generator (the members are fixed; the object
   * mapper's per-call set-up was a measurable part of a token's CPU).
   */
  static byte[] tokenResponse(IssuedAccessToken issued) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("access_token", issued.value().reveal());
      g.writeStringField("token_type", issued.tokenType());
      g.writeNumberField("expires_in", issued.expiresIn());
      if (!issued.scopes().isEmpty()) {
        g.writeStringField("scope", issued.scopes().stream().map(Scope::value).sorted()
            .collect(Collectors.joining(" ")));
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The token endpoint's URL (the DPoP {@code htu}), built from the issuer and kept while the issuer is the same. */
  private URI tokenEndpoint() {
    URI issuer = publicUrl.get();
    TokenUrl cached = tokenUrl;
    if (cached == null || !cached.issuer().equals(issuer)) {
      cached = new TokenUrl(issuer, URI.create(base() + TOKEN_PATH));
      tokenUrl = cached;
    }
    return cached.url();
  }

  private record TokenUrl(URI issuer, URI url) {}

  /** What the request presents to authenticate its client (token and revocation endpoints). */
  static ClientAuthenticationRequest clientAuthentication(Exchange ex, FormBody form,
      OAuthClientCertificates certificates) {
    String authorization = ex.header("Authorization");
    String scheme = authorization == null ? null
        : Objects.requireNonNullElse(OAuthErrors.scheme(authorization), "unknown");
    return new ClientAuthenticationRequest(form.get("client_id"), certificates.chain(ex),
        form.get("client_assertion_type"), form.get("client_assertion"), form.has("client_secret"), scheme,
        ex.requestId());
  }
}
