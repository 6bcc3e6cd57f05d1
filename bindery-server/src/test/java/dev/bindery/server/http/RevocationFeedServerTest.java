package dev.bindery.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bindery.identity.IdentityId;
import dev.bindery.pki.RevocationReason;
import dev.bindery.security.Caller;
import dev.bindery.server.config.BinderyConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /oauth2/revocations}: who may read it, its paging, long polling that wakes on a new event of this node,
 * and two nodes on one database seeing each other's events within the feed's poll interval.
 */
class RevocationFeedServerTest {
  @TempDir static Path dir;
  static final String DB = "jdbc:h2:mem:feed-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
  static TestServer s;
  static TestServer s2;
  static OAuthSupport o;
  static OAuthSupport.Client reader;

  @BeforeAll
  static void start() {
    s = TestServer.start(dir, Map.of(BinderyConfig.DB_URL, DB));
    // a second node: same database, same data directory (master key, TLS), its own listener
    s2 = TestServer.start(dir, Map.of(BinderyConfig.DB_URL, DB));
    o = new OAuthSupport(s);
    reader = o.enrol(o.identity("introspect"));
  }

  @AfterAll
  static void stop() {
    s2.close();
    s.close();
  }

  private static TestServer.Response feed(TestServer server, HttpClient http, String query, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.server.baseUri() + "/oauth2/revocations" + query))
        .timeout(Duration.ofSeconds(40)).GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return OAuthSupport.send(http, b.build());
  }

  private static long head() {
    return feed(s, s.client, "?since=0", s.adminToken).json().get("next_since").asLong();
  }

  /** Revokes the certificate of a fresh identity on {@code server}; returns its x5t#S256. */
  private static String revokeFreshCertificate(TestServer server) {
    OAuthSupport.Client c = o.enrol(o.identity());
    server.server.credentials().revokeBySerial(Caller.system("test"), c.certificate().getSerialNumber(),
        RevocationReason.KEY_COMPROMISE);
    return c.x5t();
  }

  @Test
  void feed_noAuthentication_401InvalidClient() {
    TestServer.Response r = feed(s, s.client, "?since=0", null);

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().get("error").asText()).isEqualTo("invalid_client");
  }

  @Test
  void feed_badOperatorToken_401InvalidClient() {
    TestServer.Response r = feed(s, s.client, "?since=0", "bnd_op_not_a_real_token");

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().get("error").asText()).isEqualTo("invalid_client");
  }

  @Test
  void feed_clientCertificateWithoutIntrospectScope_401InvalidClient() {
    OAuthSupport.Client plain = o.enrol(o.identity("billing.read"));

    TestServer.Response r = feed(s, plain.http(), "?since=0", null);

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().get("error").asText()).isEqualTo("invalid_client");
  }

  @Test
  void feed_revokedCertificateOfAnIntrospectIdentity_401InvalidClient() {
    String id = o.identity("introspect");
    OAuthSupport.Client revoked = o.enrol(id);
    s.server.credentials().revokeBySerial(Caller.system("test"), revoked.certificate().getSerialNumber(),
        RevocationReason.KEY_COMPROMISE);

    TestServer.Response r = feed(s, revoked.http(), "?since=0", null);

    assertThat(r.status()).isEqualTo(401);
  }

  @Test
  void feed_introspectClientCertificate_seesARevokedCertificateAfterSince() {
    long since = head();
    String x5t = revokeFreshCertificate(s);

    TestServer.Response r = feed(s, reader.http(), "?since=" + since + "&wait=0", null);

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.header("Cache-Control")).isEqualTo("no-store");
    JsonNode events = r.json().get("events");
    assertThat(events).hasSize(1);
    assertThat(events.get(0).get("type").asText()).isEqualTo("x5t#S256");
    assertThat(events.get(0).get("value").asText()).isEqualTo(x5t);
    assertThat(events.get(0).get("seq").asLong()).isGreaterThan(since);
    assertThat(r.json().get("next_since").asLong()).isEqualTo(events.get(0).get("seq").asLong());
    // the configured maximum token lifetime (3600 s by default) plus the 300 s margin
    assertThat(r.json().get("retention_seconds").asLong()).isEqualTo(3900);
  }

  @Test
  void feed_sinceTheLastSeq_emptyAndNextSinceUnchanged() {
    revokeFreshCertificate(s);
    long last = head();

    TestServer.Response r = feed(s, s.client, "?since=" + last + "&wait=0", s.adminToken);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("events")).isEmpty();
    assertThat(r.json().get("next_since").asLong()).isEqualTo(last);
  }

  @Test
  void feed_badSinceOrWait_400InvalidRequest() {
    for (String q : new String[] {"?since=-1", "?since=abc", "?wait=31", "?wait=1.5", "?other=1"}) {
      TestServer.Response r = feed(s, s.client, q, s.adminToken);
      assertThat(r.status()).as(q).isEqualTo(400);
      assertThat(r.json().get("error").asText()).as(q).isEqualTo("invalid_request");
    }
  }

  @Test
  void feed_longPoll_answersAsSoonAsThisNodeCommitsAnEvent() throws Exception {
    long since = head();
    long started = System.nanoTime();
    CompletableFuture<TestServer.Response> poll = CompletableFuture.supplyAsync(
        () -> feed(s, reader.http(), "?since=" + since + "&wait=20", null));
    // let the poll reach the server and start waiting (it has nothing to answer yet)
    assertThat(poll).isNotCompleted();
    String x5t = revokeFreshCertificate(s);

    TestServer.Response r = poll.get(10, TimeUnit.SECONDS);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("events").get(0).get("value").asText()).isEqualTo(x5t);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void feed_twoNodesOnOneDatabase_eachSeesTheOthersEventsWithinASecond() throws Exception {
    long since = head();
    CompletableFuture<TestServer.Response> pollOnSecond = CompletableFuture.supplyAsync(
        () -> feed(s2, s2.client, "?since=" + since + "&wait=20", s.adminToken));
    String x5t = revokeFreshCertificate(s);
    long revokedAt = System.nanoTime();

    TestServer.Response r = pollOnSecond.get(10, TimeUnit.SECONDS);
    Duration propagation = Duration.ofNanos(System.nanoTime() - revokedAt);

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().get("events").get(0).get("value").asText()).isEqualTo(x5t);
    assertThat(propagation).isLessThan(Duration.ofSeconds(1));

    // and the other way round: an event committed by the second node is read from the first
    long after = r.json().get("next_since").asLong();
    String other = revokeFreshCertificate(s2);
    TestServer.Response back = feed(s, s.client, "?since=" + after + "&wait=5", s.adminToken);
    assertThat(back.json().get("events").get(0).get("value").asText()).isEqualTo(other);
  }

  @Test
  void feed_suspendedIdentity_identityEvent() {
    long since = head();
    String id = o.identity();

    TestServer.Response suspend = s.post("/api/v1/identities/" + id + "/suspend", s.adminToken,
        "{\"reason\":\"incident\",\"version\":1}");
    assertThat(suspend.status()).as(suspend.body()).isEqualTo(200);

    JsonNode events = feed(s, s.client, "?since=" + since, s.adminToken).json().get("events");
    assertThat(events).hasSize(1);
    assertThat(events.get(0).get("type").asText()).isEqualTo("identity");
    assertThat(events.get(0).get("value").asText()).isEqualTo(IdentityId.parse(id).value());
  }
}
