package dev.bindery.store;

import java.util.function.Function;

/**
 * Runs work in one database transaction. If the work throws, the transaction rolls back and the exception
 * propagates unchanged. Implementations use at least READ COMMITTED and rely on row locks and optimistic
 * versions for consistency.
 */
public interface Transactor {
  <T> T inTransaction(Function<Tx, T> work);

  /** Read-only work; implementations may run it without a write transaction. */
  default <T> T read(Function<Tx, T> work) {
    return inTransaction(work);
  }

  /** True if the store answers (readiness). */
  boolean ping();

  /**
   * What caches of reads from this store may rely on ({@link StampedCache}); by default nothing may be cached. A
   * store that returns more must keep the contract of {@link StoreChanges}.
   */
  default StoreChanges changes() {
    return StoreChanges.NONE;
  }
}
