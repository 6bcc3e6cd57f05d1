package dev.bindery.oauth;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * A token request as the HTTP edge parsed it (RFC 6749 section 4.4.2): the form parameters (absent or empty ones
 * as null), what authenticates the client, every {@code DPoP} header value, the request method and the endpoint URL
 * as the client addressed it (the configured public URL and the endpoint path: what a DPoP {@code htu} must name).
 *
 * @param resources the RFC 8707 {@code resource} values, in order (the only repeatable parameter)
 */
public record TokenRequest(String grantType, String scope, List<String> resources, ClientAuthenticationRequest client,
    List<String> dpopProofs, String httpMethod, URI endpoint) {
  public TokenRequest {
    resources = List.copyOf(resources == null ? List.of() : resources);
    dpopProofs = List.copyOf(dpopProofs == null ? List.of() : dpopProofs);
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(httpMethod, "httpMethod");
    Objects.requireNonNull(endpoint, "endpoint");
  }
}
