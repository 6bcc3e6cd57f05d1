package dev.bindery.credential;

import java.util.Optional;

/** Storage port for credential lineages. */
public interface LineageRepository {
  /** Throws {@link dev.bindery.store.UniqueViolation} if the id exists. */
  void insert(Lineage lineage);

  /** Replaces the stored lineage if its version is {@code next.version() - 1}; false otherwise. */
  boolean update(Lineage next);

  Optional<Lineage> findById(LineageId id);
}
