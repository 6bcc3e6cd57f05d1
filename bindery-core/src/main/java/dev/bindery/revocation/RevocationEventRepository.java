package dev.bindery.revocation;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Storage port of the revocation feed (table {@code revocation_events}). An event is appended in the same
 * transaction as the change it announces, so it exists exactly when the change committed.
 *
 * <p>Sequence numbers are allocated so that they increase in commit order across every node sharing the store: a
 * reader that has seen sequence {@code n} can never later find a newly committed event below {@code n} (a plain
 * identity column does not promise that: a transaction can take a number and commit after a later one). Adapters
 * serialize appends on one counter row for this; revocations are rare, so the lock is cheap.
 */
public interface RevocationEventRepository {
  /** Appends an event and returns its sequence number. */
  long append(RevocationEventType type, String value, Instant at);

  /** Events with {@code seq > since}, in sequence order, at most {@code limit}. */
  List<RevocationEvent> since(long since, int limit);

  /** The newest event naming {@code value} as {@code type}, if any is retained. */
  Optional<RevocationEvent> latest(RevocationEventType type, String value);

  /** Deletes the events that took effect before {@code cutoff}; returns how many. */
  int deleteBefore(Instant cutoff);
}
