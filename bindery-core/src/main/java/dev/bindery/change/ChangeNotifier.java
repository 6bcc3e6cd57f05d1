package dev.bindery.change;

import dev.bindery.store.Tx;
import java.time.Instant;
import java.util.Optional;

/**
 * Port to the owners' notifications (webhooks). Every method is called inside the transaction of the change it
 * announces, with that transaction's {@link Tx}, so a notification is queued exactly when the change commits; an
 * implementation only writes rows (an outbox) there and delivers after the commit. An exception rolls the change
 * back.
 *
 * <p>An identity lock (by the abuse limit, a "this was not us" link or an operator) is not announced here but through
 * {@link dev.bindery.identity.IdentityLifecycleHook}, which runs in every status change's transaction whatever
 * made it: a notifier hooks in there with {@code after.status() == LOCKED} and {@code after.statusReason()}.
 */
@FunctionalInterface
public interface ChangeNotifier {
  /** Queues nothing (tests, deployments without webhooks). */
  ChangeNotifier NONE = (tx, request, event, at) -> Optional.empty();

  /**
   * Queues the notification of {@code event} on {@code request} (in its state after the event). For
   * {@link ChangeEvent#disavowable()} events the notification carries a one-time "this was not us" link; the id of
   * that link (never the link's secret) is returned so the engine can record it.
   */
  Optional<String> queued(Tx tx, ChangeRequest request, ChangeEvent event, Instant at);
}
