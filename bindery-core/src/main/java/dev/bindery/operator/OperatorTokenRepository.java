package dev.bindery.operator;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Storage port for operator API tokens (hashes only). */
public interface OperatorTokenRepository {
  void insert(OperatorToken token);

  Optional<OperatorToken> findByHash(byte[] hash);

  Optional<OperatorToken> findById(String id);

  List<OperatorToken> listFor(OperatorId operator);

  /** Sets revokedAt if not yet revoked; returns true if this call revoked it. */
  boolean revoke(String id, Instant at);

  void recordStepUp(String id, Instant at);

  /**
   * Forgets the step-up recorded with every token of {@code operator} (its TOTP factor was removed or replaced, so a
   * step-up proved with the old one no longer counts); returns how many tokens had one.
   */
  int clearStepUps(OperatorId operator);

  void recordUse(String id, Instant at);
}
