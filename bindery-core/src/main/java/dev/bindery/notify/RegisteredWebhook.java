package dev.bindery.notify;

import dev.bindery.common.Secret;
import java.util.Objects;

/** A new webhook and its signing secret, returned once by the registration; Bindery keeps the secret sealed only. */
public record RegisteredWebhook(Webhook webhook, Secret secret) {
  public RegisteredWebhook {
    Objects.requireNonNull(webhook);
    Objects.requireNonNull(secret);
  }
}
