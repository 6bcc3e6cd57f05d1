package dev.bindery.client.servlet;

import dev.bindery.client.resource.BinderyTokenVerifier;
import dev.bindery.client.resource.RequestFacts;
import dev.bindery.client.resource.TokenRejection;
import dev.bindery.client.resource.VerificationResult;
import dev.bindery.client.resource.VerifiedAccessToken;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A Jakarta Servlet filter that lets a request through only with a valid Bindery access token, verified by
 * {@link BinderyTokenVerifier}. It reads {@code Authorization} and {@code DPoP}, and the client certificate,
 * which the TCP peer ({@code getRemoteAddr()}, never {@code X-Forwarded-For}) alone decides, by the same rule as
 * the Bindery server (docs/api.md, "Behind a TLS-terminating proxy"):
 *
 * <ul>
 *   <li>From one of the configured trusted proxies: only its RFC 9440 {@code Client-Cert} header; none without
 *       one. The proxy's own TLS certificate is never the client's: a proxy that does mutual TLS to its upstream
 *       (Envoy, nginx {@code proxy_ssl_certificate}) presents it on every request it relays, so taking it would
 *       match any token bound to the proxy for every client behind it.
 *   <li>From any other peer: the certificate of its TLS connection
 *       ({@code jakarta.servlet.request.X509Certificate}); a {@code Client-Cert} header is ignored without being
 *       parsed, so a forged one gets nothing (RFC 9440 section 4).
 * </ul>
 *
 * <p>An accepted request continues with the {@link VerifiedAccessToken} in the request attribute
 * {@link #VERIFIED_TOKEN_ATTRIBUTE}. A refused one is answered here: the RFC 6750 / RFC 9449 status,
 * {@code WWW-Authenticate} challenges, {@code Cache-Control: no-store} and a JSON
 * {@code {"error","error_description"}} body.
 */
public final class BinderyAuthFilter implements Filter {
  /** The request attribute holding the {@link VerifiedAccessToken} of an accepted request. */
  public static final String VERIFIED_TOKEN_ATTRIBUTE = "dev.bindery.client.verified_access_token";
  static final String CERTIFICATE_ATTRIBUTE = "jakarta.servlet.request.X509Certificate";

  private final BinderyTokenVerifier verifier;
  private final TrustedProxies trustedProxies;
  private final Set<String> requiredScopes;
  private final URI externalOrigin;

  private BinderyAuthFilter(Builder b) {
    this.verifier = Objects.requireNonNull(b.verifier, "verifier");
    this.trustedProxies = b.trustedProxies;
    this.requiredScopes = Set.copyOf(b.requiredScopes);
    this.externalOrigin = b.externalOrigin;
  }

  public static Builder builder(BinderyTokenVerifier verifier) {
    return new Builder(verifier);
  }

  /** The verified token of a request this filter accepted, or null. */
  public static VerifiedAccessToken verifiedToken(ServletRequest request) {
    Object value = request.getAttribute(VERIFIED_TOKEN_ATTRIBUTE);
    return value instanceof VerifiedAccessToken token ? token : null;
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
      throw new ServletException("BinderyAuthFilter protects HTTP requests only");
    }
    // a value set by anyone before this filter is never trusted
    request.removeAttribute(VERIFIED_TOKEN_ATTRIBUTE);
    RequestFacts facts;
    try {
      facts = facts(request);
    } catch (IllegalArgumentException e) {
      refuse(response, TokenRejection.invalidRequest(e.getMessage()));
      return;
    }
    VerificationResult result = verifier.verify(facts, requiredScopes);
    if (!result.isAccepted()) {
      refuse(response, result.rejection());
      return;
    }
    request.setAttribute(VERIFIED_TOKEN_ATTRIBUTE, result.token());
    chain.doFilter(request, response);
  }

  /** The framework-free facts of a servlet request; a malformed forwarded certificate is an IAE. */
  RequestFacts facts(HttpServletRequest request) {
    return RequestFacts.builder(request.getMethod(), requestUrl(request))
        .authorization(headers(request, "Authorization"))
        .dpop(headers(request, "DPoP"))
        .clientCertificate(clientCertificate(request))
        .build();
  }

  private X509Certificate clientCertificate(HttpServletRequest request) {
    if (trustedProxies.contains(request.getRemoteAddr())) {
      // the proxy's own TLS certificate is deliberately not read: it is the proxy's, not its client's
      List<String> forwarded = headers(request, ClientCertHeader.NAME);
      if (forwarded.size() > 1) {
        throw new IllegalArgumentException("more than one Client-Cert header");
      }
      return forwarded.isEmpty() ? null : ClientCertHeader.parse(forwarded.get(0));
    }
    Object chain = request.getAttribute(CERTIFICATE_ATTRIBUTE);
    if (chain instanceof X509Certificate[] certificates && certificates.length > 0) {
      return certificates[0];
    }
    return null;
  }

  private String requestUrl(HttpServletRequest request) {
    if (externalOrigin != null) {
      return externalOrigin + request.getRequestURI();
    }
    return request.getRequestURL().toString();
  }

  private static List<String> headers(HttpServletRequest request, String name) {
    var values = request.getHeaders(name);
    return values == null ? List.of() : new ArrayList<>(Collections.list(values));
  }

  private static void refuse(HttpServletResponse response, TokenRejection rejection) throws IOException {
    response.setStatus(rejection.status());
    for (String challenge : rejection.wwwAuthenticate()) {
      response.addHeader("WWW-Authenticate", challenge);
    }
    response.setHeader("Cache-Control", "no-store");
    String body = rejection.jsonBody();
    if (!body.isEmpty()) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      response.setContentType("application/json");
      response.setContentLength(bytes.length);
      response.getOutputStream().write(bytes);
    }
  }

  /** The filter's settings; only the verifier is required. */
  public static final class Builder {
    private final BinderyTokenVerifier verifier;
    private TrustedProxies trustedProxies = TrustedProxies.none();
    private Set<String> requiredScopes = Set.of();
    private URI externalOrigin;

    private Builder(BinderyTokenVerifier verifier) {
      this.verifier = Objects.requireNonNull(verifier, "verifier");
    }

    /** Peers (addresses or CIDR ranges) whose {@code Client-Cert} header is believed. Default: none. */
    public Builder trustedProxies(String... addressesOrRanges) {
      this.trustedProxies = TrustedProxies.of(addressesOrRanges);
      return this;
    }

    /** Scopes every request must carry (403 {@code insufficient_scope} otherwise). */
    public Builder requiredScopes(String... scopes) {
      this.requiredScopes = Set.of(scopes);
      return this;
    }

    /**
     * The scheme, host and port clients use (e.g. {@code https://api.example.com}) when a proxy changes them;
     * DPoP proofs are checked against this origin plus the request path. Default: the request's own URL.
     */
    public Builder externalOrigin(URI origin) {
      if (origin.getRawPath() != null && !origin.getRawPath().isEmpty() || origin.getRawQuery() != null
          || origin.getHost() == null) {
        throw new IllegalArgumentException("the external origin is scheme://host[:port] only");
      }
      this.externalOrigin = origin;
      return this;
    }

    public BinderyAuthFilter build() {
      return new BinderyAuthFilter(this);
    }
  }
}
