package dev.bindery.testkit;

import dev.bindery.operator.IssuedToken;
import dev.bindery.operator.Operator;
import dev.bindery.operator.OperatorId;

/**
 * An operator made through {@link TestBindery}: the operator as created, its first token (whose value a test
 * may present) and, once enrolled, its TOTP seed.
 */
public final class TestOperator {
  private final Operator created;
  private final IssuedToken token;
  private byte[] totpSeed;

  TestOperator(Operator created, IssuedToken token) {
    this.created = created;
    this.token = token;
  }

  public OperatorId id() {
    return created.id();
  }

  /** The operator as it was created (version 1); read the store for its current state. */
  public Operator created() {
    return created;
  }

  public IssuedToken issuedToken() {
    return token;
  }

  public String tokenId() {
    return token.token().id();
  }

  /** The secret token value, as a client would present it. */
  public String tokenValue() {
    return token.value().reveal();
  }

  /** The enrolled TOTP seed, or null before enrolment. */
  public byte[] totpSeed() {
    return totpSeed == null ? null : totpSeed.clone();
  }

  void totpSeed(byte[] seed) {
    this.totpSeed = seed.clone();
  }

  @Override
  public String toString() {
    return "TestOperator[" + created.id() + "]";
  }
}
