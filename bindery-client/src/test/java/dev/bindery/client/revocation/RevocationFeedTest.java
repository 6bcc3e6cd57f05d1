package dev.bindery.client.revocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bindery.client.issuer.IssuerUnavailableException;
import dev.bindery.client.jose.Thumbprints;
import dev.bindery.client.resource.BinderyTokenVerifier;
import dev.bindery.client.resource.TokenError;
import dev.bindery.client.resource.VerificationResult;
import dev.bindery.client.testing.FakeIssuer;
import dev.bindery.client.testing.Fixture;
import dev.bindery.client.testing.TestPki;
import dev.bindery.client.testing.TokenMint;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The feed consumer against the fake issuer's feed, and its effect on a verifier (cached tokens included). */
class RevocationFeedTest {
  private final Fixture f = new Fixture();
  private final TestPki.Client resourceServer = f.pki.client("nhi_orders_api");
  private final RevocationFeed feed = feed().build();
  private final BinderyTokenVerifier verifier = f.verifier().revocationFeed(feed).build();

  @AfterEach
  void close() {
    feed.close();
    f.close();
  }

  private RevocationFeed.Builder feed() {
    return RevocationFeed.builder().issuer(f.issuer.issuer())
        .sslContext(f.pki.clientContext(resourceServer, f.pki.ca())).clock(f.clock).longPollWait(Duration.ZERO);
  }

  private VerificationResult verify(String token) {
    return verifier.verify(Fixture.bearer(token, f.alice.certificate()));
  }

  private static void assertRevoked(VerificationResult result) {
    assertThat(result.isAccepted()).isFalse();
    assertThat(result.rejection().errorCode()).isEqualTo("invalid_token");
    assertThat(result.rejection().description()).isEqualTo("token revoked");
  }

  @Test
  void tokenEvent_makesACachedValidTokenFailOnTheNextVerification() {
    feed.pollOnce();
    TokenMint mint = f.issuer.mint().boundTo(f.alice.certificate());
    String token = mint.sign();
    assertThat(verify(token).isAccepted()).isTrue();
    assertThat(verify(token).isAccepted()).isTrue();

    f.issuer.publishRevocation("token", mint.jti(), f.clock.instant());
    assertThat(feed.pollOnce()).isEqualTo(1);

    assertRevoked(verify(token));
    String other = f.issuer.mint().boundTo(f.alice.certificate()).sign();
    assertThat(verify(other).isAccepted()).isTrue();
  }

  @Test
  void certificateEvent_refusesEveryTokenBoundToThatCertificate() {
    feed.pollOnce();
    String first = f.issuer.mint().boundTo(f.alice.certificate()).sign();
    String second = f.issuer.mint().boundTo(f.alice.certificate()).sign();
    String bobs = f.issuer.mint().boundTo(f.bob.certificate()).sign();
    assertThat(verify(first).isAccepted()).isTrue();

    f.issuer.publishRevocation("x5t#S256", Thumbprints.x5tS256(f.alice.certificate()), f.clock.instant());
    feed.pollOnce();

    assertRevoked(verify(first));
    assertRevoked(verify(second));
    assertThat(verifier.verify(Fixture.bearer(bobs, f.bob.certificate())).isAccepted()).isTrue();
  }

  @Test
  void keyEvent_refusesDPoPTokensOfThatKey() {
    feed.pollOnce();
    String token = f.issuer.mint().boundToKey(f.dpopKey.jwkThumbprint()).sign();
    assertThat(verifier.verify(Fixture.dpop(token, f.proof(token))).isAccepted()).isTrue();

    f.issuer.publishRevocation("jkt", f.dpopKey.jwkThumbprint(), f.clock.instant());
    feed.pollOnce();

    assertRevoked(verifier.verify(Fixture.dpop(token, f.proof(token))));
  }

  @Test
  void identityEvent_refusesTokensIssuedUntilThen_notTokensIssuedAfterwards() {
    feed.pollOnce();
    String before = f.issuer.mint().boundTo(f.alice.certificate()).sign();
    assertThat(verify(before).isAccepted()).isTrue();

    f.issuer.publishRevocation("identity", "nhi_aaaaaaaaaaaaaaaaaaaaaaaaaa", f.clock.instant().plusMillis(500));
    feed.pollOnce();
    assertRevoked(verify(before));

    f.clock.advance(Duration.ofSeconds(2));
    String after = f.issuer.mint().boundTo(f.alice.certificate()).sign();
    assertThat(verify(after).isAccepted()).isTrue();
  }

