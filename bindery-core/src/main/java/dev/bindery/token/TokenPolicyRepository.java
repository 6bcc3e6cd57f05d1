package dev.bindery.token;

import dev.bindery.identity.IdentityId;
import java.util.Optional;

/** Storage port for token policies, one per identity at most (none means {@link TokenPolicy#defaultFor}). */
public interface TokenPolicyRepository {
  Optional<TokenPolicy> find(IdentityId identity);

  /** Stores version 1; throws {@link dev.bindery.store.UniqueViolation} if the identity already has a policy. */
  void insert(TokenPolicy policy);

  /** Replaces the stored policy if its version is {@code next.version() - 1}; false (nothing changed) otherwise. */
  boolean update(TokenPolicy next);
}
