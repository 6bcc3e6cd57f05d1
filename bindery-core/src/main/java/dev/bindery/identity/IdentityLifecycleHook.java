package dev.bindery.identity;

import dev.bindery.security.Caller;
import dev.bindery.store.Tx;

/**
 * Work that must happen in the same transaction as an identity's status change (suspend, resume, lock, unlock,
 * retire), for example revoking every credential of a retired identity, or notifying the owners of a lock (the
 * reason is {@code after.statusReason()}). It runs after the new identity version and its
 * audit event are written; if it throws, the whole change rolls back.
 */
@FunctionalInterface
public interface IdentityLifecycleHook {
  IdentityLifecycleHook NONE = (t, caller, before, after) -> { };

  void statusChanged(Tx t, Caller caller, Identity before, Identity after);

  /** This hook, then {@code next}, in the same transaction (for example the credential cascade, then notifications). */
  default IdentityLifecycleHook andThen(IdentityLifecycleHook next) {
    return (t, caller, before, after) -> {
      statusChanged(t, caller, before, after);
      next.statusChanged(t, caller, before, after);
    };
  }
}
