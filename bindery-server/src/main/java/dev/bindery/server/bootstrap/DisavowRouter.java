package dev.bindery.server.bootstrap;

import dev.bindery.change.ChangeRequestId;
import dev.bindery.change.ChangeRequestService;
import dev.bindery.notify.DisavowHandler;
import dev.bindery.notify.Disavowal;
import dev.bindery.store.Tx;
import dev.bindery.support.SupportActionId;
import dev.bindery.support.SupportDisavowHandler;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The server's {@link DisavowHandler}: a followed "this was not us" link bound to a change request ({@code chg_...})
 * goes to the change-request engine (cancel or revoke, then lock the identity), one bound to a support action
 * ({@code sup_...}) to the support desk's {@link SupportDisavowHandler}. Both act as {@value #ACTOR} in the
 * transaction that marks the link used.
 *
 * <p>The engine and the support desk are bound once they exist (the notification outbox they use needs this handler
 * first). A support link followed while no support handler is bound fails (500) and leaves the link unused: support
 * links are only issued by the support desk, so that is a wiring error, never a normal state.
 */
final class DisavowRouter implements DisavowHandler {
  /** The actor of the changes a followed link makes (its holder is not an operator). */
  static final String ACTOR = "disavow_link";

  private final AtomicReference<ChangeRequestService> changeRequests = new AtomicReference<>();
  private final AtomicReference<SupportDisavowHandler> support = new AtomicReference<>();

  void bindChangeRequests(ChangeRequestService engine) {
    changeRequests.set(Objects.requireNonNull(engine));
  }

  /** Binds what a support action's link does (the support service). */
  void bindSupport(SupportDisavowHandler handler) {
    support.set(Objects.requireNonNull(handler));
  }

  @Override
  public void disavowed(Tx tx, Disavowal link, Instant at, String requestId) {
    if (link.supportAction()) {
      SupportDisavowHandler s = support.get();
      if (s == null) {
        throw new IllegalStateException("a support action's disavow link was followed but no support handler is bound");
      }
      s.disavowed(tx, SupportActionId.parse(link.changeRequestId()), ACTOR, requestId);
    } else {
      ChangeRequestService engine = changeRequests.get();
      if (engine == null) {
        throw new IllegalStateException("the change-request engine is not bound yet");
      }
      engine.disavowInTransaction(tx, ChangeRequestId.parse(link.changeRequestId()), ACTOR, requestId);
    }
  }
}
