package dev.bindery.change;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Storage port of continuity challenges. */
public interface ContinuityChallengeRepository {
  /** Inserts a new challenge; {@link dev.bindery.store.UniqueViolation} for a taken id. */
  void insert(ContinuityChallenge challenge);

  Optional<ContinuityChallenge> findById(ContinuityChallengeId id);

  /** Marks the challenge used at {@code at} if it is unused; false (and nothing changed) if it was used already. */
  boolean markUsed(ContinuityChallengeId id, Instant at);

  /** Every challenge of the request, oldest first. */
  List<ContinuityChallenge> listForRequest(ChangeRequestId request);
}
