package dev.bindery.notify;

import java.time.Instant;
import java.util.Objects;

/**
 * The record of one delivery attempt. Never holds the secret, the body or the receiver's answer body: only what
 * tells an operator why a delivery failed.
 *
 * @param number 1 for the first attempt
 * @param statusCode the HTTP status answered, or null when there was no answer
 * @param error {@code http_status} for a non-2xx answer, the simple class name of the exception for no answer
 *     (such as {@code HttpConnectTimeoutException}), or null when delivered
 * @param durationMillis from sending to the answer (or the failure)
 */
public record NotificationAttempt(NotificationId notificationId, int number, Instant at, Integer statusCode,
    String error, AttemptOutcome outcome, long durationMillis) {

  public NotificationAttempt {
    Objects.requireNonNull(notificationId);
    Objects.requireNonNull(at);
    Objects.requireNonNull(outcome);
    if (number < 1) {
      throw new IllegalArgumentException("attempts are numbered from 1");
    }
    if (statusCode != null && (statusCode < 100 || statusCode > 599)) {
      throw new IllegalArgumentException("not an HTTP status: " + statusCode);
    }
    if (error != null && (error.length() > Notification.MAX_ERROR_LENGTH || error.chars().anyMatch(c -> c < 0x20))) {
      throw new IllegalArgumentException("error is a short class name");
    }
    if ((outcome == AttemptOutcome.DELIVERED) != (error == null)) {
      throw new IllegalArgumentException("exactly the failed attempts name an error");
    }
    if (durationMillis < 0) {
      throw new IllegalArgumentException("duration is not negative");
    }
  }
}
