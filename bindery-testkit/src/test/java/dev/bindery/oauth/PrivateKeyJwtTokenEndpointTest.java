package dev.bindery.oauth;

import static dev.bindery.oauth.ClientAuthenticationTest.refusal;
import static dev.bindery.testkit.BinderyAssertions.assertNothingWritten;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.bindery.identity.Identity;
import dev.bindery.pki.RevocationReason;
import dev.bindery.testkit.StoreState;
import dev.bindery.testkit.pki.TestKeys;
import dev.bindery.token.Confirmation;
import dev.bindery.token.IssuedAccessToken;
import java.net.URI;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.Test;

/**
 * The token endpoint with {@code private_key_jwt}: the client has no certificate to bind to, so a DPoP proof binds the
 * token, and without one the token is unbound only if the identity's policy allows it. Assertions built by jose4j (a
 * JOSE implementation sharing no code with the Nimbus library the server verifies with) are accepted.
 */
class PrivateKeyJwtTokenEndpointTest {
  /** Introspection as an operator: answered for every token, whatever its audience. */
  private static final ResourceServerCallers.ResourceServerCaller OPERATOR =
      new ResourceServerCallers.ResourceServerCaller("system", true);

  static final URI ENDPOINT = URI.create(OAuthFixture.ISSUER + OAuthFixture.TOKEN_PATH);
  final OAuthFixture f = new OAuthFixture();
  final DpopProofVerifier dpop = new DpopProofVerifier(f.b.clock(), Duration.ofSeconds(60),
      new DpopNonces(new byte[32], Duration.ofSeconds(60), f.b.clock()), false,
      new DpopReplayCache(Duration.ofSeconds(120), 1000));
  final TokenEndpoint endpoint = new TokenEndpoint(f.allClients, dpop, f.tokens(f.settings), OAuthEvents.NONE);
  final Identity identity = f.identity("billing.read");
  final OAuthFixture.RegisteredKey key = f.registerKey(identity.id(), TestKeys.ecP256());
  final ECKey dpopKey = DpopProofVerifierTest.ec(Curve.P_256);

  TokenRequest request(String assertion, List<X509Certificate> chain, List<String> proofs) {
    ClientAuthenticationRequest client = new ClientAuthenticationRequest(identity.id().value(), chain,
        ClientAuthentication.JWT_BEARER_ASSERTION, assertion, false, null, "req");
    return new TokenRequest(TokenEndpoint.CLIENT_CREDENTIALS, null, List.of(OAuthFixture.API), client, proofs,
        "POST", ENDPOINT);
  }

  String assertion() {
    return f.assertion(identity.id()).kid(key.kid()).sign(key.key());
  }

  String proof() {
    return DpopProofVerifierTest.sign(dpopKey, JWSAlgorithm.ES256, new JWTClaimsSet.Builder()
        .jwtID(UUID.randomUUID().toString()).claim("htm", "POST").claim("htu", ENDPOINT.toString())
        .issueTime(Date.from(f.b.clock().instant())).build(), h -> { });
  }

  @Test
  void token_privateKeyJwtWithDpop_dpopBoundToTheProofKey() {
    IssuedAccessToken t = endpoint.token(request(assertion(), List.of(), List.of(proof())));

    assertThat(t.tokenType()).isEqualTo("DPoP");
    assertThat(t.confirmation()).isEqualTo(Confirmation.dpop(DpopProofVerifier.thumbprint(dpopKey)));
  }

  @Test
  void token_privateKeyJwtWithoutDpopUnderTheDefaultPolicy_invalidRequestUnboundNotAllowed() {
    refusal(() -> endpoint.token(request(assertion(), List.of(), List.of())), OAuthError.INVALID_REQUEST,
        "unbound_not_allowed");
  }

  @Test
  void token_privateKeyJwtOverAConnectionWithACertificate_theCertificateBindsNothing() {
    X509Certificate connection = f.enrol(identity.id()).certificate();

    refusal(() -> endpoint.token(request(assertion(), List.of(connection), List.of())), OAuthError.INVALID_REQUEST,
        "unbound_not_allowed");
    IssuedAccessToken t = endpoint.token(request(assertion(), List.of(connection), List.of(proof())));
    assertThat(t.confirmation()).as("one cnf member: the proof's key").isEqualTo(
        Confirmation.dpop(DpopProofVerifier.thumbprint(dpopKey)));
  }

