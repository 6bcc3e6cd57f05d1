package dev.bindery.support;

import dev.bindery.store.Tx;

/**
 * What a followed "this was not us" link bound to a support action does (docs/support-desk.md, "Flow": revert what can
 * be reverted, lock the identity or suspend the operator). Implemented by the support desk's service; the server's
 * disavow handler routes {@code sup_...} links here and {@code chg_...} links to the change-request engine.
 *
 * <p>Called inside the transaction that marks the link's token used: the token is used if and only if this commits;
 * an exception rolls both back and leaves the token unused. The action's time is the transactor's clock.
 */
@FunctionalInterface
public interface SupportDisavowHandler {
  /**
   * @param actor the audit actor of what the link does (the server passes {@code disavow_link})
   * @param requestId the id of the HTTP request that followed the link
   */
  void disavowed(Tx t, SupportActionId action, String actor, String requestId);
}
