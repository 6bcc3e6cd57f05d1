package dev.bindery.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.oauth.DpopReplayCache.Use;
import dev.bindery.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Stateless server nonces shared by every node, and the per-node replay cache of DPoP proofs. */
class DpopNoncesAndReplayCacheTest {
  final MutableClock clock = MutableClock.startingAt(Instant.parse("2026-12-01T10:00:00Z"));
  final byte[] key = filled(7);

  static byte[] filled(int b) {
    byte[] k = new byte[32];
    Arrays.fill(k, (byte) b);
    return k;
  }

  @Test
  void nonce_validOnEveryNodeWithTheSameKeyForOneToTwoWindows() {
    DpopNonces node1 = new DpopNonces(key, Duration.ofSeconds(60), clock);
    DpopNonces node2 = new DpopNonces(key.clone(), Duration.ofSeconds(60), clock);
    String nonce = node1.current();

    assertThat(nonce).matches("[A-Za-z0-9_-]{32}");
    assertThat(node2.valid(nonce)).isTrue();
    clock.advance(Duration.ofSeconds(60));
    assertThat(node2.valid(nonce)).as("previous window").isTrue();
    clock.advance(Duration.ofSeconds(60));
    assertThat(node2.valid(nonce)).as("two windows later").isFalse();
  }

  @Test
  void nonce_otherKeyTamperedOrFutureWindow_invalid() {
    DpopNonces nonces = new DpopNonces(key, Duration.ofSeconds(60), clock);
    String nonce = nonces.current();
    DpopNonces otherDeployment = new DpopNonces(filled(8), Duration.ofSeconds(60), clock);

    assertThat(otherDeployment.valid(nonce)).isFalse();
    char c = nonce.charAt(30);
    assertThat(nonces.valid(nonce.substring(0, 30) + (c == 'A' ? 'B' : 'A') + nonce.charAt(31))).isFalse();
    clock.advance(Duration.ofSeconds(60));
    String later = nonces.current();
    clock.set(clock.instant().minusSeconds(60));
    assertThat(nonces.valid(later)).as("a nonce of a future window").isFalse();
    assertThat(nonces.valid(null)).isFalse();
    assertThat(nonces.valid("")).isFalse();
    assertThat(nonces.valid("!".repeat(32))).isFalse();
  }

  @Test
  void replayCache_remembersForAtLeastTheRetention() {
    DpopReplayCache cache = new DpopReplayCache(Duration.ofSeconds(120), 100);
    Instant t = clock.instant();

    assertThat(cache.use("jkt", "a", t)).isEqualTo(Use.FIRST);
    assertThat(cache.use("jkt", "a", t.plusSeconds(119))).isEqualTo(Use.REPLAY);
    assertThat(cache.use("jkt", "b", t.plusSeconds(119))).isEqualTo(Use.FIRST);
    assertThat(cache.use("jkt", "b", t.plusSeconds(119 + 119))).as("b, 119 s later, after a rotation")
        .isEqualTo(Use.REPLAY);
    assertThat(cache.use("other", "a", t.plusSeconds(1))).as("same jti, another key").isEqualTo(Use.FIRST);
    assertThat(cache.use("jkt", "a", t.plusSeconds(500))).as("long expired").isEqualTo(Use.FIRST);
  }

  @Test
  void replayCache_full_refusesNewProofsUntilOldOnesExpire() {
    DpopReplayCache cache = new DpopReplayCache(Duration.ofSeconds(120), 2);
    Instant t = clock.instant();
    cache.use("k", "1", t);
    cache.use("k", "2", t);

    assertThat(cache.use("k", "3", t)).isEqualTo(Use.FULL);
    assertThat(cache.use("k", "1", t)).as("a replay is still a replay").isEqualTo(Use.REPLAY);
    assertThat(cache.use("k", "3", t.plusSeconds(241))).isEqualTo(Use.FIRST);
    assertThat(cache.size()).isEqualTo(1);
  }

  @Test
  void replayCache_clockGoingBack_forgetsNothing() {
    DpopReplayCache cache = new DpopReplayCache(Duration.ofSeconds(120), 100);
    Instant t = clock.instant();
    cache.use("k", "1", t);

    assertThat(cache.use("k", "1", t.minusSeconds(3600))).isEqualTo(Use.REPLAY);
  }
}
