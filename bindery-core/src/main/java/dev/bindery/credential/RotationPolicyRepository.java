package dev.bindery.credential;

import dev.bindery.identity.IdentityKind;
import java.util.List;
import java.util.Optional;

/** Storage port for rotation policies; (kind, type) pairs without a stored policy use the defaults. */
public interface RotationPolicyRepository {
  Optional<RotationPolicy> find(IdentityKind kind, CredentialType type);

  /** The stored policies only. */
  List<RotationPolicy> list();

  /** Inserts or replaces the policy for its (kind, type). */
  void put(RotationPolicy policy);
}
