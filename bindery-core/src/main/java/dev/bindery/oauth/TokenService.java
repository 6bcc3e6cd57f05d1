package dev.bindery.oauth;

import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.IdentityStatus;
import dev.bindery.identity.Scope;
import dev.bindery.common.RejectedException;
import dev.bindery.revocation.RevocationEvent;
import dev.bindery.revocation.RevocationEventType;
import dev.bindery.store.StampedCache;
import dev.bindery.store.Transactor;
import dev.bindery.token.AccessTokenIssuer;
import dev.bindery.token.Audience;
import dev.bindery.token.Confirmation;
import dev.bindery.token.IssuedAccessToken;
import dev.bindery.token.TokenPolicy;
import dev.bindery.token.TokenSettings;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * The {@code client_credentials} grant (RFC 6749 section 4.4) for an authenticated client: checks the request
 * against the identity and its token policy, and mints the access token. Nothing is written to the store: one
 * read of the token policy, the requested resource servers and the identity's latest revocation event (cached while
 * the store is unchanged), then a
 * signature.
 *
 * <ul>
 *   <li>The identity must be active ({@code invalid_client}).
 *   <li>{@code scope}: space-separated scope tokens, each granted to the identity and grantable at its assurance
 *       level ({@code invalid_scope}); absent means all of the identity's scopes grantable at its level.
 *   <li>{@code resource} (RFC 8707, at most {@value #MAX_RESOURCES}): each an absolute URI without fragment that
 *       names a registered resource server ({@code invalid_target}); none means the configured default audience,
 *       and without one, {@code invalid_target}.
 *   <li>Binding: a verified DPoP proof binds the token to its key ({@code cnf.jkt}, token type {@code DPoP}; the
 *       proof is the client's explicit request for a DPoP-bound token, RFC 9449 section 5, and one {@code cnf}
 *       member keeps the resource server's check unambiguous); otherwise the client certificate of the connection
 *       ({@code cnf.x5t#S256}, token type {@code Bearer}, RFC 8705 section 3); otherwise the token would be unbound,
 *       which only an identity whose policy allows unbound tokens may receive ({@code invalid_request} for others).
 *   <li>Lifetime: the policy's or the default, capped by the maximum, and never beyond the expiry of the credential
 *       that authenticated the client.
 *   <li>{@code iat}: now, or the second after the identity's latest {@code identity} (or {@code identity_locked})
 *       revocation event if that event
 *       is in this second or later ({@link #issuedAfter}), so that a token issued after a revocation is not refused
 *       by it.
 * </ul>
 */
public final class TokenService {
  public static final int MAX_RESOURCES = 10;
  public static final int MAX_SCOPES = 100;
  /** Identities and resource lists whose token policy is kept at most (all dropped when full). */
  static final int POLICY_CACHE_SIZE = 10_000;
  private final Transactor store;
  private final AccessTokenIssuer issuer;
  private final TokenSettings settings;
  private final Clock clock;
  private final Supplier<String> issuerUrl;
  private final ToIntFunction<Scope> scopeMinLevel;
  /**
   * The token policy (and the identity's latest revocation event) of an identity for a list of requested resource servers that all exist, reused only while
   * the store is unchanged since it was read ({@link dev.bindery.store.StoreChanges}); an unknown resource server is
   * never cached.
   */
  private final StampedCache<PolicyKey, Stored> policies;

  private record PolicyKey(IdentityId identity, List<Audience> audiences) {}

  /**
   * @param issuerUrl the {@code iss} of every token: the configured public URL of this deployment
   */
  public TokenService(Transactor store, AccessTokenIssuer issuer, TokenSettings settings, Clock clock,
      Supplier<String> issuerUrl) {
    this(store, issuer, settings, clock, issuerUrl, scope -> Identity.MIN_ASSURANCE_LEVEL);
  }

  /**
   * @param scopeMinLevel the lowest identity assurance level at which each scope is granted (the re-binding policy's
   *     {@code scope_min_level}, docs/rebinding.md): a scope above the identity's level is not grantable
   */
  public TokenService(Transactor store, AccessTokenIssuer issuer, TokenSettings settings, Clock clock,
      Supplier<String> issuerUrl, ToIntFunction<Scope> scopeMinLevel) {
    this.store = Objects.requireNonNull(store);
    this.issuer = Objects.requireNonNull(issuer);
    this.settings = Objects.requireNonNull(settings);
    this.clock = Objects.requireNonNull(clock);
    this.issuerUrl = Objects.requireNonNull(issuerUrl);
    this.scopeMinLevel = Objects.requireNonNull(scopeMinLevel);
    this.policies = new StampedCache<>(store.changes(), POLICY_CACHE_SIZE);
  }

  /**
   * Issues a token to {@code client}.
   *
   * @param scope the {@code scope} parameter, or null
   * @param resources the {@code resource} parameters
   * @param proof the verified DPoP proof of the request, or null
   */
  public IssuedAccessToken clientCredentials(AuthenticatedClient client, String scope, List<String> resources,
      DpopProof proof) {
    Identity identity = client.identity();
    if (identity.status() != IdentityStatus.ACTIVE) {
      throw new OAuthException(OAuthError.INVALID_CLIENT, "identity_not_active",
          "the client's identity is " + identity.status().wire());
    }
    Set<Scope> scopes = scopes(scope, identity, scopeMinLevel);
    List<Audience> requested = audiences(resources);
    PolicyKey key = new PolicyKey(identity.id(), List.copyOf(requested));
    Stored stored = policies.get(key);
    if (stored == null) {
      long stamp = policies.stamp();
      stored = store.read(t -> {
        for (Audience a : requested) {
          if (t.resourceServers().find(a).isEmpty()) {
            throw new OAuthException(OAuthError.INVALID_TARGET, "resource_unknown",
                "resource '" + a.value() + "' is not a registered resource server");
          }
        }
        return new Stored(t.tokenPolicies().find(identity.id()).orElseGet(() -> TokenPolicy.defaultFor(identity.id())),
            latestIdentityEvent(t, identity.id().value()));
      });
      policies.put(key, stored, stamp);
    }
    TokenPolicy policy = stored.policy();
    List<Audience> audiences = requested;
    if (audiences.isEmpty()) {
      if (settings.defaultAudience() == null) {
        throw new OAuthException(OAuthError.INVALID_TARGET, "resource_required",
            "resource is required: name the resource server the token is for");
      }
      audiences = List.of(settings.defaultAudience());
    }
    Confirmation binding = binding(client, proof, policy);
    Instant now = clock.instant();
    Instant issuedAt = issuedAfter(now, stored.identityCutoff());
    Instant expiry = now.plus(settings.lifetime(policy));
    Instant credentialExpiry = client.credential().notAfter();
    if (credentialExpiry.isBefore(expiry)) {
      expiry = credentialExpiry;
    }
    if (expiry.getEpochSecond() <= issuedAt.getEpochSecond()) {
      throw new OAuthException(OAuthError.INVALID_CLIENT, "credential_expiring",
          "the client's credential expires now; renew it");
    }
    return issuer.mint(issuerUrl.get(), identity.id(), scopes, audiences, binding, issuedAt, expiry);
  }

  /** The latest {@code identity} or {@code identity_locked} event of the identity: both refuse older tokens. */
  private static java.time.Instant latestIdentityEvent(dev.bindery.store.Tx t, String identity) {
    java.time.Instant latest = null;
    for (RevocationEventType type : new RevocationEventType[] {RevocationEventType.IDENTITY,
        RevocationEventType.IDENTITY_LOCKED}) {
      java.time.Instant at = t.revocationEvents().latest(type, identity).map(RevocationEvent::at).orElse(null);
      if (at != null && (latest == null || at.isAfter(latest))) {
        latest = at;
      }
    }
    return latest;
  }

  /** What the grant reads in its one store read. {@code identityCutoff}: the latest identity event, or null. */
  private record Stored(TokenPolicy policy, Instant identityCutoff) {}

  /**
   * The {@code iat} of a token issued at {@code now}. An {@code identity} revocation event refuses every token of the
   * identity whose {@code iat} (whole seconds) is at or before the event; a token issued after the event but in the
   * same second would be refused with them. Such a token gets the next second as its {@code iat} instead (at most one
   * second ahead of now, well within the skew every verifier allows), so every token issued after a revocation is
   * accepted.
   */
  static Instant issuedAfter(Instant now, Instant identityCutoff) {
    Instant second = Instant.ofEpochSecond(now.getEpochSecond());
    if (identityCutoff == null || identityCutoff.isBefore(second)) {
      return now;
    }
    return Instant.ofEpochSecond(identityCutoff.getEpochSecond()).plusSeconds(1);
  }

  private static Confirmation binding(AuthenticatedClient client, DpopProof proof, TokenPolicy policy) {
    if (proof != null) {
      return Confirmation.dpop(proof.jkt());
    }
    if (client.certificateThumbprint() != null) {
      return Confirmation.certificate(client.certificateThumbprint());
    }
    if (policy.allowUnboundTokens()) {
      return Confirmation.none();
    }
    throw new OAuthException(OAuthError.INVALID_REQUEST, "unbound_not_allowed",
        "this client may only receive bound tokens: use mutual tls or send a dpop proof");
  }

  /**
   * RFC 6749 section 3.3: scope-token *( SP scope-token ); every token granted to the identity and grantable at its
   * assurance level ({@code scope_level_too_low} otherwise). Without a {@code scope} parameter, every granted scope
   * grantable at the identity's level.
   */
  static Set<Scope> scopes(String scope, Identity identity, ToIntFunction<Scope> minLevel) {
    if (scope == null) {
      return identity.scopes().stream().filter(s -> minLevel.applyAsInt(s) <= identity.assuranceLevel())
          .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }
    String[] tokens = scope.split(" ", -1);
    if (tokens.length > MAX_SCOPES) {
      throw new OAuthException(OAuthError.INVALID_SCOPE, "scope_malformed", "at most " + MAX_SCOPES + " scopes");
    }
    Set<Scope> out = new TreeSet<>();
    for (String token : tokens) {
      Scope s;
      try {
        s = new Scope(token);
      } catch (RejectedException e) {
        throw new OAuthException(OAuthError.INVALID_SCOPE, "scope_malformed",
            "scope must be scope tokens separated by single spaces");
      }
      if (!identity.scopes().contains(s)) {
        throw new OAuthException(OAuthError.INVALID_SCOPE, "scope_not_granted",
            "scope '" + s.value() + "' is not granted to this client");
      }
      if (minLevel.applyAsInt(s) > identity.assuranceLevel()) {
        throw new OAuthException(OAuthError.INVALID_SCOPE, "scope_level_too_low", "scope '" + s.value()
            + "' needs assurance level " + minLevel.applyAsInt(s) + "; this client's identity is at level "
            + identity.assuranceLevel());
      }
      out.add(s);
    }
    return Set.copyOf(out);
  }

  static List<Audience> audiences(List<String> resources) {
    if (resources.size() > MAX_RESOURCES) {
      throw new OAuthException(OAuthError.INVALID_TARGET, "resource_malformed",
          "at most " + MAX_RESOURCES + " resource values");
    }
    Set<Audience> out = new LinkedHashSet<>();
    for (String r : resources) {
      if (!Audience.valid(r)) {
        throw new OAuthException(OAuthError.INVALID_TARGET, "resource_malformed",
            "resource must be an absolute uri without a fragment");
      }
      out.add(new Audience(r));
    }
    return new ArrayList<>(out);
  }
}
