package dev.bindery.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import dev.bindery.identity.Identity;
import dev.bindery.token.ResourceServerService;
import dev.bindery.token.TokenId;
import dev.bindery.token.TokenRevocationService;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What introspection answers after an operator's revocation (one token, every token of an identity) and to whom: an
 * operator sees every token, a resource server's identity only the tokens issued for its own audiences.
 */
class OperatorRevocationIntrospectionTest {
  static final String ORDERS = "https://orders.example/";
  final OAuthFixture f = new OAuthFixture();
  final TokenService tokens = f.tokens(f.settings);
  final AccessTokenVerifier verifier = new AccessTokenVerifier(f.keys, f.b.clock(), () -> OAuthFixture.ISSUER);
  final TokenIntrospection introspection = new TokenIntrospection(verifier, f.b.store());
  final TokenRevocationService revocations = new TokenRevocationService(f.b.auditedTransactor(), f.b.authorizer());
  final ResourceServerService resourceServers = new ResourceServerService(f.b.auditedTransactor(), f.b.authorizer());
  final ResourceServerCallers.ResourceServerCaller operator =
      new ResourceServerCallers.ResourceServerCaller(f.admin.id().value(), true);
  final Identity holder = f.identity("orders.read");
  final AuthenticatedClient client = f.authenticate(holder.id(), f.enrol(holder.id()).certificate());

  String token(String... resources) {
    return tokens.clientCredentials(client, null, List.of(resources), null).value().reveal();
  }

  boolean active(String token) {
    return introspection.introspect(token, operator).isPresent();
  }

  static Instant iat(String token) throws Exception {
    return SignedJWT.parse(token).getJWTClaimsSet().getIssueTime().toInstant();
  }

  // ---- revocation by an operator ------------------------------------------------------------------------------

  @Test
  void revokeById_thatTokenInactive_anotherTokenOfTheIdentityStillActive() {
    String revoked = token(OAuthFixture.API);
    String other = token(OAuthFixture.API);
    String jti = introspection.introspect(revoked, operator).orElseThrow().jti();

    revocations.revoke(f.adminCaller, TokenId.parse(jti), "leaked");

    assertThat(active(revoked)).isFalse();
    assertThat(active(other)).isTrue();
  }

  @Test
  void revokeIdentityTokens_olderTokensInactive_tokenIssuedRightAfterInTheSameSecondActive() throws Exception {
    String before = token(OAuthFixture.API);
    Identity bystander = f.identity();
    String bystanderToken = tokens.clientCredentials(f.authenticate(bystander.id(),
        f.enrol(bystander.id()).certificate()), null, List.of(OAuthFixture.API), null).value().reveal();
    Instant revokedAt = revocations.revokeIdentityTokens(f.adminCaller, holder.id(), "rotated keys").revokedAt();

    String after = token(OAuthFixture.API);

    assertThat(active(before)).isFalse();
    assertThat(active(after)).as("issued after the revocation, in the same second").isTrue();
    assertThat(iat(after)).isEqualTo(Instant.ofEpochSecond(revokedAt.getEpochSecond() + 1));
    assertThat(active(bystanderToken)).as("another identity's token").isTrue();

    f.b.clock().advance(Duration.ofSeconds(2));
    String later = token(OAuthFixture.API);
    assertThat(iat(later)).isEqualTo(Instant.ofEpochSecond(f.b.clock().instant().getEpochSecond()));
    assertThat(active(later)).isTrue();
    assertThat(active(before)).isFalse();
  }

  @Test
  void issuedAfter_identityCutoffInThisSecondOrLater_nextSecondOtherwiseNow() {
    Instant now = Instant.parse("2026-12-01T10:00:05.400Z");

    assertThat(TokenService.issuedAfter(now, null)).isEqualTo(now);
    assertThat(TokenService.issuedAfter(now, Instant.parse("2026-12-01T10:00:04.999Z"))).isEqualTo(now);
    assertThat(TokenService.issuedAfter(now, Instant.parse("2026-12-01T10:00:05.000Z")))
        .isEqualTo(Instant.parse("2026-12-01T10:00:06Z"));
    assertThat(TokenService.issuedAfter(now, Instant.parse("2026-12-01T10:00:05.399Z")))
        .isEqualTo(Instant.parse("2026-12-01T10:00:06Z"));
    // another node's clock ahead by two seconds
    assertThat(TokenService.issuedAfter(now, Instant.parse("2026-12-01T10:00:07.100Z")))
        .isEqualTo(Instant.parse("2026-12-01T10:00:08Z"));
  }

  @Test
  void revokeIdentityTokens_credentialEndingBeforeTheNextSecond_credentialExpiringAndNoToken() {
    // a token must outlive its iat: with the iat moved past the cutoff, a credential ending this second carries none
    Instant notAfter = client.credential().notAfter();
    f.b.clock().set(notAfter.minusMillis(500));
    assertThat(tokens.clientCredentials(client, null, List.of(OAuthFixture.API), null).expiresAt())
        .as("without a revocation the last half second still gets a token").isEqualTo(notAfter);
    revocations.revokeIdentityTokens(f.adminCaller, holder.id(), "rotated keys");

    TokenServiceTest.refusal(() -> tokens.clientCredentials(client, null, List.of(OAuthFixture.API), null),
        OAuthError.INVALID_CLIENT, "credential_expiring");
  }

  // ---- introspection by a resource server (RFC 7662 section 4) -------------------------------------------------

  @Test
  void introspect_resourceServerIdentity_activeOnlyForTokensIssuedForItsAudience() {
    Identity rs = f.identity(ResourceServerCallers.INTROSPECT_SCOPE);
    resourceServers.register(f.adminCaller, ORDERS, "Orders", rs.id());
    ResourceServerCallers.ResourceServerCaller orders =
        new ResourceServerCallers.ResourceServerCaller(rs.id().value(), false);
    String forOrders = token(ORDERS);
    String forApi = token(OAuthFixture.API);
    String forBoth = token(OAuthFixture.API, ORDERS);

    assertThat(introspection.introspect(forOrders, orders)).map(VerifiedAccessToken::audiences)
        .contains(List.of(ORDERS));
    assertThat(introspection.introspect(forApi, orders)).as("another resource server's token").isEmpty();
    assertThat(introspection.introspect(forBoth, orders)).isPresent();
    // an operator sees every token
    assertThat(active(forApi)).isTrue();
    assertThat(active(forOrders)).isTrue();
  }

  @Test
  void introspect_identityLinkedToNoResourceServer_everyTokenInactive() {
    Identity unlinked = f.identity(ResourceServerCallers.INTROSPECT_SCOPE);
    String token = token(OAuthFixture.API);

    Optional<VerifiedAccessToken> answer = introspection.introspect(token,
        new ResourceServerCallers.ResourceServerCaller(unlinked.id().value(), false));

    assertThat(answer).isEmpty();
    assertThat(active(token)).isTrue();
  }

  @Test
  void introspect_resourceServerOfTheAudience_revokedTokenStillInactive() {
    Identity rs = f.identity(ResourceServerCallers.INTROSPECT_SCOPE);
    resourceServers.register(f.adminCaller, ORDERS, "Orders", rs.id());
    ResourceServerCallers.ResourceServerCaller orders =
        new ResourceServerCallers.ResourceServerCaller(rs.id().value(), false);
    String t = token(ORDERS);
    assertThat(introspection.introspect(t, orders)).isPresent();

    revocations.revoke(f.adminCaller, TokenId.parse(introspection.introspect(t, operator).orElseThrow().jti()),
        "leaked");

    assertThat(introspection.introspect(t, orders)).isEmpty();
  }
}
