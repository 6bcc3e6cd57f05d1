package dev.bindery.token;

import java.util.Locale;

/**
 * The slot of a token signing key. At most one key is {@link #CURRENT} (it signs every new token) and at most one
 * is {@link #NEXT} (published in the JWKS, signs nothing yet); a {@link #RETIRED} key signs nothing and stays
 * published until every token it signed has expired.
 */
public enum SigningKeyState {
  NEXT, CURRENT, RETIRED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The value a store keeps in its unique slot column: the state for the two single slots, null when retired. */
  public String slot() {
    return this == RETIRED ? null : wire();
  }

  public static SigningKeyState parse(String value) {
    for (SigningKeyState s : values()) {
      if (s.wire().equals(value)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown signing key state " + value);
  }
}
