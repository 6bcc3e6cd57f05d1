package dev.bindery.token;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.Text;
import dev.bindery.revocation.RevocationEvent;
import dev.bindery.revocation.RevocationEventType;
import dev.bindery.security.Authorizer;
import dev.bindery.security.Caller;
import dev.bindery.store.AuditedTransactor;
import dev.bindery.store.Tx;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Operators' revocation of access tokens (docs/api.md, "Token administration"). Issuing a token writes nothing, so
 * Bindery keeps no list of the tokens it issued: a revocation is an event of the revocation feed, appended in one
 * transaction with its audit event, which introspection applies at once and every resource server consuming the feed
 * within a second. A refused caller is audited as denied and nothing else is written.
 *
 * <ul>
 *   <li>{@link #revoke}: one token by its {@code jti} (an admin or a security officer), a {@code token} event, audited
 *       {@value #ACTION_REVOKE}. Idempotent, as RFC 7009 section 2.2 and Vault's token revocation are: a token already
 *       revoked answers the retained event and writes nothing. A well-formed id that no token carries is revoked all
 *       the same (Bindery cannot tell it apart from an issued one; the event affects no token and is pruned after the
 *       feed's retention).
 *   <li>{@link #revokeIdentityTokens}: every token of an identity issued until now (an admin, a security officer or
 *       an owner of the identity), an {@code identity} event, audited {@value #ACTION_REVOKE_IDENTITY} with the
 *       previous and the new cutoff. Tokens issued afterwards are accepted ({@code TokenService} gives them an
 *       {@code iat} after the event). Unknown identity {@code identity_not_found}; retired {@code identity_retired}
 *       (its tokens were refused when it retired).
 * </ul>
 *
 * <p>Revoking a credential ({@code CredentialService}) needs no call here: it appends the credential's
 * {@code x5t#S256} or {@code jkt} event, which refuses every token bound to it.
 */
public final class TokenRevocationService {
  public static final String ACTION_REVOKE = "token.revoke";
  public static final String ACTION_REVOKE_IDENTITY = "token.revoke_identity";
  /** The longest reason accepted, as for an identity's suspension. */
  public static final int MAX_REASON_LENGTH = 1000;

  private final AuditedTransactor tx;
  private final Authorizer authz;

  public TokenRevocationService(AuditedTransactor tx, Authorizer authz) {
    this.tx = Objects.requireNonNull(tx);
    this.authz = Objects.requireNonNull(authz);
  }

  /** A revoked token: its id and when its revocation took effect. */
  public record RevokedToken(TokenId jti, Instant revokedAt) {
    public RevokedToken {
      Objects.requireNonNull(jti);
      Objects.requireNonNull(revokedAt);
    }
  }

  /** Every token of {@code identityId} whose {@code iat} is at or before {@code revokedAt} is refused. */
  public record RevokedIdentityTokens(IdentityId identityId, Instant revokedAt) {
    public RevokedIdentityTokens {
      Objects.requireNonNull(identityId);
      Objects.requireNonNull(revokedAt);
    }
  }

  /**
   * Revokes the token {@code jti}, or answers its existing revocation unchanged.
   *
   * @param reason why (required, at most {@value #MAX_REASON_LENGTH} characters): kept in the audit event only
   */
  public RevokedToken revoke(Caller caller, TokenId jti, String reason) {
    Objects.requireNonNull(jti);
    String why = Text.required("reason", reason, MAX_REASON_LENGTH);
    return tx.write(caller, ACTION_REVOKE, jti.value(), t -> {
      authz.requireRevokeToken(caller);
      Optional<RevocationEvent> existing = t.revocationEvents().latest(RevocationEventType.TOKEN, jti.value());
      if (existing.isPresent()) {
        return new RevokedToken(jti, existing.get().at());
      }
      Instant now = tx.clock().instant();
      t.revocationEvents().append(RevocationEventType.TOKEN, jti.value(), now);
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("jti", jti.value());
      d.put("reason", why);
      d.put("before", Map.of("revoked", false));
      d.put("after", Map.of("revoked", true, "revoked_at", now.toString()));
      tx.record(t, caller, ACTION_REVOKE, jti.value(), d);
      return new RevokedToken(jti, now);
    });
  }

  /**
   * Revokes every token of {@code identity} issued until now.
   *
   * @param reason why (required, at most {@value #MAX_REASON_LENGTH} characters): kept in the audit event only
   */
  public RevokedIdentityTokens revokeIdentityTokens(Caller caller, IdentityId identity, String reason) {
    Objects.requireNonNull(identity);
    String why = Text.required("reason", reason, MAX_REASON_LENGTH);
    return tx.write(caller, ACTION_REVOKE_IDENTITY, identity.value(), t -> {
      Identity i = t.identities().findById(identity)
          .orElseThrow(() -> new RejectedException(ErrorCode.IDENTITY_NOT_FOUND, "no identity " + identity));
      authz.requireRevokeIdentityTokens(caller, i);
      return revokeIdentityTokensInTransaction(t, caller.actor(), caller.requestId(), i, why, Map.of());
    });
  }

  /**
   * {@link #revokeIdentityTokens} inside the caller's transaction, for Bindery's own decisions (a support desk's
   * {@code token_reissue}): no authorization check. Appends the {@code identity} feed event and the
   * {@value #ACTION_REVOKE_IDENTITY} audit event by {@code actor}, with {@code extra} details (what caused it).
   *
   * @throws RejectedException {@code identity_retired} for a retired identity
   */
  public RevokedIdentityTokens revokeIdentityTokensInTransaction(Tx t, String actor, String requestId, Identity i,
      String reason, Map<String, Object> extra) {
    String why = Text.required("reason", reason, MAX_REASON_LENGTH);
    if (i.retired()) {
      throw new RejectedException(ErrorCode.IDENTITY_RETIRED,
          "identity " + i.id() + " is retired: its tokens are already refused");
    }
    IdentityId identity = i.id();
    Instant before = t.revocationEvents().latest(RevocationEventType.IDENTITY, identity.value())
        .map(RevocationEvent::at).orElse(null);
    Instant now = tx.clock().instant();
    t.revocationEvents().append(RevocationEventType.IDENTITY, identity.value(), now);
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("reason", why);
    Map<String, Object> was = new LinkedHashMap<>();
    was.put("tokens_revoked_through", before == null ? null : before.toString());
    d.put("before", was);
    d.put("after", Map.of("tokens_revoked_through", now.toString()));
    d.putAll(extra);
    tx.record(t, actor, requestId, ACTION_REVOKE_IDENTITY, identity.value(), d);
    return new RevokedIdentityTokens(identity, now);
  }
}
