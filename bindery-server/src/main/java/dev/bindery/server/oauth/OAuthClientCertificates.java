package dev.bindery.server.oauth;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import dev.bindery.oauth.OAuthError;
import dev.bindery.oauth.OAuthException;
import dev.bindery.server.tls.ClientCertificates;
import dev.bindery.server.http.Exchange;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * The client certificate of a request to an OAuth endpoint, read by {@link ClientCertificates} (the TLS peer chain,
 * or a chain a trusted proxy forwards), with its refusals as RFC 6749 errors: a forwarded header that is malformed,
 * repeated or too large is {@code invalid_request}; a forwarded chain the TLS handshake would not accept is
 * {@code invalid_client}. Both descriptions name the header.
 */
final class OAuthClientCertificates {
  private final ClientCertificates certificates;

  OAuthClientCertificates(ClientCertificates certificates) {
    this.certificates = Objects.requireNonNull(certificates);
  }

  /** The chain, leaf first; empty when the client presented none. */
  List<X509Certificate> chain(Exchange ex) {
    try {
      return certificates.chain(ex.tlsPeerCertificates(), ex.remoteAddress(), ex::headers);
    } catch (RejectedException e) {
      if (e.code() == ErrorCode.CLIENT_CERTIFICATE_UNTRUSTED) {
        throw new OAuthException(OAuthError.INVALID_CLIENT, "client_certificate_untrusted", e.getMessage());
      }
      throw new OAuthException(OAuthError.INVALID_REQUEST, "client_certificate_malformed", e.getMessage());
    }
  }

  /** The leaf certificate, or null. */
  X509Certificate leaf(Exchange ex) {
    List<X509Certificate> chain = chain(ex);
    return chain.isEmpty() ? null : chain.get(0);
  }
}
