package dev.bindery.notify;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Storage port for the notification outbox and its delivery attempts.
 *
 * <p>{@link #claimDue} is how several dispatchers (one per Bindery node, sharing one database) divide the work: it
 * locks the due rows it picks and skips rows another transaction holds locked ({@code FOR UPDATE SKIP LOCKED}), and
 * moves each picked row's {@code next_attempt_at} to the end of a lease, so that once the claiming transaction
 * commits, no other dispatcher sees the row as due until the lease ends. {@link #finish} then only applies to the
 * attempt that was claimed: if the lease ran out and another dispatcher claimed the row again, the late outcome is
 * not written (the receiver may have seen the notification twice: delivery is at least once, and
 * {@code Bindery-Delivery} lets it drop repeats).
 */
public interface NotificationRepository {
  /** Throws {@link dev.bindery.store.UniqueViolation} if the id exists. */
  void insert(Notification notification);

  Optional<Notification> findById(NotificationId id);

  /**
   * Claims up to {@code limit} pending notifications with {@code next_attempt_at <= now}, earliest due first,
   * skipping rows locked by other transactions: each is stored as {@link Notification#claimed(Instant)
   * claimed(leaseUntil)} and returned as stored.
   */
  List<Notification> claimDue(Instant now, Instant leaseUntil, int limit);

  /**
   * Stores {@code next} (the outcome of its claimed attempt) if the stored row is still pending with the same attempt
   * count; returns false and changes nothing otherwise.
   */
  boolean finish(Notification next);

  /** Cancels every pending notification of the webhook at {@code at}; returns how many. */
  int cancelPending(WebhookId webhook, Instant at);

  /** Throws {@link dev.bindery.store.UniqueViolation} if the notification already has an attempt of that number. */
  void insertAttempt(NotificationAttempt attempt);

  /** The notification's attempts, by number. */
  List<NotificationAttempt> attempts(NotificationId id);

  /** At most {@code query.limit()} notifications, in the query's order, after its position. */
  List<Notification> list(NotificationQuery query);
}
