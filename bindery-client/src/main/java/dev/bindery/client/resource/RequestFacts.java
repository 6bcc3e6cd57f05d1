package dev.bindery.client.resource;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a resource server knows about one HTTP request, independent of any framework: the method, the URL
 * the client called (scheme, host, port and path as the client saw them; query and fragment are ignored),
 * every {@code Authorization} and {@code DPoP} header value, and the client certificate, if any.
 *
 * <p>The client certificate is chosen by the TCP peer, as {@code BinderyAuthFilter} and the Bindery server do:
 * when the peer is a trusted TLS-terminating proxy, the certificate it forwards (RFC 9440 {@code Client-Cert}),
 * never the proxy's own TLS certificate, and none when it forwards none; from any other peer, the certificate
 * of its TLS connection, never a forwarded header.
 */
public final class RequestFacts {
  private final String method;
  private final String uri;
  private final List<String> authorization;
  private final List<String> dpop;
  private final X509Certificate clientCertificate;

  private RequestFacts(Builder b) {
    this.method = Objects.requireNonNull(b.method, "method");
    this.uri = Objects.requireNonNull(b.uri, "uri");
    this.authorization = b.authorization;
    this.dpop = b.dpop;
    this.clientCertificate = b.clientCertificate;
  }

  public static Builder builder(String method, String uri) {
    return new Builder(method, uri);
  }

  public String method() {
    return method;
  }

  public String uri() {
    return uri;
  }

  public List<String> authorization() {
    return authorization;
  }

  public List<String> dpop() {
    return dpop;
  }

  public Optional<X509Certificate> clientCertificate() {
    return Optional.ofNullable(clientCertificate);
  }

  X509Certificate clientCertificateOrNull() {
    return clientCertificate;
  }

  /** Collects the facts; headers that are absent are simply not set. */
  public static final class Builder {
    private final String method;
    private final String uri;
    private List<String> authorization = List.of();
    private List<String> dpop = List.of();
    private X509Certificate clientCertificate;

    private Builder(String method, String uri) {
      this.method = Objects.requireNonNull(method, "method");
      this.uri = Objects.requireNonNull(uri, "uri");
    }

    /** The {@code Authorization} header value(s). */
    public Builder authorization(String... values) {
      this.authorization = List.of(values);
      return this;
    }

    public Builder authorization(List<String> values) {
      this.authorization = List.copyOf(values);
      return this;
    }

    /** The {@code DPoP} header value(s). */
    public Builder dpop(String... values) {
      this.dpop = List.of(values);
      return this;
    }

    public Builder dpop(List<String> values) {
      this.dpop = List.copyOf(values);
      return this;
    }

    /** The client certificate (leaf) of the connection, or null for none. */
    public Builder clientCertificate(X509Certificate certificate) {
      this.clientCertificate = certificate;
      return this;
    }

    public RequestFacts build() {
      return new RequestFacts(this);
    }
  }
}
