package dev.bindery.notify;

import java.util.List;
import java.util.Objects;

/** A notification and its delivery attempts, oldest first: what operators read. */
public record NotificationStatus(Notification notification, List<NotificationAttempt> attempts) {
  public NotificationStatus {
    Objects.requireNonNull(notification);
    attempts = List.copyOf(attempts);
  }
}
