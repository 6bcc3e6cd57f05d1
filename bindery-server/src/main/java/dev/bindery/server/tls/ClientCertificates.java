package dev.bindery.server.tls;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import jakarta.servlet.http.HttpServletRequest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import javax.net.ssl.X509TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client certificate chain of a request, leaf first, for every route that authenticates by certificate (the
 * OAuth endpoints, the revocation feed, introspection, {@code POST /api/v1/renew}). It is the only code that reads
 * the TLS peer chain or a forwarded certificate header, and the TCP peer ({@code getRemoteAddr()}, never
 * {@code X-Forwarded-For}) alone decides which of the two is the client's:
 *
 * <ol>
 *   <li>From one of the {@link TrustedProxies}: only the chain in the configured {@link ClientCertificateHeader} form,
 *       bounded and strictly parsed, which must then pass the same validation as the handshake
 *       ({@link ClientCertificateTrustManager}: PKIX to Bindery's CA certificates, or exactly one current self-signed
 *       certificate). The proxy is trusted to have checked that the client holds the certificate's key, not to have
 *       validated the chain. The chain the proxy itself presented in its TLS handshake with Bindery is never the
 *       client's: a proxy that does mutual TLS to its upstream (Envoy, nginx {@code proxy_ssl_certificate}) presents
 *       its own certificate on every request it relays, so taking it would authenticate every client behind the
 *       proxy, and every request without a client certificate, as the proxy. No header is no client certificate.
 *   <li>From any other peer: the chain it presented in this connection's TLS handshake (the servlet request attribute
 *       {@value #PEER_CERTIFICATES}), or none. A forwarded header is ignored without being parsed, so a forged one gets
 *       nothing and cannot replace the certificate the peer proved it holds.
 * </ol>
 *
 * <p>RFC 9440 section 4: a backend accepts the header only from a trusted proxy, which must sanitize it; Envoy's
 * {@code X-Forwarded-Client-Cert} likewise keeps the proxy's own certificate ({@code By}) apart from the client's
 * ({@code Cert}).
 *
 * <p>Refusals (only for a header from a trusted proxy): {@code certificate_malformed} (400) when the header is
 * repeated, malformed or too large; {@code client_certificate_untrusted} (401) when its chain fails the handshake's
 * validation. Both name the header in their field. The OAuth endpoints render them as RFC 6749
 * {@code invalid_request} and {@code invalid_client}.
 */
public final class ClientCertificates {
  private static final Logger LOG = LoggerFactory.getLogger(ClientCertificates.class);
  /** The servlet attribute holding the TLS client's certificate chain, leaf first (Jakarta Servlet 6, 3.10). */
  public static final String PEER_CERTIFICATES = "jakarta.servlet.request.X509Certificate";

  private final TrustedProxies proxies;
  private final ClientCertificateHeader header;
  private final X509TrustManager validator;

  /**
   * @param validator the TLS listener's client certificate validation (the same {@link ClientCertificateTrustManager}
   *     configuration), applied to forwarded chains
   */
  public ClientCertificates(TrustedProxies proxies, ClientCertificateHeader header, X509TrustManager validator) {
    this.proxies = Objects.requireNonNull(proxies);
    this.header = Objects.requireNonNull(header);
    this.validator = Objects.requireNonNull(validator);
  }

  /** The TLS peer chain only: no proxy is trusted. */
  public static ClientCertificates tlsOnly() {
    return new ClientCertificates(TrustedProxies.none(), ClientCertificateHeader.CLIENT_CERT,
        new ClientCertificateTrustManager(List.of()));
  }

  /**
   * The client's chain, leaf first; empty when it presented none.
   *
   * @throws RejectedException {@code certificate_malformed} or {@code client_certificate_untrusted} for a header
   *     forwarded by a trusted proxy
   */
  public List<X509Certificate> chain(HttpServletRequest request) {
    return chain(request.getAttribute(PEER_CERTIFICATES), request.getRemoteAddr(),
        name -> values(request.getHeaders(name)));
  }

  /** The leaf of {@link #chain}, or null. */
  public X509Certificate leaf(HttpServletRequest request) {
    List<X509Certificate> chain = chain(request);
    return chain.isEmpty() ? null : chain.get(0);
  }

  /**
   * {@link #chain(HttpServletRequest)} over the parts of a request it reads.
   *
   * @param tlsChain the value of {@value #PEER_CERTIFICATES}
   * @param peerAddress the TCP peer's IP address
   * @param headers every value of a header name (one per header line), empty when absent
   */
  public List<X509Certificate> chain(Object tlsChain, String peerAddress, Function<String, List<String>> headers) {
    boolean tlsPresented = tlsChain instanceof X509Certificate[] certificates && certificates.length > 0;
    if (!proxies.contains(peerAddress)) {
      if (LOG.isDebugEnabled() && !headers.apply(header.headerName()).isEmpty()) {
        LOG.debug("event=forwarded_client_certificate_ignored reason=untrusted_peer peer={} header={}", peerAddress,
            header.headerName());
      }
      return tlsPresented ? List.of((X509Certificate[]) tlsChain) : List.of();
    }
    if (tlsPresented) {
      LOG.debug("event=proxy_tls_certificate_ignored peer={}", peerAddress);
    }
    List<X509Certificate> forwarded = header.read(headers);
    if (forwarded.isEmpty()) {
      return List.of();
    }
    try {
      validator.checkClientTrusted(forwarded.toArray(new X509Certificate[0]), "UNKNOWN");
    } catch (CertificateException | RuntimeException e) {
      throw new RejectedException(ErrorCode.CLIENT_CERTIFICATE_UNTRUSTED, "the client certificate in "
          + header.headerName() + " is neither issued by bindery's ca nor a single current self-signed certificate",
          header.headerName());
    }
    return forwarded;
  }

  /** What this node reads, for the start-up log. */
  public String describe() {
    return proxies.isEmpty() ? "tls only"
        : header.headerName() + " only from " + proxies + " (their own tls certificate ignored), tls from others";
  }

  private static List<String> values(Enumeration<String> values) {
    return values == null ? List.of() : new ArrayList<>(Collections.list(values));
  }
}
