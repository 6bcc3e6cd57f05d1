package dev.bindery.identity;

import dev.bindery.security.Caller;
import dev.bindery.store.Tx;

/**
 * Work that must happen in the same transaction as an identity's status change (suspend, resume, retire), for
 * example revoking every credential of a retired identity. It runs after the new identity version and its
 * audit event are written; if it throws, the whole change rolls back.
 */
@FunctionalInterface
public interface IdentityLifecycleHook {
  IdentityLifecycleHook NONE = (t, caller, before, after) -> { };

  void statusChanged(Tx t, Caller caller, Identity before, Identity after);
}
