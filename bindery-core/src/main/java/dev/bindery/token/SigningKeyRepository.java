package dev.bindery.token;

import java.util.List;

/**
 * Storage port for the token signing keys every Bindery node shares. The store enforces that at most one key is
 * {@code current} and at most one is {@code next} (a unique slot), so that when several nodes rotate at once the
 * first writer wins and the others see a {@link dev.bindery.store.UniqueViolation} or a failed version check.
 */
public interface SigningKeyRepository {
  /** Every stored key, oldest first. */
  List<StoredSigningKey> list();

  /**
   * Inserts a new key; throws {@link dev.bindery.store.UniqueViolation} if its id exists or its slot
   * ({@code current}/{@code next}) is taken.
   */
  void insert(StoredSigningKey key);

  /**
   * Replaces the stored key with {@code next} if the stored version is {@code next.version() - 1}; returns false
   * otherwise (nothing changed). Throws {@link dev.bindery.store.UniqueViolation} if {@code next} takes a slot
   * another key holds.
   */
  boolean update(StoredSigningKey next);

  /** Deletes a retired key at {@code version}; returns false if it is not there at that version. */
  boolean deleteRetired(String kid, long version);
}
