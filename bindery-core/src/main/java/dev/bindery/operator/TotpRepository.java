package dev.bindery.operator;

import java.util.Optional;

/** Storage port for TOTP factors, at most one per operator. */
public interface TotpRepository {
  Optional<TotpFactor> find(OperatorId operator);

  /**
   * Like {@link #find}, and holds the factor's row lock until the transaction ends: a second transaction
   * calling this for the same operator waits until the first commits or rolls back, and then sees what it
   * committed. Step-up attempts by one operator therefore run one at a time.
   */
  Optional<TotpFactor> lockAndFind(OperatorId operator);

  /** Inserts or replaces the operator's factor. */
  void put(TotpFactor factor);

  void delete(OperatorId operator);

  /**
   * Records that the code for {@code step} was used, only if {@code step} is above the stored last step;
   * returns false if it was not (a replay, possibly concurrent).
   */
  boolean advanceStep(OperatorId operator, long step);
}
