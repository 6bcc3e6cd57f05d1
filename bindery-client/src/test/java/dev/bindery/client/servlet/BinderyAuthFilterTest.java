package dev.bindery.client.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bindery.client.resource.BinderyTokenVerifier;
import dev.bindery.client.resource.VerifiedAccessToken;
import dev.bindery.client.testing.Fixture;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The servlet filter over the verifier, with plain fakes of the servlet API. */
class BinderyAuthFilterTest {
  private final Fixture f = new Fixture();
  private final BinderyTokenVerifier verifier = f.verifier().build();
  private final BinderyAuthFilter filter = BinderyAuthFilter.builder(verifier).trustedProxies("10.0.0.0/8").build();
  private final ServletFakes.Request request = new ServletFakes.Request();
  private final ServletFakes.Response response = new ServletFakes.Response();
  private final ServletFakes.Chain chain = new ServletFakes.Chain();

  @AfterEach
  void close() {
    f.close();
  }

  private void run(BinderyAuthFilter target) throws Exception {
    target.doFilter(request.proxy(), response.proxy(), chain);
  }

  private String aliceToken() {
    return f.issuer.mint().boundTo(f.alice.certificate()).sign();
  }

  private static String clientCert(X509Certificate certificate) throws Exception {
    return ":" + Base64.getEncoder().encodeToString(certificate.getEncoded()) + ":";
  }

  private void assertRefused(int status, String error, String description) {
    assertThat(chain.calls).isZero();
    assertThat(response.status).isEqualTo(status);
    assertThat(response.header("Cache-Control")).containsExactly("no-store");
    assertThat(response.contentType).isEqualTo("application/json");
    assertThat(response.body()).isEqualTo("{\"error\":\"" + error + "\",\"error_description\":\"" + description + "\"}");
    assertThat(response.header("WWW-Authenticate")).isNotEmpty();
    assertThat(request.attributes).doesNotContainKey(BinderyAuthFilter.VERIFIED_TOKEN_ATTRIBUTE);
  }

  @Test
  void validTokenWithTheTlsCertificate_passesWithTheVerifiedTokenAttribute() throws Exception {
    request.header("Authorization", "Bearer " + aliceToken());
    request.attributes.put(BinderyAuthFilter.CERTIFICATE_ATTRIBUTE, new X509Certificate[] {f.alice.certificate()});

    run(filter);

    assertThat(chain.calls).isEqualTo(1);
    assertThat(chain.tokenSeen).isInstanceOf(VerifiedAccessToken.class);
    assertThat(((VerifiedAccessToken) chain.tokenSeen).subject()).isEqualTo("nhi_aaaaaaaaaaaaaaaaaaaaaaaaaa");
    assertThat(BinderyAuthFilter.verifiedToken(request.proxy())).isSameAs(chain.tokenSeen);
    assertThat(response.status).isEqualTo(200);
    assertThat(response.headers).isEmpty();
  }

  @Test
  void noToken_401WithBothChallengesAndNoBody() throws Exception {
    run(filter);

    assertThat(chain.calls).isZero();
    assertThat(response.status).isEqualTo(401);
    assertThat(response.header("WWW-Authenticate")).containsExactly("Bearer", "DPoP algs=\"ES256\"");
    assertThat(response.body()).isEmpty();
  }

  @Test
  void tokenWithAnotherCertificate_401InvalidToken() throws Exception {
    request.header("Authorization", "Bearer " + aliceToken());
    request.attributes.put(BinderyAuthFilter.CERTIFICATE_ATTRIBUTE, new X509Certificate[] {f.bob.certificate()});

    run(filter);

    assertRefused(401, "invalid_token", "client certificate does not match the token binding");
    assertThat(response.header("WWW-Authenticate")).containsExactly(
        "Bearer error=\"invalid_token\", error_description=\"client certificate does not match the token binding\"");
  }

  @Test
  void forgedClientCertHeaderFromAnUntrustedPeer_ignored() throws Exception {
    request.remoteAddr = "203.0.113.9";
    request.header("Authorization", "Bearer " + aliceToken());
    request.header("Client-Cert", clientCert(f.alice.certificate()));

    run(filter);

    assertRefused(401, "invalid_token", "token is certificate-bound: no client certificate");
  }

  @Test
  void forgedClientCertHeaderFromAnUntrustedPeer_doesNotReplaceItsTlsCertificate() throws Exception {
    request.remoteAddr = "198.51.100.7";
    request.header("Authorization", "Bearer " + aliceToken());
    request.header("Client-Cert", clientCert(f.alice.certificate()));
    request.attributes.put(BinderyAuthFilter.CERTIFICATE_ATTRIBUTE, new X509Certificate[] {f.bob.certificate()});

    run(filter);

    assertRefused(401, "invalid_token", "client certificate does not match the token binding");
  }

