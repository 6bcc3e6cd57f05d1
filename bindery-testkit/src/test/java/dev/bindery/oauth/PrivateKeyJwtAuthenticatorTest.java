package dev.bindery.oauth;

import static dev.bindery.oauth.ClientAuthenticationTest.refusal;
import static dev.bindery.testkit.BinderyAssertions.assertNothingWritten;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.credential.Credential;
import dev.bindery.credential.CredentialStatus;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityId;
import dev.bindery.pki.RevocationReason;
import dev.bindery.testkit.StoreState;
import dev.bindery.testkit.TestClientAssertion;
import dev.bindery.testkit.pki.TestKeys;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code private_key_jwt} (RFC 7523 sections 2.2 and 3): one rule per test. Each refusal is {@code invalid_client}
 * with its reason, and writes nothing: no credential use, no audit event, and the assertion's {@code jti} is not
 * consumed (the same assertion, once the cause is removed, would still be accepted).
 */
class PrivateKeyJwtAuthenticatorTest {
  final OAuthFixture f = new OAuthFixture();
  final Identity identity = f.identity("billing.read");
  final IdentityId id = identity.id();
  final OAuthFixture.RegisteredKey key = f.registerKey(id, TestKeys.ecP256());

  AuthenticatedClient authenticate(String assertion) {
    return f.allClients.authenticate(OAuthFixture.jwtRequest(id.value(), assertion));
  }

  /** Asserts the assertion is refused with {@code reason} and that nothing at all was written. */
  void refused(String assertion, String reason) {
    refused(OAuthFixture.jwtRequest(id.value(), assertion), reason);
  }

  void refused(ClientAuthenticationRequest request, String reason) {
    StoreState before = f.b.state();
    refusal(() -> f.allClients.authenticate(request), OAuthError.INVALID_CLIENT, reason);
    assertNothingWritten(f.b, before);
  }

  List<UsedClientAssertion> usedBy(IdentityId client) {
    return f.b.store().read(t -> t.clientAssertions().listForClient(client));
  }

  Credential stored(OAuthFixture.RegisteredKey k) {
    return f.b.store().read(t -> t.credentials().findById(k.credentialId())).orElseThrow();
  }

  // ---- accepted -----------------------------------------------------------------------------------------

  @Test
  void authenticate_es256WithKid_authenticatedAndJtiRecordedUntilExpPlusSkew() {
    TestClientAssertion a = f.assertion(id).kid(key.kid());
    Instant now = f.b.clock().instant();

    AuthenticatedClient client = authenticate(a.sign(key.key()));

    assertThat(client.method()).isEqualTo(ClientAuthenticationMethod.PRIVATE_KEY_JWT);
    assertThat(client.identity().id()).isEqualTo(id);
    assertThat(client.credential().id()).isEqualTo(key.credentialId());
    assertThat(client.certificateThumbprint()).as("no certificate binds the token").isNull();
    List<UsedClientAssertion> used = usedBy(id);
    assertThat(used).containsExactly(new UsedClientAssertion(id, UsedClientAssertion.jtiHash(a.jti()), now,
        Instant.ofEpochSecond(now.getEpochSecond() + 60).plus(PrivateKeyJwtAuthenticator.DEFAULT_SKEW)));
    assertThat(stored(key).lastUsedAt()).isEqualTo(now);
    assertThat(f.allClients.methods()).contains(ClientAuthenticationMethod.PRIVATE_KEY_JWT);
  }

