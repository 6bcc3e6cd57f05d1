package dev.bindery.oauth;

import static dev.bindery.testkit.BinderyAssertions.assertNothingWritten;
import static dev.bindery.testkit.BinderyAssertions.assertOnlyDenied;
import static dev.bindery.testkit.BinderyAssertions.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.bindery.audit.AuditEvent;
import dev.bindery.common.ErrorCode;
import dev.bindery.credential.Credential;
import dev.bindery.credential.CredentialEvents;
import dev.bindery.credential.CredentialService;
import dev.bindery.credential.CredentialStatus;
import dev.bindery.credential.LeakReport;
import dev.bindery.identity.Identity;
import dev.bindery.operator.Role;
import dev.bindery.pki.Pem;
import dev.bindery.pki.RevocationReason;
import dev.bindery.revocation.RevocationEvent;
import dev.bindery.revocation.RevocationEventType;
import dev.bindery.security.Caller;
import dev.bindery.store.Tx;
import dev.bindery.testkit.StoreState;
import dev.bindery.testkit.TestOperator;
import dev.bindery.token.AccessTokenIssuer;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A leaked access token reported like any leaked credential ({@code POST /api/v1/leaks}): a token this server signed
 * is revoked by its jti (and, only when asked, its bound credential as a leaked certificate); a forged one is refused
 * with {@code access_token_signature_invalid} and nothing is written; the token never reaches the audit log.
 */
class AccessTokenLeakReportTest {
  final OAuthFixture f = new OAuthFixture();
  final TokenService tokens = f.tokens(f.settings);
  final AccessTokenVerifier verifier = new AccessTokenVerifier(f.keys, f.b.clock(), () -> OAuthFixture.ISSUER);
  final CredentialService leaks = new CredentialService(f.b.auditedTransactor(), f.b.authorizer(), new SecureRandom(),
      f.b.pki().ca(), CredentialEvents.NONE, new AccessTokenLeaks(verifier));
  final TokenIntrospection introspection = new TokenIntrospection(verifier, f.b.store());
  final ResourceServerCallers.ResourceServerCaller operator =
      new ResourceServerCallers.ResourceServerCaller(f.admin.id().value(), true);
  final TestOperator reporter = f.b.withRoles(Role.LEAK_REPORTER);
  final Identity holder = f.identity("orders.read");
  final OAuthFixture.Presented presented = f.enrol(holder.id());
  final AuthenticatedClient client = f.authenticate(holder.id(), presented.certificate());

  String token() {
    return tokens.clientCredentials(client, null, List.of(OAuthFixture.API), null).value().reveal();
  }

  static String jti(String token) throws Exception {
    return SignedJWT.parse(token).getJWTClaimsSet().getJWTID();
  }

  Credential svid() {
    return f.b.store().read((Tx t) -> t.credentials().listForIdentity(holder.id())).stream()
        .filter(c -> c.type() == dev.bindery.credential.CredentialType.X509_SVID).findFirst().orElseThrow();
  }

  List<RevocationEvent> feedSince(long seq) {
    return f.b.store().read((Tx t) -> t.revocationEvents().since(seq, Integer.MAX_VALUE));
  }

  long feedHead() {
    return feedSince(0).stream().mapToLong(RevocationEvent::seq).max().orElse(0);
  }

  /** The report's audit events never hold the token, nor its signature or payload on their own. */
  void assertNoTokenText(long seq, String token) {
    String[] parts = token.split("\\.");
    for (AuditEvent e : f.b.auditSince(seq)) {
      assertThat(e.detailsJson()).doesNotContain(token).doesNotContain(parts[1]).doesNotContain(parts[2]);
    }
  }