  @Test
  void clientCertHeaderFromATrustedProxyWithItsOwnTlsCertificate_theHeadersCertificateIsTheClients()
      throws Exception {
    request.remoteAddr = "10.1.2.3";
    request.header("Authorization", "Bearer " + aliceToken());
    request.header("Client-Cert", clientCert(f.alice.certificate()));
    // the proxy's own TLS certificate (it does mutual TLS upstream) is not the client's
    request.attributes.put(BinderyAuthFilter.CERTIFICATE_ATTRIBUTE, new X509Certificate[] {f.bob.certificate()});

    run(filter);

    assertThat(chain.calls).isEqualTo(1);
    assertThat(((VerifiedAccessToken) chain.tokenSeen).subject()).isEqualTo("nhi_aaaaaaaaaaaaaaaaaaaaaaaaaa");
    assertThat(response.status).isEqualTo(200);
  }

  @Test
  void malformedClientCertHeaderFromATrustedProxyWithItsOwnTlsCertificate_400NotTheTlsCertificate()
      throws Exception {
    request.remoteAddr = "10.1.2.3";
    request.header("Authorization", "Bearer " + aliceToken());
    request.header("Client-Cert", ":bm90IGEgY2VydGlmaWNhdGU=:");
    request.attributes.put(BinderyAuthFilter.CERTIFICATE_ATTRIBUTE, new X509Certificate[] {f.alice.certificate()});

    run(filter);

    assertRefused(400, "invalid_request", "Client-Cert is not an X.509 certificate");
  }

  @Test
  void trustedProxyWithoutClientCertHeader_noCertificate_evenIfItsTlsHasOne() throws Exception {
    // the proxy's own certificate, even one a token is bound to, never stands in for a missing header
    request.remoteAddr = "10.1.2.3";
    request.header("Authorization", "Bearer " + aliceToken());
    request.attributes.put(BinderyAuthFilter.CERTIFICATE_ATTRIBUTE, new X509Certificate[] {f.alice.certificate()});

    run(filter);

    assertRefused(401, "invalid_token", "token is certificate-bound: no client certificate");
  }

  @Test
  void malformedClientCertHeaderFromATrustedProxy_400InvalidRequest() throws Exception {
    request.remoteAddr = "10.1.2.3";
    request.header("Authorization", "Bearer " + aliceToken());
    request.header("Client-Cert", ":bm90IGEgY2VydGlmaWNhdGU=:");

    run(filter);

    assertRefused(400, "invalid_request", "Client-Cert is not an X.509 certificate");
  }

  @Test
  void twoClientCertHeadersFromATrustedProxy_400InvalidRequest() throws Exception {
    request.remoteAddr = "10.1.2.3";
    request.header("Authorization", "Bearer " + aliceToken());
    request.header("Client-Cert", clientCert(f.alice.certificate()));
    request.header("Client-Cert", clientCert(f.bob.certificate()));

    run(filter);

    assertRefused(400, "invalid_request", "more than one Client-Cert header");
  }

  @Test
  void attributeForgedBeforeTheFilter_removedWhenRefused() throws Exception {
    request.attributes.put(BinderyAuthFilter.VERIFIED_TOKEN_ATTRIBUTE, "forged");
    request.header("Authorization", "Bearer " + aliceToken());

    run(filter);

    assertThat(chain.calls).isZero();
    assertThat(request.attributes).doesNotContainKey(BinderyAuthFilter.VERIFIED_TOKEN_ATTRIBUTE);
  }

  @Test
  void dpopToken_checkedAgainstTheExternalOrigin() throws Exception {
    String token = f.issuer.mint().boundToKey(f.dpopKey.jwkThumbprint()).sign();
    BinderyAuthFilter behindProxy = BinderyAuthFilter.builder(verifier)
        .externalOrigin(URI.create("https://orders.example")).build();
    request.scheme = "http";
    request.host = "backend.internal:8080";
    request.header("Authorization", "DPoP " + token);
    request.header("DPoP", f.proof(token));

    run(behindProxy);

    assertThat(chain.calls).isEqualTo(1);
  }

  @Test
  void dpopToken_internalUrlDiffersFromTheProofsHtu_refused() throws Exception {
    String token = f.issuer.mint().boundToKey(f.dpopKey.jwkThumbprint()).sign();
    request.scheme = "http";
    request.host = "backend.internal:8080";
    request.header("Authorization", "DPoP " + token);
    request.header("DPoP", f.proof(token));

    run(filter);

    assertRefused(401, "invalid_dpop_proof", "DPoP proof htu does not match the request URL");
  }

  @Test
  void requiredScopeMissing_403() throws Exception {
    BinderyAuthFilter admin = BinderyAuthFilter.builder(verifier).requiredScopes("orders.admin").build();
    request.header("Authorization", "Bearer " + aliceToken());
    request.attributes.put(BinderyAuthFilter.CERTIFICATE_ATTRIBUTE, new X509Certificate[] {f.alice.certificate()});

    run(admin);

    assertRefused(403, "insufficient_scope", "token lacks a required scope");
  }

  @Test
  void issuerUnavailable_503WithoutChallenge() throws Exception {
    request.header("Authorization", "Bearer " + aliceToken());
    f.issuer.close();

    run(filter);

    assertThat(chain.calls).isZero();
    assertThat(response.status).isEqualTo(503);
    assertThat(response.header("WWW-Authenticate")).isEmpty();
    assertThat(response.body()).contains("temporarily_unavailable");
  }

  @Test
  void builder_externalOriginWithPath_refused() {
    assertThatThrownBy(() -> BinderyAuthFilter.builder(verifier).externalOrigin(URI.create("https://a.example/x")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
