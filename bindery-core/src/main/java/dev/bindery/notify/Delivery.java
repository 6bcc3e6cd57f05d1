package dev.bindery.notify;

import dev.bindery.common.Secret;
import java.util.Objects;

/**
 * A claimed notification, ready to be posted: the webhook's URL, its signing secret, the disavow link's token if the
 * notification carries one, and the secret payload if it carries one (all opened from their sealed form). Held only
 * while the attempt runs; prints no secret.
 */
public final class Delivery {
  private final Notification notification;
  private final WebhookUrl url;
  private final Secret signingSecret;
  private final Secret disavowToken;
  private final SecretPayload secret;

  public Delivery(Notification notification, WebhookUrl url, Secret signingSecret, Secret disavowToken) {
    this(notification, url, signingSecret, disavowToken, null);
  }

  /** @param secret the opened secret payload, exactly when the notification carries one */
  public Delivery(Notification notification, WebhookUrl url, Secret signingSecret, Secret disavowToken,
      SecretPayload secret) {
    this.notification = Objects.requireNonNull(notification);
    this.url = Objects.requireNonNull(url);
    this.signingSecret = Objects.requireNonNull(signingSecret);
    if ((disavowToken == null) == notification.hasDisavowLink()) {
      throw new IllegalArgumentException("a delivery carries the disavow token exactly when its notification does");
    }
    this.disavowToken = disavowToken;
    if ((secret == null) == notification.hasSecret()
        || (secret != null && secret.kind() != notification.secretKind())) {
      throw new IllegalArgumentException("a delivery carries the secret of its notification, of its kind");
    }
    this.secret = secret;
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

  /** The secret payload for the owners (a temporary credential, recovery codes), or null. */
  public SecretPayload secret() {
    return secret;
  }

  /** Zeroes the secrets once the attempt is over. */
  public void destroy() {
    signingSecret.destroy();
    if (disavowToken != null) {
      disavowToken.destroy();
    }
    if (secret != null) {
      secret.destroy();
    }
  }

  @Override
  public String toString() {
    return "Delivery[" + notification + ", " + url + "]";
  }
}
