package dev.bindery.client.resource;

import static dev.bindery.client.resource.TokenVerificationTest.assertInvalidToken;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.client.testing.Fixture;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The cache skips only parsing and the signature; everything time- and request-dependent is rechecked. */
class VerifiedTokenCacheTest {
  private final Fixture f = new Fixture();

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void cachedToken_expiresByTheClock() {
    BinderyTokenVerifier verifier = f.verifier().build();
    String token = f.issuer.mint().boundTo(f.alice.certificate()).sign();
    assertThat(verifier.verify(Fixture.bearer(token, f.alice.certificate())).isAccepted()).isTrue();
    assertThat(verifier.cachedTokens()).isEqualTo(1);

    // exp = iat + 300 s, skew 30 s
    f.clock.advance(Duration.ofSeconds(329));
    assertThat(verifier.verify(Fixture.bearer(token, f.alice.certificate())).isAccepted()).isTrue();
    f.clock.advance(Duration.ofSeconds(1));
    assertInvalidToken(verifier.verify(Fixture.bearer(token, f.alice.certificate())), "token expired");
    assertThat(verifier.cachedTokens()).isZero();
  }

  @Test
  void cachedToken_notYetValidWhenTheClockGoesBack() {
    BinderyTokenVerifier verifier = f.verifier().build();
    String token = f.issuer.mint().boundTo(f.alice.certificate()).sign();
    assertThat(verifier.verify(Fixture.bearer(token, f.alice.certificate())).isAccepted()).isTrue();

    f.clock.set(f.clock.instant().minusSeconds(31));
    assertInvalidToken(verifier.verify(Fixture.bearer(token, f.alice.certificate())), "token not yet valid");
  }

  @Test
  void cachedToken_scopeCheckedOnEveryRequest() {
    BinderyTokenVerifier verifier = f.verifier().build();
    String token = f.issuer.mint().claim("scope", "orders.read").boundTo(f.alice.certificate()).sign();
    assertThat(verifier.verify(Fixture.bearer(token, f.alice.certificate()), java.util.List.of("orders.read"))
        .isAccepted()).isTrue();
    assertThat(verifier.verify(Fixture.bearer(token, f.alice.certificate()), java.util.List.of("orders.write"))
        .rejection().errorCode()).isEqualTo("insufficient_scope");
  }

  @Test
  void cache_isBounded() {
    BinderyTokenVerifier verifier = f.verifier().verifiedTokenCacheSize(8).build();
    for (int i = 0; i < 50; i++) {
      String token = f.issuer.mint().boundTo(f.alice.certificate()).sign();
      assertThat(verifier.verify(Fixture.bearer(token, f.alice.certificate())).isAccepted()).isTrue();
      assertThat(verifier.cachedTokens()).isLessThanOrEqualTo(8);
    }
  }

  @Test
  void cacheDisabled_everyVerificationIsFull_andStillCorrect() {
    BinderyTokenVerifier verifier = f.verifier().verifiedTokenCacheSize(0).build();
    String token = f.issuer.mint().boundTo(f.alice.certificate()).sign();
    assertThat(verifier.verify(Fixture.bearer(token, f.alice.certificate())).isAccepted()).isTrue();
    assertThat(verifier.verify(Fixture.bearer(token, f.alice.certificate())).isAccepted()).isTrue();
    assertThat(verifier.cachedTokens()).isZero();
    assertInvalidToken(verifier.verify(Fixture.bearer(token, f.bob.certificate())),
        "client certificate does not match the token binding");
  }

  @Test
  void invalidTokens_areNeverCached() {
    BinderyTokenVerifier verifier = f.verifier().build();
    String forged = f.issuer.mint().boundTo(f.alice.certificate())
        .signingKey(dev.bindery.client.testing.TestPki.ecKey().getPrivate()).sign();
    assertInvalidToken(verifier.verify(Fixture.bearer(forged, f.alice.certificate())), "token signature invalid");
    assertInvalidToken(verifier.verify(Fixture.bearer(forged, f.alice.certificate())), "token signature invalid");
    assertThat(verifier.cachedTokens()).isZero();
  }

  @Test
  void tokenDifferingOnlyBeforeTheSignature_isNotMistakenForACachedOne() {
    BinderyTokenVerifier verifier = f.verifier().build();
    String token = f.issuer.mint().boundTo(f.alice.certificate()).sign();
    assertThat(verifier.verify(Fixture.bearer(token, f.alice.certificate())).isAccepted()).isTrue();
    // same signature part, other payload: must not hit the cache entry of the genuine token
    String otherPayload = f.issuer.mint().boundTo(f.alice.certificate()).claim("sub", "nhi_mallory").sign();
    String spliced = otherPayload.substring(0, otherPayload.lastIndexOf('.')) + token.substring(token.lastIndexOf('.'));

    assertInvalidToken(verifier.verify(Fixture.bearer(spliced, f.alice.certificate())), "token signature invalid");
  }
}
