package dev.bindery.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.client.resource.BinderyTokenVerifier;
import dev.bindery.client.resource.RequestFacts;
import dev.bindery.client.resource.VerificationResult;
import dev.bindery.client.testing.FakeIssuer;
import dev.bindery.client.testing.Fixture;
import dev.bindery.client.token.AccessToken;
import dev.bindery.client.token.BinderyTokenClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Interoperability with jose4j, a second JOSE implementation that shares no code with Nimbus: tokens and
 * proofs made on our side verify there, and tokens and proofs jose4j makes verify in the SDK.
 */
class InteroperabilityTest {
  private final Fixture f = new Fixture();

  @AfterEach
  void close() {
    f.close();
  }

  private JsonWebKeySet issuerJwks() throws Exception {
    HttpClient http = HttpClient.newBuilder().sslContext(f.pki.trustContext()).build();
    String json = http.send(HttpRequest.newBuilder(URI.create(f.issuer.issuer() + "/oauth2/jwks")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    return new JsonWebKeySet(json);
  }

  private JwtConsumer jose4jConsumer() throws Exception {
    return new JwtConsumerBuilder()
        .setVerificationKeyResolver(new JwksVerificationKeyResolver(issuerJwks().getJsonWebKeys()))
        .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256)
        .setExpectedType(true, "at+jwt")
        .setExpectedIssuer(f.issuer.issuer())
        .setExpectedAudience(FakeIssuer.AUDIENCE)
        .setRequireExpirationTime().setRequireIssuedAt().setRequireSubject().setRequireJwtId()
        .setEvaluationTime(NumericDate.fromMilliseconds(f.clock.millis()))
        .build();
  }

  private static String sha256Base64Url(byte[] bytes) throws Exception {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void issuedCertificateBoundToken_verifiesWithJose4j() throws Exception {
    AccessToken token = BinderyTokenClient.builder().issuer(f.issuer.issuer()).clientId("nhi_alice")
        .mutualTls(f.pki.clientContext(f.alice, f.pki.ca())).clock(f.clock).build().token();

    JwtClaims claims = jose4jConsumer().processToClaims(token.value());

    assertThat(claims.getSubject()).isEqualTo("nhi_alice");
    assertThat(claims.getClaimValue("client_id")).isEqualTo("nhi_alice");
    @SuppressWarnings("unchecked")
    Map<String, Object> cnf = (Map<String, Object>) claims.getClaimValue("cnf");
    assertThat(cnf).containsEntry("x5t#S256", sha256Base64Url(f.alice.certificate().getEncoded()));
  }

  @Test
  void sdkDPoPProof_verifiesWithJose4j_andBothAgreeOnTheKeyThumbprintAndAth() throws Exception {
    String accessToken = f.issuer.mint().boundToKey(f.dpopKey.jwkThumbprint()).sign();
    String proof = f.proof(accessToken);

    JsonWebSignature jws = new JsonWebSignature();
    jws.setAlgorithmConstraints(new AlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
        AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256));
    jws.setCompactSerialization(proof);
    PublicJsonWebKey jwk = jws.getJwkHeader();
    jws.setKey(jwk.getPublicKey());

    assertThat(jws.verifySignature()).isTrue();
    assertThat(jws.getHeader("typ")).isEqualTo("dpop+jwt");
    assertThat(jwk.calculateBase64urlEncodedThumbprint("SHA-256")).isEqualTo(f.dpopKey.jwkThumbprint());
    JwtClaims claims = JwtClaims.parse(jws.getPayload());
    assertThat(claims.getClaimValue("htu")).isEqualTo(Fixture.RESOURCE_URL);
    assertThat(claims.getClaimValue("ath"))
        .isEqualTo(sha256Base64Url(accessToken.getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void tokenSignedByJose4j_verifiesInTheSdk() throws Exception {
    JwtClaims claims = new JwtClaims();
    claims.setIssuer(f.issuer.issuer());
    claims.setSubject("nhi_alice");
    claims.setAudience(FakeIssuer.AUDIENCE);
    claims.setClaim("client_id", "nhi_alice");
    claims.setIssuedAt(NumericDate.fromMilliseconds(f.clock.millis()));
    claims.setNotBefore(NumericDate.fromMilliseconds(f.clock.millis()));
    claims.setExpirationTime(NumericDate.fromMilliseconds(f.clock.millis() + 300_000));
    claims.setJwtId("tok_jose4j");
    claims.setClaim("scope", "orders.read");
    claims.setClaim("cnf", Map.of("x5t#S256", sha256Base64Url(f.alice.certificate().getEncoded())));
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(claims.toJson());
    jws.setKey(f.issuer.currentPrivateKey());
    jws.setKeyIdHeaderValue(f.issuer.currentKid());
    jws.setHeader("typ", "at+jwt");
    jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
    String token = jws.getCompactSerialization();

    BinderyTokenVerifier verifier = f.verifier().build();
    VerificationResult result = verifier.verify(Fixture.bearer(token, f.alice.certificate()));

    assertThat(result.isAccepted()).as("%s", result).isTrue();
    assertThat(result.token().tokenId()).isEqualTo("tok_jose4j");
  }

  @Test
  void dpopProofSignedByJose4j_verifiesInTheSdk() throws Exception {
    KeyPair key = dev.bindery.client.testing.TestPki.ecKey();
    PublicJsonWebKey jwk = PublicJsonWebKey.Factory.newPublicJwk(key.getPublic());
    String accessToken = f.issuer.mint().boundToKey(jwk.calculateBase64urlEncodedThumbprint("SHA-256")).sign();
    JwtClaims claims = new JwtClaims();
    claims.setJwtId("proof-1");
    claims.setClaim("htm", "GET");
    claims.setClaim("htu", Fixture.RESOURCE_URL);
    claims.setIssuedAt(NumericDate.fromMilliseconds(f.clock.millis()));
    claims.setClaim("ath", sha256Base64Url(accessToken.getBytes(StandardCharsets.US_ASCII)));
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(claims.toJson());
    jws.setKey(key.getPrivate());
    jws.setJwkHeader(jwk);
    jws.setHeader("typ", "dpop+jwt");
    jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);

    BinderyTokenVerifier verifier = f.verifier().build();
    VerificationResult result = verifier.verify(RequestFacts.builder("GET", Fixture.RESOURCE_URL)
        .authorization("DPoP " + accessToken).dpop(jws.getCompactSerialization()).build());

    assertThat(result.isAccepted()).as("%s", result).isTrue();
  }
}
