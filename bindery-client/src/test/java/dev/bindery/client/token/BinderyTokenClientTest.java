package dev.bindery.client.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.SignedJWT;
import dev.bindery.client.issuer.BinderyClientException;
import dev.bindery.client.issuer.IssuerUnavailableException;
import dev.bindery.client.jose.Thumbprints;
import dev.bindery.client.resource.BinderyTokenVerifier;
import dev.bindery.client.resource.RequestFacts;
import dev.bindery.client.testing.FakeIssuer;
import dev.bindery.client.testing.Fixture;
import dev.bindery.client.testing.TestPki;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** client_credentials over mutual TLS, private_key_jwt and DPoP against the fake issuer. */
class BinderyTokenClientTest {
  private static final String CLIENT_ID = "nhi_alice";
  private final Fixture f = new Fixture();

  @AfterEach
  void close() {
    f.close();
  }

  private BinderyTokenClient.Builder mtls() {
    return BinderyTokenClient.builder().issuer(f.issuer.issuer()).clientId(CLIENT_ID)
        .mutualTls(f.pki.clientContext(f.alice, f.pki.ca())).clock(f.clock);
  }

  private static Map<String, Object> claims(AccessToken token) throws Exception {
    return SignedJWT.parse(token.value()).getJWTClaimsSet().toJSONObject();
  }

  @Test
  void mutualTls_obtainsACertificateBoundBearerToken_atTheMtlsAlias() throws Exception {
    AccessToken token = mtls().build().token();

    assertThat(token.type()).isEqualTo(AccessToken.Type.BEARER);
    assertThat(token.authorizationHeader()).isEqualTo("Bearer " + token.value());
    assertThat(token.expiresAt()).isEqualTo(f.clock.instant().plusSeconds(300));
    assertThat(token.scopes()).containsExactlyInAnyOrder("orders.read", "orders.write");
    assertThat(claims(token).get("cnf")).isEqualTo(Map.of("x5t#S256", Thumbprints.x5tS256(f.alice.certificate())));
    FakeIssuer.TokenRequest request = f.issuer.tokenRequests.get(0);
    assertThat(request.path()).isEqualTo("/mtls/oauth2/token");
    assertThat(request.clientCertificate()).isTrue();
    assertThat(request.first("grant_type")).isEqualTo("client_credentials");
    assertThat(request.first("client_id")).isEqualTo(CLIENT_ID);
    assertThat(request.dpop()).isNull();
    assertThat(token.toString()).doesNotContain(token.value());
  }

  @Test
  void mutualTls_tokenVerifiesAtAResourceServer_withTheSameCertificateOnly() {
    AccessToken token = mtls().build().token();
    BinderyTokenVerifier verifier = f.verifier().build();
    RequestFacts.Builder request = RequestFacts.builder("GET", Fixture.RESOURCE_URL)
        .authorization(token.authorizationHeader());

    assertThat(verifier.verify(request.clientCertificate(f.alice.certificate()).build()).isAccepted()).isTrue();
    assertThat(verifier.verify(request.clientCertificate(f.bob.certificate()).build()).isAccepted()).isFalse();
  }

  @Test
  void mutualTlsFromPemFiles_works(@TempDir Path dir) throws Exception {
    Path key = dir.resolve("key.pem");
    Path chain = dir.resolve("chain.pem");
    Path ca = dir.resolve("ca.pem");
    Files.writeString(key, TestPki.pem("PRIVATE KEY", f.alice.keyPair().getPrivate().getEncoded()));
    Files.writeString(chain, TestPki.pem("CERTIFICATE", f.alice.certificate().getEncoded()));
    f.pki.writeCaPem(ca);

    AccessToken token = BinderyTokenClient.builder().issuer(f.issuer.issuer()).clientId(CLIENT_ID)
        .mutualTls(key, chain, ca).clock(f.clock).build().token();
    assertThat(claims(token).get("cnf")).isEqualTo(Map.of("x5t#S256", Thumbprints.x5tS256(f.alice.certificate())));
  }

