package dev.bindery.credential;

import dev.bindery.common.Page;
import dev.bindery.identity.IdentityId;
import dev.bindery.pki.RevokedCertificate;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Storage port for credentials. Credentials are never deleted: a revoked one stays, so its serial, thumbprint
 * and key hash can never be bound again and the CRL can list it until it expires.
 */
public interface CredentialRepository {
  /**
   * Inserts a new credential; throws {@link dev.bindery.store.UniqueViolation} if its id, its serial, its
   * (type, thumbprint) or its secret hash was ever stored.
   */
  void insert(Credential credential);

  /**
   * Replaces the stored credential with {@code next} if the stored version equals {@code next.version() - 1};
   * returns false (and changes nothing) otherwise. The last-use time is not written here: only
   * {@link #recordUse} changes it, so a state change never loses a concurrent use.
   */
  boolean update(Credential next);

  /** Records a use; never moves last-use backwards; does not change the version. */
  void recordUse(CredentialId id, Instant at);

  Optional<Credential> findById(CredentialId id);

  /** The X.509-SVID with this serial. */
  Optional<Credential> findBySerial(BigInteger serial);

  Optional<Credential> findByThumbprint(CredentialType type, Thumbprint thumbprint);

  /** The API key with this hash; callers still compare the found hash in constant time. */
  Optional<Credential> findBySecretHash(SecretHash hash);

  /** Every credential (any type, any status) bound to the public key with this SPKI fingerprint. */
  List<Credential> findByPublicKey(Thumbprint spkiFingerprint);

  /** Every credential of the identity, ordered by bound time then id. */
  List<Credential> listForIdentity(IdentityId identity);

  Page<Credential> search(CredentialQuery query);

  /** How many credentials match, ignoring {@code after} and {@code limit}. */
  long count(CredentialQuery query);

  /** Every X.509-SVID not active (revoked, superseded or quarantined) whose notAfter is after {@code now}. */
  List<RevokedCertificate> revokedUnexpired(Instant now);

  /**
   * Identities that are not retired and have no active credential valid at {@code now}, in id order, at most
   * {@code limit}.
   */
  List<IdentityId> identitiesWithoutActiveCredential(Instant now, int limit);

  long countIdentitiesWithoutActiveCredential(Instant now);
}
