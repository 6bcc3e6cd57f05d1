package dev.bindery.notify;

import java.util.Locale;
import java.util.Optional;

/** What one delivery attempt led to. */
public enum AttemptOutcome {
  /** A 2xx answer: the notification is delivered. */
  DELIVERED,
  /** Any other answer or no answer: another attempt is scheduled. */
  RETRY,
  /** Any other answer or no answer on the last allowed attempt: the notification has failed. */
  FAILED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<AttemptOutcome> fromWire(String value) {
    for (AttemptOutcome o : values()) {
      if (o.wire().equals(value)) {
        return Optional.of(o);
      }
    }
    return Optional.empty();
  }
}
