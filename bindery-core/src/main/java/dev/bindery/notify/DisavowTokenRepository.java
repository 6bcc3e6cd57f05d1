package dev.bindery.notify;

import dev.bindery.credential.SecretHash;
import dev.bindery.identity.IdentityId;
import dev.bindery.operator.OperatorId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Storage port for disavow tokens (hashes only). */
public interface DisavowTokenRepository {
  /** Throws {@link dev.bindery.store.UniqueViolation} if the hash exists. */
  void insert(DisavowToken token);

  /** The token with this hash; callers still compare the found hash in constant time. */
  Optional<DisavowToken> findByHash(SecretHash hash);

  /** Marks the token used if it is not used yet; false if it already was (also when a concurrent use won). */
  boolean markUsed(SecretHash hash, Instant at);

  /** Every token issued about the identity, oldest first. */
  List<DisavowToken> listForIdentity(IdentityId identity);

  /** Every token issued about the operator (support actions on the operator's account), oldest first. */
  List<DisavowToken> listForOperator(OperatorId operator);
}
