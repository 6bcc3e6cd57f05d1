package dev.bindery.server.http;

import static dev.bindery.server.http.BodySpec.Type.STRING;
import static dev.bindery.server.http.BodySpec.required;

import dev.bindery.common.Page;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.TeamId;
import dev.bindery.notify.Disavowal;
import dev.bindery.notify.Notification;
import dev.bindery.notify.NotificationAttempt;
import dev.bindery.notify.NotificationService;
import dev.bindery.notify.NotificationStatus;
import dev.bindery.notify.RegisteredWebhook;
import dev.bindery.notify.Webhook;
import dev.bindery.notify.WebhookId;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Notifications (docs/api.md, "Notifications"): the webhooks of teams ({@code /api/v1/teams/{team}/webhooks}), the
 * delivery status of notifications ({@code /api/v1/notifications}), and the "this was not us" link
 * ({@code POST /api/v1/disavow/{token}}, authenticated by the token alone; refusals are limited per remote address).
 * A webhook's secret appears in the registration's response only; no view shows a disavow token.
 */
public final class NotificationRoutes {
  private static final String TAG = "notifications";
  private static final String WEBHOOKS = "/api/v1/teams/{team}/webhooks";

  private final NotificationService notifications;
  private final Clock clock;

  public NotificationRoutes(NotificationService notifications, Clock clock) {
    this.notifications = Objects.requireNonNull(notifications);
    this.clock = Objects.requireNonNull(clock);
  }

  public List<Route> routes() {
    return List.of(
        Route.post(WEBHOOKS, "createWebhook").tag(TAG).access(Access.TEAM_WEBHOOK_MANAGE).status(201)
            .summary("Register a webhook for the team's notifications; its signing secret is shown once")
            .body(BodySpec.of(required("url", STRING, "https URL, at most 2048 characters")))
            .handle(this::create),
        Route.get(WEBHOOKS, "listWebhooks").tag(TAG).access(Access.TEAM_WEBHOOK_READ)
            .summary("The team's active webhooks (never their secrets)").handle(this::list),
        Route.delete(WEBHOOKS + "/{webhook_id}", "removeWebhook").tag(TAG).access(Access.TEAM_WEBHOOK_MANAGE)
            .status(204).summary("Remove a webhook; its pending notifications are cancelled").handle(this::remove),
        Route.get("/api/v1/notifications", "listNotifications").tag(TAG).access(Access.NOTIFICATION_READ)
            .summary("Notifications of an identity or a team, newest first, with their delivery attempts")
            .query("identity", "string", "an identity id (nhi_...); exactly one of identity and team")
            .query("team", "string", "a team id; exactly one of identity and team")
            .query("limit", "integer", "1-500, default 50").query("cursor", "string", "next_cursor of the previous page")
            .handle(this::notifications),
        Route.post("/api/v1/disavow/{token}", "disavow").tag(TAG).access(Access.DISAVOW_TOKEN)
            .summary("Follow a one-time \"this was not us\" link from a notification")
            .handle(this::disavow));
  }

  private static TeamId team(Call call) {
    return TeamId.parse("team", call.path("team"));
  }

  private void create(Call call) {
    TeamId team = team(call);
    RegisteredWebhook r = notifications.registerWebhook(call.caller(), team, call.body().string("url"));
    Map<String, Object> view = webhook(r.webhook());
    view.put("secret", r.secret().reveal());
    call.ctx().header("Location", "/api/v1/teams/" + team.value() + "/webhooks/" + r.webhook().id().value());
    call.json(201, view);
  }

  private void list(Call call) {
    call.json(Views.items(notifications.listWebhooks(call.caller(), team(call)), NotificationRoutes::webhook));
  }

  private void remove(Call call) {
    notifications.removeWebhook(call.caller(), team(call), WebhookId.parse(call.path("webhook_id")));
    call.noContent();
  }

  private void notifications(Call call) {
    IdentityId identity = call.query("identity", IdentityId::parse);
    TeamId team = call.query("team", v -> TeamId.parse("team", v));
    Page<NotificationStatus> page = notifications.listNotifications(call.caller(), identity, team,
        call.limit(50, 500), Cursors.decode(call.query("cursor")));
    call.json(Views.page(page.items(), NotificationRoutes::notification, Cursors.encode(page.nextCursor())));
  }

  private void disavow(Call call) {
    Disavowal d = notifications.consumeDisavow(call.path("token"), clock.instant(), call.ctx().req().getRemoteAddr(),
        call.requestId());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("disavowed", true);
    m.put("change_request_id", d.supportAction() ? null : d.changeRequestId());
    m.put("support_action_id", d.supportAction() ? d.changeRequestId() : null);
    m.put("identity_id", d.identityId() == null ? null : d.identityId().value());
    m.put("operator_id", d.operatorId() == null ? null : d.operatorId().value());
    call.json(m);
  }

  static Map<String, Object> webhook(Webhook w) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", w.id().value());
    m.put("team", w.team().value());
    m.put("url", w.url().value());
    m.put("created_at", Json.time(w.createdAt()));
    m.put("created_by", w.createdBy());
    return m;
  }

  static Map<String, Object> notification(NotificationStatus s) {
    Notification n = s.notification();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", n.id().value());
    m.put("event", n.event());
    m.put("team", n.team().value());
    m.put("webhook_id", n.webhookId().value());
    m.put("identity_id", n.identityId() == null ? null : n.identityId().value());
    m.put("operator_id", n.operatorId() == null ? null : n.operatorId().value());
    boolean support = n.changeRequestId() != null && n.changeRequestId().startsWith(Disavowal.SUPPORT_ACTION_PREFIX);
    m.put("change_request_id", support ? null : n.changeRequestId());
    m.put("support_action_id", support ? n.changeRequestId() : null);
    m.put("details", n.details());
    m.put("disavow_link", n.hasDisavowLink());
    // what kind of secret the delivery carries, never the secret
    m.put("carries", n.secretKind() == null ? null : n.secretKind().wire());
    m.put("disavow_expires_at", Json.time(n.disavowExpiresAt()));
    m.put("created_at", Json.time(n.createdAt()));
    m.put("state", n.state().wire());
    m.put("attempt_count", n.attempts());
    m.put("next_attempt_at", n.state().terminal() ? null : Json.time(n.nextAttemptAt()));
    m.put("last_attempt_at", Json.time(n.lastAttemptAt()));
    m.put("last_status", n.lastStatus());
    m.put("last_error", n.lastError());
    m.put("completed_at", Json.time(n.completedAt()));
    List<Object> attempts = new ArrayList<>();
    for (NotificationAttempt a : s.attempts()) {
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("number", a.number());
      v.put("at", Json.time(a.at()));
      v.put("status", a.statusCode());
      v.put("error", a.error());
      v.put("outcome", a.outcome().wire());
      v.put("duration_ms", a.durationMillis());
      attempts.add(v);
    }
    m.put("attempts", attempts);
    return m;
  }
}
