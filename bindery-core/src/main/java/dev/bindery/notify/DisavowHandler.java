package dev.bindery.notify;

import dev.bindery.store.Tx;
import java.time.Instant;

/**
 * What happens when a valid "this was not us" link is followed. The server's handler routes on the id the link is
 * bound to: a change request ({@code chg_...}) to the change-request engine (cancel the request if it is open, or
 * revoke the credential it bound if it was applied, and lock the identity), a support action ({@code sup_...}) to the
 * support desk ({@code dev.bindery.support.SupportDisavowHandler}). Called inside the transaction that marks the token
 * used, so the token is used if and only if the handler's changes commit; a
 * {@link dev.bindery.common.RejectedException} or any other exception from it rolls both back and leaves the token
 * unused.
 */
@FunctionalInterface
public interface DisavowHandler {
  /**
   * @param link the request disavowed and the identity or operator it concerns
   * @param requestId the id of the HTTP request that followed the link, for the audit events
   */
  void disavowed(Tx tx, Disavowal link, Instant at, String requestId);
}
