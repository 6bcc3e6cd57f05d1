package dev.bindery.store;

/** A storage adapter's report that a unique key already exists; the transaction is rolled back. */
public class UniqueViolation extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UniqueViolation(String what, Throwable cause) {
    super(what, cause);
  }
}
