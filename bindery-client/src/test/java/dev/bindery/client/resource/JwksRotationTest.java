package dev.bindery.client.resource;

import static dev.bindery.client.resource.TokenVerificationTest.assertInvalidToken;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.client.testing.FakeIssuer;
import dev.bindery.client.testing.Fixture;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Keys come from the issuer's JWKS only, follow its rotation, and a refetch is rate-limited. */
class JwksRotationTest {
  private final Fixture f = new Fixture();
  private final BinderyTokenVerifier verifier = f.verifier().build();

  @AfterEach
  void close() {
    f.close();
  }

  private VerificationResult verify(String token) {
    return verifier.verify(Fixture.bearer(token, f.alice.certificate()));
  }

  private String token() {
    return f.issuer.mint().boundTo(f.alice.certificate()).sign();
  }

  @Test
  void firstVerification_readsMetadataThenJwksOnce() {
    assertThat(verify(token()).isAccepted()).isTrue();
    assertThat(verify(token()).isAccepted()).isTrue();
    assertThat(f.issuer.metadataHits.get()).isEqualTo(1);
    assertThat(f.issuer.jwksHits.get()).isEqualTo(1);
  }

  @Test
  void tokenSignedByANewKey_refetchesJwksAndAccepts() {
    assertThat(verify(token()).isAccepted()).isTrue();
    f.clock.advance(Duration.ofSeconds(5));
    f.issuer.rotate();

    assertThat(verify(token()).isAccepted()).isTrue();
    assertThat(f.issuer.jwksHits.get()).isEqualTo(2);
  }

  @Test
  void nextKeyPublishedBeforeUse_needsNoRefetchWhenItStartsSigning() {
    String next = f.issuer.publishNext();
    assertThat(verify(token()).isAccepted()).isTrue();
    f.issuer.useKey(next);

    assertThat(verify(token()).isAccepted()).isTrue();
    assertThat(f.issuer.jwksHits.get()).isEqualTo(1);
  }

  @Test
  void unknownKid_refetchAtMostOncePerFiveSeconds() {
    assertThat(verify(token()).isAccepted()).isTrue();
    String unknown = f.issuer.mint().boundTo(f.alice.certificate()).header("kid", "never-published").sign();
    // the first fetch opened the window: no refetch yet
    assertInvalidToken(verify(unknown), "token signing key unknown");
    assertThat(f.issuer.jwksHits.get()).isEqualTo(1);

    f.clock.advance(Duration.ofSeconds(5));
    assertInvalidToken(verify(unknown), "token signing key unknown");
    assertInvalidToken(verify(unknown), "token signing key unknown");
    assertInvalidToken(verify(unknown), "token signing key unknown");
    assertThat(f.issuer.jwksHits.get()).isEqualTo(2);

    f.clock.advance(Duration.ofMillis(4999));
    assertInvalidToken(verify(unknown), "token signing key unknown");
    assertThat(f.issuer.jwksHits.get()).isEqualTo(2);

    f.clock.advance(Duration.ofMillis(1));
    assertInvalidToken(verify(unknown), "token signing key unknown");
    assertThat(f.issuer.jwksHits.get()).isEqualTo(3);
  }

  @Test
  void rotationWithinTheRateLimit_acceptedOnceTheLimitPasses() {
    assertThat(verify(token()).isAccepted()).isTrue();
    f.clock.advance(Duration.ofSeconds(5));
    f.issuer.rotate();
    String first = token();
    assertThat(verify(first).isAccepted()).isTrue();
    f.issuer.rotate();
    String second = token();

    assertInvalidToken(verify(second), "token signing key unknown");
    f.clock.advance(Duration.ofSeconds(5));
    assertThat(verify(second).isAccepted()).isTrue();
  }

