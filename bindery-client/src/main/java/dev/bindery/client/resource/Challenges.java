package dev.bindery.client.resource;

import java.util.Collection;

/**
 * {@code WWW-Authenticate} challenges. Descriptions are fixed strings of this package; they are checked
 * against the RFC 6750 §3 character set (no quote, no backslash) so a value can never break the header.
 */
final class Challenges {
  private Challenges() {}

  static String bearer(TokenError error, String description, String scope) {
    StringBuilder b = new StringBuilder("Bearer");
    appendError(b, error, description);
    if (scope != null) {
      b.append(b.length() == "Bearer".length() ? " " : ", ").append("scope=\"").append(safe(scope)).append('"');
    }
    return b.toString();
  }

  static String dpop(TokenError error, String description, Collection<String> algorithms) {
    StringBuilder b = new StringBuilder("DPoP");
    appendError(b, error, description);
    b.append(b.length() == "DPoP".length() ? " " : ", ")
        .append("algs=\"").append(safe(String.join(" ", algorithms))).append('"');
    return b.toString();
  }

  private static void appendError(StringBuilder b, TokenError error, String description) {
    if (error == null || error.code() == null) {
      return;
    }
    b.append(" error=\"").append(error.code()).append('"');
    if (description != null) {
      b.append(", error_description=\"").append(safe(description)).append('"');
    }
  }

  /** RFC 6750 §3: %x20-21 / %x23-5B / %x5D-7E; anything else is replaced. */
  static String safe(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean allowed = c >= 0x20 && c <= 0x7e && c != '"' && c != '\\';
      out.append(allowed ? c : '?');
    }
    return out.toString();
  }
}