  static Stream<Arguments> algorithms() {
    return Stream.of(
        Arguments.of("ES256", (Supplier<KeyPair>) TestKeys::ecP256),
        Arguments.of("ES384", (Supplier<KeyPair>) TestKeys::ecP384),
        Arguments.of("EdDSA", (Supplier<KeyPair>) TestKeys::ed25519),
        Arguments.of("Ed25519", (Supplier<KeyPair>) TestKeys::ed25519),
        Arguments.of("RS256", (Supplier<KeyPair>) () -> TestKeys.rsa(2048)),
        Arguments.of("PS256", (Supplier<KeyPair>) () -> TestKeys.rsa(2048)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("algorithms")
  void authenticate_eachAlgorithmOfItsKeyType_withAndWithoutKid(String alg, Supplier<KeyPair> keys) {
    Identity other = f.identity();
    OAuthFixture.RegisteredKey k = f.registerKey(other.id(), keys.get());

    AuthenticatedClient withKid = f.allClients.authenticate(OAuthFixture.jwtRequest(other.id().value(),
        f.assertion(other.id()).header("alg", alg).kid(k.kid()).sign(k.key())));
    AuthenticatedClient withoutKid = f.allClients.authenticate(OAuthFixture.jwtRequest(null,
        f.assertion(other.id()).header("alg", alg).sign(k.key())));

    assertThat(withKid.credential().id()).isEqualTo(k.credentialId());
    assertThat(withoutKid.credential().id()).isEqualTo(k.credentialId());
  }

  @Test
  void authenticate_withoutKid_findsTheVerifyingKeyAmongTheActiveOnes() {
    OAuthFixture.RegisteredKey second = f.registerKey(id, TestKeys.ecP256());
    f.registerKey(id, TestKeys.ecP384());

    assertThat(authenticate(f.assertion(id).sign(key.key())).credential().id()).isEqualTo(key.credentialId());
    assertThat(authenticate(f.assertion(id).sign(second.key())).credential().id())
        .isEqualTo(second.credentialId());
  }

  @Test
  void authenticate_moreActiveKeysThanTheBoundWithoutKid_kidRequired() {
    for (int i = 0; i < PrivateKeyJwtAuthenticator.MAX_KEYS_WITHOUT_KID; i++) {
      f.registerKey(id, TestKeys.ecP256());
    }

    refused(f.assertion(id).sign(key.key()), "kid_required");
    assertThat(authenticate(f.assertion(id).kid(key.kid()).sign(key.key())).credential().id())
        .isEqualTo(key.credentialId());
  }

  @Test
  void authenticate_audienceTheTokenEndpointOrAnArrayWithTheIssuer_accepted() {
    authenticate(f.assertion(id).claim("aud", OAuthFixture.ISSUER + OAuthFixture.TOKEN_PATH).sign(key.key()));
    authenticate(f.assertion(id).claim("aud", List.of("https://other.example", OAuthFixture.ISSUER))
        .sign(key.key()));
    authenticate(f.assertion(id).header("typ", "JWT").sign(key.key()));
  }

  // ---- the assertion ------------------------------------------------------------------------------------

  @Test
  void authenticate_algNoneHmacOrUnlistedAlgorithm_algUnsupported() {
    refused(f.assertion(id).kid(key.kid()).unsecured(), "assertion_alg_unsupported");
    refused(f.assertion(id).kid(key.kid()).hmacSha256(key.key().getPublic().getEncoded()),
        "assertion_alg_unsupported");
    refused(f.assertion(id).kid(key.kid()).hmacSha256(TestClientAssertion.publicJwk(key.key().getPublic())
        .getBytes(java.nio.charset.StandardCharsets.UTF_8)), "assertion_alg_unsupported");
    refused(f.assertion(id).header("alg", "ES512").sign(TestKeys.ecP521()), "assertion_alg_unsupported");
  }

  @Test
  void authenticate_malformedAssertion_assertionMalformed() {
    refused("not-a-jwt", "assertion_malformed");
    refused("a.b.c", "assertion_malformed");
    refused("x".repeat(PrivateKeyJwtAuthenticator.MAX_ASSERTION_CHARS + 1), "assertion_malformed");
    refused(f.assertion(id).claim("exp", "tomorrow").sign(key.key()), "assertion_malformed");
  }

  @Test
  void authenticate_critHeaderOrAnotherTyp_refused() {
    refused(f.assertion(id).header("crit", List.of("exp")).sign(key.key()), "assertion_crit");
    refused(f.assertion(id).header("typ", "dpop+jwt").sign(key.key()), "assertion_typ");
    refused(f.assertion(id).header("typ", "at+jwt").sign(key.key()), "assertion_typ");
  }

  @Test
  void authenticate_issSubOrClientIdDisagree_refused() {
    Identity other = f.identity();
    refused(f.assertion(id).claim("sub", other.id().value()).sign(key.key()), "assertion_iss_sub");
    refused(f.assertion(id).claim("iss", null).sign(key.key()), "assertion_iss_sub");
    refused(OAuthFixture.jwtRequest(other.id().value(), f.assertion(id).sign(key.key())), "client_id_mismatch");
    refused(f.assertion(id).claim("iss", "nhi_x").claim("sub", "nhi_x").sign(key.key()), "client_id_malformed");
  }

  @Test
  void authenticate_wrongAudience_assertionAud() {
    refused(f.assertion(id).claim("aud", "https://evil.example").sign(key.key()), "assertion_aud");
    refused(f.assertion(id).claim("aud", OAuthFixture.ISSUER + "/oauth2/introspect").sign(key.key()),
        "assertion_aud");
    refused(f.assertion(id).claim("aud", null).sign(key.key()), "assertion_aud");
  }

  @Test
  void authenticate_expMissingPastOrTooFar_refused() {
    Instant now = f.b.clock().instant();
    refused(f.assertion(id).claim("exp", null).sign(key.key()), "assertion_exp_missing");
    refused(f.assertion(id).claim("exp", now.minusSeconds(31)).sign(key.key()), "assertion_expired");
    refused(f.assertion(id).claim("exp", now.plusSeconds(301)).sign(key.key()), "assertion_lifetime_too_long");
    // within the skew and the lifetime cap
    authenticate(f.assertion(id).claim("exp", now.minusSeconds(29)).sign(key.key()));
    authenticate(f.assertion(id).claim("exp", now.plusSeconds(300)).sign(key.key()));
  }

  @Test
  void authenticate_nbfOrIatInTheFutureBeyondTheSkew_refused() {
    Instant now = f.b.clock().instant();
    refused(f.assertion(id).claim("nbf", now.plusSeconds(31)).sign(key.key()), "assertion_not_yet_valid");
    refused(f.assertion(id).claim("iat", now.plusSeconds(31)).sign(key.key()), "assertion_iat_future");
    authenticate(f.assertion(id).claim("nbf", now.plusSeconds(29)).claim("iat", now.plusSeconds(29))
        .sign(key.key()));
  }

  @Test
  void authenticate_jtiMissingOrTooLong_assertionJti() {
    refused(f.assertion(id).claim("jti", null).sign(key.key()), "assertion_jti");
    refused(f.assertion(id).claim("jti", "").sign(key.key()), "assertion_jti");
    refused(f.assertion(id).claim("jti", "j".repeat(PrivateKeyJwtAuthenticator.MAX_JTI_CHARS + 1)).sign(key.key()),
        "assertion_jti");
  }

  // ---- the key and the signature ------------------------------------------------------------------------

  @Test
  void authenticate_signedWithAnUnregisteredKey_signatureInvalidOrUnknownKid() {
    KeyPair stranger = TestKeys.ecP256();
    refused(f.assertion(id).kid(key.kid()).sign(stranger), "signature_invalid");
    refused(f.assertion(id).sign(stranger), "signature_invalid");
    refused(f.assertion(id).kid(TestClientAssertion.thumbprint(stranger.getPublic())).sign(stranger),
        "credential_unknown");
    refused(f.assertion(id).kid("not a thumbprint").sign(key.key()), "credential_unknown");
  }

  @Test
  void authenticate_tamperedClaims_signatureInvalid() {
    String jwt = f.assertion(id).kid(key.kid()).sign(key.key());
    String[] parts = jwt.split("\\.");
    String otherClaims = f.assertion(id).kid(key.kid()).sign(key.key()).split("\\.")[1];

    refused(parts[0] + "." + otherClaims + "." + parts[2], "signature_invalid");
  }

  @Test
  void authenticate_algorithmNotOfTheKeyType_refused() {
    refused(f.assertion(id).kid(key.kid()).header("alg", "ES384").sign(TestKeys.ecP384()),
        "assertion_alg_key_mismatch");
    refused(f.assertion(id).header("alg", "RS256").sign(TestKeys.rsa(2048)), "credential_unknown");
  }

  @Test
  void authenticate_keyOfAnotherIdentity_refused() {
    Identity other = f.identity();
    OAuthFixture.RegisteredKey theirs = f.registerKey(other.id(), TestKeys.ecP256());

    refused(f.assertion(id).kid(theirs.kid()).sign(theirs.key()), "client_id_mismatch");
    refused(f.assertion(id).sign(theirs.key()), "signature_invalid");
  }

  @Test
  void authenticate_revokedKey_credentialRevokedAndJtiNotConsumed() {
    f.credentials.revoke(f.adminCaller, key.credentialId(), RevocationReason.KEY_COMPROMISE);
    TestClientAssertion a = f.assertion(id).kid(key.kid());

    refused(a.sign(key.key()), "credential_revoked");
    refused(f.assertion(id).sign(key.key()), "credential_unknown");
    assertThat(usedBy(id)).isEmpty();
  }

  @Test
  void authenticate_expiredKey_credentialExpired() {
    Identity other = f.identity();
    OAuthFixture.RegisteredKey shortLived = f.registerKey(other.id(), TestKeys.ecP256(),
        f.b.clock().instant().plus(Duration.ofHours(1)));
    f.b.clock().advance(Duration.ofHours(1));

    refused(OAuthFixture.jwtRequest(null, f.assertion(other.id()).kid(shortLived.kid()).sign(shortLived.key())),
        "credential_expired");
    refused(OAuthFixture.jwtRequest(null, f.assertion(other.id()).sign(shortLived.key())), "credential_expired");
  }

  @Test
  void authenticate_suspendedThenResumedIdentity_refusedThenAccepted() {
    Identity suspended = f.b.identities().suspend(f.adminCaller, id, identity.version(), "incident");
    TestClientAssertion a = f.assertion(id).kid(key.kid());

    refused(a.sign(key.key()), "identity_not_active");

    f.b.identities().resume(f.adminCaller, id, suspended.version());
    assertThat(authenticate(a.sign(key.key())).identity().id()).as("the refused assertion was not consumed")
        .isEqualTo(id);
  }

  @Test
  void authenticate_retiredIdentity_itsKeysRevoked() {
    f.b.identities().retire(f.b.steppedUp(f.admin), id, identity.version(), "decommissioned");
    assertThat(stored(key).status()).isEqualTo(CredentialStatus.REVOKED);

    refused(f.assertion(id).kid(key.kid()).sign(key.key()), "credential_revoked");
  }

  // ---- replay -------------------------------------------------------------------------------------------

  @Test
  void authenticate_replayedAssertion_assertionReplayAndNothingWritten() {
    String jwt = f.assertion(id).kid(key.kid()).sign(key.key());
    authenticate(jwt);
    // past the one-minute granularity of last-use records, and still within exp plus the skew
    f.b.clock().advance(Duration.ofSeconds(61));
    StoreState afterFirst = f.b.state();

    refused(jwt, "assertion_replay");
    assertThat(f.b.state()).as("the replay recorded no use of the key").isEqualTo(afterFirst);
  }

  @Test
  void authenticate_sameJtiWithinItsLifetime_replayEvenWhenSignedAgain() {
    TestClientAssertion a = f.assertion(id);
    authenticate(a.sign(key.key()));
    f.b.clock().advance(Duration.ofSeconds(80));

    // exp was now + 60 and the skew is 30 s: until then the jti is taken, whatever else the assertion says
    refused(f.assertion(id).claim("jti", a.jti()).sign(key.key()), "assertion_replay");

    f.b.clock().advance(Duration.ofSeconds(11));
    assertThat(authenticate(f.assertion(id).claim("jti", a.jti()).sign(key.key())).identity().id())
        .as("after exp plus the skew the jti is free again").isEqualTo(id);
    assertThat(usedBy(id)).hasSize(1);
  }

  @Test
  void authenticate_sameJtiForAnotherClient_independent() {
    Identity other = f.identity();
    OAuthFixture.RegisteredKey theirs = f.registerKey(other.id(), TestKeys.ecP256());
    TestClientAssertion mine = f.assertion(id);
    authenticate(mine.sign(key.key()));

    AuthenticatedClient client = f.allClients.authenticate(OAuthFixture.jwtRequest(other.id().value(),
        f.assertion(other.id()).claim("jti", mine.jti()).sign(theirs.key())));

    assertThat(client.identity().id()).isEqualTo(other.id());
  }

  // ---- construction -------------------------------------------------------------------------------------

  @Test
  void constructor_skewOrLifetimeBeyondTheCaps_refused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new PrivateKeyJwtAuthenticator(f.credentials,
        f.b.store(), f.b.clock(), () -> OAuthFixture.ISSUER, OAuthFixture.TOKEN_PATH, Duration.ofSeconds(61),
        Duration.ofMinutes(5))).isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new PrivateKeyJwtAuthenticator(f.credentials,
        f.b.store(), f.b.clock(), () -> OAuthFixture.ISSUER, OAuthFixture.TOKEN_PATH, Duration.ofSeconds(30),
        Duration.ofMinutes(11))).isInstanceOf(IllegalArgumentException.class);
  }
}