  @Test
  void verifier_refusesEverythingUntilTheFeedIsCurrent_andWhenItGoesStale() {
    String token = f.issuer.mint().boundTo(f.alice.certificate()).sign();
    VerificationResult beforeSync = verify(token);
    assertThat(beforeSync.rejection().error()).isEqualTo(TokenError.TEMPORARILY_UNAVAILABLE);
    assertThat(beforeSync.rejection().description()).isEqualTo("revocation state is not current");

    feed.pollOnce();
    assertThat(verify(token).isAccepted()).isTrue();

    f.clock.advance(Duration.ofSeconds(60));
    assertThat(verify(token).isAccepted()).isTrue();
    f.clock.advance(Duration.ofMillis(1));
    assertThat(verify(token).rejection().error()).isEqualTo(TokenError.TEMPORARILY_UNAVAILABLE);

    feed.pollOnce();
    assertThat(verify(token).isAccepted()).isTrue();
  }

  @Test
  void pollOnce_resumesFromNextSince() {
    feed.pollOnce();
    f.issuer.publishRevocation("token", "tok_1", f.clock.instant());
    f.issuer.publishRevocation("token", "tok_2", f.clock.instant());
    assertThat(feed.pollOnce()).isEqualTo(2);
    assertThat(feed.nextSince()).isEqualTo(2);
    assertThat(feed.pollOnce()).isZero();
    f.issuer.publishRevocation("token", "tok_3", f.clock.instant());
    assertThat(feed.pollOnce()).isEqualTo(1);

    assertThat(f.issuer.feedQueries).containsExactly("since=0&wait=0", "since=0&wait=0", "since=2&wait=0",
        "since=2&wait=0");
  }

  @Test
  void firstPollCatchesUpWithoutWaiting_laterPollsLongPoll() {
    RevocationFeed longPolling = feed().longPollWait(Duration.ofSeconds(1)).build();
    longPolling.pollOnce();
    longPolling.pollOnce();
    assertThat(f.issuer.feedQueries).containsExactly("since=0&wait=0", "since=0&wait=1");
  }

  @Test
  void failingFeed_throwsAndAppliesNothing() {
    feed.pollOnce();
    f.issuer.publishRevocation("token", "tok_1", f.clock.instant());
    f.issuer.failFeed(1);

    assertThatThrownBy(feed::pollOnce).isInstanceOf(IssuerUnavailableException.class).hasMessageContaining("503");
    assertThat(feed.nextSince()).isZero();
    assertThat(feed.revocations().size()).isZero();
    assertThat(feed.pollOnce()).isEqualTo(1);
  }

  @Test
  void malformedAnswers_refusedWholeAndNothingApplied() {
    feed.pollOnce();
    String at = "\"at\":\"2026-11-23T10:00:00.000Z\"";
    String[] bad = {
        "{\"events\":[],\"next_since\":0}",
        "{\"events\":[{\"seq\":2,\"type\":\"token\",\"value\":\"a\"," + at + "},{\"seq\":1,\"type\":\"token\","
            + "\"value\":\"b\"," + at + "}],\"next_since\":2,\"retention_seconds\":3600}",
        "{\"events\":[{\"seq\":1,\"type\":\"token\",\"value\":\"a\",\"at\":\"yesterday\"}],\"next_since\":1,"
            + "\"retention_seconds\":3600}",
        "{\"events\":[{\"seq\":1,\"type\":\"token\",\"value\":\"\"," + at + "}],\"next_since\":1,"
            + "\"retention_seconds\":3600}",
        "{\"events\":[{\"seq\":5,\"type\":\"token\",\"value\":\"a\"," + at + "}],\"next_since\":4,"
            + "\"retention_seconds\":3600}",
        "[]"};
    for (String body : bad) {
      f.issuer.scriptFeedReply(body);
      assertThatThrownBy(feed::pollOnce).as(body).isInstanceOf(IssuerUnavailableException.class);
      assertThat(feed.revocations().size()).isZero();
      assertThat(feed.nextSince()).isZero();
    }
  }

  @Test
  void answerLargerThanTheLimit_refused() {
    feed.pollOnce();
    f.issuer.scriptFeedReply("{\"events\":[],\"next_since\":0,\"retention_seconds\":3600,\"pad\":\""
        + "x".repeat(dev.bindery.client.issuer.IssuerHttp.MAX_BODY_BYTES) + "\"}");
    assertThatThrownBy(feed::pollOnce).isInstanceOf(IssuerUnavailableException.class)
        .hasMessageContaining("larger than");
  }

  @Test
  void identityLockedEvent_refusesTokensIssuedUntilThen() {
    feed.pollOnce();
    String before = f.issuer.mint().boundTo(f.alice.certificate()).sign();
    assertThat(verify(before).isAccepted()).isTrue();

    f.issuer.publishRevocation("identity_locked", "nhi_aaaaaaaaaaaaaaaaaaaaaaaaaa", f.clock.instant().plusMillis(500));
    assertThat(feed.pollOnce()).isEqualTo(1);
    assertRevoked(verify(before));
  }

