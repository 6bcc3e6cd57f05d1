package dev.bindery.oauth;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * What a token request presents to authenticate its client, as the HTTP edge read it: the {@code client_id}
 * parameter, the certificate chain of the TLS connection (leaf first; empty when the client sent none), the
 * {@code client_assertion_type} and {@code client_assertion} parameters, whether a {@code client_secret} parameter
 * was sent, and the scheme of an {@code Authorization} header. Nothing here is verified yet.
 */
public record ClientAuthenticationRequest(String clientId, List<X509Certificate> certificateChain,
    String clientAssertionType, String clientAssertion, boolean clientSecretSent, String authorizationScheme,
    String requestId) {
  public ClientAuthenticationRequest {
    certificateChain = List.copyOf(certificateChain == null ? List.of() : certificateChain);
    requestId = Objects.requireNonNullElse(requestId, "");
  }

  /** A request authenticated only by its TLS client certificate. */
  public static ClientAuthenticationRequest mutualTls(String clientId, List<X509Certificate> chain, String requestId) {
    return new ClientAuthenticationRequest(clientId, chain, null, null, false, null, requestId);
  }

  /** The leaf certificate, or null when the client sent none. */
  public X509Certificate leaf() {
    return certificateChain.isEmpty() ? null : certificateChain.get(0);
  }

  public boolean assertionSent() {
    return clientAssertionType != null || clientAssertion != null;
  }
}
