package dev.bindery.client.resource;

import static dev.bindery.client.resource.TokenVerificationTest.assertInvalidToken;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.client.testing.Fixture;
import dev.bindery.client.testing.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** RFC 8705 §3: a certificate-bound token is accepted only with the certificate it is bound to. */
class CertificateBindingTest {
  private final Fixture f = new Fixture();
  private final BinderyTokenVerifier verifier = f.verifier().build();

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void verify_withTheBoundCertificate_accepted() {
    String token = f.issuer.mint().boundTo(f.alice.certificate()).sign();
    assertThat(verifier.verify(Fixture.bearer(token, f.alice.certificate())).isAccepted()).isTrue();
  }

  @Test
  void verify_withADifferentCertificateOfTheSameCa_refused() {
    String token = f.issuer.mint().boundTo(f.alice.certificate()).sign();
    assertInvalidToken(verifier.verify(Fixture.bearer(token, f.bob.certificate())),
        "client certificate does not match the token binding");
  }

  @Test
  void verify_withACertificateOfAnotherCaForTheSameIdentity_refused() {
    TestPki other = TestPki.generate("other");
    TestPki.Client impostor = other.client("nhi_alice");
    String token = f.issuer.mint().boundTo(f.alice.certificate()).sign();
    assertInvalidToken(verifier.verify(Fixture.bearer(token, impostor.certificate())),
        "client certificate does not match the token binding");
  }

  @Test
  void verify_withoutCertificate_refused() {
    String token = f.issuer.mint().boundTo(f.alice.certificate()).sign();
    assertInvalidToken(verifier.verify(Fixture.bearer(token, null)),
        "token is certificate-bound: no client certificate");
  }

  @Test
  void verify_cachedToken_stillComparesTheCertificateEveryTime() {
    String token = f.issuer.mint().boundTo(f.alice.certificate()).sign();
    assertThat(verifier.verify(Fixture.bearer(token, f.alice.certificate())).isAccepted()).isTrue();
    assertThat(verifier.cachedTokens()).isEqualTo(1);

    assertInvalidToken(verifier.verify(Fixture.bearer(token, f.bob.certificate())),
        "client certificate does not match the token binding");
    assertInvalidToken(verifier.verify(Fixture.bearer(token, null)),
        "token is certificate-bound: no client certificate");
    assertThat(verifier.verify(Fixture.bearer(token, f.alice.certificate())).isAccepted()).isTrue();
  }

  @Test
  void verify_certificateBoundTokenWithTheDPoPScheme_refused() {
    String token = f.issuer.mint().boundTo(f.alice.certificate()).sign();
    VerificationResult result = verifier.verify(RequestFacts.builder("GET", Fixture.RESOURCE_URL)
        .authorization("DPoP " + token).dpop(f.proof(token)).clientCertificate(f.alice.certificate()).build());

    assertThat(result.rejection().errorCode()).isEqualTo("invalid_token");
    assertThat(result.rejection().description()).isEqualTo("token is not DPoP-bound");
    assertThat(result.rejection().wwwAuthenticate())
        .containsExactly("DPoP error=\"invalid_token\", error_description=\"token is not DPoP-bound\", algs=\"ES256\"");
  }

  @Test
  void verify_unboundToken_refusedByDefault() {
    String token = f.issuer.mint().unbound().sign();
    assertInvalidToken(verifier.verify(Fixture.bearer(token, f.alice.certificate())),
        "token is not sender-constrained");
    assertInvalidToken(verifier.verify(Fixture.bearer(token, null)), "token is not sender-constrained");
  }

  @Test
  void verify_unboundToken_acceptedOnlyWhenExplicitlyAllowed() {
    BinderyTokenVerifier lenient = f.verifier().acceptUnboundTokens().build();
    String token = f.issuer.mint().unbound().sign();

    VerificationResult result = lenient.verify(Fixture.bearer(token, null));
    assertThat(result.isAccepted()).isTrue();
    assertThat(result.token().confirmation().isBound()).isFalse();
    // allowing unbound tokens does not weaken the binding of bound ones
    String bound = f.issuer.mint().boundTo(f.alice.certificate()).sign();
    assertInvalidToken(lenient.verify(Fixture.bearer(bound, f.bob.certificate())),
        "client certificate does not match the token binding");
  }
}
