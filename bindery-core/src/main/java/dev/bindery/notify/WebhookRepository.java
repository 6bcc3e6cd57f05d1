package dev.bindery.notify;

import dev.bindery.identity.TeamId;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Storage port for webhooks. Webhooks are never deleted: a removed one stays, marked. */
public interface WebhookRepository {
  /** Throws {@link dev.bindery.store.UniqueViolation} if the id exists. */
  void insert(Webhook webhook);

  Optional<Webhook> findById(WebhookId id);

  /** The team's webhooks, oldest first; removed ones only if {@code includeRemoved}. */
  List<Webhook> listForTeam(TeamId team, boolean includeRemoved);

  /** The active webhooks of any of {@code teams}, by team then oldest first. */
  List<Webhook> activeForTeams(Collection<TeamId> teams);

  /** Marks the webhook removed if it is active; false if it was not (also when a concurrent removal won). */
  boolean markRemoved(WebhookId id, Instant at, String by);
}
