package dev.bindery.notify;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the notification service.
 *
 * @param disavowTtl how long a "this was not us" link works (the re-binding policy's {@code disavow_ttl}, 72 h by
 *     default)
 * @param allowLoopbackHttp whether a webhook may be registered with a plain {@code http} URL to a loopback host
 *     (tests and local development only; off by default)
 * @param maxWebhooksPerTeam how many active webhooks one team may have
 * @param retries when failed deliveries are tried again
 */
public record NotificationSettings(Duration disavowTtl, boolean allowLoopbackHttp, int maxWebhooksPerTeam,
    RetrySchedule retries) {
  public static final Duration DEFAULT_DISAVOW_TTL = Duration.ofHours(72);
  public static final int DEFAULT_MAX_WEBHOOKS_PER_TEAM = 10;
  public static final NotificationSettings DEFAULT = new NotificationSettings(DEFAULT_DISAVOW_TTL, false,
      DEFAULT_MAX_WEBHOOKS_PER_TEAM, RetrySchedule.DEFAULT);

  public NotificationSettings {
    Objects.requireNonNull(disavowTtl);
    Objects.requireNonNull(retries);
    if (disavowTtl.compareTo(Duration.ofMinutes(10)) < 0 || disavowTtl.compareTo(Duration.ofDays(30)) > 0) {
      throw new IllegalArgumentException("disavow link lifetime must be between 10 minutes and 30 days");
    }
    if (maxWebhooksPerTeam < 1 || maxWebhooksPerTeam > 100) {
      throw new IllegalArgumentException("max webhooks per team must be between 1 and 100");
    }
  }

  public NotificationSettings withAllowLoopbackHttp(boolean allow) {
    return new NotificationSettings(disavowTtl, allow, maxWebhooksPerTeam, retries);
  }

  public NotificationSettings withRetries(RetrySchedule r) {
    return new NotificationSettings(disavowTtl, allowLoopbackHttp, maxWebhooksPerTeam, r);
  }

  public NotificationSettings withDisavowTtl(Duration ttl) {
    return new NotificationSettings(ttl, allowLoopbackHttp, maxWebhooksPerTeam, retries);
  }
}
