package dev.bindery.oauth;

import dev.bindery.common.RejectedException;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.IdentityStatus;
import dev.bindery.revocation.RevocationEvent;
import dev.bindery.revocation.RevocationEventType;
import dev.bindery.store.Transactor;
import dev.bindery.store.Tx;
import java.util.Objects;
import java.util.Optional;

/**
 * Token introspection (RFC 7662): a token is active when {@link AccessTokenVerifier} accepts it and nothing has
 * revoked it since. In one read of the store it is inactive if a {@code token} revocation event names its
 * {@code jti}, an {@code x5t#S256} or {@code jkt} event names its {@code cnf} thumbprint, an {@code identity} (or
 * {@code identity_locked}) event
 * for its {@code sub} took effect at or after its {@code iat}, or its identity is now unknown or not active. The
 * caller authenticates separately ({@link ResourceServerCallers}); an operator is answered for every token, a
 * resource server's identity only for a token whose {@code aud} names a resource server registered with that
 * identity (RFC 7662 section 4: a resource server must not learn about tokens meant for others; RFC 8707). An
 * identity linked to no resource server is answered inactive for every token.
 */
public final class TokenIntrospection {
  private final AccessTokenVerifier verifier;
  private final Transactor store;

  public TokenIntrospection(AccessTokenVerifier verifier, Transactor store) {
    this.verifier = Objects.requireNonNull(verifier);
    this.store = Objects.requireNonNull(store);
  }

  /** The token if it is active for {@code caller}; empty for {@code {"active":false}}. */
  public Optional<VerifiedAccessToken> introspect(String token, ResourceServerCallers.ResourceServerCaller caller) {
    Objects.requireNonNull(caller);
    Optional<VerifiedAccessToken> verified = verifier.verify(token);
    if (verified.isEmpty()) {
      return verified;
    }
    VerifiedAccessToken t = verified.get();
    return store.read(tx -> (caller.operator() || meantFor(tx, t, caller.actor())) && active(tx, t))
        ? verified : Optional.empty();
  }

  /** True if one of the token's audiences is a resource server linked to the calling identity. */
  private static boolean meantFor(Tx tx, VerifiedAccessToken t, String identity) {
    IdentityId id;
    try {
      id = IdentityId.parse(identity);
    } catch (RejectedException e) {
      return false;
    }
    return tx.resourceServers().listForIdentity(id).stream()
        .anyMatch(rs -> t.audiences().contains(rs.audience().value()));
  }

  private static boolean active(Tx tx, VerifiedAccessToken t) {
    if (tx.revocationEvents().latest(RevocationEventType.TOKEN, t.jti()).isPresent()) {
      return false;
    }
    if (t.x5tS256() != null && tx.revocationEvents().latest(RevocationEventType.X5T_S256, t.x5tS256()).isPresent()) {
      return false;
    }
    if (t.jkt() != null && tx.revocationEvents().latest(RevocationEventType.JKT, t.jkt()).isPresent()) {
      return false;
    }
    for (RevocationEventType type : new RevocationEventType[] {RevocationEventType.IDENTITY,
        RevocationEventType.IDENTITY_LOCKED}) {
      Optional<RevocationEvent> identityEvent = tx.revocationEvents().latest(type, t.subject());
      if (identityEvent.isPresent() && !identityEvent.get().at().isBefore(t.issuedAt())) {
        return false;
      }
    }
    IdentityId id;
    try {
      id = IdentityId.parse(t.subject());
    } catch (RejectedException e) {
      return false;
    }
    return tx.identities().findById(id).map(Identity::status).orElse(null) == IdentityStatus.ACTIVE;
  }
}
