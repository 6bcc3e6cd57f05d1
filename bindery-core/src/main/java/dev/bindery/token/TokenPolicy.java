package dev.bindery.token;

import dev.bindery.identity.IdentityId;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How access tokens are issued to one identity. The default ({@link #defaultFor}) is bound tokens only and the
 * configured lifetime; {@code allowUnboundTokens} is the only way an identity can receive a bearer token without
 * {@code cnf}, and it is set explicitly, audited and shown by the API.
 *
 * @param tokenLifetime the lifetime of this identity's tokens, or null for the configured default (always capped
 *     by the configured maximum, see {@link TokenSettings#lifetime})
 * @param updatedBy who last set it, or null for the default
 * @param version 0 for the default (nothing stored), then 1, 2...
 */
public record TokenPolicy(IdentityId identityId, boolean allowUnboundTokens, Duration tokenLifetime, String updatedBy,
    Instant updatedAt, long version) {
  public TokenPolicy {
    Objects.requireNonNull(identityId, "identityId");
    if (version < 0) {
      throw new IllegalArgumentException("version is at least 0");
    }
    if ((version == 0) != (updatedBy == null) || (updatedBy == null) != (updatedAt == null)) {
      throw new IllegalArgumentException("exactly the stored policies have an author and a time");
    }
  }

  /** Bound tokens only, default lifetime: what every identity has until a policy is set. */
  public static TokenPolicy defaultFor(IdentityId id) {
    return new TokenPolicy(id, false, null, null, null, 0);
  }

  public boolean stored() {
    return version > 0;
  }

  /** The next version of this policy. */
  public TokenPolicy with(boolean allowUnbound, Duration lifetime, String by, Instant at) {
    return new TokenPolicy(identityId, allowUnbound, lifetime, Objects.requireNonNull(by), Objects.requireNonNull(at),
        version + 1);
  }
}
