package dev.bindery.client.resource;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The DPoP proof identifiers seen recently (RFC 9449 §11.1), each kept until its proof would be stale anyway.
 * Bounded: when full of unexpired entries, new proofs are refused rather than old ones forgotten, so a
 * replay can never get through by pushing its original out.
 */
final class ReplayCache {
  enum Outcome { FIRST_USE, REPLAYED, FULL }

  private final Map<String, Long> seen = new ConcurrentHashMap<>();
  private final int capacity;

  ReplayCache(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("the DPoP replay cache needs a capacity of at least 1");
    }
    this.capacity = capacity;
  }

  /** Records {@code key} as used until {@code keepUntil} unless it was seen and is still kept. */
  Outcome use(String key, long keepUntil, long now) {
    if (seen.size() >= capacity) {
      seen.values().removeIf(until -> until < now);
      if (seen.size() >= capacity) {
        return Outcome.FULL;
      }
    }
    boolean[] fresh = {false};
    seen.compute(key, (k, until) -> {
      if (until == null || until < now) {
        fresh[0] = true;
        return keepUntil;
      }
      return until;
    });
    return fresh[0] ? Outcome.FIRST_USE : Outcome.REPLAYED;
  }

  int size() {
    return seen.size();
  }
}
