package dev.bindery.server.bootstrap;

import dev.bindery.change.ChangeEvent;
import dev.bindery.change.ChangeNotifier;
import dev.bindery.change.ChangeRequest;
import dev.bindery.credential.CredentialId;
import dev.bindery.identity.IdentityLifecycleHook;
import dev.bindery.identity.IdentityStatus;
import dev.bindery.notify.NotificationService;
import dev.bindery.store.Tx;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * The owners' notifications of re-binding (docs/rebinding.md, "Notifications and 'this was not us'"): every change
 * request event and every identity lock queues a notification in the notification outbox, inside the transaction of
 * the change, for the webhooks of the identity's owning team and backup team. A pending or applied re-binding's
 * notification carries a one-time "this was not us" link. Details are ids, types, states and thumbprints only:
 * never a CSR, key, challenge or proof.
 *
 * <p>The outbox is bound once it exists ({@link #bind}): it needs the change-request engine to act on followed
 * links, and the engine needs this notifier.
 */
final class OwnerNotifications implements ChangeNotifier {
  private final AtomicReference<NotificationService> outbox = new AtomicReference<>();

  void bind(NotificationService notifications) {
    outbox.set(notifications);
  }

  private NotificationService outbox() {
    NotificationService s = outbox.get();
    if (s == null) {
      throw new IllegalStateException("the notification outbox is not bound yet");
    }
    return s;
  }

  @Override
  public Optional<String> queued(Tx tx, ChangeRequest request, ChangeEvent event, Instant at) {
    Map<String, String> details = new LinkedHashMap<>();
    details.put("type", request.type().wire());
    details.put("state", request.state().wire());
    details.put("requester", request.requester().kind().wire() + ":" + request.requester().id());
    details.put("proposed_key_thumbprint", request.proposed().keyThumbprint().value());
    details.put("replaces", request.replaces().stream().map(CredentialId::value).collect(Collectors.joining(",")));
    outbox().queue(tx, request.target(), event.wire(), details, at, event.disavowable(), request.id().value());
    return Optional.empty();
  }

  /** The owners' notification of an identity lock (the abuse limit, a disavow link, an operator). */
  IdentityLifecycleHook lockHook() {
    return (t, caller, before, after) -> {
      if (after.status() == IdentityStatus.LOCKED && before.status() != IdentityStatus.LOCKED) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("previous_status", before.status().wire());
        outbox().queue(t, after.id(), "identity.locked", details, after.updatedAt(), false, null);
      }
    };
  }
}
