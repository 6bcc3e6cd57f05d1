package dev.bindery.client.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.SignedJWT;
import dev.bindery.client.testing.TestPki;
import dev.bindery.testkit.MutableClock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DPoPProofFactoryTest {
  private final MutableClock clock = MutableClock.standard();
  private final KeyPair key = TestPki.ecKey();
  private final DPoPProofFactory factory = DPoPProofFactory.of(key, clock);

  @Test
  void proof_hasTheRfc9449HeaderAndClaims() throws Exception {
    SignedJWT proof = SignedJWT.parse(factory.proof("POST", URI.create("https://as.example:8443/oauth2/token?x=1#f"),
        null));

    assertThat(proof.getHeader().getType().getType()).isEqualTo("dpop+jwt");
    assertThat(proof.getHeader().getAlgorithm().getName()).isEqualTo("ES256");
    assertThat(proof.getHeader().getJWK().isPrivate()).isFalse();
    assertThat(proof.getHeader().getJWK().toJSONObject()).doesNotContainKey("d");
    var claims = proof.getJWTClaimsSet();
    assertThat(claims.getStringClaim("htm")).isEqualTo("POST");
    assertThat(claims.getStringClaim("htu")).isEqualTo("https://as.example:8443/oauth2/token");
    assertThat(claims.getIssueTime().toInstant()).isEqualTo(clock.instant());
    assertThat(claims.getClaim("ath")).isNull();
    assertThat(claims.getClaim("nonce")).isNull();
    assertThat(proof.verify(new com.nimbusds.jose.crypto.ECDSAVerifier(proof.getHeader().getJWK().toECKey())))
        .isTrue();
  }

  @Test
  void proofForResource_carriesAthAndNonce() throws Exception {
    String token = "eyJ0eXAiOiJhdCtqd3QifQ.e30.sig";
    SignedJWT proof = SignedJWT.parse(factory.proofForResource("GET", URI.create("https://rs.example/r"), token,
        "n-1"));
    byte[] hash = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
    assertThat(proof.getJWTClaimsSet().getStringClaim("ath"))
        .isEqualTo(Base64.getUrlEncoder().withoutPadding().encodeToString(hash));
    assertThat(proof.getJWTClaimsSet().getStringClaim("nonce")).isEqualTo("n-1");
  }

  @Test
  void proofs_haveUniqueJti() throws Exception {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      seen.add(SignedJWT.parse(factory.proof("GET", URI.create("https://a.example/"), null)).getJWTClaimsSet()
          .getJWTID());
    }
    assertThat(seen).hasSize(200);
  }

  @Test
  void jwkThumbprint_isTheRfc7638ValueOfTheKey() throws Exception {
    ECKey jwk = factory.publicJwk();
    String canonical = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + jwk.getX() + "\",\"y\":\"" + jwk.getY() + "\"}";
    byte[] hash = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
    assertThat(factory.jwkThumbprint()).isEqualTo(Base64.getUrlEncoder().withoutPadding().encodeToString(hash));
    assertThat(factory.toString()).contains(factory.jwkThumbprint());
  }

  @Test
  void of_keyNotOnP256_refused() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp384r1"));
    assertThatThrownBy(() -> DPoPProofFactory.of(g.generateKeyPair(), clock))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("P-256");
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    assertThatThrownBy(() -> DPoPProofFactory.of(rsa.generateKeyPair(), clock))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void proof_relativeUrl_refused() {
    assertThatThrownBy(() -> factory.proof("GET", URI.create("/relative"), null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