  @Test
  void unknownEventType_skipped_othersApplied() {
    feed.pollOnce();
    f.issuer.publishRevocation("session", "s_1", f.clock.instant());
    f.issuer.publishRevocation("token", "tok_1", f.clock.instant());
    assertThat(feed.pollOnce()).isEqualTo(1);
    assertThat(feed.nextSince()).isEqualTo(2);
    assertThat(feed.revocations().isRevoked("tok_1", "nhi_x", 0, null, null)).isTrue();
  }

  @Test
  void retainedState_expiresByTheClockAfterRetention() {
    f.issuer.retention(Duration.ofSeconds(600));
    Instant at = f.clock.instant();
    f.issuer.publishRevocation("token", "tok_1", at);
    feed.pollOnce();
    assertThat(feed.revocations().size()).isEqualTo(1);

    f.clock.set(at.plusSeconds(600 + 60));
    feed.pollOnce();
    assertThat(feed.revocations().size()).isEqualTo(1);

    f.clock.set(at.plusSeconds(600 + 60).plusMillis(1));
    feed.pollOnce();
    assertThat(feed.revocations().size()).isZero();
  }

  @Test
  void operatorToken_authenticatesWithoutClientCertificate() {
    RevocationFeed byOperator = RevocationFeed.builder().issuer(f.issuer.issuer()).sslContext(f.pki.trustContext())
        .operatorToken(FakeIssuer.OPERATOR_TOKEN).clock(f.clock).longPollWait(Duration.ZERO).build();
    RevocationFeed anonymous = RevocationFeed.builder().issuer(f.issuer.issuer()).sslContext(f.pki.trustContext())
        .clock(f.clock).longPollWait(Duration.ZERO).build();

    assertThat(byOperator.pollOnce()).isZero();
    assertThat(byOperator.isCurrent()).isTrue();
    assertThatThrownBy(anonymous::pollOnce).isInstanceOf(IssuerUnavailableException.class)
        .hasMessageContaining("401").hasMessageNotContaining(FakeIssuer.OPERATOR_TOKEN);
    assertThat(anonymous.isCurrent()).isFalse();
  }

  @Test
  void daemon_longPollDeliversARevocationWithinASecond_andStops() throws Exception {
    RevocationFeed live = feed().longPollWait(Duration.ofSeconds(10)).build();
    BinderyTokenVerifier liveVerifier = f.verifier().revocationFeed(live).build();
    TokenMint mint = f.issuer.mint().boundTo(f.alice.certificate());
    String token = mint.sign();
    long warmup = f.issuer.publishRevocation("token", "tok_other", f.clock.instant());
    live.start();
    assertThat(live.awaitSequence(warmup, Duration.ofSeconds(10))).isTrue();
    assertThat(liveVerifier.verify(Fixture.bearer(token, f.alice.certificate())).isAccepted()).isTrue();

    long started = System.nanoTime();
    long seq = f.issuer.publishRevocation("token", mint.jti(), f.clock.instant());
    assertThat(live.awaitSequence(seq, Duration.ofSeconds(5))).isTrue();
    long elapsedMillis = (System.nanoTime() - started) / 1_000_000;

    assertRevoked(liveVerifier.verify(Fixture.bearer(token, f.alice.certificate())));
    assertThat(elapsedMillis).as("propagation time").isLessThan(1000);
    assertThat(live.isRunning()).isTrue();
    live.close();
    assertThat(live.isRunning()).isFalse();
  }

  @Test
  void daemon_backsOffWhileTheFeedFails_thenCatchesUp() throws Exception {
    RevocationFeed live = feed().backoff(Duration.ofMillis(10), Duration.ofMillis(40)).build();
    f.issuer.failFeed(3);
    long seq = f.issuer.publishRevocation("token", "tok_1", f.clock.instant());
    live.start();
    try {
      assertThat(live.awaitSequence(seq, Duration.ofSeconds(10))).isTrue();
      assertThat(f.issuer.feedHits.get()).isGreaterThanOrEqualTo(4);
      assertThat(live.revocations().isRevoked("tok_1", "nhi_x", 0, null, null)).isTrue();
    } finally {
      live.close();
    }
  }

  @Test
  void builder_limits() {
    assertThatThrownBy(() -> RevocationFeed.builder().longPollWait(Duration.ofSeconds(31)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> feed().longPollWait(Duration.ofSeconds(30)).maxStaleness(Duration.ofSeconds(30)).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RevocationFeed.builder().issuer(f.issuer.issuer()).build())
        .isInstanceOf(NullPointerException.class).hasMessageContaining("sslContext");
  }
}
