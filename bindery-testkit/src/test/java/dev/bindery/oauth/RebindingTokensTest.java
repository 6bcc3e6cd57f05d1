package dev.bindery.oauth;

import static dev.bindery.testkit.RebindingFixture.csrRequest;
import static dev.bindery.oauth.ClientAuthenticationTest.refusal;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.change.AppliedChange;
import dev.bindery.change.ChangeNotifier;
import dev.bindery.change.ChangeRequest;
import dev.bindery.change.ChangeRequestService;
import dev.bindery.change.ChangeType;
import dev.bindery.change.AttestationVerifier;
import dev.bindery.change.RebindingPolicy;
import dev.bindery.identity.Identity;
import dev.bindery.identity.Scope;
import dev.bindery.revocation.RevocationEvent;
import dev.bindery.revocation.RevocationEventType;
import dev.bindery.testkit.pki.TestKeys;
import dev.bindery.token.IssuedAccessToken;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Tokens and re-binding: a locked identity gets no token and its earlier tokens are inactive (and stay so after an
 * unlock); the tokens of a replaced certificate are refused once the re-binding is applied; scopes above the
 * identity's assurance level are not granted.
 */
class RebindingTokensTest {
  final OAuthFixture f = new OAuthFixture();
  final TokenService tokens = f.tokens(f.settings);
  final TokenIntrospection introspection = new TokenIntrospection(
      new AccessTokenVerifier(f.keys, f.b.clock(), () -> OAuthFixture.ISSUER), f.b.store());
  final ChangeRequestService changes = new ChangeRequestService(f.b.auditedTransactor(), f.b.authorizer(),
      new SecureRandom(), f.b.pki().ca(), f.credentials, f.b.identities(), RebindingPolicy.defaults(),
      AttestationVerifier.NONE, ChangeNotifier.NONE);

  boolean active(IssuedAccessToken t) {
    // as an operator: answered for every token, whatever its audience
    return introspection.introspect(t.value().reveal(),
        new ResourceServerCallers.ResourceServerCaller("system", true)).isPresent();
  }

  @Test
  void lockedIdentity_tokenEndpointRefusesAndEarlierTokensStayInactiveAfterUnlock() {
    Identity identity = f.identity("billing.read");
    OAuthFixture.Presented presented = f.enrol(identity.id());
    AuthenticatedClient client = f.authenticate(identity.id(), presented.certificate());
    IssuedAccessToken before = tokens.clientCredentials(client, null, List.of(OAuthFixture.API), null);
    assertThat(active(before)).isTrue();
    var officer = f.b.withRoles(dev.bindery.operator.Role.SECURITY_OFFICER);

    Identity locked = f.b.identities().lock(f.b.caller(officer), identity.id(), identity.version(), "incident");

    refusal(() -> f.authenticate(identity.id(), presented.certificate()), OAuthError.INVALID_CLIENT,
        "identity_not_active");
    AuthenticatedClient stale = new AuthenticatedClient(locked, client.method(), client.credential(),
        client.certificateThumbprint(), f.b.clock().instant());
    refusal(() -> tokens.clientCredentials(stale, null, List.of(OAuthFixture.API), null), OAuthError.INVALID_CLIENT,
        "identity_not_active");
    assertThat(active(before)).as("inactive while locked").isFalse();
    f.b.clock().advance(java.time.Duration.ofSeconds(1));
    f.b.identities().unlock(f.b.steppedUp(officer), identity.id(), locked.version(), "reviewed");
    assertThat(active(before)).as("a token issued before the lock stays refused").isFalse();
    AuthenticatedClient again = f.authenticate(identity.id(), presented.certificate());
    assertThat(active(tokens.clientCredentials(again, null, List.of(OAuthFixture.API), null))).isTrue();
  }

  @Test
  void appliedRebinding_tokensOfTheReplacedCertificateRefusedByIntrospectionAndFeed() {
    Identity identity = f.identity("billing.read");
    OAuthFixture.Presented old = f.enrol(identity.id());
    IssuedAccessToken token = tokens.clientCredentials(f.authenticate(identity.id(), old.certificate()), null,
        List.of(OAuthFixture.API), null);
    assertThat(active(token)).isTrue();
    var owner = f.b.member(f.payments);
    var credential = f.credentials.authenticateCertificate(old.certificate(), f.b.clock().instant(), "req")
        .credential();
    ChangeRequest r = changes.create(f.b.caller(owner), csrRequest(ChangeType.RECOVER, identity.id(),
        TestKeys.ecP256(), credential.id()));
    changes.approve(f.b.steppedUp(f.b.member(f.payments)), r.id(), dev.bindery.change.ApproverRole.OWNER, null);

    AppliedChange applied = changes.apply(f.b.caller(owner), r.id());

    assertThat(active(token)).isFalse();
    List<RevocationEvent> feed = f.b.store().read(t -> t.revocationEvents().since(0, 100));
    assertThat(feed).extracting(RevocationEvent::type, RevocationEvent::value).contains(
        org.assertj.core.groups.Tuple.tuple(RevocationEventType.X5T_S256, credential.thumbprint().value()));
    refusal(() -> f.authenticate(identity.id(), old.certificate()), OAuthError.INVALID_CLIENT, "credential_revoked");
    AuthenticatedClient renewed = f.authenticate(identity.id(), applied.svid().certificate());
    assertThat(active(tokens.clientCredentials(renewed, null, List.of(OAuthFixture.API), null))).isTrue();
  }

  @Test
  void scopeMinLevel_scopeAboveTheIdentitysLevelNotGrantable() {
    TokenService levelled = new TokenService(f.b.store(), new dev.bindery.token.AccessTokenIssuer(f.keys,
        new SecureRandom()), f.settings, f.b.clock(), () -> OAuthFixture.ISSUER,
        RebindingPolicy.defaults().withScopeMinLevel(Map.of(new Scope("payments.admin"), 2))::minLevel);
    Identity identity = f.identity("billing.read", "payments.admin");
    AuthenticatedClient client = f.authenticate(identity.id(), f.enrol(identity.id()).certificate());

    OAuthException e = refusal(() -> levelled.clientCredentials(client, "payments.admin", List.of(OAuthFixture.API),
        null), OAuthError.INVALID_SCOPE, "scope_level_too_low");
    assertThat(e.description()).contains("level 2");
    assertThat(levelled.clientCredentials(client, null, List.of(OAuthFixture.API), null).scopes())
        .containsExactly(new Scope("billing.read"));

    Identity raised = f.b.identities().setAssuranceLevel(f.adminCaller, identity.id(),
        f.b.store().read(t -> t.identities().findById(identity.id())).orElseThrow().version(), 2, null);
    AuthenticatedClient atTwo = new AuthenticatedClient(raised, client.method(), client.credential(),
        client.certificateThumbprint(), f.b.clock().instant());
    assertThat(levelled.clientCredentials(atTwo, "payments.admin", List.of(OAuthFixture.API), null).scopes())
        .containsExactly(new Scope("payments.admin"));
  }
}
