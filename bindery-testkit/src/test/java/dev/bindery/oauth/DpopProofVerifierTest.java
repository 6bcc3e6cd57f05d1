package dev.bindery.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.bindery.testkit.MutableClock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** DPoP proof verification at the token endpoint (RFC 9449 section 4.3), one rule per test. */
class DpopProofVerifierTest {
  static final URI ENDPOINT = URI.create("https://bindery.example:8443/oauth2/token");
  final MutableClock clock = MutableClock.standard();
  final DpopNonces nonces = new DpopNonces(new byte[32], Duration.ofSeconds(60), clock);
  final DpopReplayCache replays = new DpopReplayCache(Duration.ofSeconds(120), 1000);
  final DpopProofVerifier verifier = new DpopProofVerifier(clock, Duration.ofSeconds(60), nonces, false, replays);
  final ECKey key = ec(Curve.P_256);

  static ECKey ec(Curve curve) {
    try {
      return new ECKeyGenerator(curve).generate();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  JWTClaimsSet.Builder claims() {
    return new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString()).claim("htm", "POST")
        .claim("htu", ENDPOINT.toString()).issueTime(Date.from(clock.instant()));
  }

  static String sign(JWK jwk, JWSAlgorithm alg, JWTClaimsSet claims, Consumer<JWSHeader.Builder> header) {
    try {
      JWSHeader.Builder h = new JWSHeader.Builder(alg).type(new JOSEObjectType("dpop+jwt")).jwk(jwk.toPublicJWK());
      header.accept(h);
      SignedJWT jwt = new SignedJWT(h.build(), claims);
      JWSSigner signer = jwk instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) jwk);
      jwt.sign(signer);
      return jwt.serialize();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  String proof(JWTClaimsSet claims) {
    return sign(key, JWSAlgorithm.ES256, claims, h -> {});
  }

  OAuthException refused(String proof) {
    return refused(List.of(proof));
  }

  OAuthException refused(List<String> headers) {
    OAuthException e = catchThrowableOfType(OAuthException.class, () -> verifier.verify(headers, "POST", ENDPOINT));
    assertThat(e).as("refused").isNotNull();
    return e;
  }

  static void assertInvalid(OAuthException e, String reason) {
    assertThat(e.error()).isEqualTo(OAuthError.INVALID_DPOP_PROOF);
    assertThat(e.reason()).isEqualTo(reason);
  }

  @Test
  void thumbprint_rfc9449Vector() throws Exception {
    JWK jwk = JWK.parse("{\"kty\":\"EC\",\"x\":\"l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs\","
        + "\"y\":\"9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA\",\"crv\":\"P-256\"}");
    assertThat(DpopProofVerifier.thumbprint(jwk).value()).isEqualTo("0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I");
  }

  @Test
  void verify_validProof_returnsTheKeyThumbprint() throws Exception {
    JWTClaimsSet c = claims().build();

    DpopProof p = verifier.verify(List.of(proof(c)), "POST", ENDPOINT);

    assertThat(p.jkt().value()).isEqualTo(key.toPublicJWK().computeThumbprint("SHA-256").toString());
    assertThat(p.jti()).isEqualTo(c.getJWTID());
    assertThat(p.issuedAt()).isEqualTo(clock.instant());
  }

  @Test
  void verify_everyAcceptedAlgorithmAndKey_accepted() {
    assertThat(verifier.verify(List.of(sign(ec(Curve.P_384), JWSAlgorithm.ES384, claims().build(), h -> {})),
        "POST", ENDPOINT)).isNotNull();
    RSAKey rsa;
    try {
      rsa = new RSAKeyGenerator(2048).generate();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    assertThat(verifier.verify(List.of(sign(rsa, JWSAlgorithm.RS256, claims().build(), h -> {})), "POST", ENDPOINT))
        .isNotNull();
    assertThat(verifier.verify(List.of(sign(rsa, JWSAlgorithm.PS256, claims().build(), h -> {})), "POST", ENDPOINT))
        .isNotNull();
  }

  @Test
  void verify_replayed_refusedTheSecondTime() {
    String p = proof(claims().build());
    verifier.verify(List.of(p), "POST", ENDPOINT);

    assertInvalid(refused(p), "dpop_replay");
  }

  @Test
  void verify_sameJtiFromAnotherKey_notAReplay() {
    JWTClaimsSet c = claims().build();
    verifier.verify(List.of(proof(c)), "POST", ENDPOINT);

    assertThat(verifier.verify(List.of(sign(ec(Curve.P_256), JWSAlgorithm.ES256, c, h -> {})), "POST", ENDPOINT))
        .isNotNull();
  }

  @Test
  void verify_noneOrSeveralHeaders_refused() {
    assertInvalid(refused(List.of()), "dpop_header_count");
    assertInvalid(refused(List.of(proof(claims().build()), proof(claims().build()))), "dpop_header_count");
    assertInvalid(refused(" "), "dpop_malformed");
    assertInvalid(refused("x".repeat(DpopProofVerifier.MAX_PROOF_CHARS + 1)), "dpop_malformed");
    assertInvalid(refused("not.a.jwt"), "dpop_malformed");
  }

  @Test
  void verify_wrongTyp_refused() {
    assertInvalid(refused(sign(key, JWSAlgorithm.ES256, claims().build(), h -> h.type(JOSEObjectType.JWT))),
        "dpop_typ");
    assertInvalid(refused(sign(key, JWSAlgorithm.ES256, claims().build(), h -> h.type(null))), "dpop_typ");
  }

  @Test
  void verify_jwkMissingOrOfTheWrongCurve_refused() {
    assertInvalid(refused(sign(key, JWSAlgorithm.ES256, claims().build(), h -> h.jwk(null))), "dpop_jwk_missing");
    ECKey p384 = ec(Curve.P_384);
    // an ES256 header naming a P-384 key
    assertInvalid(refused(sign(key, JWSAlgorithm.ES256, claims().build(), h -> h.jwk(p384.toPublicJWK()))),
        "dpop_jwk_mismatch");
  }

  @Test
  void verify_signatureOfAnotherKey_refused() {
    ECKey other = ec(Curve.P_256);
    assertInvalid(refused(sign(key, JWSAlgorithm.ES256, claims().build(), h -> h.jwk(other.toPublicJWK()))),
        "dpop_signature");
  }

  @Test
  void verify_privateKeyInTheJwk_refused() throws Exception {
    String header = "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":" + key.toJSONString() + "}";
    String input = b64(header) + "." + b64(claims().build().toString());
    java.security.Signature s = java.security.Signature.getInstance("SHA256withECDSAinP1363Format");
    s.initSign(key.toECPrivateKey());
    s.update(input.getBytes(StandardCharsets.US_ASCII));

    OAuthException e = refused(input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(s.sign()));

    assertInvalid(e, "dpop_private_key");
  }

  @Test
  void verify_symmetricOrNoneAlgorithm_refused() throws Exception {
    String payload = b64(claims().build().toString());
    String hs = b64("{\"typ\":\"dpop+jwt\",\"alg\":\"HS256\",\"jwk\":" + key.toPublicJWK().toJSONString() + "}");
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(key.getX().decode(), "HmacSHA256"));
    String hmac = hs + "." + payload + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
        mac.doFinal((hs + "." + payload).getBytes(StandardCharsets.US_ASCII)));
    String none = b64("{\"typ\":\"dpop+jwt\",\"alg\":\"none\",\"jwk\":" + key.toPublicJWK().toJSONString() + "}")
        + "." + payload + ".";

