package dev.bindery.notify;

import java.util.Locale;
import java.util.Optional;

/**
 * Where a notification is in its delivery: {@code pending} (due at its next attempt time, or being attempted),
 * then exactly one of {@code delivered} (a 2xx answer), {@code failed} (the last allowed attempt failed) or
 * {@code cancelled} (its webhook was removed before it was delivered).
 */
public enum NotificationState {
  PENDING, DELIVERED, FAILED, CANCELLED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<NotificationState> fromWire(String value) {
    for (NotificationState s : values()) {
      if (s.wire().equals(value)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  public boolean terminal() {
    return this != PENDING;
  }
}