  @Test
  void reportLeak_accessToken_revokedByJtiAuditedWithoutTheTokenAndTheCredentialLeftAlone() throws Exception {
    String token = token();
    Caller caller = f.b.caller(reporter);
    long seq = f.b.auditHead().seq();
    long feed = feedHead();

    LeakReport report = leaks.reportLeak(caller, "  " + token + "\n");

    assertThat(report).isEqualTo(new LeakReport(true, List.of(), List.of(),
        new LeakReport.TokenMatch(jti(token), holder.id(), LeakReport.TokenOutcome.REVOKED)));
    assertThat(feedSince(feed)).singleElement().satisfies(e -> {
      assertThat(e.type()).isEqualTo(RevocationEventType.TOKEN);
      assertThat(e.value()).isEqualTo(jti(token));
    });
    assertThat(introspection.introspect(token, operator)).isEmpty();
    assertThat(svid().status()).isEqualTo(CredentialStatus.ACTIVE);
    List<AuditEvent> events = f.b.auditSince(seq);
    assertThat(events).extracting(AuditEvent::action).containsExactly("credential.leak.report");
    assertThat(events.get(0).actor()).isEqualTo(reporter.id().value());
    assertThat(events.get(0).target()).isEqualTo(holder.id().value());
    assertThat(events.get(0).details()).isEqualTo(Map.of("value_kind", "access_token", "matched", true,
        "revoked", List.of(), "already_revoked", List.of(), "access_token", Map.of("jti", jti(token),
            "identity_id", holder.id().value(), "outcome", "revoked"), "revoke_bound_credential", false));
    assertNoTokenText(seq, token);
  }

  @Test
  void reportLeak_sameTokenAgain_alreadyRevokedNoSecondFeedEvent() throws Exception {
    String token = token();
    Caller caller = f.b.caller(reporter);
    leaks.reportLeak(caller, token);
    long feed = feedHead();

    LeakReport again = leaks.reportLeak(caller, token);

    assertThat(again.accessToken().outcome()).isEqualTo(LeakReport.TokenOutcome.ALREADY_REVOKED);
    assertThat(feedSince(feed)).isEmpty();
  }

  @Test
  void reportLeak_expiredToken_recognisedButNothingToRevoke() throws Exception {
    String token = token();
    f.b.clock().advance(Duration.ofSeconds(301));
    Caller caller = f.b.caller(reporter);
    long feed = feedHead();

    LeakReport report = leaks.reportLeak(caller, token);

    assertThat(report.matched()).isTrue();
    assertThat(report.accessToken()).isEqualTo(new LeakReport.TokenMatch(jti(token), holder.id(),
        LeakReport.TokenOutcome.EXPIRED));
    assertThat(feedSince(feed)).isEmpty();
  }

  @Test
  void reportLeak_revokeBoundCredential_certificateRevokedForKeyCompromiseThenTheToken() throws Exception {
    String token = token();
    Identity bystander = f.identity();
    OAuthFixture.Presented other = f.enrol(bystander.id());
    Caller caller = f.b.caller(f.admin);
    long seq = f.b.auditHead().seq();
    long feed = feedHead();

    LeakReport report = leaks.reportLeak(caller, token, true);

    Credential revoked = svid();
    assertThat(revoked.status()).isEqualTo(CredentialStatus.REVOKED);
    assertThat(revoked.revocationReason()).isEqualTo(RevocationReason.KEY_COMPROMISE);
    assertThat(report.revoked()).containsExactly(new LeakReport.Match(revoked.id(), holder.id(), revoked.type()));
    assertThat(report.accessToken().outcome()).isEqualTo(LeakReport.TokenOutcome.REVOKED);
    assertThat(feedSince(feed)).extracting(RevocationEvent::type, RevocationEvent::value).containsExactly(
        org.assertj.core.groups.Tuple.tuple(RevocationEventType.X5T_S256, OAuthSupportThumbprints.x5t(presented)),
        org.assertj.core.groups.Tuple.tuple(RevocationEventType.TOKEN, jti(token)));
    assertThat(f.b.auditSince(seq)).extracting(AuditEvent::action)
        .containsExactly("credential.revoke", "credential.leak.report");
    assertThat(f.b.auditSince(seq).get(1).details()).containsEntry("revoked", List.of(revoked.id().value()))
        .containsEntry("revoke_bound_credential", true);
    assertNoTokenText(seq, token);
    // the other identity's certificate still authenticates
    assertThat(f.authenticate(bystander.id(), other.certificate()).identity().id()).isEqualTo(bystander.id());
  }

  @Test
  void reportLeak_revokeBoundCredentialOfADpopTokenWithAnUnregisteredKey_onlyTheTokenRevoked() throws Exception {
    ECKey dpopKey = new ECKeyGenerator(Curve.P_256).generate();
    String token = tokens.clientCredentials(client, null, List.of(OAuthFixture.API),
        new DpopProof(new dev.bindery.credential.Thumbprint(dpopKey.computeThumbprint().toString()), "jti-1",
            f.b.clock().instant())).value().reveal();
    StoreState credentialsBefore = f.b.state();

    LeakReport report = leaks.reportLeak(f.b.caller(f.admin), token, true);

    assertThat(report.revoked()).isEmpty();
    assertThat(report.alreadyRevoked()).isEmpty();
    assertThat(report.accessToken().outcome()).isEqualTo(LeakReport.TokenOutcome.REVOKED);
    assertThat(f.b.state().credentials()).isEqualTo(credentialsBefore.credentials());
  }

