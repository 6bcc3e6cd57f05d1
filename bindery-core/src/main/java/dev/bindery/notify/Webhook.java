package dev.bindery.notify;

import dev.bindery.identity.TeamId;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * A team's webhook: where the notifications about the team's identities are posted, and the HMAC secret that signs
 * them, sealed under the master key ({@link dev.bindery.security.SecretSealer}, associated data
 * {@link #secretAssociatedData}). A removed webhook is kept (its notifications name it) but gets nothing new.
 *
 * <p>Not a record: the sealed secret must not be compared or printed.
 *
 * @param createdBy the actor who registered it
 */
public final class Webhook {
  private final WebhookId id;
  private final TeamId team;
  private final WebhookUrl url;
  private final byte[] sealedSecret;
  private final Instant createdAt;
  private final String createdBy;
  private final Instant removedAt;
  private final String removedBy;

  public Webhook(WebhookId id, TeamId team, WebhookUrl url, byte[] sealedSecret, Instant createdAt, String createdBy,
      Instant removedAt, String removedBy) {
    this.id = Objects.requireNonNull(id, "id");
    this.team = Objects.requireNonNull(team, "team");
    this.url = Objects.requireNonNull(url, "url");
    this.sealedSecret = Objects.requireNonNull(sealedSecret, "sealedSecret").clone();
    this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
    this.createdBy = Objects.requireNonNull(createdBy, "createdBy");
    this.removedAt = removedAt;
    this.removedBy = removedBy;
    if ((removedAt == null) != (removedBy == null)) {
      throw new IllegalArgumentException("a removed webhook names when and by whom");
    }
    if (removedAt != null && removedAt.isBefore(createdAt)) {
      throw new IllegalArgumentException("a webhook is removed after its creation");
    }
  }

  /** The associated data a webhook's secret is sealed with: a sealed secret moved to another row does not open. */
  public static byte[] secretAssociatedData(WebhookId id) {
    return ("bindery webhook secret v1\n" + id.value()).getBytes(StandardCharsets.UTF_8);
  }

  public WebhookId id() {
    return id;
  }

  public TeamId team() {
    return team;
  }

  public WebhookUrl url() {
    return url;
  }

  public byte[] sealedSecret() {
    return sealedSecret.clone();
  }

  public Instant createdAt() {
    return createdAt;
  }

  public String createdBy() {
    return createdBy;
  }

  public Instant removedAt() {
    return removedAt;
  }

  public String removedBy() {
    return removedBy;
  }

  public boolean active() {
    return removedAt == null;
  }

  public Webhook removed(Instant at, String by) {
    if (!active()) {
      throw new IllegalStateException("webhook already removed");
    }
    return new Webhook(id, team, url, sealedSecret, createdAt, createdBy, Objects.requireNonNull(at),
        Objects.requireNonNull(by));
  }

  /** Every field equal, the sealed secret included (for stores and tests; never used to check a secret). */
  public boolean sameAs(Webhook o) {
    return o != null && id.equals(o.id) && team.equals(o.team) && url.equals(o.url)
        && Arrays.equals(sealedSecret, o.sealedSecret) && createdAt.equals(o.createdAt)
        && createdBy.equals(o.createdBy) && Objects.equals(removedAt, o.removedAt)
        && Objects.equals(removedBy, o.removedBy);
  }

  @Override
  public String toString() {
    return "Webhook[" + id + ", team=" + team + ", " + url + (active() ? "" : ", removed") + "]";
  }
}
