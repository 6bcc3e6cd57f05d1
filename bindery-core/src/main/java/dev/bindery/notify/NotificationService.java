package dev.bindery.notify;

import dev.bindery.audit.AuditRecord;
import dev.bindery.audit.Outcome;
import dev.bindery.common.ErrorCode;
import dev.bindery.common.Hashing;
import dev.bindery.common.Page;
import dev.bindery.common.RejectedException;
import dev.bindery.common.Secret;
import dev.bindery.credential.SecretHash;
import dev.bindery.identity.BackupOwner;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.TeamId;
import dev.bindery.operator.Operator;
import dev.bindery.operator.OperatorId;
import dev.bindery.security.Authorizer;
import dev.bindery.security.Caller;
import dev.bindery.security.RefusalLimiter;
import dev.bindery.security.SecretSealer;
import dev.bindery.store.AuditedTransactor;
import dev.bindery.store.Tx;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notifications to the owners of identities, independent of the channel that made a change (docs/rebinding.md,
 * "Notifications and 'this was not us'").
 *
 * <ul>
 *   <li><b>Webhooks</b> are registered on teams by an admin or a member of the team with a fresh step-up. Bindery
 *       generates the HMAC secret, returns it once and keeps it sealed under the master key; audit details name the
 *       webhook and its URL's origin, never the secret or the full URL. A team has at most
 *       {@link NotificationSettings#maxWebhooksPerTeam} active webhooks. Adding or removing one notifies the team's
 *       (other) webhooks; removing one cancels what it had pending.
 *   <li><b>{@link #queue}</b> writes one outbox row per active webhook of the identity's owning team and of its
 *       backup team, inside the caller's transaction: the notification exists if and only if the change commits.
 *       With a disavow link, it also stores the hash of a new single-use token bound to the change request.
 *   <li><b>Delivery</b> ({@link #claimDue}, {@link #recordAttempt}) is driven by a dispatcher at the edge, which
 *       renders and posts the body; every attempt is recorded, retries follow {@link RetrySchedule}.
 *   <li><b>{@link #consumeDisavow}</b> follows a "this was not us" link: in one transaction it marks the token used
 *       and calls the {@link DisavowHandler}. An unknown, used or expired token is refused with
 *       {@code 404 disavow_link_invalid}, audited as denied (with the token's hash prefix when it is known, never the
 *       token), and counted per source: over {@link #DISAVOW_REFUSALS_PER_WINDOW} refusals per
 *       {@link #DISAVOW_REFUSAL_WINDOW}, the source gets {@code rate_limited} before any lookup.
 * </ul>
 */
public final class NotificationService {
  private static final Logger LOG = LoggerFactory.getLogger(NotificationService.class);
  /** The audit actor of a disavow link: possession of the token is the only authentication. */
  public static final String ANONYMOUS = "anonymous";
  public static final String IN_PROCESS_SOURCE = "in-process";
  public static final int DISAVOW_REFUSALS_PER_WINDOW = 10;
  public static final Duration DISAVOW_REFUSAL_WINDOW = Duration.ofMinutes(1);
  static final int DISAVOW_TRACKED_SOURCES = 10_000;
  public static final String EVENT_WEBHOOK_ADDED = "webhook.added";
  public static final String EVENT_WEBHOOK_REMOVED = "webhook.removed";
  /** The error recorded when a sealed secret or token no longer opens (master key changed, row altered). */
  static final String UNREADABLE = "SealedValueUnreadable";
  private static final String DISAVOW_ACTION = "notification.disavow";
  private static final String INVALID_LINK = "this link is not valid: it is unknown, was already used, or expired";

  private final AuditedTransactor tx;
  private final Authorizer authz;
  private final SecretSealer sealer;
  private final SecureRandom random;
  private final NotificationSettings settings;
  private final DisavowHandler handler;
  private final RefusalLimiter disavowRefusals;

  public NotificationService(AuditedTransactor tx, Authorizer authz, SecretSealer sealer, SecureRandom random,
      NotificationSettings settings, DisavowHandler handler) {
    this.tx = Objects.requireNonNull(tx);
    this.authz = Objects.requireNonNull(authz);
    this.sealer = Objects.requireNonNull(sealer);
    this.random = Objects.requireNonNull(random);
    this.settings = Objects.requireNonNull(settings);
    this.handler = Objects.requireNonNull(handler);
    this.disavowRefusals = new RefusalLimiter(tx.clock(), DISAVOW_REFUSALS_PER_WINDOW, DISAVOW_REFUSAL_WINDOW,
        DISAVOW_TRACKED_SOURCES);
  }

  public NotificationSettings settings() {
    return settings;
  }

  // ---- webhooks ---------------------------------------------------------------------------------------------

  /**
   * Registers a webhook for {@code team} and returns it with its secret, once. Refusals: unknown team
   * {@code team_not_found}; not an admin or member {@code forbidden}; no fresh step-up {@code step_up_required};
   * a bad URL {@code invalid_field} ({@link WebhookUrl#parse}); the team's limit reached
   * {@code webhook_limit_reached}. Nothing is written on a refusal.
   */
  public RegisteredWebhook registerWebhook(Caller caller, TeamId team, String url) {
    String action = "team.webhook.create";
    return tx.write(caller, action, team.value(), t -> {
      requireTeam(t, team);
      authz.requireManageWebhooks(caller, team);
      WebhookUrl parsed = WebhookUrl.parse(url, settings.allowLoopbackHttp());
      if (t.webhooks().listForTeam(team, false).size() >= settings.maxWebhooksPerTeam()) {
        throw new RejectedException(ErrorCode.WEBHOOK_LIMIT_REACHED, "team '" + team + "' already has "
            + settings.maxWebhooksPerTeam() + " webhooks; remove one first");
      }
      Instant now = tx.clock().instant();
      WebhookId id = WebhookId.generate(random);
      Secret secret = WebhookSignature.generateSecret(random);
      byte[] plain = secret.revealBytes();
      byte[] sealed;
      try {
        sealed = sealer.seal(plain, Webhook.secretAssociatedData(id));
      } finally {
        java.util.Arrays.fill(plain, (byte) 0);
      }
      Webhook webhook = new Webhook(id, team, parsed, sealed, now, caller.actor(), null, null);
      t.webhooks().insert(webhook);
      Map<String, Object> d = webhookDetails(webhook);
      tx.record(t, caller, action, team.value(), d);
      queueForTeam(t, team, EVENT_WEBHOOK_ADDED, webhookEvent(webhook, caller.actor()), now);
      return new RegisteredWebhook(webhook, secret);
    });
  }

  /** The team's active webhooks, oldest first (never their secrets). */
  public List<Webhook> listWebhooks(Caller caller, TeamId team) {
    return tx.read(caller, "team.webhook.list", team.value(), t -> {
      requireTeam(t, team);
      authz.requireReadTeamNotifications(caller, team);
      return t.webhooks().listForTeam(team, false);
    });
  }

  /**
   * Removes a webhook of {@code team}: it gets nothing new, its pending notifications are cancelled, and the team's
   * remaining webhooks are told. Same rights as registration. Unknown, of another team or already removed:
   * {@code webhook_not_found}.
   */
  public Webhook removeWebhook(Caller caller, TeamId team, WebhookId id) {
    String action = "team.webhook.remove";
    return tx.write(caller, action, team.value(), t -> {
      requireTeam(t, team);
      authz.requireManageWebhooks(caller, team);
      Webhook w = t.webhooks().findById(id).filter(f -> f.team().equals(team) && f.active())
          .orElseThrow(() -> new RejectedException(ErrorCode.WEBHOOK_NOT_FOUND,
              "team '" + team + "' has no webhook " + id));
      Instant now = tx.clock().instant();
      if (!t.webhooks().markRemoved(id, now, caller.actor())) {
        throw new RejectedException(ErrorCode.WEBHOOK_NOT_FOUND, "team '" + team + "' has no webhook " + id);
      }
      int cancelled = t.notifications().cancelPending(id, now);
      Webhook removed = w.removed(now, caller.actor());
      Map<String, Object> d = webhookDetails(removed);
      d.put("cancelled_notifications", cancelled);
      tx.record(t, caller, action, team.value(), d);
      queueForTeam(t, team, EVENT_WEBHOOK_REMOVED, webhookEvent(removed, caller.actor()), now);
      return removed;
    });
  }

  private static void requireTeam(Tx t, TeamId team) {
    if (t.teams().findById(team).isEmpty()) {
      throw new RejectedException(ErrorCode.TEAM_NOT_FOUND, "team '" + team + "' does not exist");
    }
  }

  /** Audit details of a webhook: its id and origin, and a hash of the full URL (which may hold a capability). */
  private static Map<String, Object> webhookDetails(Webhook w) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("webhook_id", w.id().value());
    d.put("url_origin", w.url().origin());
    d.put("url_sha256", Hashing.sha256Hex(w.url().value()));
    return d;
  }

  private static Map<String, String> webhookEvent(Webhook w, String actor) {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("webhook_id", w.id().value());
    d.put("url_origin", w.url().origin());
    d.put("actor", actor);
    return d;
  }

  // ---- queueing -----------------------------------------------------------------------------------------------

  /**
   * Queues {@code event} about {@code identity} for every active webhook of its owning team and of its backup owner
   * when that is a team, inside {@code tx}: the rows commit or roll back with the caller's change. Returns how many
   * rows were written (0 when those teams have no webhook; then no disavow token is issued either).
   *
   * @param details small string facts for the receiver (at most 32, snake_case keys, values up to 1024 characters);
   *     never secrets
   * @param withDisavowLink whether the notification carries a "this was not us" link for {@code changeRequestId}
   *     (required then); the link's token is single use and valid for {@link NotificationSettings#disavowTtl}
   * @throws IllegalArgumentException for an unknown identity, a bad event name or details, or a link without a
   *     change request (programming errors: the caller's transaction should roll back)
   */
  public int queue(Tx tx, IdentityId identity, String event, Map<String, String> details, Instant at,
      boolean withDisavowLink, String changeRequestId) {
    if (withDisavowLink && changeRequestId == null) {
      throw new IllegalArgumentException("a disavow link needs the change request it disavows");
    }
    return queueForIdentity(tx, identity, event, details, at, changeRequestId, withDisavowLink, null).rows();
  }

  /**
   * What {@link #queueForIdentity} or {@link #queueForOperator} wrote: the number of rows, and the reference of the
   * disavow link's token (its hash prefix, never the token) when one was issued.
   */
  public record Queued(int rows, Optional<String> disavowRef) {
    public Queued {
      Objects.requireNonNull(disavowRef);
    }
  }

  /**
   * As {@link #queue}, for a change request or a support action ({@code requestId}, {@code chg_...} or
   * {@code sup_...}, may be null without a link), optionally carrying {@code secret} sealed into each row for its
   * webhook (associated data {@link Notification#secretAssociatedData}). The secret is not destroyed: the caller
   * owns it.
   */
  public Queued queueForIdentity(Tx tx, IdentityId identity, String event, Map<String, String> details, Instant at,
      String requestId, boolean withDisavowLink, SecretPayload secret) {
    Objects.requireNonNull(identity, "identity");
    return queueTo(tx, ownerWebhooks(tx, identity), identity, null, event, details, at, requestId, withDisavowLink,
        secret);
  }

  /**
   * Queues {@code event} about {@code operator} (a support action on an operator account) for every active webhook of
   * the operator's teams, inside {@code tx}; otherwise as {@link #queueForIdentity}. An operator in no team, or whose
   * teams have no webhook, gets nothing (0 rows, no disavow token).
   */
  public Queued queueForOperator(Tx tx, OperatorId operator, String event, Map<String, String> details, Instant at,
      String requestId, boolean withDisavowLink, SecretPayload secret) {
    Objects.requireNonNull(operator, "operator");
    return queueTo(tx, operatorWebhooks(tx, operator), null, operator, event, details, at, requestId,
        withDisavowLink, secret);
  }

  /** The active webhooks of the identity's owning team and of its backup team (when the backup owner is a team). */
  public List<Webhook> ownerWebhooks(Tx tx, IdentityId identity) {
    Identity i = tx.identities().findById(identity)
        .orElseThrow(() -> new IllegalArgumentException("no identity " + identity));
    List<TeamId> teams = new ArrayList<>();
    teams.add(i.ownership().owningTeam());
    BackupOwner backup = i.ownership().backupOwner();
    if (backup.type() == BackupOwner.Type.TEAM) {
      teams.add(new TeamId(backup.ref()));
    }
    return tx.webhooks().activeForTeams(teams);
  }

  /** The active webhooks of the operator's teams. */
  public List<Webhook> operatorWebhooks(Tx tx, OperatorId operator) {
    Operator op = tx.operators().findById(operator)
        .orElseThrow(() -> new IllegalArgumentException("no operator " + operator));
    return op.teams().isEmpty() ? List.of() : tx.webhooks().activeForTeams(op.teams());
  }

  private Queued queueTo(Tx tx, List<Webhook> hooks, IdentityId identity, OperatorId operator, String event,
      Map<String, String> details, Instant at, String requestId, boolean withDisavowLink, SecretPayload secret) {
    Objects.requireNonNull(tx, "tx");
    Objects.requireNonNull(at, "at");
    Notification.checkEvent(event);
    Map<String, String> facts = Notification.checkDetails(details);
    if (withDisavowLink && requestId == null) {
      throw new IllegalArgumentException("a disavow link needs the request it disavows");
    }
    if (hooks.isEmpty()) {
      return new Queued(0, Optional.empty());
    }
    Secret token = null;
    Instant expires = null;
    String ref = null;
    byte[] secretPlain = secret == null ? null : secret.encode();
    try {
      if (withDisavowLink) {
        token = DisavowToken.generate(random);
        expires = at.plus(settings.disavowTtl());
        DisavowToken stored = new DisavowToken(SecretHash.of(token), identity, operator, requestId, at, expires, null);
        tx.disavowTokens().insert(stored);
        ref = stored.ref();
      }
      for (Webhook w : hooks) {
        NotificationId id = NotificationId.generate(random);
        byte[] sealedToken = null;
        if (token != null) {
          byte[] plain = token.revealBytes();
          try {
            sealedToken = sealer.seal(plain, Notification.disavowAssociatedData(id));
          } finally {
            java.util.Arrays.fill(plain, (byte) 0);
          }
        }
        byte[] sealedSecret = secret == null ? null
            : sealer.seal(secretPlain, Notification.secretAssociatedData(id, secret.kind()));
        tx.notifications().insert(Notification.queued(id, w.team(), w.id(), identity, operator, event, facts,
            requestId, sealedToken, expires, secret == null ? null : secret.kind(), sealedSecret, at));
      }
    } finally {
      if (token != null) {
        token.destroy();
      }
      if (secretPlain != null) {
        java.util.Arrays.fill(secretPlain, (byte) 0);
      }
    }
    return new Queued(hooks.size(), Optional.ofNullable(ref));
  }

  /** Queues a team event (no identity, no disavow link) for every active webhook of {@code team}. */
  private void queueForTeam(Tx t, TeamId team, String event, Map<String, String> details, Instant at) {
    for (Webhook w : t.webhooks().activeForTeams(List.of(team))) {
      t.notifications().insert(Notification.queued(NotificationId.generate(random), team, w.id(), null, event,
          details, null, null, null, at));
    }
  }

  // ---- disavow links -----------------------------------------------------------------------------------------

  /** {@link #consumeDisavow(String, Instant, String, String)} from this process (no network source). */
  public Disavowal consumeDisavow(String token, Instant now) {
    return consumeDisavow(token, now, IN_PROCESS_SOURCE, "");
  }

  /**
   * Follows a "this was not us" link: in one transaction, marks the token used and calls the
   * {@link DisavowHandler} with its request (change request or support action) and identity or operator, and audits
   * {@code notification.disavow} (actor {@code anonymous}, target the identity or operator, details the request and
   * the token's hash prefix). A malformed,
   * unknown, used or expired token is {@code disavow_link_invalid} (404, the same message for all), audited as
   * denied with the precise reason; a concurrent use of the same token loses the same way. {@code source} (the
   * remote address) is limited to {@link #DISAVOW_REFUSALS_PER_WINDOW} refusals per window, as enrolment is.
   */
  public Disavowal consumeDisavow(String token, Instant now, String source, String requestId) {
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(source, "source");
    return disavowRefusals.attempt(source, "too many invalid disavow links from this address; try again later",
        e -> e.code() == ErrorCode.DISAVOW_LINK_INVALID,
        limited -> tx.recordRateLimited(ANONYMOUS, DISAVOW_ACTION, source, limited, requestId),
        () -> follow(token, now, requestId));
  }

  private Disavowal follow(String token, Instant now, String requestId) {
    if (!DisavowToken.wellFormed(token)) {
      throw refused("", "disavow link is malformed", requestId);
    }
    SecretHash hash = SecretHash.of(Secret.of(token));
    try {
      return tx.transactor().inTransaction(t -> {
        DisavowToken stored = t.disavowTokens().findByHash(hash).filter(found -> found.hash().matches(hash))
            .orElseThrow(() -> new Invalid("", "disavow link is unknown"));
        String target = stored.target();
        if (stored.used()) {
          throw new Invalid(target, "disavow link " + stored.ref() + " was already used");
        }
        if (stored.expiredAt(now)) {
          throw new Invalid(target, "disavow link " + stored.ref() + " expired");
        }
        if (!t.disavowTokens().markUsed(hash, now)) {
          throw new Invalid(target, "disavow link " + stored.ref() + " was already used");
        }
        Disavowal link = Disavowal.of(stored);
        handler.disavowed(t, link, now, requestId);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put(link.supportAction() ? "support_action_id" : "change_request_id", stored.changeRequestId());
        d.put("token_ref", stored.ref());
        t.audit().append(new AuditRecord(ANONYMOUS, DISAVOW_ACTION, target, d, Outcome.SUCCESS, requestId), now);
        return link;
      });
    } catch (Invalid e) {
      throw refused(e.target, e.getMessage(), requestId);
    }
  }

  /** Audits the precise reason, and answers every invalid link with the same message. */
  private RejectedException refused(String target, String reason, String requestId) {
    tx.recordRefusal(ANONYMOUS, DISAVOW_ACTION, target,
        new RejectedException(ErrorCode.DISAVOW_LINK_INVALID, reason), requestId);
    return AuditedTransactor.alreadyRecorded(new RejectedException(ErrorCode.DISAVOW_LINK_INVALID, INVALID_LINK));
  }

  /** An invalid link found inside the transaction, which rolls back before the refusal is audited. */
  private static final class Invalid extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String target;

    Invalid(String target, String reason) {
      super(reason, null, false, false);
      this.target = target;
    }
  }

  // ---- reading ------------------------------------------------------------------------------------------------

  /**
   * The notifications of an identity (admin, security officer, auditor or owner) or of a team (admin, security
   * officer, auditor or member), exactly one of the two, newest first, each with its attempts. Never the disavow
   * token. {@code cursor} is a previous page's {@link Page#nextCursor()}.
   */
  public Page<NotificationStatus> listNotifications(Caller caller, IdentityId identity, TeamId team, int limit,
      String cursor) {
    if ((identity == null) == (team == null)) {
      throw new RejectedException(ErrorCode.INVALID_QUERY, "give exactly one of 'identity' and 'team'",
          identity == null ? "identity" : "team");
    }
    if (limit < 1 || limit > NotificationQuery.MAX_LIMIT) {
      throw new RejectedException(ErrorCode.INVALID_QUERY, "limit must be between 1 and "
          + NotificationQuery.MAX_LIMIT, "limit");
    }
    NotificationQuery.Position after = null;
    if (cursor != null) {
      after = NotificationQuery.Position.parse(cursor);
      if (after == null) {
        throw new RejectedException(ErrorCode.INVALID_CURSOR, "cursor is not one this server returned", "cursor");
      }
    }
    String target = identity != null ? identity.value() : team.value();
    NotificationQuery query = (identity != null ? NotificationQuery.forIdentity(identity, limit + 1)
        : NotificationQuery.forTeam(team, limit + 1)).after(after);
    return tx.read(caller, "notification.list", target, t -> {
      if (identity != null) {
        Identity i = t.identities().findById(identity).orElseThrow(() -> new RejectedException(
            ErrorCode.IDENTITY_NOT_FOUND, "identity " + identity + " does not exist"));
        authz.requireReadIdentityNotifications(caller, i);
      } else {
        requireTeam(t, team);
        authz.requireReadTeamNotifications(caller, team);
      }
      List<Notification> rows = t.notifications().list(query);
      boolean more = rows.size() > limit;
      List<Notification> page = more ? rows.subList(0, limit) : rows;
      List<NotificationStatus> items = new ArrayList<>();
      for (Notification n : page) {
        items.add(new NotificationStatus(n, t.notifications().attempts(n.id())));
      }
      return new Page<>(items, more ? NotificationQuery.Position.of(page.get(page.size() - 1)).wire() : null);
    });
  }

  // ---- delivery ---------------------------------------------------------------------------------------------

  /**
   * Claims up to {@code limit} due notifications for {@code lease} (see {@link NotificationRepository#claimDue}) and
   * opens what their delivery needs (the webhook's secret, the disavow token, the secret payload). A notification
   * whose secret, token or payload no longer opens is failed at once
   * (attempt recorded with error {@value #UNREADABLE}) and not returned.
   */
  public List<Delivery> claimDue(Instant now, Duration lease, int limit) {
    if (lease.isNegative() || lease.isZero()) {
      throw new IllegalArgumentException("lease must be positive");
    }
    return tx.transactor().inTransaction(t -> {
      List<Delivery> out = new ArrayList<>();
      for (Notification n : t.notifications().claimDue(now, now.plus(lease), limit)) {
        Webhook w = t.webhooks().findById(n.webhookId())
            .orElseThrow(() -> new IllegalStateException("notification " + n.id() + " names no stored webhook"));
        try {
          Secret secret = Secret.of(sealer.open(w.sealedSecret(), Webhook.secretAssociatedData(w.id())));
          Secret token = n.hasDisavowLink()
              ? Secret.of(sealer.open(n.sealedDisavowToken(), Notification.disavowAssociatedData(n.id()))) : null;
          SecretPayload payload = null;
          if (n.hasSecret()) {
            byte[] plain = sealer.open(n.sealedSecret(), Notification.secretAssociatedData(n.id(), n.secretKind()));
            try {
              payload = SecretPayload.decode(n.secretKind(), plain);
            } finally {
              java.util.Arrays.fill(plain, (byte) 0);
            }
          }
          out.add(new Delivery(n, w.url(), secret, token, payload));
        } catch (IllegalStateException e) {
          LOG.error("event=notification_unreadable notification={} webhook={} attempt={}", n.id(), w.id(),
              n.attempts());
          t.notifications().insertAttempt(new NotificationAttempt(n.id(), n.attempts(), now, null, UNREADABLE,
              AttemptOutcome.FAILED, 0));
          t.notifications().finish(n.failed(now, null, UNREADABLE));
        }
      }
      return out;
    });
  }

  /**
   * Records the outcome of a delivery's attempt: a 2xx {@code status} delivers it; anything else (another status, or
   * none with {@code error} the failure's class name) schedules the next attempt per {@link RetrySchedule}, or fails
   * the notification after the last allowed attempt. The attempt is recorded either way; the notification's state is
   * changed only if this attempt is still the one claimed (see {@link NotificationRepository#finish}).
   */
  public AttemptOutcome recordAttempt(Delivery delivery, Instant at, Integer status, String error,
      long durationMillis) {
    Notification n = delivery.notification();
    boolean ok = status != null && status >= 200 && status < 300;
    String failure = ok ? null : (error == null ? "http_status" : error);
    AttemptOutcome outcome;
    Notification next;
    if (ok) {
      outcome = AttemptOutcome.DELIVERED;
      next = n.delivered(at, status);
    } else if (n.attempts() >= settings.retries().maxAttempts()) {
      outcome = AttemptOutcome.FAILED;
      next = n.failed(at, status, failure);
    } else {
      outcome = AttemptOutcome.RETRY;
      next = n.retryAt(at, at.plus(settings.retries().delayAfter(n.attempts())), status, failure);
    }
    tx.transactor().inTransaction(t -> {
      t.notifications().insertAttempt(new NotificationAttempt(n.id(), n.attempts(), at, status, failure, outcome,
          Math.max(0, durationMillis)));
      if (!t.notifications().finish(next)) {
        LOG.warn("event=notification_lease_lost notification={} attempt={}", n.id(), n.attempts());
      }
      return null;
    });
    return outcome;
  }
}