  @Test
  void withdrawnKey_refusesEvenCachedTokensAfterTheNextRefresh() {
    BinderyTokenVerifier refreshing = f.verifier().jwksRefreshInterval(Duration.ofSeconds(60)).build();
    String oldKid = f.issuer.currentKid();
    String token = token();
    assertThat(refreshing.verify(Fixture.bearer(token, f.alice.certificate())).isAccepted()).isTrue();
    f.issuer.rotate();
    f.issuer.withdraw(oldKid);

    f.clock.advance(Duration.ofSeconds(59));
    assertThat(refreshing.verify(Fixture.bearer(token, f.alice.certificate())).isAccepted()).isTrue();
    f.clock.advance(Duration.ofSeconds(1));
    assertInvalidToken(refreshing.verify(Fixture.bearer(token, f.alice.certificate())),
        "token signing key withdrawn");
  }

  @Test
  void duplicatedKid_verifiesNothing() {
    f.issuer.publishDuplicateOf(f.issuer.currentKid());
    assertInvalidToken(verify(token()), "token signing key unknown");
  }

  @Test
  void keyOfAnotherCurveThanTheAlgorithm_refused() {
    BinderyTokenVerifier two = f.verifier().algorithms("ES256", "ES384").build();
    // ES384 claimed, but the published key under that kid is P-256
    String token = f.issuer.mint().boundTo(f.alice.certificate()).header("alg", "ES384").sign();
    assertInvalidToken(two.verify(Fixture.bearer(token, f.alice.certificate())),
        "token signing key does not fit the algorithm");
  }

  @Test
  void issuerUnreachableBeforeAnyKeyIsKnown_temporarilyUnavailable() {
    String token = token();
    f.issuer.close();

    VerificationResult result = verify(token);
    assertThat(result.rejection().error()).isEqualTo(TokenError.TEMPORARILY_UNAVAILABLE);
    assertThat(result.rejection().status()).isEqualTo(503);
    assertThat(result.rejection().wwwAuthenticate()).isEmpty();
  }

  @Test
  void issuerUnreachableAfterKeysAreKnown_keepsVerifyingWithTheKnownKeys() {
    assertThat(verify(token()).isAccepted()).isTrue();
    String later = token();
    f.issuer.close();
    f.clock.advance(Duration.ofMinutes(6));
    String fresh = f.issuer.mint().boundTo(f.alice.certificate()).sign();

    assertThat(verify(fresh).isAccepted()).isTrue();
    assertThat(later).isNotEmpty();
  }

  @Test
  void metadataNamingAnotherIssuer_noKeysAreTrusted() {
    // the server certificate is valid for "localhost" too, but the metadata names https://127.0.0.1:port
    String localhost = f.issuer.issuer().replace("127.0.0.1", "localhost");
    BinderyTokenVerifier misconfigured = BinderyTokenVerifier.builder().issuer(localhost)
        .audience(FakeIssuer.AUDIENCE).sslContext(f.pki.trustContext()).clock(f.clock).withoutRevocationFeed()
        .build();
    String token = f.issuer.mint().claim("iss", localhost).boundTo(f.alice.certificate()).sign();

    VerificationResult result = misconfigured.verify(Fixture.bearer(token, f.alice.certificate()));
    assertThat(result.rejection().error()).isEqualTo(TokenError.TEMPORARILY_UNAVAILABLE);
    assertThat(f.issuer.jwksHits.get()).isZero();
  }

  @Test
  void serverNotTrusted_noKeysAreFetched() {
    BinderyTokenVerifier untrusting = f.verifier().sslContext(
        dev.bindery.client.testing.TestPki.generate("stranger").trustContext()).build();
    VerificationResult result = untrusting.verify(Fixture.bearer(token(), f.alice.certificate()));
    assertThat(result.rejection().error()).isEqualTo(TokenError.TEMPORARILY_UNAVAILABLE);
    assertThat(f.issuer.jwksHits.get()).isZero();
  }

  @Test
  void configuredJwksUri_skipsMetadata() {
    BinderyTokenVerifier direct = f.verifier().jwksUri(java.net.URI.create(f.issuer.issuer() + "/oauth2/jwks"))
        .build();
    assertThat(direct.verify(Fixture.bearer(token(), f.alice.certificate())).isAccepted()).isTrue();
    assertThat(f.issuer.metadataHits.get()).isZero();
  }
}
