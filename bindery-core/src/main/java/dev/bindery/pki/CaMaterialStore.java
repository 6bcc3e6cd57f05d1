package dev.bindery.pki;

import java.util.Optional;

/**
 * Where the CA material of the deployment is kept: at most one {@link CaMaterial}, written once. Several nodes
 * may start against one database at the same time; the first {@link #saveIfAbsent} wins and the others load what
 * it saved, so every node signs with the same CA.
 */
public interface CaMaterialStore {
  /** The stored material, if any. */
  Optional<CaMaterial> load();

  /**
   * Stores {@code material} unless material is already stored; the store also records an audit event
   * {@code ca.created} in the same transaction.
   *
   * @return true if this call stored it, false if other material was already there (nothing is written)
   */
  boolean saveIfAbsent(CaMaterial material);
}
