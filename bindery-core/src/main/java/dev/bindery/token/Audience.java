package dev.bindery.token;

import dev.bindery.common.RejectedException;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * The audience of access tokens: the identifier of a resource server, as an RFC 8707 {@code resource} names it.
 * An absolute URI (with a scheme) without a fragment, at most {@value #MAX_LENGTH} printable ASCII characters
 * without white space. Compared exactly as written (no normalization): what the client asks for is what the
 * resource server must expect in {@code aud}.
 */
public record Audience(String value) implements Comparable<Audience> {
  public static final int MAX_LENGTH = 512;

  public Audience {
    if (!valid(value)) {
      throw RejectedException.invalid("audience",
          "an audience is an absolute URI without fragment, at most " + MAX_LENGTH + " characters");
    }
  }

  /** True if {@code value} is an acceptable audience. */
  public static boolean valid(String value) {
    if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return false;
      }
    }
    try {
      URI uri = new URI(value);
      return uri.isAbsolute() && uri.getRawFragment() == null && value.indexOf('#') < 0
          && uri.getRawSchemeSpecificPart() != null && !uri.getRawSchemeSpecificPart().isEmpty();
    } catch (URISyntaxException e) {
      return false;
    }
  }

  @Override
  public int compareTo(Audience o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