  @Test
  void scopesAndResources_sentAsConfigured() {
    mtls().scopes("orders.read").resources("https://orders.example", "https://billing.example").build().token();
    FakeIssuer.TokenRequest request = f.issuer.tokenRequests.get(0);
    assertThat(request.form().get("scope")).containsExactly("orders.read");
    assertThat(request.form().get("resource")).containsExactly("https://orders.example", "https://billing.example");
  }

  @Test
  void token_cachedUntil80PercentOfItsLifetime_thenRenewed() {
    BinderyTokenClient client = mtls().build();
    AccessToken first = client.token();
    f.clock.advance(Duration.ofSeconds(239));
    assertThat(client.token()).isSameAs(first);
    assertThat(f.issuer.tokenRequests).hasSize(1);

    f.clock.advance(Duration.ofSeconds(1));
    AccessToken second = client.token();
    assertThat(second).isNotSameAs(first);
    assertThat(second.value()).isNotEqualTo(first.value());
    assertThat(f.issuer.tokenRequests).hasSize(2);
    assertThat(f.issuer.metadataHits.get()).isEqualTo(1);
  }

  @Test
  void renewAfter_configurable() {
    BinderyTokenClient client = mtls().renewAfter(0.5).build();
    AccessToken first = client.token();
    f.clock.advance(Duration.ofSeconds(150));
    assertThat(client.token()).isNotSameAs(first);
    assertThatThrownBy(() -> mtls().renewAfter(1.0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void renewalWhileTheServerIsDown_keepsTheValidToken_thenFails() {
    BinderyTokenClient client = mtls().build();
    AccessToken first = client.token();
    f.clock.advance(Duration.ofSeconds(240));
    f.issuer.scriptTokenReply(503, "{}", Map.of());
    assertThat(client.token()).isSameAs(first);

    f.clock.advance(Duration.ofSeconds(56));
    f.issuer.scriptTokenReply(503, "{}", Map.of());
    assertThatThrownBy(client::token).isInstanceOf(IssuerUnavailableException.class).hasMessageContaining("503");
  }

  @Test
  void renewalRefusedByTheServer_isNotHidden() {
    BinderyTokenClient client = mtls().build();
    client.token();
    f.clock.advance(Duration.ofSeconds(240));
    f.issuer.scriptTokenReply(401, "{\"error\":\"invalid_client\",\"error_description\":\"credential revoked\"}",
        Map.of());

    assertThatThrownBy(client::token).isInstanceOfSatisfying(OAuthErrorException.class, e -> {
      assertThat(e.error()).isEqualTo("invalid_client");
      assertThat(e.description()).contains("credential revoked");
      assertThat(e.status()).isEqualTo(401);
    });
  }

  @Test
  void oauthErrors_surfaceAsTypedExceptionWithTheirCode() {
    f.issuer.scriptTokenReply(400, "{\"error\":\"invalid_scope\"}", Map.of());
    assertThatThrownBy(() -> mtls().scopes("admin").build().token())
        .isInstanceOfSatisfying(OAuthErrorException.class, e -> {
          assertThat(e.error()).isEqualTo("invalid_scope");
          assertThat(e.description()).isEmpty();
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.getMessage()).isEqualTo("token request refused: invalid_scope, HTTP 400");
        });
  }

  @Test
  void noClientCertificate_invalidClient() {
    BinderyTokenClient client = BinderyTokenClient.builder().issuer(f.issuer.issuer()).clientId(CLIENT_ID)
        .mutualTls(f.pki.trustContext()).clock(f.clock).build();
    assertThatThrownBy(client::token).isInstanceOfSatisfying(OAuthErrorException.class,
        e -> assertThat(e.error()).isEqualTo("invalid_client"));
  }

  @Test
  void malformedSuccess_refused() {
    f.issuer.scriptTokenReply(200, "{\"access_token\":\"x\",\"token_type\":\"Bearer\"}", Map.of());
    assertThatThrownBy(() -> mtls().build().token()).isInstanceOf(IssuerUnavailableException.class)
        .hasMessageContaining("expires_in");
    f.issuer.scriptTokenReply(200, "{\"access_token\":\"x\",\"token_type\":\"mac\",\"expires_in\":60}", Map.of());
    assertThatThrownBy(() -> mtls().build().token()).isInstanceOf(IssuerUnavailableException.class)
        .hasMessageContaining("token_type");
  }

  @Test
  void dpop_obtainsADPoPBoundToken_thatVerifiesWithTheClientsProofs() throws Exception {
    BinderyTokenClient client = mtls().dpop(f.dpopKey).build();
    AccessToken token = client.token();

    assertThat(token.type()).isEqualTo(AccessToken.Type.DPOP);
    assertThat(token.authorizationHeader()).startsWith("DPoP ");
    assertThat(claims(token).get("cnf")).isEqualTo(Map.of("jkt", f.dpopKey.jwkThumbprint()));
    SignedJWT proof = SignedJWT.parse(f.issuer.tokenRequests.get(0).dpop());
    assertThat(proof.getJWTClaimsSet().getStringClaim("htm")).isEqualTo("POST");
    assertThat(proof.getJWTClaimsSet().getStringClaim("htu")).isEqualTo(f.issuer.mtlsTokenEndpoint().toString());
    assertThat(proof.getJWTClaimsSet().getClaim("ath")).isNull();

    BinderyTokenVerifier verifier = f.verifier().build();
    URI resource = URI.create(Fixture.RESOURCE_URL);
    String rsProof = client.dpopProof("GET", resource, token, null);
    assertThat(verifier.verify(RequestFacts.builder("GET", Fixture.RESOURCE_URL)
        .authorization(token.authorizationHeader()).dpop(rsProof).build()).isAccepted()).isTrue();
  }

  @Test
  void dpopNonce_retriedOnceWithTheServersNonce() throws Exception {
    f.issuer.requireDpopNonce("nonce-7");
    AccessToken token = mtls().dpop(f.dpopKey).build().token();

    assertThat(token.type()).isEqualTo(AccessToken.Type.DPOP);
    assertThat(f.issuer.tokenRequests).hasSize(2);
    assertThat(SignedJWT.parse(f.issuer.tokenRequests.get(0).dpop()).getJWTClaimsSet().getClaim("nonce")).isNull();
    assertThat(SignedJWT.parse(f.issuer.tokenRequests.get(1).dpop()).getJWTClaimsSet().getStringClaim("nonce"))
        .isEqualTo("nonce-7");
  }

  @Test
  void dpopNonce_retriedOnlyOnce() {
    Map<String, String> nonce = Map.of("DPoP-Nonce", "n");
    f.issuer.scriptTokenReply(400, "{\"error\":\"use_dpop_nonce\"}", nonce);
    f.issuer.scriptTokenReply(400, "{\"error\":\"use_dpop_nonce\"}", nonce);
    f.issuer.scriptTokenReply(400, "{\"error\":\"use_dpop_nonce\"}", nonce);

    assertThatThrownBy(() -> mtls().dpop(f.dpopKey).build().token())
        .isInstanceOfSatisfying(OAuthErrorException.class, e -> assertThat(e.error()).isEqualTo("use_dpop_nonce"));
    assertThat(f.issuer.tokenRequests).hasSize(2);
  }

  @Test
  void dpopRequested_butServerIssuesBearer_refused() {
    f.issuer.issueUnboundForDpop();
    assertThatThrownBy(() -> mtls().dpop(f.dpopKey).build().token()).isInstanceOf(BinderyClientException.class)
        .hasMessageContaining("did not bind the token to the DPoP key");
  }

  @Test
  void privateKeyJwt_withDPoP_obtainsADPoPToken() throws Exception {
    KeyPair registered = TestPki.ecKey();
    f.issuer.registerAssertionKey("alice-key-1", (ECPublicKey) registered.getPublic());
    BinderyTokenClient client = BinderyTokenClient.builder().issuer(f.issuer.issuer()).clientId(CLIENT_ID)
        .privateKeyJwt(registered.getPrivate(), "alice-key-1").serverTrust(f.pki.trustContext())
        .dpop(f.dpopKey).clock(f.clock).build();

    AccessToken token = client.token();

    assertThat(token.type()).isEqualTo(AccessToken.Type.DPOP);
    FakeIssuer.TokenRequest request = f.issuer.tokenRequests.get(0);
    assertThat(request.path()).isEqualTo("/oauth2/token");
    assertThat(request.clientCertificate()).isFalse();
    assertThat(request.first("client_assertion_type"))
        .isEqualTo("urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    var assertion = SignedJWT.parse(request.first("client_assertion"));
    assertThat(assertion.getHeader().getKeyID()).isEqualTo("alice-key-1");
    assertThat(assertion.getJWTClaimsSet().getIssuer()).isEqualTo(CLIENT_ID);
    assertThat(assertion.getJWTClaimsSet().getSubject()).isEqualTo(CLIENT_ID);
    assertThat(assertion.getJWTClaimsSet().getAudience()).containsExactly(f.issuer.issuer());
    assertThat(assertion.getJWTClaimsSet().getExpirationTime().toInstant())
        .isEqualTo(f.clock.instant().plusSeconds(60));
    assertThat(assertion.getJWTClaimsSet().getJWTID()).hasSizeGreaterThanOrEqualTo(22);
  }

  @Test
  void privateKeyJwt_keyPair_kidIsTheRfc7638ThumbprintOfItsPublicKey() throws Exception {
    KeyPair registered = TestPki.ecKey();
    String thumbprint = new com.nimbusds.jose.jwk.ECKey.Builder(com.nimbusds.jose.jwk.Curve.P_256,
        (ECPublicKey) registered.getPublic()).build().computeThumbprint("SHA-256").toString();
    f.issuer.registerAssertionKey(thumbprint, (ECPublicKey) registered.getPublic());
    BinderyTokenClient client = BinderyTokenClient.builder().issuer(f.issuer.issuer()).clientId(CLIENT_ID)
        .privateKeyJwt(registered).serverTrust(f.pki.trustContext()).dpop(f.dpopKey).clock(f.clock).build();

    assertThat(client.token().type()).isEqualTo(AccessToken.Type.DPOP);
    var assertion = SignedJWT.parse(f.issuer.tokenRequests.get(0).first("client_assertion"));
    assertThat(assertion.getHeader().getKeyID()).isEqualTo(thumbprint);
  }

  @Test
  void privateKeyJwt_unregisteredKey_invalidClient() {
    BinderyTokenClient client = BinderyTokenClient.builder().issuer(f.issuer.issuer()).clientId(CLIENT_ID)
        .privateKeyJwt(TestPki.ecKey().getPrivate(), "unknown").serverTrust(f.pki.trustContext()).clock(f.clock)
        .build();
    assertThatThrownBy(client::token).isInstanceOfSatisfying(OAuthErrorException.class,
        e -> assertThat(e.error()).isEqualTo("invalid_client"));
  }

  @Test
  void untrustedServer_refusedAtTls() {
    BinderyTokenClient client = BinderyTokenClient.builder().issuer(f.issuer.issuer()).clientId(CLIENT_ID)
        .mutualTls(f.pki.clientContext(f.alice, TestPki.generate("stranger").ca())).clock(f.clock).build();
    assertThatThrownBy(client::token).isInstanceOf(IssuerUnavailableException.class);
    assertThat(f.issuer.tokenRequests).isEmpty();
  }

  @Test
  void builder_requiresExactlyOneClientAuthentication() {
    assertThatThrownBy(() -> BinderyTokenClient.builder().issuer(f.issuer.issuer()).clientId(CLIENT_ID)
        .serverTrust(f.pki.trustContext()).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("exactly one");
    assertThatThrownBy(() -> mtls().privateKeyJwt(TestPki.ecKey().getPrivate(), "k").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("exactly one");
    assertThatThrownBy(() -> mtls().scopes("two words")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void dpopProof_withoutDPoPKey_refused() {
    BinderyTokenClient client = mtls().build();
    AccessToken token = client.token();
    assertThatThrownBy(() -> client.dpopProof("GET", URI.create(Fixture.RESOURCE_URL), token, null))
        .isInstanceOf(IllegalStateException.class);
    assertThat(client.dpop()).isEmpty();
  }
}
