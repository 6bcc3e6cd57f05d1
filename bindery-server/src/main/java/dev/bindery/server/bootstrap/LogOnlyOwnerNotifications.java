package dev.bindery.server.bootstrap;

import dev.bindery.change.ChangeEvent;
import dev.bindery.change.ChangeNotifier;
import dev.bindery.change.ChangeRequest;
import dev.bindery.identity.IdentityLifecycleHook;
import dev.bindery.identity.IdentityStatus;
import dev.bindery.store.Tx;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stands in for the owners' notifications (docs/rebinding.md, "Notifications and 'this was not us'") until the
 * notification outbox is wired: it queues nothing, so no webhook is called and no "this was not us" link is issued,
 * and it logs each notification that would have been queued (ids, event names and states only; nothing secret).
 * The log line is written inside the change's transaction, before it commits.
 *
 * <p>Replace both halves together in {@link BinderyServer}: the {@link ChangeNotifier} of the change request engine
 * and the {@link #lockHook()} composed after the credential cascade in the identities' lifecycle hook.
 */
final class LogOnlyOwnerNotifications implements ChangeNotifier {
  private static final Logger LOG = LoggerFactory.getLogger(LogOnlyOwnerNotifications.class);

  @Override
  public Optional<String> queued(Tx tx, ChangeRequest request, ChangeEvent event, Instant at) {
    LOG.info("event=owner_notification_not_queued reason=no_notification_outbox notification={} change_request={} "
        + "target={} state={}", event.wire(), request.id(), request.target(), request.state().wire());
    return Optional.empty();
  }

  /** The owners' notification of an identity lock (the abuse limit, a disavow link, an operator), logged only. */
  IdentityLifecycleHook lockHook() {
    return (t, caller, before, after) -> {
      if (after.status() == IdentityStatus.LOCKED && before.status() != IdentityStatus.LOCKED) {
        LOG.info("event=owner_notification_not_queued reason=no_notification_outbox notification=identity.locked "
            + "identity={}", after.id());
      }
    };
  }
}
