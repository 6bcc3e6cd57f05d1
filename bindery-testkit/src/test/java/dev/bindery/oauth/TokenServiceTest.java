package dev.bindery.oauth;

import static dev.bindery.testkit.BinderyAssertions.assertNothingWritten;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.bindery.credential.Credential;
import dev.bindery.credential.CredentialKeys;
import dev.bindery.credential.Thumbprint;
import dev.bindery.identity.Identity;
import dev.bindery.identity.Scope;
import dev.bindery.testkit.StoreState;
import dev.bindery.testkit.TestCredentials;
import dev.bindery.token.Audience;
import dev.bindery.token.IssuedAccessToken;
import dev.bindery.token.TokenSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * The client_credentials grant for an authenticated client: scopes, resources, binding (DPoP, certificate, or
 * unbound only when the identity's policy allows it), lifetime; and that issuing writes nothing.
 */
class TokenServiceTest {
  final OAuthFixture f = new OAuthFixture();
  final TokenService tokens = f.tokens(f.settings);
  final Identity identity = f.identity("billing.read", "billing.write");
  final OAuthFixture.Presented presented = f.enrol(identity.id());
  final AuthenticatedClient client = f.authenticate(identity.id(), presented.certificate());
  static final Thumbprint JKT = new Thumbprint("0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I");

  static OAuthException refusal(ThrowingCallable call, OAuthError error, String reason) {
    return ClientAuthenticationTest.refusal(call, error, reason);
  }

  JWTClaimsSet verified(IssuedAccessToken t) throws Exception {
    SignedJWT jwt = SignedJWT.parse(t.value().reveal());
    ECKey key = f.keys.verificationKey(jwt.getHeader().getKeyID()).orElseThrow();
    assertThat(jwt.verify(new ECDSAVerifier(key))).isTrue();
    return jwt.getJWTClaimsSet();
  }

  /** A client authenticated without a certificate, as private_key_jwt will be. */
  AuthenticatedClient withoutCertificate(Identity i) {
    Credential key = TestCredentials.publicKey(i.id()).build(f.b.clock().instant());
    return new AuthenticatedClient(i, ClientAuthenticationMethod.PRIVATE_KEY_JWT, key, null, f.b.clock().instant());
  }

  @Test
  void clientCredentials_mutualTls_boundToTheCertificateWithAllScopesAndWritesNothing() throws Exception {
    StoreState before = f.b.state();

    IssuedAccessToken t = tokens.clientCredentials(client, null, List.of(OAuthFixture.API), null);

    assertNothingWritten(f.b, before);
    assertThat(t.tokenType()).isEqualTo("Bearer");
    assertThat(t.expiresIn()).isEqualTo(300);
    assertThat(t.scopes()).containsExactlyInAnyOrder(new Scope("billing.read"), new Scope("billing.write"));
    JWTClaimsSet c = verified(t);
    assertThat(c.getIssuer()).isEqualTo(OAuthFixture.ISSUER);
    assertThat(c.getSubject()).isEqualTo(identity.id().value());
    assertThat(c.getStringClaim("client_id")).isEqualTo(identity.id().value());
    assertThat(c.getAudience()).containsExactly(OAuthFixture.API);
    assertThat(c.getJWTID()).isEqualTo(t.jti()).matches("tok_[a-z2-7]{26}");
    assertThat(c.getStringClaim("scope")).isEqualTo("billing.read billing.write");
    assertThat(c.getJSONObjectClaim("cnf")).isEqualTo(Map.of("x5t#S256",
        CredentialKeys.x5tS256(presented.certificate()).value()));
  }

  @Test
  void clientCredentials_dpopProof_boundToTheProofKeyOnly() throws Exception {
    IssuedAccessToken t = tokens.clientCredentials(client, "billing.read", List.of(OAuthFixture.API),
        new DpopProof(JKT, "j", f.b.clock().instant()));

    assertThat(t.tokenType()).isEqualTo("DPoP");
    assertThat(verified(t).getJSONObjectClaim("cnf")).isEqualTo(Map.of("jkt", JKT.value()));
  }

  @Test
  void clientCredentials_noCertificateNoProofDefaultPolicy_refusedUnbound() {
    StoreState before = f.b.state();

    OAuthException e = refusal(() -> tokens.clientCredentials(withoutCertificate(identity), null,
        List.of(OAuthFixture.API), null), OAuthError.INVALID_REQUEST, "unbound_not_allowed");

    assertThat(e.description()).contains("bound tokens");
    assertNothingWritten(f.b, before);
  }

  @Test
  void clientCredentials_noCertificateNoProofPolicyAllowsUnbound_tokenWithoutCnf() throws Exception {
    f.policies.set(f.adminCaller, identity.id(), true, null);

    IssuedAccessToken t = tokens.clientCredentials(withoutCertificate(identity), null, List.of(OAuthFixture.API),
        null);

    assertThat(t.tokenType()).isEqualTo("Bearer");
    assertThat(t.confirmation().bound()).isFalse();
    assertThat(verified(t).getClaim("cnf")).isNull();
  }

  @Test
  void clientCredentials_policyAllowsUnboundButACertificateIsPresented_stillBound() throws Exception {
    f.policies.set(f.adminCaller, identity.id(), true, null);

    IssuedAccessToken t = tokens.clientCredentials(client, null, List.of(OAuthFixture.API), null);

    assertThat(verified(t).getJSONObjectClaim("cnf")).containsKey("x5t#S256");
  }

  @Test
  void clientCredentials_scopes_subsetOnlyAndWellFormed() {
    refusal(() -> tokens.clientCredentials(client, "billing.read admin", List.of(OAuthFixture.API), null),
        OAuthError.INVALID_SCOPE, "scope_not_granted");
    refusal(() -> tokens.clientCredentials(client, "billing.read  billing.write", List.of(OAuthFixture.API), null),
        OAuthError.INVALID_SCOPE, "scope_malformed");
    refusal(() -> tokens.clientCredentials(client, " billing.read", List.of(OAuthFixture.API), null),
        OAuthError.INVALID_SCOPE, "scope_malformed");
    refusal(() -> tokens.clientCredentials(client, "bad\"scope", List.of(OAuthFixture.API), null),
        OAuthError.INVALID_SCOPE, "scope_malformed");
    assertThat(tokens.clientCredentials(client, "billing.write", List.of(OAuthFixture.API), null).scopes())
        .containsExactly(new Scope("billing.write"));
  }

  @Test
  void clientCredentials_identityWithoutScopes_tokenWithoutScopeClaim() throws Exception {
    Identity bare = f.identity();
    AuthenticatedClient c = f.authenticate(bare.id(), f.enrol(bare.id()).certificate());

    IssuedAccessToken t = tokens.clientCredentials(c, null, List.of(OAuthFixture.API), null);

    assertThat(verified(t).getClaim("scope")).isNull();
    refusal(() -> tokens.clientCredentials(c, "anything", List.of(OAuthFixture.API), null), OAuthError.INVALID_SCOPE,
        "scope_not_granted");
  }

  @Test
  void clientCredentials_resources_registeredWellFormedAndAtMostTen() throws Exception {
    refusal(() -> tokens.clientCredentials(client, null, List.of("https://unknown.example/"), null),
        OAuthError.INVALID_TARGET, "resource_unknown");
    refusal(() -> tokens.clientCredentials(client, null, List.of("not a uri"), null), OAuthError.INVALID_TARGET,
        "resource_malformed");
    List<String> eleven = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      eleven.add(OAuthFixture.API);
    }
    refusal(() -> tokens.clientCredentials(client, null, eleven, null), OAuthError.INVALID_TARGET,
        "resource_malformed");
    refusal(() -> tokens.clientCredentials(client, null, List.of(), null), OAuthError.INVALID_TARGET,
        "resource_required");
    IssuedAccessToken dup = tokens.clientCredentials(client, null, List.of(OAuthFixture.API, OAuthFixture.API), null);
    assertThat(verified(dup).getAudience()).containsExactly(OAuthFixture.API);
  }

  @Test
  void clientCredentials_noResourceWithADefaultAudience_tokenForTheDefault() throws Exception {
    TokenService withDefault = f.tokens(new TokenSettings(Duration.ofSeconds(300), Duration.ofSeconds(3600),
        new Audience("urn:example:default")));

    IssuedAccessToken t = withDefault.clientCredentials(client, null, List.of(), null);

    assertThat(verified(t).getAudience()).containsExactly("urn:example:default");
  }

  @Test
  void clientCredentials_lifetime_policyThenMaximumThenCredentialExpiry() throws Exception {
    f.policies.set(f.adminCaller, identity.id(), false, Duration.ofSeconds(120));
    assertThat(tokens.clientCredentials(client, null, List.of(OAuthFixture.API), null).expiresIn()).isEqualTo(120);

    f.policies.set(f.adminCaller, identity.id(), false, Duration.ofSeconds(3600));
    TokenService capped = f.tokens(new TokenSettings(Duration.ofSeconds(300), Duration.ofSeconds(600), null));
    assertThat(capped.clientCredentials(client, null, List.of(OAuthFixture.API), null).expiresIn()).isEqualTo(600);

    Instant notAfter = client.credential().notAfter();
    f.b.clock().set(notAfter.minusSeconds(42));
    IssuedAccessToken late = tokens.clientCredentials(client, null, List.of(OAuthFixture.API), null);
    assertThat(late.expiresAt()).isEqualTo(notAfter);
    assertThat(verified(late).getExpirationTime().toInstant()).isEqualTo(notAfter);
  }

  @Test
  void clientCredentials_identityNoLongerActive_invalidClient() {
    Identity suspended = f.b.identities().suspend(f.adminCaller, identity.id(), identity.version() , "incident");
    AuthenticatedClient stale = new AuthenticatedClient(suspended, client.method(), client.credential(),
        client.certificateThumbprint(), f.b.clock().instant());

    refusal(() -> tokens.clientCredentials(stale, null, List.of(OAuthFixture.API), null), OAuthError.INVALID_CLIENT,
        "identity_not_active");
  }

  @Test
  void tokenEndpoint_grantTypeAndOrder_checkedBeforeClientAuthentication() {
    TokenEndpoint endpoint = new TokenEndpoint(f.clients, new DpopProofVerifier(f.b.clock(), Duration.ofSeconds(60),
        new DpopNonces(new byte[32], Duration.ofSeconds(60), f.b.clock()), false,
        new DpopReplayCache(Duration.ofSeconds(120), 10)), tokens, OAuthEvents.NONE);
    java.net.URI url = java.net.URI.create(OAuthFixture.ISSUER + "/oauth2/token");
    ClientAuthenticationRequest none = OAuthFixture.mtls(identity.id().value());

    refusal(() -> endpoint.token(new TokenRequest(null, null, List.of(), none, List.of(), "POST", url)),
        OAuthError.INVALID_REQUEST, "grant_type_missing");
    refusal(() -> endpoint.token(new TokenRequest("password", null, List.of(), none, List.of(), "POST", url)),
        OAuthError.UNSUPPORTED_GRANT_TYPE, "grant_type_unsupported");
    refusal(() -> endpoint.token(new TokenRequest("client_credentials", null, List.of(), none, List.of(), "POST", url)),
        OAuthError.INVALID_CLIENT, "no_client_authentication");
    IssuedAccessToken t = endpoint.token(new TokenRequest("client_credentials", null, List.of(OAuthFixture.API),
        OAuthFixture.mtls(identity.id().value(), presented.certificate()), List.of(), "POST", url));
    assertThat(t.confirmation().certificate()).isEqualTo(client.certificateThumbprint());
    assertThat(Set.of(t.tokenType())).containsExactly("Bearer");
  }
}
