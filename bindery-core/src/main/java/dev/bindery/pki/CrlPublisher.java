package dev.bindery.pki;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The current CRL of the CA, regenerated only when needed: when the set of revoked, unexpired certificates
 * changed (looked up at most every {@link #RECHECK_INTERVAL}, so a revocation shows within seconds), and when
 * half of the CRL's validity ({@link #VALIDITY}) has passed, so relying parties never hold an expired CRL.
 *
 * <p>CRL numbers (RFC 5280 section 5.2.3) are the epoch second of {@code thisUpdate}, raised to the previous
 * number plus one if needed: they increase on one node, across restarts, and across nodes whose clocks agree to
 * within the recheck interval, with no shared counter.
 */
public final class CrlPublisher {
  public static final Duration VALIDITY = Duration.ofHours(1);
  public static final Duration RECHECK_INTERVAL = Duration.ofSeconds(5);

  private final CertificateAuthority ca;
  private final RevocationRegistry registry;
  private final Clock clock;
  private Published current;
  private Instant lastChecked;

  /** One generated CRL with what it was generated from. */
  private record Published(byte[] der, Set<RevokedCertificate> revoked, BigInteger number, Instant thisUpdate) {}

  public CrlPublisher(CertificateAuthority ca, RevocationRegistry registry, Clock clock) {
    this.ca = Objects.requireNonNull(ca, "ca");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The DER CRL to serve now. */
  public synchronized byte[] current() {
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    boolean stale = current == null || !now.isBefore(current.thisUpdate.plus(VALIDITY.dividedBy(2)))
        || now.isBefore(current.thisUpdate);
    if (!stale && lastChecked != null && now.isBefore(lastChecked.plus(RECHECK_INTERVAL))) {
      return current.der.clone();
    }
    List<RevokedCertificate> revoked = List.copyOf(registry.revokedUnexpired(now));
    Set<RevokedCertificate> set = Set.copyOf(revoked); // the registry's order may vary between calls
    lastChecked = now;
    if (stale || !set.equals(current.revoked)) {
      BigInteger number = BigInteger.valueOf(now.getEpochSecond());
      if (current != null && number.compareTo(current.number) <= 0) {
        number = current.number.add(BigInteger.ONE);
      }
      current = new Published(ca.crl(revoked, number, now, now.plus(VALIDITY)), set, number, now);
    }
    return current.der.clone();
  }
}
