package dev.bindery.oauth;

import dev.bindery.audit.AuditRecord;
import dev.bindery.audit.Outcome;
import dev.bindery.revocation.RevocationEventType;
import dev.bindery.store.Transactor;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Token revocation by the holding client (RFC 7009). The client authenticates like at the token endpoint; if the
 * token verifies ({@link AccessTokenVerifier}) and its {@code client_id} is the authenticated client, a
 * {@code token} revocation event for its {@code jti} is appended together with the audit event
 * {@value #AUDIT_ACTION} (target and detail: the jti only, never the token), unless one already exists. A token that
 * does not verify, is already expired, or belongs to another client changes nothing; the caller cannot tell these
 * apart (RFC 7009 section 2.2: the answer is 200 either way).
 */
public final class TokenRevocation {
  public static final String AUDIT_ACTION = "token.revoke";
  private final AccessTokenVerifier verifier;
  private final Transactor store;
  private final Clock clock;

  public TokenRevocation(AccessTokenVerifier verifier, Transactor store, Clock clock) {
    this.verifier = Objects.requireNonNull(verifier);
    this.store = Objects.requireNonNull(store);
    this.clock = Objects.requireNonNull(clock);
  }

  /** Returns true if this call revoked the token (false when nothing was written). */
  public boolean revoke(AuthenticatedClient client, String token, String requestId) {
    Optional<VerifiedAccessToken> verified = verifier.verify(token);
    String clientId = client.identity().id().value();
    if (verified.isEmpty() || !verified.get().clientId().equals(clientId)) {
      return false;
    }
    String jti = verified.get().jti();
    Instant now = clock.instant();
    return store.inTransaction(t -> {
      if (t.revocationEvents().latest(RevocationEventType.TOKEN, jti).isPresent()) {
        return false;
      }
      t.revocationEvents().append(RevocationEventType.TOKEN, jti, now);
      t.audit().append(new AuditRecord(clientId, AUDIT_ACTION, jti, Map.of("jti", jti), Outcome.SUCCESS,
          Objects.requireNonNullElse(requestId, "")), now);
      return true;
    });
  }
}
