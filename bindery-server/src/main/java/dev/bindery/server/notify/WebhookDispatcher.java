package dev.bindery.server.notify;

import dev.bindery.common.Secret;
import dev.bindery.notify.AttemptOutcome;
import dev.bindery.notify.Delivery;
import dev.bindery.notify.Disavowal;
import dev.bindery.notify.Notification;
import dev.bindery.notify.NotificationService;
import dev.bindery.notify.SecretPayload;
import dev.bindery.notify.WebhookSignature;
import dev.bindery.server.http.Json;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers queued notifications to webhooks (docs/api.md, "Notifications"). Each round claims up to
 * {@link #BATCH} due notifications for a lease of the timeout plus {@link #LEASE_MARGIN} (so that another node's
 * dispatcher does not take them meanwhile), posts each one's JSON body, and records the attempt:
 *
 * <pre>
 * POST &lt;webhook url&gt;
 * Content-Type: application/json
 * Bindery-Event: rebinding.requested
 * Bindery-Delivery: ntf_...            (the same on every attempt: receivers drop repeats)
 * Bindery-Delivery-Attempt: 1
 * Bindery-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, t + "." + body)&gt;
 * </pre>
 *
 * A 2xx answer delivers it; any other answer, no answer within the timeout, or a connection failure is retried with
 * the service's backoff, and fails after the last allowed attempt. Redirects are not followed, the answer's body is
 * not read, and nothing about it but its status is kept: a webhook cannot make Bindery fetch or reflect anything.
 * Logs name the notification and webhook ids, never the URL (which may hold a capability), the body or a secret.
 *
 * <p>{@link #start} runs rounds on a background thread until {@link #close}; tests call {@link #runOnce} instead and
 * drive time with the injected clock.
 */
public final class WebhookDispatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
  public static final int BATCH = 20;
  public static final Duration LEASE_MARGIN = Duration.ofSeconds(30);
  public static final String DISAVOW_PATH = "/api/v1/disavow/";

  private final NotificationService notifications;
  private final Clock clock;
  private final Duration timeout;
  private final Supplier<URI> publicUrl;
  private final NotificationMetrics metrics;
  private final HttpClient client;
  private ScheduledExecutorService timer;

  /**
   * @param publicUrl the base URL of disavow links ({@code bindery.public-url}, or the listener)
   */
  public WebhookDispatcher(NotificationService notifications, Clock clock, Duration timeout, Supplier<URI> publicUrl,
      NotificationMetrics metrics) {
    this.notifications = Objects.requireNonNull(notifications);
    this.clock = Objects.requireNonNull(clock);
    this.timeout = Objects.requireNonNull(timeout);
    this.publicUrl = Objects.requireNonNull(publicUrl);
    this.metrics = Objects.requireNonNull(metrics);
    this.client = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(timeout)
        .version(HttpClient.Version.HTTP_1_1)
        .build();
  }

  /** Runs a round every {@code pollInterval} (after the previous one ended) on a daemon thread. */
  public synchronized void start(Duration pollInterval) {
    if (timer != null) {
      throw new IllegalStateException("dispatcher already started");
    }
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bindery-webhook-dispatcher");
      t.setDaemon(true);
      return t;
    });
    long period = pollInterval.toMillis();
    timer.scheduleWithFixedDelay(() -> {
      try {
        // a full batch means more may be due: go on without waiting for the next tick
        while (runOnce() == BATCH && !Thread.currentThread().isInterrupted()) {
          continue;
        }
      } catch (RuntimeException e) {
        LOG.warn("event=notification_dispatch_failed exception={}", e.getClass().getName(), e);
      }
    }, period, period, TimeUnit.MILLISECONDS);
    LOG.info("event=notification_dispatcher_started poll_interval_ms={} timeout_ms={}", period, timeout.toMillis());
  }

  /** One round: claims the due notifications, posts them (in parallel) and records every attempt. */
  public int runOnce() {
    List<Delivery> batch = notifications.claimDue(clock.instant(), timeout.plus(LEASE_MARGIN), BATCH);
    List<InFlight> inFlight = new ArrayList<>(batch.size());
    for (Delivery d : batch) {
      inFlight.add(send(d));
    }
    for (InFlight f : inFlight) {
      finish(f);
    }
    return batch.size();
  }

  private record InFlight(Delivery delivery, CompletableFuture<HttpResponse<InputStream>> response, long startedNanos) {}

  private InFlight send(Delivery d) {
    Notification n = d.notification();
    byte[] body = Json.bytes(body(d));
    String signature = WebhookSignature.header(d.signingSecret(), clock.instant().getEpochSecond(), body);
    HttpRequest request = HttpRequest.newBuilder(d.url().uri())
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .header("User-Agent", "Bindery-Webhook/1")
        .header("Bindery-Event", n.event())
        .header("Bindery-Delivery", n.id().value())
        .header("Bindery-Delivery-Attempt", Integer.toString(d.attempt()))
        .header(WebhookSignature.HEADER, signature)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    long started = System.nanoTime();
    CompletableFuture<HttpResponse<InputStream>> response;
    try {
      response = client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (RuntimeException e) {
      response = CompletableFuture.failedFuture(e);
    }
    return new InFlight(d, response, started);
  }

  private void finish(InFlight f) {
    Delivery d = f.delivery();
    Integer status = null;
    String error = null;
    try {
      // the request timeout covers the answer's headers; the margin covers a stalled connection setup
      HttpResponse<InputStream> response = f.response().get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
      status = response.statusCode();
      // the answer's body is never read: closing it drops the connection's remaining bytes
      response.body().close();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      String simple = cause.getClass().getSimpleName();
      error = simple.isEmpty() ? cause.getClass().getName() : simple;
    } catch (TimeoutException e) {
      f.response().cancel(true);
      error = "HttpTimeoutException";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      f.response().cancel(true);
      error = "InterruptedException";
    } catch (java.io.IOException e) {
      // closing the unread body failed; the status was received
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - f.startedNanos());
    Notification n = d.notification();
    try {
      AttemptOutcome outcome = notifications.recordAttempt(d, clock.instant(), status, error, millis);
      metrics.attempted(outcome);
      if (outcome == AttemptOutcome.DELIVERED) {
        LOG.debug("event=notification_delivered notification={} webhook={} attempt={} status={}", n.id(),
            n.webhookId(), d.attempt(), status);
      } else {
        LOG.info("event=notification_attempt_failed notification={} webhook={} attempt={} status={} error={} "
            + "outcome={}", n.id(), n.webhookId(), d.attempt(), status, error == null ? "http_status" : error,
            outcome.wire());
      }
    } catch (RuntimeException e) {
      // the lease runs out and the notification is tried again
      LOG.warn("event=notification_attempt_not_recorded notification={} exception={}", n.id(),
          e.getClass().getName(), e);
    } finally {
      d.destroy();
    }
  }

  /**
   * The JSON body: the notification's facts, the disavow link when it has one, and the secret for the owners when it
   * carries one ({@code "secret": {"kind": ..., "value": ...}} or, for a set of recovery codes,
   * {@code "values": [...]}): the only place a temporary credential or recovery code is ever written out.
   */
  Map<String, Object> body(Delivery d) {
    Notification n = d.notification();
    boolean support = n.changeRequestId() != null && n.changeRequestId().startsWith(Disavowal.SUPPORT_ACTION_PREFIX);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", n.id().value());
    m.put("event", n.event());
    m.put("occurred_at", Json.time(n.createdAt()));
    m.put("team", n.team().value());
    m.put("identity_id", n.identityId() == null ? null : n.identityId().value());
    m.put("operator_id", n.operatorId() == null ? null : n.operatorId().value());
    m.put("change_request_id", support ? null : n.changeRequestId());
    m.put("support_action_id", support ? n.changeRequestId() : null);
    m.put("details", n.details());
    if (d.disavowToken() != null) {
      m.put("disavow_url", stripSlash(publicUrl.get().toString()) + DISAVOW_PATH + d.disavowToken().reveal());
      m.put("disavow_expires_at", Json.time(n.disavowExpiresAt()));
    } else {
      m.put("disavow_url", null);
      m.put("disavow_expires_at", null);
    }
    SecretPayload secret = d.secret();
    if (secret != null) {
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("kind", secret.kind().wire());
      if (secret.kind().list()) {
        v.put("values", secret.values().stream().map(Secret::reveal).toList());
      } else {
        v.put("value", secret.values().get(0).reveal());
      }
      m.put("secret", v);
    } else {
      m.put("secret", null);
    }
    return m;
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
      try {
        if (!timer.awaitTermination(timeout.toMillis() + 10_000, TimeUnit.MILLISECONDS)) {
          LOG.warn("event=notification_dispatcher_stop_timeout");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      timer = null;
    }
  }
}