    assertInvalid(refused(hmac), "dpop_alg");
    assertThat(refused(none).error()).isEqualTo(OAuthError.INVALID_DPOP_PROOF);
  }

  @Test
  void verify_claims_eachRequired() {
    assertInvalid(refused(proof(claims().jwtID(null).build())), "dpop_jti");
    assertInvalid(refused(proof(claims().jwtID("j".repeat(257)).build())), "dpop_jti");
    assertInvalid(refused(proof(claims().claim("htm", null).build())), "dpop_htm");
    assertInvalid(refused(proof(claims().claim("htm", "post").build())), "dpop_htm");
    assertInvalid(refused(proof(claims().claim("htu", null).build())), "dpop_htu");
    assertInvalid(refused(proof(claims().claim("htu", "https://bindery.example:8443/oauth2/jwks").build())),
        "dpop_htu");
    assertInvalid(refused(proof(claims().claim("htu", "http://bindery.example:8443/oauth2/token").build())),
        "dpop_htu");
    assertInvalid(refused(proof(claims().claim("htu", "https://bindery.example/oauth2/token").build())), "dpop_htu");
    assertInvalid(refused(proof(claims().claim("htu", "https://u@bindery.example:8443/oauth2/token").build())),
        "dpop_htu");
    assertInvalid(refused(proof(claims().claim("htu", "::not a url").build())), "dpop_htu");
    assertInvalid(refused(proof(claims().issueTime(null).build())), "dpop_iat");
  }

  @Test
  void verify_htu_defaultPortCaseQueryAndFragmentNormalized() {
    URI defaultPort = URI.create("https://bindery.example/oauth2/token");
    String proof = sign(key, JWSAlgorithm.ES256, claims().claim("htu", "HTTPS://Bindery.Example:443/oauth2/token?a=b#c")
        .build(), h -> {});
    assertThat(verifier.verify(List.of(proof), "POST", defaultPort)).isNotNull();
  }

  @Test
  void verify_iat_withinSixtySecondsEitherWay() {
    Instant now = clock.instant();
    assertThat(verifier.verify(List.of(proof(claims().issueTime(Date.from(now.minusSeconds(60))).build())), "POST",
        ENDPOINT)).isNotNull();
    assertThat(verifier.verify(List.of(proof(claims().issueTime(Date.from(now.plusSeconds(60))).build())), "POST",
        ENDPOINT)).isNotNull();
    assertInvalid(refused(proof(claims().issueTime(Date.from(now.minusSeconds(61))).build())), "dpop_iat");
    assertInvalid(refused(proof(claims().issueTime(Date.from(now.plusSeconds(61))).build())), "dpop_iat");
  }

  @Test
  void verify_nonceRequired_missingOrStaleGetsAFreshNonce() {
    DpopProofVerifier strict = new DpopProofVerifier(clock, Duration.ofSeconds(60), nonces, true, replays);

    OAuthException missing = catchThrowableOfType(OAuthException.class,
        () -> strict.verify(List.of(proof(claims().build())), "POST", ENDPOINT));
    assertThat(missing.error()).isEqualTo(OAuthError.USE_DPOP_NONCE);
    assertThat(missing.dpopNonce()).isEqualTo(nonces.current());
    String nonce = missing.dpopNonce();
    assertThat(strict.verify(List.of(proof(claims().claim("nonce", nonce).build())), "POST", ENDPOINT)).isNotNull();

    clock.advance(Duration.ofSeconds(120));
    OAuthException stale = catchThrowableOfType(OAuthException.class,
        () -> strict.verify(List.of(proof(claims().claim("nonce", nonce).build())), "POST", ENDPOINT));
    assertThat(stale.error()).isEqualTo(OAuthError.USE_DPOP_NONCE);
    assertThat(stale.reason()).isEqualTo("dpop_nonce_invalid");
    assertThat(stale.dpopNonce()).isNotEqualTo(nonce);
  }

  @Test
  void verify_nonceNotRequiredButInvalid_refused() {
    OAuthException e = refused(proof(claims().claim("nonce", "forged").build()));
    assertThat(e.error()).isEqualTo(OAuthError.USE_DPOP_NONCE);
  }

  @Test
  void verify_replayCacheFull_refusedFailClosed() {
    DpopProofVerifier tiny = new DpopProofVerifier(clock, Duration.ofSeconds(60), nonces, false,
        new DpopReplayCache(Duration.ofSeconds(120), 1));
    tiny.verify(List.of(proof(claims().build())), "POST", ENDPOINT);

    OAuthException e = catchThrowableOfType(OAuthException.class,
        () -> tiny.verify(List.of(proof(claims().build())), "POST", ENDPOINT));

    assertInvalid(e, "dpop_replay_cache_full");
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
