package dev.bindery.client.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bindery.client.jose.Thumbprints;
import dev.bindery.client.testing.FakeIssuer;
import dev.bindery.client.testing.Fixture;
import dev.bindery.client.testing.TestPki;
import dev.bindery.client.testing.TokenMint;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The token itself: algorithm, key, signature, typ, issuer, audience, lifetime and required claims. */
class TokenVerificationTest {
  private final Fixture f = new Fixture();
  private final BinderyTokenVerifier verifier = f.verifier().build();

  @AfterEach
  void close() {
    f.close();
  }

  private TokenMint valid() {
    return f.issuer.mint().boundTo(f.alice.certificate());
  }

  private VerificationResult verify(String token) {
    return verifier.verify(Fixture.bearer(token, f.alice.certificate()));
  }

  static void assertInvalidToken(VerificationResult result, String description) {
    assertThat(result.isAccepted()).as("accepted: %s", result).isFalse();
    TokenRejection r = result.rejection();
    assertThat(r.error()).isEqualTo(TokenError.INVALID_TOKEN);
    assertThat(r.errorCode()).isEqualTo("invalid_token");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.description()).isEqualTo(description);
    assertThat(r.wwwAuthenticate()).hasSize(1);
    assertThat(r.wwwAuthenticate().get(0)).startsWith("Bearer error=\"invalid_token\"");
  }

  @Test
  void verify_validCertificateBoundToken_acceptedWithItsClaims() {
    TokenMint mint = valid();
    VerificationResult result = verify(mint.sign());

    assertThat(result.isAccepted()).as("%s", result).isTrue();
    VerifiedAccessToken token = result.token();
    Instant now = f.clock.instant();
    assertThat(token.issuer()).isEqualTo(f.issuer.issuer());
    assertThat(token.subject()).isEqualTo("nhi_aaaaaaaaaaaaaaaaaaaaaaaaaa");
    assertThat(token.clientId()).isEqualTo("nhi_aaaaaaaaaaaaaaaaaaaaaaaaaa");
    assertThat(token.audience()).containsExactly(FakeIssuer.AUDIENCE);
    assertThat(token.scopes()).containsExactlyInAnyOrder("orders.read", "orders.write");
    assertThat(token.tokenId()).isEqualTo(mint.jti());
    assertThat(token.issuedAt()).isEqualTo(now);
    assertThat(token.expiresAt()).isEqualTo(now.plusSeconds(300));
    assertThat(token.confirmation().certificateThumbprint()).contains(Thumbprints.x5tS256(f.alice.certificate()));
    assertThat(token.confirmation().keyThumbprint()).isEmpty();
    assertThat(token.toString()).doesNotContain(mint.sign().substring(0, 20));
  }

  @Test
  void verify_algNone_refused() {
    String unsecured = valid().unsecured();
    assertInvalidToken(verify(unsecured), "access token is not a signed JWT");
    // the same with a signature part borrowed from a valid token
    String borrowed = unsecured + valid().sign().substring(valid().sign().lastIndexOf('.') + 1);
    assertInvalidToken(verify(borrowed), "access token is not a signed JWT");
  }

  @Test
  void verify_hs256SignedWithThePublicKeyAsSecret_refused() {
    byte[] jwkBytes = f.issuer.publicJwk(f.issuer.currentKid()).toJSONString().getBytes(StandardCharsets.UTF_8);
    byte[] spki = toSpki();
    assertInvalidToken(verify(valid().signHmac(jwkBytes)), "token algorithm not accepted");
    assertInvalidToken(verify(valid().signHmac(spki)), "token algorithm not accepted");
    assertInvalidToken(verify(valid().signHmac(TestPki.pem("PUBLIC KEY", spki).getBytes(StandardCharsets.US_ASCII))),
        "token algorithm not accepted");
  }

  private byte[] toSpki() {
    try {
      return f.issuer.publicJwk(f.issuer.currentKid()).toPublicKey().getEncoded();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void builder_symmetricOrNoneAlgorithm_refusedAtConfiguration() {
    assertThatThrownBy(() -> BinderyTokenVerifier.builder().algorithms("HS256"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("HS256");
    assertThatThrownBy(() -> BinderyTokenVerifier.builder().algorithms("none"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BinderyTokenVerifier.builder().dpopAlgorithms("HS512"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void verify_otherAlgorithmThanConfigured_refused() {
    // ES384 is asymmetric but not configured (default ES256 only)
    assertInvalidToken(verify(valid().header("alg", "ES384").sign()), "token algorithm not accepted");
    assertInvalidToken(verify(valid().header("alg", "RS256").sign()), "token algorithm not accepted");
  }

  @Test
  void verify_keyNotInTheIssuersJwks_refused() {
    KeyPair attacker = TestPki.ecKey();
    assertInvalidToken(verify(valid().header("kid", "attacker").signingKey(attacker.getPrivate()).sign()),
        "token signing key unknown");
  }

  @Test
  void verify_attackerKeyUnderThePublishedKid_refused() {
    KeyPair attacker = TestPki.ecKey();
    assertInvalidToken(verify(valid().signingKey(attacker.getPrivate()).sign()), "token signature invalid");
  }

  @Test
  void verify_keyEmbeddedInHeaderJwk_ignored() {
    KeyPair attacker = TestPki.ecKey();
    String withKid = valid().header("jwk", TokenMint.publicJwk(attacker)).signingKey(attacker.getPrivate()).sign();
    String withoutKid = valid().header("kid", null).header("jwk", TokenMint.publicJwk(attacker))
        .signingKey(attacker.getPrivate()).sign();

    assertInvalidToken(verify(withKid), "token signature invalid");
    assertInvalidToken(verify(withoutKid), "token has no kid");
  }

  @Test
  void verify_headerJkuX5uX5c_neverFetchedNorUsed() throws Exception {
    KeyPair attacker = TestPki.ecKey();
    String jku = valid().header("kid", "attacker").header("jku", f.issuer.attackerJwksUrl())
        .signingKey(attacker.getPrivate()).sign();
    String x5u = valid().header("kid", "attacker").header("x5u", f.issuer.attackerJwksUrl())
        .signingKey(attacker.getPrivate()).sign();
    TestPki rogue = TestPki.generate("rogue");
    TestPki.Client rogueSigner = rogue.client("nhi_rogue");
    String x5c = valid().header("x5c", List.of(java.util.Base64.getEncoder()
            .encodeToString(rogueSigner.certificate().getEncoded())))
        .signingKey(rogueSigner.keyPair().getPrivate()).sign();

    assertInvalidToken(verify(jku), "token signing key unknown");
    assertInvalidToken(verify(x5u), "token signing key unknown");
    assertInvalidToken(verify(x5c), "token signature invalid");
    assertThat(f.issuer.attackerHits.get()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"JWT", "dpop+jwt", "jwt", "at+jwt+x", ""})
  void verify_wrongTyp_refused(String typ) {
    assertInvalidToken(verify(valid().header("typ", typ).sign()), "token typ must be at+jwt");
  }

  @Test
  void verify_missingTyp_refused() {
    assertInvalidToken(verify(valid().header("typ", null).sign()), "token typ must be at+jwt");
  }

  @ParameterizedTest
  @ValueSource(strings = {"AT+JWT", "At+Jwt", "application/at+jwt", "APPLICATION/AT+JWT"})
  void verify_typInAnyCaseOrWithMediaTypePrefix_accepted(String typ) {
    assertThat(verify(valid().header("typ", typ).sign()).isAccepted()).isTrue();
  }

  @Test
  void verify_criticalHeader_refused() {
    assertInvalidToken(verify(valid().header("crit", List.of("exp")).header("exp", 1).sign()),
        "token has critical header parameters");
  }

  @Test
  void verify_expiredBeyondSkew_refused_withinSkew_accepted() {
    Instant now = f.clock.instant();
    assertInvalidToken(verify(valid().claim("exp", now.getEpochSecond() - 30).sign()), "token expired");
    assertThat(verify(valid().claim("exp", now.getEpochSecond() - 29).sign()).isAccepted()).isTrue();
  }

  @Test
  void verify_notYetValidBeyondSkew_refused_withinSkew_accepted() {
    Instant now = f.clock.instant();
    assertInvalidToken(verify(valid().claim("nbf", now.getEpochSecond() + 31).sign()), "token not yet valid");
    assertThat(verify(valid().claim("nbf", now.getEpochSecond() + 29).sign()).isAccepted()).isTrue();
  }

  @Test
  void verify_issuedInTheFutureBeyondSkew_refused() {
    Instant now = f.clock.instant();
    assertInvalidToken(verify(valid().claim("iat", now.getEpochSecond() + 31).claim("nbf", null).sign()),
        "token issued in the future");
  }

  @Test
  void verify_zeroSkew_tokenOneSecondExpired_refused() {
    BinderyTokenVerifier strict = f.verifier().clockSkew(Duration.ZERO).build();
    String token = valid().claim("exp", f.clock.instant().getEpochSecond()).sign();
    assertInvalidToken(strict.verify(Fixture.bearer(token, f.alice.certificate())), "token expired");
  }

  @Test
  void clockSkew_beyondTheCap_refusedAtConfiguration_andTheCapHolds() {
    assertThatThrownBy(() -> f.verifier().clockSkew(Duration.ofSeconds(61)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("60");
    assertThatThrownBy(() -> f.verifier().clockSkew(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    BinderyTokenVerifier loosest = f.verifier().clockSkew(BinderyTokenVerifier.MAX_CLOCK_SKEW).build();
    String token = valid().claim("exp", f.clock.instant().getEpochSecond() - 60).sign();
    assertInvalidToken(loosest.verify(Fixture.bearer(token, f.alice.certificate())), "token expired");
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://evil.example", "https://127.0.0.1", "http://127.0.0.1:1/", ""})
  void verify_wrongIssuer_refused(String iss) {
    assertInvalidToken(verify(valid().claim("iss", iss).sign()), "token issuer not accepted");
  }

  @Test
  void verify_issuerWithTrailingSlash_refused() {
    assertInvalidToken(verify(valid().claim("iss", f.issuer.issuer() + "/").sign()), "token issuer not accepted");
  }

  @Test
  void verify_wrongAudience_refused_audienceArrayContainingOurs_accepted() {
    assertInvalidToken(verify(valid().claim("aud", "https://billing.example").sign()), "token audience not accepted");
    assertInvalidToken(verify(valid().claim("aud", null).sign()), "token audience not accepted");
    assertThat(verify(valid().claim("aud", List.of("https://billing.example", FakeIssuer.AUDIENCE)).sign())
        .isAccepted()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"sub", "client_id", "jti", "exp", "iat"})
  void verify_missingRequiredClaim_refused(String claim) {
    assertInvalidToken(verify(valid().claim(claim, null).sign()), "token lacks the " + claim + " claim");
  }

  @Test
  void verify_claimOfTheWrongType_refused() {
    assertInvalidToken(verify(valid().claim("client_id", 42).sign()), "token claims malformed");
    assertInvalidToken(verify(valid().claim("exp", "tomorrow").sign()), "token claims malformed");
  }

  @Test
  void verify_unsupportedOrMalformedConfirmation_refused() {
    assertInvalidToken(verify(valid().claim("cnf", Map.of("jwk", Map.of("kty", "EC"))).sign()),
        "token cnf has an unsupported confirmation method");
    assertInvalidToken(verify(valid().claim("cnf", Map.of()).sign()),
        "token cnf has an unsupported confirmation method");
    assertInvalidToken(verify(valid().claim("cnf", Map.of("x5t#S256", "short")).sign()),
        "token cnf thumbprint malformed");
    assertInvalidToken(verify(valid().claim("cnf", "x5t").sign()), "token claims malformed");
  }

  @ParameterizedTest
  @ValueSource(strings = {"not-a-jwt", "a.b", "a.b.c.d.e", "eyJhbGciOiJFUzI1NiJ9.e30.%%%"})
  void verify_notASignedJwt_refused(String token) {
    assertInvalidToken(verify(token), "access token is not a signed JWT");
  }

  @Test
  void verify_tooLargeToken_refused() {
    String huge = valid().claim("padding", "x".repeat(BinderyTokenVerifier.MAX_TOKEN_CHARS)).sign();
    assertInvalidToken(verify(huge), "access token too large");
  }

  @Test
  void verify_noAuthorizationHeader_challengesBothSchemesWithoutErrorCode() {
    VerificationResult result = verifier.verify(dev.bindery.client.resource.RequestFacts
        .builder("GET", Fixture.RESOURCE_URL).build());

    TokenRejection r = result.rejection();
    assertThat(r.error()).isEqualTo(TokenError.MISSING_TOKEN);
    assertThat(r.errorCode()).isNull();
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.wwwAuthenticate()).containsExactly("Bearer", "DPoP algs=\"ES256\"");
    assertThat(r.jsonBody()).isEmpty();
  }

  @Test
  void verify_otherScheme_treatedAsNoToken() {
    VerificationResult result = verifier.verify(RequestFacts.builder("GET", Fixture.RESOURCE_URL)
        .authorization("Basic dXNlcjpwYXNz").build());
    assertThat(result.rejection().error()).isEqualTo(TokenError.MISSING_TOKEN);
  }

  @Test
  void verify_twoAuthorizationHeaders_invalidRequest() {
    String token = valid().sign();
    VerificationResult result = verifier.verify(RequestFacts.builder("GET", Fixture.RESOURCE_URL)
        .authorization("Bearer " + token, "Bearer " + token).clientCertificate(f.alice.certificate()).build());

    TokenRejection r = result.rejection();
    assertThat(r.errorCode()).isEqualTo("invalid_request");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.wwwAuthenticate().get(0))
        .isEqualTo("Bearer error=\"invalid_request\", error_description=\"more than one Authorization header\"");
  }

  @Test
  void verify_emptyBearerToken_invalidRequest() {
    VerificationResult result = verifier.verify(RequestFacts.builder("GET", Fixture.RESOURCE_URL)
        .authorization("Bearer    ").build());
    assertThat(result.rejection().errorCode()).isEqualTo("invalid_request");
    assertThat(result.rejection().status()).isEqualTo(400);
  }

  @Test
  void verify_schemeNameInAnyCase_accepted() {
    String token = valid().sign();
    VerificationResult result = verifier.verify(RequestFacts.builder("GET", Fixture.RESOURCE_URL)
        .authorization("bEaReR " + token).clientCertificate(f.alice.certificate()).build());
    assertThat(result.isAccepted()).isTrue();
  }

  @Test
  void verify_expiredToken_exactChallengeAndBody() {
    String token = valid().claim("exp", f.clock.instant().getEpochSecond() - 3600).sign();
    TokenRejection r = verify(token).rejection();
    assertThat(r.wwwAuthenticate())
        .containsExactly("Bearer error=\"invalid_token\", error_description=\"token expired\"");
    assertThat(r.jsonBody()).isEqualTo("{\"error\":\"invalid_token\",\"error_description\":\"token expired\"}");
  }

  @Test
  void verify_missingRequiredScope_insufficientScope403() {
    String token = valid().claim("scope", "orders.read").sign();
    VerificationResult result = verifier.verify(Fixture.bearer(token, f.alice.certificate()),
        List.of("orders.write"));

    TokenRejection r = result.rejection();
    assertThat(r.errorCode()).isEqualTo("insufficient_scope");
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.wwwAuthenticate()).containsExactly("Bearer error=\"insufficient_scope\", "
        + "error_description=\"token lacks a required scope\", scope=\"orders.write\"");
    assertThat(verifier.verify(Fixture.bearer(token, f.alice.certificate()), List.of("orders.read"))
        .isAccepted()).isTrue();
  }

  @Test
  void builder_missingIssuerAudienceTrustOrRevocationChoice_refused() {
    assertThatThrownBy(() -> BinderyTokenVerifier.builder().audience("a").sslContext(f.pki.trustContext())
        .withoutRevocationFeed().build()).isInstanceOf(NullPointerException.class).hasMessageContaining("issuer");
    assertThatThrownBy(() -> BinderyTokenVerifier.builder().issuer(f.issuer.issuer())
        .sslContext(f.pki.trustContext()).withoutRevocationFeed().build())
        .isInstanceOf(NullPointerException.class).hasMessageContaining("audience");
    assertThatThrownBy(() -> BinderyTokenVerifier.builder().issuer(f.issuer.issuer()).audience("a")
        .withoutRevocationFeed().build()).isInstanceOf(IllegalStateException.class).hasMessageContaining("TLS");
    assertThatThrownBy(() -> BinderyTokenVerifier.builder().issuer(f.issuer.issuer()).audience("a")
        .sslContext(f.pki.trustContext()).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("withoutRevocationFeed");
    assertThatThrownBy(() -> BinderyTokenVerifier.builder().issuer("http://127.0.0.1:1").audience("a")
        .sslContext(f.pki.trustContext()).withoutRevocationFeed().build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("https");
  }
}
