package dev.bindery.credential;

import dev.bindery.identity.IdentityId;
import dev.bindery.support.SupportActionId;
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
   * Marks the code used for {@code credential} if it is neither used nor revoked yet; returns false otherwise (also
   * when a concurrent redemption got there first).
   */
  default boolean markUsed(SecretHash hash, Instant at, CredentialId credential) {
    return markUsed(hash, at, credential, null);
  }

  /**
   * As {@link #markUsed(SecretHash, Instant, CredentialId)}, recording {@code source} (the enrolment's remote address,
   * at most {@link EnrolmentCode#MAX_SOURCE_LENGTH} characters, or null).
   */
  boolean markUsed(SecretHash hash, Instant at, CredentialId credential, String source);

  /** Marks the code revoked if it is neither used nor revoked yet; returns false otherwise. */
  boolean markRevoked(SecretHash hash, Instant at);

  /** Every code created for the identity, ordered by creation time (then hash). */
  List<EnrolmentCode> listForIdentity(IdentityId identity);

  /** Every code the support action issued, ordered by creation time (then hash). */
  List<EnrolmentCode> listForSupportAction(SupportActionId action);
}
