package dev.bindery.store;

/**
 * Tells a cache of store reads whether the store may have changed since it read: take a stamp with
 * {@link #stampBeforeRead()} before reading, keep it with what was read, and use the cached value only while
 * {@link #unchangedSince} holds for that stamp. An implementation must guarantee that once a change has committed
 * on this node, {@code unchangedSince} is false for every stamp taken before the commit (so a cached value never
 * outlives a local change), and that a change committed by another node is noticed within a bounded delay.
 *
 * <p>{@link #NONE} never allows a cached value: every read goes to the store.
 */
public interface StoreChanges {
  /** The stamp that allows nothing to be cached. */
  long NOT_CACHEABLE = -1;

  /** Nothing may be cached. */
  StoreChanges NONE = new StoreChanges() {
    @Override
    public long stampBeforeRead() {
      return NOT_CACHEABLE;
    }

    @Override
    public boolean unchangedSince(long stamp) {
      return false;
    }
  };

  /**
   * Call before reading what will be cached. Returns {@link #NOT_CACHEABLE} when what is read now must not be
   * cached (a change is being written on this node, or changes of other nodes are not being watched).
   */
  long stampBeforeRead();

  /** True if nothing may have changed since {@code stamp} was taken; always false for {@link #NOT_CACHEABLE}. */
  boolean unchangedSince(long stamp);
}
