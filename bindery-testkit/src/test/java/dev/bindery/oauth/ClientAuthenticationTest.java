package dev.bindery.oauth;

import static dev.bindery.testkit.BinderyAssertions.assertNothingWritten;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.bindery.audit.AuditEvent;
import dev.bindery.credential.CredentialKeys;
import dev.bindery.credential.CredentialType;
import dev.bindery.identity.Identity;
import dev.bindery.pki.RevocationReason;
import dev.bindery.testkit.StoreState;
import dev.bindery.testkit.pki.TestCa;
import dev.bindery.testkit.pki.TestCsr;
import dev.bindery.testkit.pki.TestKeys;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Client authentication at the token endpoint: the method follows from what is presented, each mutual TLS method
 * checks the credential through the credential service, and refusals write nothing (no audit event per refusal).
 */
class ClientAuthenticationTest {
  final OAuthFixture f = new OAuthFixture();

  static OAuthException refusal(ThrowingCallable call, OAuthError error, String reason) {
    OAuthException e = catchThrowableOfType(OAuthException.class, call);
    assertThat(e).as("refused").isNotNull();
    assertThat(e.error()).isEqualTo(error);
    assertThat(e.reason()).isEqualTo(reason);
    return e;
  }

  @Test
  void select_fromWhatIsPresented() {
    Identity i = f.identity();
    X509Certificate svid = f.enrol(i.id()).certificate();
    X509Certificate self = OAuthFixture.selfSignedCertificate(TestKeys.ecP256(), f.b.clock().instant());

    assertThat(ClientAuthentication.select(OAuthFixture.mtls("x", svid)))
        .isEqualTo(ClientAuthenticationMethod.TLS_CLIENT_AUTH);
    assertThat(ClientAuthentication.select(OAuthFixture.mtls("x", self)))
        .isEqualTo(ClientAuthenticationMethod.SELF_SIGNED_TLS_CLIENT_AUTH);
    assertThat(ClientAuthentication.select(new ClientAuthenticationRequest("x", List.of(svid),
        ClientAuthentication.JWT_BEARER_ASSERTION, "a.b.c", false, null, "r")))
        .as("an assertion chooses private_key_jwt even over a connection with a certificate")
        .isEqualTo(ClientAuthenticationMethod.PRIVATE_KEY_JWT);
  }

  @Test
  void select_unsupportedOrIncompleteMaterial_refused() {
    refusal(() -> ClientAuthentication.select(OAuthFixture.mtls("x")), OAuthError.INVALID_CLIENT,
        "no_client_authentication");
    refusal(() -> ClientAuthentication.select(new ClientAuthenticationRequest("x", List.of(), null, null, false,
        "Basic", "r")), OAuthError.INVALID_CLIENT, "http_authentication");
    refusal(() -> ClientAuthentication.select(new ClientAuthenticationRequest("x", List.of(), null, null, true, null,
        "r")), OAuthError.INVALID_CLIENT, "client_secret");
    refusal(() -> ClientAuthentication.select(new ClientAuthenticationRequest("x", List.of(), null, "a.b.c", false,
        null, "r")), OAuthError.INVALID_REQUEST, "assertion_incomplete");
    refusal(() -> ClientAuthentication.select(new ClientAuthenticationRequest("x", List.of(), "urn:other", "a.b.c",
        false, null, "r")), OAuthError.INVALID_REQUEST, "assertion_type_unsupported");
  }

  @Test
  void authenticate_privateKeyJwtWithoutAnAuthenticator_invalidClient() {
    refusal(() -> f.clients.authenticate(new ClientAuthenticationRequest("x", List.of(),
        ClientAuthentication.JWT_BEARER_ASSERTION, "a.b.c", false, null, "r")), OAuthError.INVALID_CLIENT,
        "method_unsupported");
    assertThat(f.clients.methods()).containsExactlyInAnyOrder(ClientAuthenticationMethod.TLS_CLIENT_AUTH,
        ClientAuthenticationMethod.SELF_SIGNED_TLS_CLIENT_AUTH);
  }

  @Test
  void tlsClientAuth_enrolledCertificate_authenticatedWithItsThumbprint() {
    Identity i = f.identity("a.read");
    X509Certificate c = f.enrol(i.id()).certificate();

    AuthenticatedClient client = f.authenticate(i.id(), c);

    assertThat(client.identity().id()).isEqualTo(i.id());
    assertThat(client.method()).isEqualTo(ClientAuthenticationMethod.TLS_CLIENT_AUTH);
    assertThat(client.credential().type()).isEqualTo(CredentialType.X509_SVID);
    assertThat(client.certificateThumbprint()).isEqualTo(CredentialKeys.x5tS256(c));
  }

  @Test
  void tlsClientAuth_certificateOfAnotherCaWithTheSameSan_invalidClientNothingWritten() {
    Identity i = f.identity();
    KeyPair key = TestKeys.ecP256();
    TestCa other = TestCa.create(f.b.clock().instant());
    X509Certificate foreign = other.issue(key, i.id(), Duration.ofHours(1), f.b.clock().instant()).issued()
        .certificate();
    assertThat(f.b.pki().ca().spiffeId(i.id())).isEqualTo(other.ca().spiffeId(i.id()));
    StoreState before = f.b.state();

    refusal(() -> f.authenticate(i.id(), foreign), OAuthError.INVALID_CLIENT, "credential_unknown");

    assertNothingWritten(f.b, before);
  }

