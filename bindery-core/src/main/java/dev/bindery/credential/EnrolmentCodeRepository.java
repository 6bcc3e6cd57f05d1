package dev.bindery.credential;

import dev.bindery.identity.IdentityId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Storage port for enrolment codes (hashes only). */
public interface EnrolmentCodeRepository {
  /** Throws {@link dev.bindery.store.UniqueViolation} if the hash exists. */
  void insert(EnrolmentCode code);

  /** The code with this hash; callers still compare the found hash in constant time. */
  Optional<EnrolmentCode> findByHash(SecretHash hash);

  /**
   * Marks the code used for {@code credential} if it is not used yet; returns false if it already was (also when
   * a concurrent redemption got there first).
   */
  boolean markUsed(SecretHash hash, Instant at, CredentialId credential);

  /** Every code created for the identity, ordered by creation time. */
  List<EnrolmentCode> listForIdentity(IdentityId identity);
}
