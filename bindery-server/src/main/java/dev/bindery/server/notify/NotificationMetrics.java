package dev.bindery.server.notify;

import dev.bindery.notify.AttemptOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The dispatcher's counters: {@code bindery_notifications_delivered_total}, {@code bindery_notifications_retried_total}
 * (attempts that failed and will be tried again) and {@code bindery_notifications_failed_total} (notifications that
 * used up their attempts). No labels: the values that vary (webhooks, identities) are not metric dimensions.
 */
public final class NotificationMetrics {
  private final Counter delivered;
  private final Counter retried;
  private final Counter failed;

  public NotificationMetrics(MeterRegistry registry) {
    delivered = Counter.builder("bindery.notifications.delivered")
        .description("notifications delivered to a webhook (2xx)").register(registry);
    retried = Counter.builder("bindery.notifications.retried")
        .description("delivery attempts that failed and are tried again").register(registry);
    failed = Counter.builder("bindery.notifications.failed")
        .description("notifications given up after their last allowed attempt").register(registry);
  }

  void attempted(AttemptOutcome outcome) {
    switch (outcome) {
      case DELIVERED -> delivered.increment();
      case RETRY -> retried.increment();
      case FAILED -> failed.increment();
    }
  }
}
