package dev.bindery.client.revocation;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of Bindery's revocation feed ({@code GET /oauth2/revocations}).
 *
 * @param seq the store's sequence number, strictly increasing
 * @param type what {@code value} names
 * @param value a token id ({@code tok_...}), a thumbprint, or an identity id ({@code nhi_...})
 * @param at when the revocation, suspension, retirement or re-binding happened
 */
public record RevocationEvent(long seq, Type type, String value, Instant at) {
  public RevocationEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(at, "at");
    if (value.isEmpty()) {
      throw new IllegalArgumentException("empty revocation value");
    }
  }

  /** The kinds of revocation a verifier applies. */
  public enum Type {
    /** Refuse the token with this {@code jti}. */
    TOKEN("token"),
    /** Refuse every token whose {@code cnf.x5t#S256} is this certificate thumbprint. */
    CERTIFICATE_THUMBPRINT("x5t#S256"),
    /** Refuse every token whose {@code cnf.jkt} is this JWK thumbprint. */
    KEY_THUMBPRINT("jkt"),
    /** Refuse every token of this identity ({@code sub}) issued at or before {@code at}. */
    IDENTITY("identity"),
    /**
     * The identity was locked for security review: refuse every token of it ({@code sub}) issued at or before
     * {@code at}, exactly as for {@link #IDENTITY}.
     */
    IDENTITY_LOCKED("identity_locked");

    private final String wireName;

    Type(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }

    /** The type of a feed event's {@code type}, or null for a type this SDK does not know. */
    public static Type fromWire(String name) {
      for (Type t : values()) {
        if (t.wireName.equals(name)) {
          return t;
        }
      }
      return null;
    }
  }
}
