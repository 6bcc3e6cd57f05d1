package dev.bindery.support;

import dev.bindery.notify.NotificationService;
import dev.bindery.store.Tx;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The support desk's {@link SupportNotifier} over the notification outbox: an identity target's notification goes to
 * the webhooks of its owning team and backup team, an operator target's to the webhooks of the operator's teams
 * ({@link NotificationService#queueForIdentity}, {@link NotificationService#queueForOperator}). The rows name the
 * action ({@code sup_...}) as their request; with {@code disavowable}, they carry a "this was not us" link bound to the
 * action and to the identity or operator, and the link's reference (its hash prefix, never the token) is returned.
 * Nothing is queued, and no link issued, when there is no webhook to deliver to.
 */
public final class SupportOwnerNotifier implements SupportNotifier {
  private final NotificationService notifications;

  public SupportOwnerNotifier(NotificationService notifications) {
    this.notifications = Objects.requireNonNull(notifications);
  }

  @Override
  public Optional<String> queued(Tx t, SupportActionId action, SupportTarget target, String event,
      Map<String, String> details, boolean disavowable, Instant at) {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(target, "target");
    NotificationService.Queued q = target.kind() == SupportTarget.Kind.IDENTITY
        ? notifications.queueForIdentity(t, target.identityId(), event, details, at, action.value(), disavowable, null)
        : notifications.queueForOperator(t, target.operatorId(), event, details, at, action.value(), disavowable,
            null);
    return q.disavowRef();
  }
}
