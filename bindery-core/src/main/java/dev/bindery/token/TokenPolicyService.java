package dev.bindery.token;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityId;
import dev.bindery.security.Authorizer;
import dev.bindery.security.Caller;
import dev.bindery.store.AuditedTransactor;
import dev.bindery.store.Tx;
import dev.bindery.store.UniqueViolation;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Token policies of identities. Reading: any operator but a leak reporter. Setting: an admin or a security officer
 * (never an owner, so an owner cannot opt their own identity out of token binding), audited as
 * {@code token_policy.set} on the identity with the policy before and after, in the same transaction.
 */
public final class TokenPolicyService {
  static final String ACTION_SET = "token_policy.set";
  private final AuditedTransactor tx;
  private final Authorizer authz;
  private final TokenSettings settings;

  public TokenPolicyService(AuditedTransactor tx, Authorizer authz, TokenSettings settings) {
    this.tx = Objects.requireNonNull(tx);
    this.authz = Objects.requireNonNull(authz);
    this.settings = Objects.requireNonNull(settings);
  }

  public TokenSettings settings() {
    return settings;
  }

  /** The identity's policy: stored, or the default (version 0). {@code identity_not_found} if there is no identity. */
  public TokenPolicy get(Caller caller, IdentityId identity) {
    authz.requireAuthenticated(caller);
    return tx.transactor().read(t -> {
      requireIdentity(t, identity);
      return policy(t, identity);
    });
  }

  /**
   * Sets the identity's policy. {@code lifetime} null means the configured default; otherwise it must be between
   * {@link TokenSettings#MIN_LIFETIME} and the configured maximum ({@code invalid_field}). A retired identity gets
   * {@code identity_retired}; a concurrent change {@code version_conflict}. Nothing is written on a refusal.
   */
  public TokenPolicy set(Caller caller, IdentityId identity, boolean allowUnbound, Duration lifetime) {
    if (lifetime != null && (lifetime.compareTo(TokenSettings.MIN_LIFETIME) < 0
        || lifetime.compareTo(settings.maxLifetime()) > 0)) {
      throw RejectedException.invalid("token_lifetime_seconds", "token_lifetime_seconds must be between "
          + TokenSettings.MIN_LIFETIME.toSeconds() + " and " + settings.maxLifetime().toSeconds());
    }
    return tx.write(caller, ACTION_SET, identity.value(), t -> {
      authz.requireTokenPolicyChange(caller);
      Identity i = requireIdentity(t, identity);
      if (i.retired()) {
        throw new RejectedException(ErrorCode.IDENTITY_RETIRED, "identity " + identity + " is retired");
      }
      TokenPolicy before = policy(t, identity);
      TokenPolicy after = before.with(allowUnbound, lifetime, caller.actor(), tx.clock().instant());
      boolean written;
      if (before.stored()) {
        written = t.tokenPolicies().update(after);
      } else {
        try {
          t.tokenPolicies().insert(after);
          written = true;
        } catch (UniqueViolation e) {
          written = false;
        }
      }
      if (!written) {
        throw new RejectedException(ErrorCode.VERSION_CONFLICT, "the token policy changed concurrently; read it again");
      }
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("before", view(before));
      d.put("after", view(after));
      tx.record(t, caller, ACTION_SET, identity.value(), d);
      return after;
    });
  }

  private Map<String, Object> view(TokenPolicy p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("allow_unbound_tokens", p.allowUnboundTokens());
    m.put("token_lifetime_seconds", p.tokenLifetime() == null ? null : p.tokenLifetime().toSeconds());
    return m;
  }

  static TokenPolicy policy(Tx t, IdentityId identity) {
    return t.tokenPolicies().find(identity).orElseGet(() -> TokenPolicy.defaultFor(identity));
  }

  private static Identity requireIdentity(Tx t, IdentityId id) {
    return t.identities().findById(id)
        .orElseThrow(() -> new RejectedException(ErrorCode.IDENTITY_NOT_FOUND, "no identity " + id));
  }
}