  @Test
  void token_privateKeyJwtWithoutDpopWhenThePolicyAllowsUnbound_bearerWithoutCnf() {
    f.policies.set(f.adminCaller, identity.id(), true, null);

    IssuedAccessToken t = endpoint.token(request(assertion(), List.of(), List.of()));

    assertThat(t.tokenType()).isEqualTo("Bearer");
    assertThat(t.confirmation()).isEqualTo(Confirmation.none());
  }

  @Test
  void token_revokedKey_invalidClientBeforeTheProofIsLookedAt() {
    f.credentials.revoke(f.adminCaller, key.credentialId(), RevocationReason.KEY_COMPROMISE);
    StoreState before = f.b.state();
    String proof = proof();

    refusal(() -> endpoint.token(request(assertion(), List.of(), List.of(proof))), OAuthError.INVALID_CLIENT,
        "credential_revoked");

    assertNothingWritten(f.b, before);
    assertThat(dpop.verify(List.of(proof), "POST", ENDPOINT)).as("the proof was not consumed").isNotNull();
  }

  @Test
  void token_registeredKeyAlsoTheDpopKey_revokingTheKeyRevokesTheToken() throws Exception {
    ECKey registered = new ECKey.Builder(Curve.P_256, (java.security.interfaces.ECPublicKey) key.key().getPublic())
        .privateKey(key.key().getPrivate()).build();
    String proof = DpopProofVerifierTest.sign(registered, JWSAlgorithm.ES256, new JWTClaimsSet.Builder()
        .jwtID(UUID.randomUUID().toString()).claim("htm", "POST").claim("htu", ENDPOINT.toString())
        .issueTime(Date.from(f.b.clock().instant())).build(), h -> { });
    IssuedAccessToken t = endpoint.token(request(assertion(), List.of(), List.of(proof)));
    assertThat(t.confirmation().dpopKey().value()).isEqualTo(key.kid());
    TokenIntrospection introspection = new TokenIntrospection(new AccessTokenVerifier(f.keys, f.b.clock(),
        () -> OAuthFixture.ISSUER), f.b.store());
    assertThat(introspection.introspect(t.value().reveal(), OPERATOR)).isPresent();

    f.credentials.revoke(f.adminCaller, key.credentialId(), RevocationReason.KEY_COMPROMISE);

    assertThat(introspection.introspect(t.value().reveal(), OPERATOR)).as("a jkt revocation event for the key").isEmpty();
  }

  // ---- interoperability: assertions built by jose4j -----------------------------------------------------

  String jose4j(KeyPair signingKey, String alg, String kid, String jti) throws Exception {
    JwtClaims claims = new JwtClaims();
    claims.setIssuer(identity.id().value());
    claims.setSubject(identity.id().value());
    claims.setAudience(OAuthFixture.ISSUER);
    claims.setJwtId(jti);
    claims.setIssuedAt(NumericDate.fromSeconds(f.b.clock().instant().getEpochSecond()));
    claims.setExpirationTime(NumericDate.fromSeconds(f.b.clock().instant().getEpochSecond() + 60));
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(claims.toJson());
    jws.setAlgorithmHeaderValue(alg);
    if (kid != null) {
      jws.setKeyIdHeaderValue(kid);
    }
    jws.setKey(signingKey.getPrivate());
    return jws.getCompactSerialization();
  }

  @Test
  void token_assertionsBuiltWithJose4j_acceptedOnceEach() throws Exception {
    OAuthFixture.RegisteredKey ed = f.registerKey(identity.id(), TestKeys.ed25519());
    OAuthFixture.RegisteredKey rsa = f.registerKey(identity.id(), TestKeys.rsa(2048));
    String es256 = jose4j(key.key(), AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256, key.kid(), "j1");
    String eddsa = jose4j(ed.key(), AlgorithmIdentifiers.EDDSA, null, "j2");
    String ps256 = jose4j(rsa.key(), AlgorithmIdentifiers.RSA_PSS_USING_SHA256, rsa.kid(), "j3");

    assertThat(endpoint.token(request(es256, List.of(), List.of(proof()))).tokenType()).isEqualTo("DPoP");
    assertThat(endpoint.token(request(eddsa, List.of(), List.of(proof()))).tokenType()).isEqualTo("DPoP");
    assertThat(endpoint.token(request(ps256, List.of(), List.of(proof()))).tokenType()).isEqualTo("DPoP");

    refusal(() -> endpoint.token(request(es256, List.of(), List.of(proof()))), OAuthError.INVALID_CLIENT,
        "assertion_replay");
    String forged = jose4j(TestKeys.ecP256(), AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256, key.kid(), "j4");
    refusal(() -> endpoint.token(request(forged, List.of(), List.of(proof()))), OAuthError.INVALID_CLIENT,
        "signature_invalid");
  }
}
