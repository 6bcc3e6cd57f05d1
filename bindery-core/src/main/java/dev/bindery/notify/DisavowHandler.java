package dev.bindery.notify;

import dev.bindery.identity.IdentityId;
import dev.bindery.store.Tx;
import java.time.Instant;

/**
 * What happens when a valid "this was not us" link is followed: implemented by the change-request engine (cancel the
 * request if it is open, or revoke the credential it bound if it was applied, and lock the identity). Called inside
 * the transaction that marks the token used, so the token is used if and only if the handler's changes commit; a
 * {@link dev.bindery.common.RejectedException} or any other exception from it rolls both back and leaves the token
 * unused.
 */
@FunctionalInterface
public interface DisavowHandler {
  void disavowed(Tx tx, String changeRequestId, IdentityId identity, Instant at);
}
