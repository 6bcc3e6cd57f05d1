package dev.bindery.client.revocation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bindery.client.issuer.Issuer;
import dev.bindery.client.issuer.IssuerHttp;
import dev.bindery.client.issuer.IssuerUnavailableException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a Bindery server's revocation feed ({@code GET <issuer>/oauth2/revocations?since=N&wait=W}) and
 * keeps a {@link RevocationList} that {@link dev.bindery.client.resource.BinderyTokenVerifier} checks on
 * every request, cached tokens included.
 *
 * <p>The feed is authenticated by the resource server's client certificate (an identity with the
 * {@code introspect} scope, through the {@link SSLContext}) or by an operator token. {@link #start} runs a
 * daemon thread that long-polls, applies the events, resumes from {@code next_since}, and backs off
 * exponentially (0.5 s up to 30 s) while the server fails. {@link #isCurrent} is false until the first
 * answer has been applied and again when no answer has arrived for {@code maxStaleness}; a verifier refuses
 * tokens (503, {@code temporarily_unavailable}) while its feed is not current, so an unreachable feed never
 * silently lets revoked tokens through.
 */
public final class RevocationFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RevocationFeed.class);
  private static final Duration MAX_WAIT = Duration.ofSeconds(30);
  private static final Duration EMPTY_ANSWER_PAUSE = Duration.ofSeconds(1);

  private final IssuerHttp http;
  private final URI feedUri;
  private final String operatorToken;
  private final Clock clock;
  private final Duration wait;
  private final Duration maxStaleness;
  private final Backoff backoff;
  private final RevocationList revocations = new RevocationList();
  private final AtomicLong since = new AtomicLong();
  private final Object progress = new Object();
  private final Object polling = new Object();
  private volatile long lastSuccessMillis = Long.MIN_VALUE;
  private volatile CompletableFuture<IssuerHttp.Response> inFlight;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private Thread thread;

  private RevocationFeed(Builder b) {
    Issuer issuer = new Issuer(Objects.requireNonNull(b.issuer, "issuer"));
    this.http = new IssuerHttp(Objects.requireNonNull(b.sslContext, "sslContext"), b.timeout);
    this.feedUri = issuer.resolve("/oauth2/revocations");
    this.operatorToken = b.operatorToken;
    this.clock = b.clock;
    this.wait = b.wait;
    this.maxStaleness = b.maxStaleness;
    this.backoff = new Backoff(b.backoffInitial, b.backoffMax, () -> ThreadLocalRandom.current().nextDouble());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The revocations applied so far. */
  public RevocationList revocations() {
    return revocations;
  }

  /** The {@code since} of the next request: the last {@code next_since} received. */
  public long nextSince() {
    return since.get();
  }

  /** True if an answer was applied within {@code maxStaleness} (by the injected clock). */
  public boolean isCurrent() {
    long last = lastSuccessMillis;
    return last != Long.MIN_VALUE && clock.millis() - last <= maxStaleness.toMillis();
  }

  /**
   * One request of the feed (long-polling up to the configured wait), then applies its events and purges
   * expired entries. Returns the number of events applied.
   *
   * @throws IssuerUnavailableException if the server cannot be reached or answers outside the contract;
   *     nothing is applied then
   */
  public int pollOnce() {
    synchronized (polling) {
      return poll();
    }
  }

  private int poll() {
    long from = since.get();
    String[] headers = operatorToken == null ? new String[0] : new String[] {"Authorization", "Bearer " + operatorToken};
    // the first request catches up at once; later ones long-poll
    Duration thisWait = lastSuccessMillis == Long.MIN_VALUE ? Duration.ZERO : wait;
    URI uri = URI.create(feedUri + "?since=" + from + "&wait=" + thisWait.toSeconds());
    CompletableFuture<IssuerHttp.Response> call =
        http.sendAsync(http.request(uri, thisWait.plus(Duration.ofSeconds(10)), headers).GET().build());
    inFlight = call;
    IssuerHttp.Response response;
    try {
      response = call.get();
    } catch (InterruptedException e) {
      call.cancel(true);
      Thread.currentThread().interrupt();
      throw new IssuerUnavailableException("revocation feed: interrupted");
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException e) {
      throw IssuerHttp.failure("revocation feed", e.getCause() == null ? e : e.getCause());
    } finally {
      inFlight = null;
    }
    if (response.status() != 200) {
      throw new IssuerUnavailableException("revocation feed: HTTP " + response.status());
    }
    Page page = parse(response.jsonObject("revocation feed"), from);
    for (RevocationEvent event : page.events) {
      revocations.apply(event, page.retention);
    }
    since.set(page.nextSince);
    lastSuccessMillis = clock.millis();
    revocations.purge(clock.instant());
    synchronized (progress) {
      progress.notifyAll();
    }
    return page.events.size();
  }

  /** Waits (really, for tests and measurements) until the feed has applied an event with this sequence. */
  public boolean awaitSequence(long seq, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (progress) {
      while (since.get() < seq) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(progress, left);
      }
      return true;
    }
  }

  /** True while the polling thread runs. */
  synchronized boolean isRunning() {
    return thread != null && thread.isAlive();
  }

  /** Starts the polling daemon thread; a feed starts at most once. */
  public synchronized void start() {
    if (thread != null) {
      throw new IllegalStateException("the revocation feed is already started");
    }
    thread = new Thread(this::run, "bindery-revocation-feed");
    thread.setDaemon(true);
    thread.start();
  }

  /** Stops the thread (abandoning a long poll in progress) and waits briefly for it to end. */
  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      t = thread;
    }
    stopped.countDown();
    CompletableFuture<IssuerHttp.Response> call = inFlight;
    if (call != null) {
      call.cancel(true);
    }
    if (t != null) {
      t.interrupt();
      try {
        t.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void run() {
    while (stopped.getCount() > 0) {
      long started = System.nanoTime();
      Duration pause;
      try {
        int applied = pollOnce();
        backoff.reset();
        boolean quick = System.nanoTime() - started < EMPTY_ANSWER_PAUSE.toNanos();
        // a server that answers an empty page at once (no long poll) must not be hammered
        pause = applied == 0 && quick ? EMPTY_ANSWER_PAUSE : Duration.ZERO;
      } catch (IssuerUnavailableException e) {
        if (stopped.getCount() == 0) {
          return;
        }
        pause = backoff.nextDelay();
        LOG.warn("event=revocation_feed_failed failures={} retry_in_ms={} reason=\"{}\"", backoff.failures(),
            pause.toMillis(), e.getMessage());
      } catch (RuntimeException e) {
        pause = backoff.nextDelay();
        LOG.error("event=revocation_feed_error retry_in_ms={}", pause.toMillis(), e);
      }
      try {
        if (!pause.isZero() && stopped.await(pause.toMillis(), TimeUnit.MILLISECONDS)) {
          return;
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private record Page(List<RevocationEvent> events, long nextSince, Duration retention) {}

  static Page parse(JsonNode json, long from) {
    JsonNode events = json.get("events");
    JsonNode next = json.get("next_since");
    JsonNode retentionSeconds = json.get("retention_seconds");
    if (events == null || !events.isArray() || next == null || !next.canConvertToLong()
        || retentionSeconds == null || !retentionSeconds.canConvertToLong() || retentionSeconds.asLong() <= 0) {
      throw new IssuerUnavailableException(
          "revocation feed: the answer lacks events, next_since or a positive retention_seconds");
    }
    long nextSince = next.asLong();
    if (nextSince < from) {
      throw new IssuerUnavailableException("revocation feed: next_since went backwards");
    }
    List<RevocationEvent> out = new ArrayList<>(events.size());
    long previous = from;
    for (JsonNode e : events) {
      JsonNode seq = e.get("seq");
      JsonNode type = e.get("type");
      JsonNode value = e.get("value");
      JsonNode at = e.get("at");
      if (seq == null || !seq.canConvertToLong() || type == null || !type.isTextual() || value == null
          || !value.isTextual() || value.asText().isEmpty() || at == null || !at.isTextual()) {
        throw new IssuerUnavailableException("revocation feed: malformed event");
      }
      if (seq.asLong() <= previous || seq.asLong() > nextSince) {
        throw new IssuerUnavailableException("revocation feed: event sequence out of order");
      }
      previous = seq.asLong();
      Instant when;
      try {
        when = Instant.parse(at.asText());
      } catch (DateTimeParseException ex) {
        throw new IssuerUnavailableException("revocation feed: malformed event time");
      }
      RevocationEvent.Type kind = RevocationEvent.Type.fromWire(type.asText());
      if (kind == null) {
        // a newer server's event kind: skipped loudly rather than stalling every verification
        LOG.warn("event=revocation_feed_unknown_type seq={} type=\"{}\"", seq.asLong(),
            type.asText().replaceAll("[^A-Za-z0-9#_.-]", "?"));
        continue;
      }
      out.add(new RevocationEvent(seq.asLong(), kind, value.asText(), when));
    }
    return new Page(out, nextSince, Duration.ofSeconds(retentionSeconds.asLong()));
  }

  /** Settings of a feed; {@code issuer} and {@code sslContext} are required. */
  public static final class Builder {
    private String issuer;
    private SSLContext sslContext;
    private String operatorToken;
    private Clock clock = Clock.systemUTC();
    private Duration wait = Duration.ofSeconds(25);
    private Duration maxStaleness = Duration.ofSeconds(60);
    private Duration timeout = Duration.ofSeconds(10);
    private Duration backoffInitial = Duration.ofMillis(500);
    private Duration backoffMax = Duration.ofSeconds(30);

    private Builder() {}

    /** The Bindery server, e.g. {@code https://localhost:8443}. */
    public Builder issuer(String issuer) {
      this.issuer = issuer;
      return this;
    }

    /**
     * TLS to the server: the trusted CA and, to authenticate by certificate, the resource server's client
     * certificate (see {@link dev.bindery.client.tls.TlsContexts#mutualTls}).
     */
    public Builder sslContext(SSLContext sslContext) {
      this.sslContext = sslContext;
      return this;
    }

    /** Authenticates with an operator API token ({@code bnd_op_...}) instead of a client certificate. */
    public Builder operatorToken(String token) {
      this.operatorToken = Objects.requireNonNull(token, "token");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** How long the server may hold a poll without events (0 to 30 s; default 25 s). */
    public Builder longPollWait(Duration wait) {
      if (wait.isNegative() || wait.compareTo(MAX_WAIT) > 0) {
        throw new IllegalArgumentException("the long-poll wait must be between 0 and 30 seconds");
      }
      this.wait = wait;
      return this;
    }

    /**
     * How long after the last answer the feed still counts as current (default 60 s; at least the long-poll
     * wait plus 5 s, at most 10 minutes).
     */
    public Builder maxStaleness(Duration maxStaleness) {
      if (maxStaleness.compareTo(Duration.ofSeconds(5)) < 0 || maxStaleness.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException("maxStaleness must be between 5 seconds and 10 minutes");
      }
      this.maxStaleness = maxStaleness;
      return this;
    }

    /** Connect timeout (default 10 s). */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** Backoff while the server fails (default 0.5 s doubling up to 30 s). */
    public Builder backoff(Duration initial, Duration max) {
      this.backoffInitial = initial;
      this.backoffMax = max;
      return this;
    }

    public RevocationFeed build() {
      if (maxStaleness.compareTo(wait.plus(Duration.ofSeconds(5))) < 0) {
        throw new IllegalArgumentException("maxStaleness must exceed the long-poll wait by at least 5 seconds");
      }
      return new RevocationFeed(this);
    }
  }
}
