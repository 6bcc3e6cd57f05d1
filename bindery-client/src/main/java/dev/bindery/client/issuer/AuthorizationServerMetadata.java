package dev.bindery.client.issuer;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The parts of a Bindery server's RFC 8414 metadata the SDK uses. {@link #fetch} refuses a document whose
 * {@code issuer} is not exactly the configured issuer (RFC 8414 §3.3) and endpoints that are not {@code https}.
 *
 * @param issuer the issuer, equal to the configured one
 * @param tokenEndpoint {@code token_endpoint}
 * @param jwksUri {@code jwks_uri}
 * @param mtlsTokenEndpoint {@code mtls_endpoint_aliases.token_endpoint} (RFC 8705 §5), if announced
 * @param dpopSigningAlgorithms {@code dpop_signing_alg_values_supported} (empty if not announced)
 */
public record AuthorizationServerMetadata(Issuer issuer, URI tokenEndpoint, URI jwksUri,
    Optional<URI> mtlsTokenEndpoint, List<String> dpopSigningAlgorithms) {
  public AuthorizationServerMetadata {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
    Objects.requireNonNull(jwksUri, "jwksUri");
    Objects.requireNonNull(mtlsTokenEndpoint, "mtlsTokenEndpoint");
    dpopSigningAlgorithms = List.copyOf(dpopSigningAlgorithms);
  }

  /** Reads {@code /.well-known/oauth-authorization-server} of {@code issuer}. */
  public static AuthorizationServerMetadata fetch(IssuerHttp http, Issuer issuer) {
    String what = "authorization server metadata of " + issuer;
    IssuerHttp.Response response = http.send(http.get(issuer.metadataUri()).build(), what);
    if (response.status() != 200) {
      throw new IssuerUnavailableException(what + ": HTTP " + response.status());
    }
    return parse(response.jsonObject(what), issuer);
  }

  static AuthorizationServerMetadata parse(JsonNode json, Issuer expected) {
    String what = "authorization server metadata of " + expected;
    JsonNode issuer = json.get("issuer");
    if (issuer == null || !issuer.isTextual() || !issuer.asText().equals(expected.value())) {
      throw new IssuerUnavailableException(what + ": the document names another issuer");
    }
    Optional<URI> mtlsToken = Optional.empty();
    JsonNode aliases = json.get("mtls_endpoint_aliases");
    if (aliases != null && aliases.isObject() && aliases.has("token_endpoint")) {
      mtlsToken = Optional.of(httpsUri(aliases, "token_endpoint", what));
    }
    List<String> dpopAlgs = new ArrayList<>();
    JsonNode algs = json.get("dpop_signing_alg_values_supported");
    if (algs != null && algs.isArray()) {
      algs.forEach(a -> dpopAlgs.add(a.asText()));
    }
    return new AuthorizationServerMetadata(expected, httpsUri(json, "token_endpoint", what),
        httpsUri(json, "jwks_uri", what), mtlsToken, dpopAlgs);
  }

  private static URI httpsUri(JsonNode json, String field, String what) {
    JsonNode value = json.get(field);
    if (value == null || !value.isTextual()) {
      throw new IssuerUnavailableException(what + ": " + field + " is missing");
    }
    URI uri;
    try {
      uri = URI.create(value.asText());
    } catch (IllegalArgumentException e) {
      throw new IssuerUnavailableException(what + ": " + field + " is not a URL");
    }
    if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IssuerUnavailableException(what + ": " + field + " is not an https URL");
    }
    return uri;
  }
}
