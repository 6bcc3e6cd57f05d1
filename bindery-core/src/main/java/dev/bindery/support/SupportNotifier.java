package dev.bindery.support;

import dev.bindery.store.Tx;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Port from the support desk to the owners' notifications (the re-binding issue's independent channel). Called
 * inside the support action's transaction; an implementation writes outbox rows only (to the webhooks of the target
 * identity's owning and backup teams, or of the target operator's teams). With {@code disavowable}, the notification
 * carries a one-time "this was not us" link bound to {@code action}; the link's id (never its secret) is returned.
 * {@code details} are small non-secret facts (ticket, type, agent, what changed).
 */
@FunctionalInterface
public interface SupportNotifier {
  SupportNotifier NONE = (t, action, target, event, details, disavowable, at) -> Optional.empty();

  Optional<String> queued(Tx t, SupportActionId action, SupportTarget target, String event,
      Map<String, String> details, boolean disavowable, Instant at);
}