  @Test
  void reportLeak_forgedTokens_accessTokenSignatureInvalidAndNothingWritten() throws Exception {
    String genuine = token();
    JWTClaimsSet claims = SignedJWT.parse(genuine).getJWTClaimsSet();
    ECKey attacker = new ECKeyGenerator(Curve.P_256).generate();
    SignedJWT underOurKid = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(AccessTokenIssuer.AT_JWT)
        .keyID(f.keys.currentKid()).build(), claims);
    underOurKid.sign(new ECDSASigner(attacker));
    SignedJWT unknownKid = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(AccessTokenIssuer.AT_JWT)
        .keyID("key_unknown").build(), claims);
    unknownKid.sign(new ECDSASigner(attacker));
    SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(AccessTokenIssuer.AT_JWT)
        .keyID(f.keys.currentKid()).build(), claims);
    hmac.sign(new MACSigner(new byte[32]));
    String[] p = genuine.split("\\.");
    String tamperedPayload = p[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
        claims.toString().replace("orders.read", "orders.admin").getBytes(java.nio.charset.StandardCharsets.UTF_8))
        + "." + p[2];
    Caller caller = f.b.caller(reporter);
    StoreState before = f.b.state();

    for (String forged : List.of(underOurKid.serialize(), hmac.serialize(), tamperedPayload)) {
      assertThat(assertRejected(() -> leaks.reportLeak(caller, forged), ErrorCode.ACCESS_TOKEN_SIGNATURE_INVALID)
          .getMessage()).contains("signature does not verify").doesNotContain(forged);
    }
    assertThat(assertRejected(() -> leaks.reportLeak(caller, unknownKid.serialize()),
        ErrorCode.ACCESS_TOKEN_SIGNATURE_INVALID).getMessage()).contains("kid names no signing key");

    assertNothingWritten(f.b, before);
    assertThat(introspection.introspect(genuine, operator)).isPresent();
  }

  @Test
  void reportLeak_jwsThatIsNotAnAccessToken_unrecognisedLikeAnyValue() throws Exception {
    SignedJWT idToken = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).build(),
        new JWTClaimsSet.Builder().subject("someone").expirationTime(Date.from(Instant.now().plusSeconds(60)))
            .build());
    idToken.sign(new ECDSASigner(new ECKeyGenerator(Curve.P_256).generate()));

    LeakReport report = leaks.reportLeak(f.b.caller(reporter), idToken.serialize());

    assertThat(report).isEqualTo(LeakReport.noMatch());
  }

  @Test
  void reportLeak_revokeBoundCredentialForACertificate_invalidFieldAndNothingWritten() {
    Caller caller = f.b.caller(f.admin);
    StoreState before = f.b.state();

    assertRejected(() -> leaks.reportLeak(caller, Pem.certificate(presented.certificate()), true),
        ErrorCode.INVALID_FIELD);

    assertNothingWritten(f.b, before);
    assertThat(svid().status()).isEqualTo(CredentialStatus.ACTIVE);
  }

  @Test
  void reportLeak_auditor_forbiddenBeforeTheTokenIsLookedAt_onlyADeniedEvent() {
    String token = token();
    Caller auditor = f.b.caller(f.b.withRoles(Role.AUDITOR));
    StoreState before = f.b.state();

    assertRejected(() -> leaks.reportLeak(auditor, token, true), ErrorCode.FORBIDDEN);

    AuditEvent denied = assertOnlyDenied(f.b, before, "credential.leak.report", auditor.actor(), "",
        ErrorCode.FORBIDDEN);
    assertThat(denied.detailsJson()).doesNotContain(token);
    assertThat(introspection.introspect(token, operator)).isPresent();
  }

  /** RFC 8705 section 3.1 thumbprint of a presented certificate, computed here rather than by the server. */
  static final class OAuthSupportThumbprints {
    static String x5t(OAuthFixture.Presented p) throws Exception {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(
          java.security.MessageDigest.getInstance("SHA-256").digest(p.certificate().getEncoded()));
    }
  }
}
