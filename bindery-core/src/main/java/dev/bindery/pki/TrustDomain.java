package dev.bindery.pki;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A SPIFFE trust domain name (SPIFFE-ID specification, section 2.1): lowercase letters, digits, dots, dashes and
 * underscores, at most 255 characters. No scheme, port, user info or path.
 */
public record TrustDomain(String value) {
  private static final Pattern FORMAT = Pattern.compile("[a-z0-9._-]{1,255}");

  public TrustDomain {
    Objects.requireNonNull(value, "trust domain");
    if (!FORMAT.matcher(value).matches()) {
      throw new IllegalArgumentException("trust domain '" + printable(value)
          + "' is not a SPIFFE trust domain: use 1 to 255 characters of a-z, 0-9, '.', '-' and '_'");
    }
  }

  public static TrustDomain parse(String value) {
    return new TrustDomain(value);
  }

  /** {@code spiffe://<trust-domain>}: the SPIFFE id of the trust domain itself, carried by its CA certificates. */
  public String spiffeId() {
    return "spiffe://" + value;
  }

  private static String printable(String s) {
    String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }

  @Override
  public String toString() {
    return value;
  }
}