  @Test
  void tlsClientAuth_clientIdOfAnotherIdentity_sanMismatch() {
    Identity i = f.identity();
    Identity other = f.identity();
    X509Certificate c = f.enrol(i.id()).certificate();
    StoreState before = f.b.state();

    refusal(() -> f.authenticate(other.id(), c), OAuthError.INVALID_CLIENT, "san_mismatch");
    refusal(() -> f.clients.authenticate(OAuthFixture.mtls(null, c)), OAuthError.INVALID_REQUEST, "client_id_missing");
    refusal(() -> f.clients.authenticate(OAuthFixture.mtls("nhi_x", c)), OAuthError.INVALID_CLIENT,
        "client_id_malformed");

    assertNothingWritten(f.b, before);
  }

  @Test
  void tlsClientAuth_revokedCertificate_invalidClientAndNoAuditEvent() {
    Identity i = f.identity();
    X509Certificate c = f.enrol(i.id()).certificate();
    var credential = f.b.store().read(t -> t.credentials().findByThumbprint(CredentialType.X509_SVID,
        CredentialKeys.x5tS256(c))).orElseThrow();
    f.credentials.revoke(f.adminCaller, credential.id(), RevocationReason.KEY_COMPROMISE);
    StoreState before = f.b.state();

    refusal(() -> f.authenticate(i.id(), c), OAuthError.INVALID_CLIENT, "credential_revoked");

    assertNothingWritten(f.b, before);
  }

  @Test
  void tlsClientAuth_supersededCertificate_refusedAndOnlyTheQuarantineAudited() {
    Identity i = f.identity();
    OAuthFixture.Presented gen1 = f.enrol(i.id());
    var presenter = f.credentials.authenticateCertificate(gen1.certificate(), f.b.clock().instant(), "req");
    X509Certificate gen2 = f.credentials.renew(presenter, TestCsr.forKey(TestKeys.ecP256()).pem(), "req").certificate();
    long seq = f.b.auditHead().seq();

    refusal(() -> f.authenticate(i.id(), gen1.certificate()), OAuthError.INVALID_CLIENT, "credential_superseded");

    assertThat(f.b.auditSince(seq)).extracting(AuditEvent::action).containsExactly("credential.lineage.quarantined");
    refusal(() -> f.authenticate(i.id(), gen2), OAuthError.INVALID_CLIENT, "credential_quarantined");
  }

  @Test
  void tlsClientAuth_suspendedIdentityOrExpiredCertificate_invalidClient() {
    Identity i = f.identity();
    X509Certificate c = f.enrol(i.id()).certificate();
    Identity suspended = f.b.identities().suspend(f.adminCaller, i.id(), i.version(), "incident");

    refusal(() -> f.authenticate(i.id(), c), OAuthError.INVALID_CLIENT, "identity_not_active");

    f.b.identities().resume(f.adminCaller, i.id(), suspended.version());
    assertThat(f.authenticate(i.id(), c)).isNotNull();
    f.b.clock().advance(Duration.ofHours(24).plusSeconds(1));
    refusal(() -> f.authenticate(i.id(), c), OAuthError.INVALID_CLIENT, "credential_expired");
  }

  @Test
  void selfSignedTlsClientAuth_registeredCertificate_authenticated() {
    Identity i = f.identity();
    OAuthFixture.Presented p = f.registeredSelfSigned(i.id());

    AuthenticatedClient client = f.authenticate(i.id(), p.certificate());

    assertThat(client.method()).isEqualTo(ClientAuthenticationMethod.SELF_SIGNED_TLS_CLIENT_AUTH);
    assertThat(client.certificateThumbprint()).isEqualTo(CredentialKeys.x5tS256(p.certificate()));
  }

  @Test
  void selfSignedTlsClientAuth_unregisteredOrOtherClient_invalidClientNothingWritten() {
    Identity i = f.identity();
    Identity other = f.identity();
    OAuthFixture.Presented p = f.registeredSelfSigned(i.id());
    X509Certificate unregistered = OAuthFixture.selfSignedCertificate(TestKeys.ecP256(), f.b.clock().instant());
    StoreState before = f.b.state();

    refusal(() -> f.authenticate(i.id(), unregistered), OAuthError.INVALID_CLIENT, "credential_unknown");
    refusal(() -> f.authenticate(other.id(), p.certificate()), OAuthError.INVALID_CLIENT, "client_id_mismatch");

    assertNothingWritten(f.b, before);
  }

  @Test
  void selfSignedAuthenticator_givenAnSvid_unknownAsASelfSignedCertificate() {
    Identity i = f.identity();
    X509Certificate svid = f.enrol(i.id()).certificate();

    StoreState before = f.b.state();

    refusal(() -> f.selfSigned.authenticate(OAuthFixture.mtls(i.id().value(), svid)), OAuthError.INVALID_CLIENT,
        "credential_unknown");
    assertNothingWritten(f.b, before);
  }
}
