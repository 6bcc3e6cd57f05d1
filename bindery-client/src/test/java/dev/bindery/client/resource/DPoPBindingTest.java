package dev.bindery.client.resource;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.client.testing.Fixture;
import dev.bindery.client.testing.TestPki;
import dev.bindery.client.testing.TokenMint;
import java.net.URI;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 9449 §7: a DPoP-bound token needs the DPoP scheme and a fresh, matching proof of its key. */
class DPoPBindingTest {
  private final Fixture f = new Fixture();
  private final BinderyTokenVerifier verifier = f.verifier().build();
  private final KeyPair dpopKeyPair = TestPki.ecKey();
  private final String jkt = dev.bindery.client.jose.Thumbprints.jkt(
      new com.nimbusds.jose.jwk.ECKey.Builder(com.nimbusds.jose.jwk.Curve.P_256,
          (java.security.interfaces.ECPublicKey) dpopKeyPair.getPublic()).build());
  private final String token = f.issuer.mint().boundToKey(jkt).sign();

  @AfterEach
  void close() {
    f.close();
  }

  private TokenMint proof() {
    return TokenMint.dpopProof(dpopKeyPair, "GET", Fixture.RESOURCE_URL, token, f.clock.instant());
  }

  private VerificationResult verify(String... proofs) {
    return verifier.verify(Fixture.dpop(token, proofs));
  }

