package dev.bindery.notify;

import dev.bindery.common.Secret;
import java.util.Objects;

/**
 * A claimed notification, ready to be posted: the webhook's URL, its signing secret and, if the notification
 * carries a disavow link, the link's token (both opened from their sealed form). Held only while the attempt runs;
 * prints neither secret.
 */
public final class Delivery {
  private final Notification notification;
  private final WebhookUrl url;
  private final Secret signingSecret;
  private final Secret disavowToken;

  public Delivery(Notification notification, WebhookUrl url, Secret signingSecret, Secret disavowToken) {
    this.notification = Objects.requireNonNull(notification);
    this.url = Objects.requireNonNull(url);
    this.signingSecret = Objects.requireNonNull(signingSecret);
    if ((disavowToken == null) == notification.hasDisavowLink()) {
      throw new IllegalArgumentException("a delivery carries the disavow token exactly when its notification does");
    }
    this.disavowToken = disavowToken;
  }

  public Notification notification() {
    return notification;
  }

  /** The attempt this delivery is (1-based). */
  public int attempt() {
    return notification.attempts();
  }

  public WebhookUrl url() {
    return url;
  }

  public Secret signingSecret() {
    return signingSecret;
  }

  /** The disavow link's token, or null. */
  public Secret disavowToken() {
    return disavowToken;
  }

  /** Zeroes the secrets once the attempt is over. */
  public void destroy() {
    signingSecret.destroy();
    if (disavowToken != null) {
      disavowToken.destroy();
    }
  }

  @Override
  public String toString() {
    return "Delivery[" + notification + ", " + url + "]";
  }
}
