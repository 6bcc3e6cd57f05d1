package dev.bindery.client.issuer;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;

/**
 * The identifier of a Bindery authorization server (RFC 8414 §2): an {@code https} URL without query,
 * fragment or user information, such as {@code https://localhost:8443}. It is compared with the {@code iss}
 * claim of access tokens and with the {@code issuer} of the metadata document as an exact string.
 *
 * @param value the identifier exactly as the server's {@code bindery.public-url}
 */
public record Issuer(String value) {
  public Issuer {
    Objects.requireNonNull(value, "issuer");
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("issuer is not a URL: " + e.getMessage());
    }
    if (!"https".equals(uri.getScheme())) {
      throw new IllegalArgumentException("issuer must be an https URL: " + value);
    }
    if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("issuer must have a host and no user info, query or fragment: " + value);
    }
    if (value.endsWith("/")) {
      throw new IllegalArgumentException("issuer must not end with a slash: " + value);
    }
  }

  public static Issuer parse(String value) {
    return new Issuer(value);
  }

  public URI uri() {
    return URI.create(value);
  }

  /** The RFC 8414 §3.1 metadata URL: the well-known segment goes between the host and any path. */
  public URI metadataUri() {
    URI uri = uri();
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    return URI.create(uri.getScheme() + "://" + uri.getRawAuthority()
        + "/.well-known/oauth-authorization-server" + path);
  }

  /** A URL below the issuer, such as {@code /oauth2/revocations}. */
  public URI resolve(String absolutePath) {
    if (!absolutePath.startsWith("/")) {
      throw new IllegalArgumentException("path must start with a slash");
    }
    return URI.create(value + absolutePath);
  }

  @Override
  public String toString() {
    return value;
  }
}
