package dev.bindery.identity;

import dev.bindery.common.Page;
import java.util.List;
import java.util.Optional;

/**
 * Storage port for identities and their federated-subject links. Identities are never deleted: a retired
 * identity stays as a tombstone and keeps its identifier and links for ever.
 */
public interface IdentityRepository {

  /** Inserts a new identity; throws {@link dev.bindery.store.UniqueViolation} if the id was ever used. */
  void insert(Identity identity);

  /**
   * Replaces the stored identity with {@code next} if the stored version equals {@code next.version() - 1};
   * returns false (and changes nothing) otherwise.
   */
  boolean update(Identity next);

  Optional<Identity> findById(IdentityId id);

  Page<Identity> search(IdentityQuery query);

  /** Counts all identities, retired included. */
  long count();

  /**
   * Links a subject to an identity; throws {@link dev.bindery.store.UniqueViolation} if the subject is
   * already linked to any identity.
   */
  void insertLink(SubjectLink link);

  /**
   * Points an existing link at another identity (explicit re-provisioning only); throws
   * {@link IllegalStateException} if the subject is not linked to {@code from} (it moved concurrently).
   */
  void relink(FederatedSubject subject, IdentityId from, IdentityId to);

  Optional<SubjectLink> findLink(FederatedSubject subject);

  List<SubjectLink> linksOf(IdentityId id);
}
