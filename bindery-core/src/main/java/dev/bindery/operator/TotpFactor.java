package dev.bindery.operator;

import java.time.Instant;
import java.util.Objects;

/**
 * An operator's TOTP factor. The seed is stored sealed (encrypted with the master key); {@code lastUsedStep}
 * is the highest time step ever accepted, so a code is accepted at most once.
 */
public record TotpFactor(
    OperatorId operatorId, byte[] sealedSeed, boolean confirmed, long lastUsedStep, Instant createdAt) {
  public TotpFactor {
    Objects.requireNonNull(operatorId);
    Objects.requireNonNull(sealedSeed);
    Objects.requireNonNull(createdAt);
    sealedSeed = sealedSeed.clone();
  }

  @Override
  public byte[] sealedSeed() {
    return sealedSeed.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TotpFactor t && t.operatorId.equals(operatorId) && t.lastUsedStep == lastUsedStep
        && t.confirmed == confirmed;
  }

  @Override
  public int hashCode() {
    return operatorId.hashCode();
  }

  @Override
  public String toString() {
    return "TotpFactor[" + operatorId + ", confirmed=" + confirmed + "]";
  }
}
