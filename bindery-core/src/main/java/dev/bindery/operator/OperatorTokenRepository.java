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

  void recordUse(String id, Instant at);
}
