package dev.bindery.client.resource;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Compares a DPoP proof's {@code htu} with the request URL (RFC 9449 §4.3 check 9): query and fragment are
 * ignored; scheme and host compare case-insensitively, a default port equals no port, an empty path equals
 * {@code /}, dot segments are removed and percent-encodings compare case-insensitively (RFC 3986 §6.2.2,
 * §6.2.3). Only absolute {@code http}/{@code https} URLs match anything.
 */
final class HtuMatcher {
  private HtuMatcher() {}

  static boolean matches(String htu, String requestUri) {
    String a = normalize(htu);
    return a != null && a.equals(normalize(requestUri));
  }

  /** The comparable form, or null if the value is not an absolute http(s) URL. */
  static String normalize(String value) {
    URI uri;
    try {
      uri = new URI(value).normalize();
    } catch (URISyntaxException e) {
      return null;
    }
    String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!"https".equals(scheme) && !"http".equals(scheme)) {
      return null;
    }
    if (uri.getHost() == null || uri.getRawUserInfo() != null) {
      return null;
    }
    int port = uri.getPort();
    if (port == 443 && scheme.equals("https") || port == 80 && scheme.equals("http")) {
      port = -1;
    }
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (port == -1 ? "" : ":" + port)
        + upperCasePercentEncodings(path);
  }

  private static String upperCasePercentEncodings(String path) {
    if (path.indexOf('%') < 0) {
      return path;
    }
    StringBuilder out = new StringBuilder(path);
    for (int i = 0; i < out.length(); i++) {
      if (out.charAt(i) == '%' && i + 2 < out.length()) {
        out.setCharAt(i + 1, Character.toUpperCase(out.charAt(i + 1)));
        out.setCharAt(i + 2, Character.toUpperCase(out.charAt(i + 2)));
      }
    }
    return out.toString();
  }
}
