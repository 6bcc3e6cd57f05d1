package dev.bindery.client.revocation;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the revocation feed has said so far, in the form a verifier checks on every request: revoked token
 * ids, certificate and key thumbprints, and per identity the instant at or before which its tokens are
 * refused. Thread-safe; a change is visible to the next {@link #isRevoked} call on any thread.
 *
 * <p>Each entry is kept for the feed's {@code retention_seconds} after its event (plus the largest clock
 * skew a verifier allows): by the contract no token it could affect is still valid after that, so
 * {@link #purge} drops it and the memory stays bounded.
 */
public final class RevocationList {
  /** Entries outlive retention by the largest skew a verifier accepts, so no token slips through a gap. */
  static final Duration SKEW_ALLOWANCE = Duration.ofSeconds(60);

  private final Map<String, Long> tokenIds = new ConcurrentHashMap<>();
  private final Map<String, Long> certificateThumbprints = new ConcurrentHashMap<>();
  private final Map<String, Long> keyThumbprints = new ConcurrentHashMap<>();
  private final Map<String, IdentityCutoff> identities = new ConcurrentHashMap<>();

  /** Tokens of the identity issued at or before {@code atMillis} are refused; kept until {@code keepUntil}. */
  private record IdentityCutoff(long atMillis, long keepUntil) {}

  /**
   * True if any applied event refuses a token with these facts.
   *
   * @param tokenId the token's {@code jti}
   * @param subject the token's {@code sub}
   * @param issuedAtMillis the token's {@code iat} in epoch milliseconds
   * @param certificateThumbprint {@code cnf.x5t#S256} or null
   * @param keyThumbprint {@code cnf.jkt} or null
   */
  public boolean isRevoked(String tokenId, String subject, long issuedAtMillis, String certificateThumbprint,
      String keyThumbprint) {
    if (tokenIds.containsKey(tokenId)) {
      return true;
    }
    if (certificateThumbprint != null && certificateThumbprints.containsKey(certificateThumbprint)) {
      return true;
    }
    if (keyThumbprint != null && keyThumbprints.containsKey(keyThumbprint)) {
      return true;
    }
    IdentityCutoff cutoff = identities.get(subject);
    return cutoff != null && issuedAtMillis <= cutoff.atMillis();
  }

  /** Applies one event, kept for {@code retention} after its {@code at}. */
  public void apply(RevocationEvent event, Duration retention) {
    long keepUntil = event.at().plus(retention).plus(SKEW_ALLOWANCE).toEpochMilli();
    switch (event.type()) {
      case TOKEN -> tokenIds.merge(event.value(), keepUntil, Math::max);
      case CERTIFICATE_THUMBPRINT -> certificateThumbprints.merge(event.value(), keepUntil, Math::max);
      case KEY_THUMBPRINT -> keyThumbprints.merge(event.value(), keepUntil, Math::max);
      case IDENTITY, IDENTITY_LOCKED -> identities.merge(event.value(),
          new IdentityCutoff(event.at().toEpochMilli(), keepUntil),
          (old, now) -> new IdentityCutoff(Math.max(old.atMillis(), now.atMillis()),
              Math.max(old.keepUntil(), now.keepUntil())));
      default -> throw new IllegalStateException("unhandled revocation type " + event.type());
    }
  }

  /** Drops the entries whose retention has passed; returns how many were dropped. */
  public int purge(Instant now) {
    long t = now.toEpochMilli();
    int before = size();
    tokenIds.values().removeIf(keepUntil -> keepUntil < t);
    certificateThumbprints.values().removeIf(keepUntil -> keepUntil < t);
    keyThumbprints.values().removeIf(keepUntil -> keepUntil < t);
    identities.values().removeIf(c -> c.keepUntil() < t);
    return before - size();
  }

  /** The number of entries held. */
  public int size() {
    return tokenIds.size() + certificateThumbprints.size() + keyThumbprints.size() + identities.size();
  }
}
