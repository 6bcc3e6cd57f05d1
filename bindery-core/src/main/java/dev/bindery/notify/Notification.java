package dev.bindery.notify;

import dev.bindery.identity.IdentityId;
import dev.bindery.identity.TeamId;
import dev.bindery.operator.OperatorId;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One event to deliver to one webhook: a row of the notification outbox, written in the transaction of the change
 * it reports and delivered afterwards by a dispatcher ({@code POST} of a JSON body rendered at the edge). Immutable;
 * each step of its delivery builds the next value.
 *
 * <p>{@code attempts} counts the attempts started (a claim increments it); {@code nextAttemptAt} is when a pending
 * notification is due, and while an attempt runs it is the end of that attempt's lease, so that no other dispatcher
 * claims it meanwhile. A notification that carries a disavow link holds the link's token sealed under the master
 * key (associated data {@link #disavowAssociatedData}); the store keeps only the token's hash elsewhere
 * ({@link DisavowToken}), and no view shows the token.
 *
 * <p>A notification is about an identity, an operator (a support action on an operator account, delivered to the
 * webhooks of the operator's teams) or neither (an event of a team). It may carry a {@link SecretPayload} for its
 * webhook (a temporary credential of the support desk, recovery codes), sealed under the master key with associated
 * data {@link #secretAssociatedData} (its id and kind): only the dispatcher opens it, to build the body it posts; no
 * view, list, log or audit event shows it. The sealed secret is dropped when the notification is delivered, failed or
 * cancelled (its kind stays). {@code changeRequestId} is the request the event is about: a change request
 * ({@code chg_...}) or a support action ({@code sup_...}).
 *
 * <p>Not a record: the sealed token and secret must not be compared or printed.
 */
public final class Notification {
  /** Event names: dotted lowercase words, such as {@code rebinding.requested}. */
  public static final Pattern EVENT = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");
  public static final int MAX_EVENT_LENGTH = 64;
  public static final Pattern DETAIL_KEY = Pattern.compile("[a-z][a-z0-9_]{0,63}");
  public static final int MAX_DETAILS = 32;
  public static final int MAX_DETAIL_LENGTH = 1024;
  /** Change request ids as the change-request engine writes them ({@code chg_...}); bounded and plain. */
  public static final Pattern CHANGE_REQUEST = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  public static final int MAX_ERROR_LENGTH = 200;

  private final NotificationId id;
  private final TeamId team;
  private final WebhookId webhookId;
  private final IdentityId identityId;
  private final OperatorId operatorId;
  private final String event;
  private final Map<String, String> details;
  private final String changeRequestId;
  private final byte[] sealedDisavowToken;
  private final Instant disavowExpiresAt;
  private final SecretKind secretKind;
  private final byte[] sealedSecret;
  private final Instant createdAt;
  private final NotificationState state;
  private final int attempts;
  private final Instant nextAttemptAt;
  private final Instant lastAttemptAt;
  private final Integer lastStatus;
  private final String lastError;
  private final Instant completedAt;

  /**
   * @param identityId the identity the event is about, or null (events of a team, such as a webhook change)
   * @param changeRequestId the change request the event is about, or null
   * @param lastStatus the HTTP status of the last attempt, or null (none yet, or no answer)
   * @param lastError the failure class of the last attempt ({@code http_status} or an exception class), or null
   * @param completedAt when it became delivered, failed or cancelled; null while pending
   */
  public Notification(NotificationId id, TeamId team, WebhookId webhookId, IdentityId identityId, String event,
      Map<String, String> details, String changeRequestId, byte[] sealedDisavowToken, Instant disavowExpiresAt,
      Instant createdAt, NotificationState state, int attempts, Instant nextAttemptAt, Instant lastAttemptAt,
      Integer lastStatus, String lastError, Instant completedAt) {
    this(id, team, webhookId, identityId, null, event, details, changeRequestId, sealedDisavowToken, disavowExpiresAt,
        null, null, createdAt, state, attempts, nextAttemptAt, lastAttemptAt, lastStatus, lastError, completedAt);
  }

  /**
   * Every field.
   *
   * @param operatorId the operator the event is about, or null; never together with {@code identityId}
   * @param secretKind the kind of the secret the notification carries (or carried), or null; only on a notification
   *     about an identity or an operator
   * @param sealedSecret the sealed {@link SecretPayload}: present exactly while a notification with a
   *     {@code secretKind} is pending, else null
   */
  public Notification(NotificationId id, TeamId team, WebhookId webhookId, IdentityId identityId,
      OperatorId operatorId, String event, Map<String, String> details, String changeRequestId,
      byte[] sealedDisavowToken, Instant disavowExpiresAt, SecretKind secretKind, byte[] sealedSecret,
      Instant createdAt, NotificationState state, int attempts, Instant nextAttemptAt, Instant lastAttemptAt,
      Integer lastStatus, String lastError, Instant completedAt) {
    this.id = Objects.requireNonNull(id, "id");
    this.team = Objects.requireNonNull(team, "team");
    this.webhookId = Objects.requireNonNull(webhookId, "webhookId");
    if (identityId != null && operatorId != null) {
      throw new IllegalArgumentException("a notification is about an identity or an operator, not both");
    }
    this.identityId = identityId;
    this.operatorId = operatorId;
    this.event = checkEvent(event);
    this.details = checkDetails(details);
    if (changeRequestId != null && !CHANGE_REQUEST.matcher(changeRequestId).matches()) {
      throw new IllegalArgumentException("change request id must be 1-64 of A-Z, a-z, 0-9, '_', '.', '-'");
    }
    this.changeRequestId = changeRequestId;
    this.sealedDisavowToken = sealedDisavowToken == null ? null : sealedDisavowToken.clone();
    this.disavowExpiresAt = disavowExpiresAt;
    if ((sealedDisavowToken == null) != (disavowExpiresAt == null)) {
      throw new IllegalArgumentException("a disavow link has a token and an expiry, or neither");
    }
    if (sealedDisavowToken != null && (changeRequestId == null || (identityId == null && operatorId == null))) {
      throw new IllegalArgumentException("a disavow link is about a request concerning an identity or an operator");
    }
    if (sealedSecret != null && secretKind == null) {
      throw new IllegalArgumentException("a sealed secret has a kind");
    }
    if (secretKind != null && identityId == null && operatorId == null) {
      throw new IllegalArgumentException("a secret is delivered about an identity or an operator");
    }
    if (secretKind != null && (sealedSecret == null) != Objects.requireNonNull(state, "state").terminal()) {
      throw new IllegalArgumentException("a secret is held sealed exactly while its notification is pending");
    }
    this.secretKind = secretKind;
    this.sealedSecret = sealedSecret == null ? null : sealedSecret.clone();
    this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
    this.state = Objects.requireNonNull(state, "state");
    if (attempts < 0) {
      throw new IllegalArgumentException("attempts is not negative");
    }
    this.attempts = attempts;
    this.nextAttemptAt = Objects.requireNonNull(nextAttemptAt, "nextAttemptAt");
    this.lastAttemptAt = lastAttemptAt;
    this.lastStatus = lastStatus;
    if (lastError != null && (lastError.length() > MAX_ERROR_LENGTH || lastError.chars().anyMatch(c -> c < 0x20))) {
      throw new IllegalArgumentException("last error is a short class name");
    }
    this.lastError = lastError;
    this.completedAt = completedAt;
    if (state.terminal() != (completedAt != null)) {
      throw new IllegalArgumentException("exactly the delivered, failed and cancelled notifications are completed");
    }
  }

  /** A new pending notification, due at once. */
  public static Notification queued(NotificationId id, TeamId team, WebhookId webhookId, IdentityId identityId,
      String event, Map<String, String> details, String changeRequestId, byte[] sealedDisavowToken,
      Instant disavowExpiresAt, Instant at) {
    return new Notification(id, team, webhookId, identityId, event, details, changeRequestId, sealedDisavowToken,
        disavowExpiresAt, at, NotificationState.PENDING, 0, at, null, null, null, null);
  }

  /**
   * A new pending notification, due at once, about {@code identityId} or {@code operatorId} (or neither), with an
   * optional disavow link and an optional sealed secret.
   */
  public static Notification queued(NotificationId id, TeamId team, WebhookId webhookId, IdentityId identityId,
      OperatorId operatorId, String event, Map<String, String> details, String changeRequestId,
      byte[] sealedDisavowToken, Instant disavowExpiresAt, SecretKind secretKind, byte[] sealedSecret, Instant at) {
    return new Notification(id, team, webhookId, identityId, operatorId, event, details, changeRequestId,
        sealedDisavowToken, disavowExpiresAt, secretKind, sealedSecret, at, NotificationState.PENDING, 0, at, null,
        null, null, null);
  }

  /** The associated data a notification's sealed secret is sealed with: its id and the secret's kind. */
  public static byte[] secretAssociatedData(NotificationId id, SecretKind kind) {
    return ("bindery notification secret v1\n" + id.value() + "\n" + kind.wire()).getBytes(StandardCharsets.UTF_8);
  }

  /** The associated data a notification's disavow token is sealed with. */
  public static byte[] disavowAssociatedData(NotificationId id) {
    return ("bindery disavow token v1\n" + id.value()).getBytes(StandardCharsets.UTF_8);
  }

  static String checkEvent(String event) {
    if (event == null || event.length() > MAX_EVENT_LENGTH || !EVENT.matcher(event).matches()) {
      throw new IllegalArgumentException("event must be dotted lowercase words, at most " + MAX_EVENT_LENGTH);
    }
    return event;
  }

  static Map<String, String> checkDetails(Map<String, String> details) {
    Map<String, String> d = details == null ? Map.of() : details;
    if (d.size() > MAX_DETAILS) {
      throw new IllegalArgumentException("at most " + MAX_DETAILS + " details");
    }
    TreeMap<String, String> copy = new TreeMap<>();
    d.forEach((k, v) -> {
      if (k == null || !DETAIL_KEY.matcher(k).matches()) {
        throw new IllegalArgumentException("detail keys are snake_case words: " + k);
      }
      if (v == null || v.length() > MAX_DETAIL_LENGTH) {
        throw new IllegalArgumentException("detail '" + k + "' must be a string of at most " + MAX_DETAIL_LENGTH);
      }
      copy.put(k, v);
    });
    return Collections.unmodifiableMap(copy);
  }

  // ---- delivery steps --------------------------------------------------------------------------------------

  /** Claimed by a dispatcher for attempt {@code attempts + 1}, leased until {@code leaseUntil}. */
  public Notification claimed(Instant leaseUntil) {
    requirePending();
    return with(NotificationState.PENDING, attempts + 1, leaseUntil, lastAttemptAt, lastStatus, lastError, null);
  }

  public Notification delivered(Instant at, int status) {
    requirePending();
    return with(NotificationState.DELIVERED, attempts, nextAttemptAt, at, status, null, at);
  }

  /** The attempt failed; the next one is due at {@code next}. */
  public Notification retryAt(Instant at, Instant next, Integer status, String error) {
    requirePending();
    return with(NotificationState.PENDING, attempts, next, at, status, error, null);
  }

  /** The last allowed attempt failed. */
  public Notification failed(Instant at, Integer status, String error) {
    requirePending();
    return with(NotificationState.FAILED, attempts, nextAttemptAt, at, status, error, at);
  }

  public Notification cancelled(Instant at) {
    requirePending();
    return with(NotificationState.CANCELLED, attempts, nextAttemptAt, lastAttemptAt, lastStatus, lastError, at);
  }

  private void requirePending() {
    if (state != NotificationState.PENDING) {
      throw new IllegalStateException("notification " + id + " is " + state.wire());
    }
  }

  private Notification with(NotificationState s, int n, Instant next, Instant last, Integer status, String error,
      Instant completed) {
    // a secret is kept (sealed) only until the notification is delivered, failed or cancelled
    return new Notification(id, team, webhookId, identityId, operatorId, event, details, changeRequestId,
        sealedDisavowToken, disavowExpiresAt, secretKind, s.terminal() ? null : sealedSecret, createdAt, s, n, next,
        last, status, error, completed);
  }

  // ---- accessors ---------------------------------------------------------------------------------------------

  public NotificationId id() {
    return id;
  }

  public TeamId team() {
    return team;
  }

  public WebhookId webhookId() {
    return webhookId;
  }

  public IdentityId identityId() {
    return identityId;
  }

  /** The operator the event is about (a support action on an operator account), or null. */
  public OperatorId operatorId() {
    return operatorId;
  }

  public String event() {
    return event;
  }

  /** Sorted by key, unmodifiable. */
  public Map<String, String> details() {
    return details;
  }

  public String changeRequestId() {
    return changeRequestId;
  }

  public boolean hasDisavowLink() {
    return sealedDisavowToken != null;
  }

  /** The sealed disavow token, or null; opened only by the service that delivers it. */
  public byte[] sealedDisavowToken() {
    return sealedDisavowToken == null ? null : sealedDisavowToken.clone();
  }

  public Instant disavowExpiresAt() {
    return disavowExpiresAt;
  }

  /** True while the notification holds a sealed secret (pending, with a {@link #secretKind}). */
  public boolean hasSecret() {
    return sealedSecret != null;
  }

  /** The kind of the secret it carries or carried (not secret itself), or null. */
  public SecretKind secretKind() {
    return secretKind;
  }

  /** The sealed secret, or null; opened only by the service that delivers it. */
  public byte[] sealedSecret() {
    return sealedSecret == null ? null : sealedSecret.clone();
  }

  public Instant createdAt() {
    return createdAt;
  }

  public NotificationState state() {
    return state;
  }

  public int attempts() {
    return attempts;
  }

  public Instant nextAttemptAt() {
    return nextAttemptAt;
  }

  public Instant lastAttemptAt() {
    return lastAttemptAt;
  }

  public Integer lastStatus() {
    return lastStatus;
  }

  public String lastError() {
    return lastError;
  }

  public Instant completedAt() {
    return completedAt;
  }

  /** Every field equal, the sealed token and secret included (for stores and tests). */
  public boolean sameAs(Notification o) {
    return o != null && id.equals(o.id) && team.equals(o.team) && webhookId.equals(o.webhookId)
        && Objects.equals(identityId, o.identityId) && Objects.equals(operatorId, o.operatorId)
        && event.equals(o.event) && details.equals(o.details)
        && Objects.equals(changeRequestId, o.changeRequestId)
        && Arrays.equals(sealedDisavowToken, o.sealedDisavowToken)
        && Objects.equals(disavowExpiresAt, o.disavowExpiresAt) && secretKind == o.secretKind
        && Arrays.equals(sealedSecret, o.sealedSecret) && createdAt.equals(o.createdAt)
        && state == o.state && attempts == o.attempts && nextAttemptAt.equals(o.nextAttemptAt)
        && Objects.equals(lastAttemptAt, o.lastAttemptAt) && Objects.equals(lastStatus, o.lastStatus)
        && Objects.equals(lastError, o.lastError) && Objects.equals(completedAt, o.completedAt);
  }

  @Override
  public String toString() {
    return "Notification[" + id + ", " + event + ", webhook=" + webhookId + ", " + state.wire() + ", attempts="
        + attempts + "]";
  }
}
