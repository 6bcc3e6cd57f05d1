package dev.bindery.oauth;

import dev.bindery.common.Hashing;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * The DPoP proofs this node has accepted, so that a proof is accepted once (RFC 9449 section 11.1). Keys are a
 * 128-bit digest of the proof key's thumbprint and the proof's {@code jti}; entries live at least {@code retention}
 * (a proof can be accepted only while its {@code iat} is within the window, so retention = twice the window
 * suffices) and at most twice that, in two generations rotated by the clock. Bounded: at {@code capacity} entries
 * a new proof is refused ({@link Use#FULL}, fail closed) rather than an entry forgotten early.
 *
 * <p>Per node: nodes do not share the cache; a proof replayed to another node within the window is caught only by
 * a server nonce policy or not at all (documented limitation).
 */
public final class DpopReplayCache {
  /** The outcome of presenting a proof. */
  public enum Use { FIRST, REPLAY, FULL }

  private record Key(long high, long low) {}

  private final Duration retention;
  private final int capacity;
  private Set<Key> current = new HashSet<>();
  private Set<Key> previous = new HashSet<>();
  private Instant generationStart;

  public DpopReplayCache(Duration retention, int capacity) {
    if (retention.isNegative() || retention.isZero() || capacity < 1) {
      throw new IllegalArgumentException("retention and capacity must be positive");
    }
    this.retention = retention;
    this.capacity = capacity;
  }

  /** Records the proof {@code (jkt, jti)} seen at {@code now}, unless it was seen before or the cache is full. */
  public synchronized Use use(String jkt, String jti, Instant now) {
    rotate(now);
    Key key = key(jkt, jti);
    if (current.contains(key) || previous.contains(key)) {
      return Use.REPLAY;
    }
    if (current.size() + previous.size() >= capacity) {
      return Use.FULL;
    }
    current.add(key);
    return Use.FIRST;
  }

  public synchronized int size() {
    return current.size() + previous.size();
  }

  private void rotate(Instant now) {
    if (generationStart == null) {
      generationStart = now;
      return;
    }
    if (now.isBefore(generationStart.plus(retention))) {
      return; // also when the clock went back: entries are kept, never dropped early
    }
    if (now.isBefore(generationStart.plus(retention).plus(retention))) {
      previous = current;
    } else {
      previous = new HashSet<>();
    }
    current = new HashSet<>();
    generationStart = now;
  }

  private static Key key(String jkt, String jti) {
    byte[] d = Hashing.sha256((jkt + "\n" + jti).getBytes(StandardCharsets.UTF_8));
    ByteBuffer b = ByteBuffer.wrap(d);
    return new Key(b.getLong(), b.getLong());
  }
}
