package dev.bindery.revocation;

import java.util.Optional;

/**
 * What a revocation event names, as the feed writes it ({@code type}). See docs/api.md "Revocation feed" for what a
 * verifier does with each.
 */
public enum RevocationEventType {
  /** One access token, by its {@code jti}: refuse that token. */
  TOKEN("token"),
  /** A certificate by its x5t#S256 (X.509-SVID or self-signed): refuse every token whose cnf carries it. */
  X5T_S256("x5t#S256"),
  /** A public key by its RFC 7638 thumbprint: refuse every token whose {@code cnf.jkt} is it. */
  JKT("jkt"),
  /** An identity (suspended, retired): refuse every token of that {@code sub} issued at or before the event. */
  IDENTITY("identity"),
  /**
   * An identity locked for security review (abuse limit, a "this was not us" link): a verifier treats it as
   * {@link #IDENTITY}, refusing every token of that {@code sub} issued at or before the event. An unlock appends
   * nothing, as a resume does not: the tokens issued before the lock stay refused, and none were issued while locked.
   */
  IDENTITY_LOCKED("identity_locked");

  private final String wire;

  RevocationEventType(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  public static Optional<RevocationEventType> fromWire(String wire) {
    for (RevocationEventType t : values()) {
      if (t.wire.equals(wire)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
