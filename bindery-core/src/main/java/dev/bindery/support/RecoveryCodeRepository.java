package dev.bindery.support;

import dev.bindery.credential.SecretHash;
import dev.bindery.identity.IdentityId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Storage port for recovery codes (hashes only). */
public interface RecoveryCodeRepository {
  /** Throws {@link dev.bindery.store.UniqueViolation} if the hash exists. */
  void insert(RecoveryCode code);

  /** The code with this hash; callers still compare the found hash in constant time. */
  Optional<RecoveryCode> findByHash(SecretHash hash);

  /**
   * Marks the code used for {@code usedFor} if it is neither used nor invalidated; false otherwise (also when a
   * concurrent use won).
   */
  boolean markUsed(SecretHash hash, Instant at, String usedFor);

  /** Invalidates every code of the identity that is neither used nor invalidated; returns how many. */
  int invalidateForIdentity(IdentityId identity, Instant at);

  /** Invalidates every code of the support action's set that is neither used nor invalidated; returns how many. */
  int invalidateForSupportAction(SupportActionId action, Instant at);

  /** Every code of the identity, oldest first (creation time, then hash). */
  List<RecoveryCode> listForIdentity(IdentityId identity);
}