  private static void assertInvalidProof(VerificationResult result, String description) {
    assertThat(result.isAccepted()).as("accepted: %s", result).isFalse();
    TokenRejection r = result.rejection();
    assertThat(r.errorCode()).isEqualTo("invalid_dpop_proof");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.description()).isEqualTo(description);
    assertThat(r.wwwAuthenticate()).containsExactly("DPoP error=\"invalid_dpop_proof\", error_description=\""
        + description + "\", algs=\"ES256\"");
  }

  @Test
  void verify_validProof_accepted() {
    VerificationResult result = verify(proof().sign());
    assertThat(result.isAccepted()).as("%s", result).isTrue();
    assertThat(result.token().confirmation().keyThumbprint()).contains(jkt);
    assertThat(result.token().confirmation().certificateThumbprint()).isEmpty();
  }

  @Test
  void verify_proofFromTheSdkFactory_accepted() {
    String bound = f.issuer.mint().boundToKey(f.dpopKey.jwkThumbprint()).sign();
    assertThat(verifier.verify(Fixture.dpop(bound, f.proof(bound))).isAccepted()).isTrue();
  }

  @Test
  void verify_dpopBoundTokenAsBearer_refused() {
    VerificationResult result = verifier.verify(RequestFacts.builder("GET", Fixture.RESOURCE_URL)
        .authorization("Bearer " + token).dpop(proof().sign()).build());
    TokenVerificationTest.assertInvalidToken(result, "token is DPoP-bound: use the DPoP scheme");
  }

  @Test
  void verify_noProof_refused() {
    assertInvalidProof(verify(), "DPoP proof missing");
  }

  @Test
  void verify_twoProofs_refused() {
    assertInvalidProof(verify(proof().sign(), proof().sign()), "more than one DPoP proof");
  }

  @Test
  void verify_replayedProof_refused() {
    String p = proof().sign();
    assertThat(verify(p).isAccepted()).isTrue();
    assertInvalidProof(verify(p), "DPoP proof replayed");
  }

  @Test
  void verify_replayedProof_refusedEvenAfterTheTokenWasCached() {
    String p = proof().sign();
    assertThat(verify(p).isAccepted()).isTrue();
    assertThat(verifier.cachedTokens()).isEqualTo(1);
    assertInvalidProof(verify(p), "DPoP proof replayed");
    assertThat(verify(proof().sign()).isAccepted()).isTrue();
  }

  @Test
  void verify_wrongMethod_refused() {
    assertInvalidProof(verify(proof().claim("htm", "POST").sign()), "DPoP proof htm does not match the request method");
    assertInvalidProof(verify(proof().claim("htm", "get").sign()), "DPoP proof htm does not match the request method");
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://orders.example/orders/43", "https://billing.example/orders/42",
      "http://orders.example/orders/42", "https://orders.example:8443/orders/42", "/orders/42", "not a url"})
  void verify_wrongUrl_refused(String htu) {
    assertInvalidProof(verify(proof().claim("htu", htu).sign()), "DPoP proof htu does not match the request URL");
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://orders.example/orders/42?page=2", "https://orders.example/orders/42#x",
      "HTTPS://Orders.Example:443/orders/42", "https://orders.example/orders/./42"})
  void verify_equivalentUrl_accepted(String htu) {
    assertThat(verify(proof().claim("htu", htu).sign()).isAccepted()).isTrue();
  }

  @Test
  void verify_requestWithQuery_comparedWithoutIt() {
    String p = proof().sign();
    VerificationResult result = verifier.verify(RequestFacts.builder("GET", Fixture.RESOURCE_URL + "?page=2")
        .authorization("DPoP " + token).dpop(p).build());
    assertThat(result.isAccepted()).isTrue();
  }

  @Test
  void verify_staleProof_refused_freshEnough_accepted() {
    Instant now = f.clock.instant();
    assertInvalidProof(verify(proof().claim("iat", now.getEpochSecond() - 61).sign()), "DPoP proof is too old");
    assertThat(verify(proof().claim("iat", now.getEpochSecond() - 59).sign()).isAccepted()).isTrue();
  }

  @Test
  void verify_proofFromTheFutureBeyondSkew_refused() {
    Instant now = f.clock.instant();
    assertInvalidProof(verify(proof().claim("iat", now.getEpochSecond() + 31).sign()),
        "DPoP proof iat is in the future");
    assertThat(verify(proof().claim("iat", now.getEpochSecond() + 29).sign()).isAccepted()).isTrue();
  }

  @Test
  void verify_missingIatOrJti_refused() {
    assertInvalidProof(verify(proof().claim("iat", null).sign()), "DPoP proof iat missing");
    assertInvalidProof(verify(proof().claim("jti", null).sign()), "DPoP proof jti missing or too long");
    assertInvalidProof(verify(proof().claim("jti", "j".repeat(257)).sign()), "DPoP proof jti missing or too long");
  }

  @Test
  void verify_wrongOrMissingAth_refused() {
    String other = f.issuer.mint().boundToKey(jkt).sign();
    assertInvalidProof(verify(proof().claim("ath", dev.bindery.client.jose.Thumbprints.ath(other)).sign()),
        "DPoP proof ath does not match the access token");
    assertInvalidProof(verify(proof().claim("ath", null).sign()), "DPoP proof ath does not match the access token");
  }

  @Test
  void verify_proofOfAnotherKey_refusedAsInvalidToken() {
    KeyPair other = TestPki.ecKey();
    String p = TokenMint.dpopProof(other, "GET", Fixture.RESOURCE_URL, token, f.clock.instant()).sign();
    VerificationResult result = verify(p);
    assertThat(result.rejection().errorCode()).isEqualTo("invalid_token");
    assertThat(result.rejection().description()).isEqualTo("DPoP proof key does not match the token binding");
    assertThat(result.rejection().wwwAuthenticate().get(0)).startsWith("DPoP error=\"invalid_token\"");
  }

  @Test
  void verify_proofSignedByAnotherKeyThanItsJwk_refused() {
    KeyPair other = TestPki.ecKey();
    assertInvalidProof(verify(proof().signingKey(other.getPrivate()).sign()), "DPoP proof signature invalid");
  }

  @ParameterizedTest
  @ValueSource(strings = {"jwt", "at+jwt", "JWT"})
  void verify_wrongTyp_refused(String typ) {
    assertInvalidProof(verify(proof().header("typ", typ).sign()), "DPoP proof typ must be dpop+jwt");
  }

  @Test
  void verify_proofWithAlgNoneOrHmac_refused() {
    assertInvalidProof(verify(proof().unsecured()), "DPoP proof is not a signed JWT");
    assertInvalidProof(verify(proof().signHmac(new byte[32])), "DPoP proof algorithm not accepted");
  }

  @Test
  void verify_proofWithoutTyp_refused() {
    assertInvalidProof(verify(proof().header("typ", null).sign()), "DPoP proof typ must be dpop+jwt");
  }

  @Test
  void verify_proofWithCriticalHeader_refused() {
    assertInvalidProof(verify(proof().header("crit", List.of("exp")).header("exp", 1).sign()),
        "DPoP proof has critical header parameters");
  }

  @Test
  void verify_proofJwkOfAnotherKeyTypeThanItsAlg_refused() throws Exception {
    java.security.KeyPairGenerator rsa = java.security.KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    var rsaJwk = new com.nimbusds.jose.jwk.RSAKey.Builder(
        (java.security.interfaces.RSAPublicKey) rsa.generateKeyPair().getPublic()).build().toJSONObject();
    assertInvalidProof(verify(proof().header("jwk", rsaJwk).sign()), "DPoP proof jwk does not fit its algorithm");
  }

  @Test
  void verify_tooLargeProof_refused() {
    assertInvalidProof(verify(proof().claim("pad", "x".repeat(DPoPProofVerifier.MAX_PROOF_CHARS)).sign()),
        "DPoP proof too large");
  }

  @Test
  void verify_proofWithoutJwk_refused() {
    assertInvalidProof(verify(proof().header("jwk", null).sign()), "DPoP proof has no jwk header");
  }

  @Test
  void verify_proofJwkWithPrivateKey_refused() {
    Map<String, Object> jwk = new HashMap<>(TokenMint.publicJwk(dpopKeyPair));
    java.security.interfaces.ECPrivateKey d = (java.security.interfaces.ECPrivateKey) dpopKeyPair.getPrivate();
    jwk.put("d", com.nimbusds.jose.jwk.ECKey.encodeCoordinate(256, d.getS()).toString());
    // Nimbus already refuses a private jwk header while parsing; the verifier's own check stays as a backstop
    assertInvalidProof(verify(proof().header("jwk", jwk).sign()), "DPoP proof is not a signed JWT");
  }

  @Test
  void verify_tokenWithoutAnyProofHeaderButBoundToKey_refusedEvenIfCertificateMatches() {
    VerificationResult result = verifier.verify(RequestFacts.builder("GET", Fixture.RESOURCE_URL)
        .authorization("DPoP " + token).clientCertificate(f.alice.certificate()).build());
    assertInvalidProof(result, "DPoP proof missing");
  }

  @Test
  void replayCache_fullOfLiveEntries_refusesNewProofs_thenRecoversWhenTheyExpire() {
    BinderyTokenVerifier small = f.verifier().dpopReplayCacheSize(1).build();
    assertThat(small.verify(Fixture.dpop(token, proof().sign())).isAccepted()).isTrue();

    VerificationResult full = small.verify(Fixture.dpop(token, proof().sign()));
    assertThat(full.rejection().error()).isEqualTo(TokenError.TEMPORARILY_UNAVAILABLE);
    assertThat(full.rejection().status()).isEqualTo(503);
    assertThat(full.rejection().wwwAuthenticate()).isEmpty();

    // the first entry is kept for max age (60 s) + skew (30 s) after its iat
    f.clock.advance(Duration.ofSeconds(91));
    String fresh = TokenMint.dpopProof(dpopKeyPair, "GET", Fixture.RESOURCE_URL, token, f.clock.instant()).sign();
    assertThat(small.verify(Fixture.dpop(token, fresh)).isAccepted()).isTrue();
  }

  @Test
  void dpopProofMaxAge_outOfBounds_refusedAtConfiguration() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> f.verifier().dpopProofMaxAge(Duration.ofMinutes(6)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void verify_proofWithNonceAndQueryInHtu_sdkHelperStripsQuery() {
    String bound = f.issuer.mint().boundToKey(f.dpopKey.jwkThumbprint()).sign();
    String p = f.dpopKey.proofForResource("GET", URI.create(Fixture.RESOURCE_URL + "?q=1#frag"), bound, "n-1");
    assertThat(verifier.verify(Fixture.dpop(bound, p)).isAccepted()).isTrue();
  }
}
