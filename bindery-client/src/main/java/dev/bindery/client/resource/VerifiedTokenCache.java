package dev.bindery.client.resource;

import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import dev.bindery.client.jose.Thumbprints;

/**
 * Tokens whose signature and static claims were already verified, so a repeat skips parsing and signature
 * verification. An entry never skips anything else: expiry, key withdrawal, revocation, binding and scope are
 * checked on every use. Bounded: entries leave at their token's expiry, and when the cache is full expired
 * entries are dropped first, then an arbitrary eighth.
 *
 * <p>The map key hashes only the last characters of the token (its signature) and compares the whole
 * string: cheap for long tokens, and only verified tokens are ever inserted, so made-up tokens cannot
 * crowd one bucket.
 */
final class VerifiedTokenCache {
  private static final int HASHED_TAIL = 24;

  private final Map<Key, Entry> entries;
  private final int capacity;

  VerifiedTokenCache(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("cache capacity must not be negative");
    }
    this.capacity = capacity;
    this.entries = new ConcurrentHashMap<>(Math.min(capacity, 1 << 16));
  }

  Entry get(String token) {
    return capacity == 0 ? null : entries.get(new Key(token));
  }

  void put(Entry entry, long now) {
    if (capacity == 0) {
      return;
    }
    if (entries.size() >= capacity) {
      entries.values().removeIf(e -> e.expiresAtMillis <= now);
      if (entries.size() >= capacity) {
        int toDrop = Math.max(1, capacity / 8);
        Iterator<Key> it = entries.keySet().iterator();
        while (toDrop-- > 0 && it.hasNext()) {
          it.next();
          it.remove();
        }
      }
    }
    entries.put(new Key(entry.token), entry);
  }

  void remove(String token) {
    if (capacity != 0) {
      entries.remove(new Key(token));
    }
  }

  int size() {
    return entries.size();
  }

  private static final class Key {
    private final String token;
    private final int hash;

    Key(String token) {
      this.token = token;
      int h = token.length();
      for (int i = Math.max(0, token.length() - HASHED_TAIL); i < token.length(); i++) {
        h = 31 * h + token.charAt(i);
      }
      this.hash = h;
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key other && other.hash == hash && other.token.equals(token);
    }
  }

  /** A verified token and what the per-request checks need, in the cheapest form. */
  static final class Entry {
    final String token;
    final VerifiedAccessToken verified;
    final String kid;
    final long expiresAtMillis;
    final long notBeforeMillis;
    final long issuedAtMillis;
    final byte[] certificateThumbprint;
    final String certificateThumbprintText;
    final String keyThumbprint;
    /** The last certificate object that matched; the TLS stack hands out the same immutable object per session. */
    private volatile X509Certificate lastMatched;

    Entry(String token, VerifiedAccessToken verified, String kid, byte[] certificateThumbprint) {
      this.token = token;
      this.verified = verified;
      this.kid = kid;
      this.expiresAtMillis = verified.expiresAt().toEpochMilli();
      // no nbf: far in the past, yet far enough from Long.MIN_VALUE that subtracting the skew cannot wrap
      this.notBeforeMillis = verified.notBefore().map(java.time.Instant::toEpochMilli).orElse(Long.MIN_VALUE / 4);
      this.issuedAtMillis = verified.issuedAt().toEpochMilli();
      this.certificateThumbprint = certificateThumbprint;
      this.certificateThumbprintText = verified.confirmation().certificateThumbprint().orElse(null);
      this.keyThumbprint = verified.confirmation().keyThumbprint().orElse(null);
    }

    /** Constant-time comparison of the certificate's SHA-256 with {@code cnf.x5t#S256}. */
    boolean certificateMatches(X509Certificate presented) {
      if (presented == lastMatched) {
        return true;
      }
      if (MessageDigest.isEqual(Thumbprints.sha256(presented), certificateThumbprint)) {
        lastMatched = presented;
        return true;
      }
      return false;
    }
  }
}
