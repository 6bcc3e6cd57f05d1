package dev.bindery.server.http;

import static dev.bindery.server.http.OAuthTokenEndpointTest.assertInvalidClient;
import static dev.bindery.server.http.OAuthTokenEndpointTest.assertOAuthError;
import static dev.bindery.server.http.OAuthTokenEndpointTest.enc;
import static dev.bindery.server.tls.ForwardedCertificates.byteSequence;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.ECKey;
import dev.bindery.credential.CredentialKeys;
import dev.bindery.credential.CredentialType;
import dev.bindery.identity.IdentityId;
import dev.bindery.pki.RevocationReason;
import dev.bindery.security.Caller;
import dev.bindery.server.config.BinderyConfig;
import dev.bindery.testkit.pki.TestCa;
import dev.bindery.testkit.pki.TestCsr;
import dev.bindery.testkit.pki.TestKeys;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bindery behind a TLS-terminating proxy: the test's loopback connection is the trusted proxy
 * ({@code bindery.oauth.trusted-proxies=127.0.0.1,::1}) and forwards the client's certificate in RFC 9440
 * {@code Client-Cert}. The forwarded certificate authenticates and binds exactly as one presented in the handshake; a
 * chain the handshake would refuse, a malformed or an oversized header is refused with the header named. A proxy
 * that does mutual TLS to Bindery with a certificate of its own (here a Bindery-issued one, which the handshake
 * accepts) is never authenticated by it: with a header the header's certificate is the client's, without one there
 * is no client certificate and nothing is written. The public URL is configured, as it must be behind a proxy: DPoP
 * {@code htu} is checked against it.
 */
class TrustedProxyClientCertificateTest {
  static final String PUBLIC = "https://bindery.example.com";
  @TempDir static Path dir;
  static TestServer s;
  static OAuthSupport o;
  static Workloads w;
  static String id;
  static OAuthSupport.Client client;
  static OAuthSupport.Client introspector;

  @BeforeAll
  static void start() {
    s = TestServer.start(dir, Map.of(BinderyConfig.TRUSTED_PROXIES, "127.0.0.1,::1", BinderyConfig.PUBLIC_URL,
        PUBLIC));
    o = new OAuthSupport(s);
    w = new Workloads(s);
    // the introspector is the resource server's identity: introspection answers it only for tokens meant for it
    String resourceServer = o.identity("introspect");
    introspector = o.enrol(resourceServer);
    o.resourceServer(OAuthTokenEndpointTest.API, resourceServer);
    id = o.identity("billing.read");
    client = o.enrol(id);
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  static String form(String clientId) {
    return "grant_type=client_credentials&client_id=" + clientId + "&resource=" + enc(OAuthTokenEndpointTest.API);
  }

  /** A token request through the proxy: no certificate in the handshake, the client's in {@code Client-Cert}. */
  static TestServer.Response viaProxy(String clientId, X509Certificate certificate, String... more) {
    String[] headers = new String[more.length + 2];
    headers[0] = "Client-Cert";
    headers[1] = byteSequence(certificate);
    System.arraycopy(more, 0, headers, 2, more.length);
    return o.token(s.client, form(clientId), headers);
  }

  static JsonNode claims(TestServer.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return OAuthSupport.claims(r.json().get("access_token").asText());
  }

  // ---- tokens through the proxy -------------------------------------------------------------------------

  @Test
  void token_clientCertFromTrustedProxy_tokenBoundToThatCertificate() {
    TestServer.Response r = viaProxy(id, client.certificate());

    JsonNode claims = claims(r);
    assertThat(r.json().get("token_type").asText()).isEqualTo("Bearer");
    assertThat(claims.get("sub").asText()).isEqualTo(id);
    assertThat(claims.get("iss").asText()).isEqualTo(PUBLIC);
    assertThat(claims.get("cnf").size()).isEqualTo(1);
    assertThat(claims.at("/cnf/x5t#S256").asText()).isEqualTo(client.x5t())
        .isEqualTo(CredentialKeys.x5tS256(client.certificate()).value());
    assertThat(OAuthSupport.verifiesWithJwks(r.json().get("access_token").asText(), o.jwks())).isTrue();
    assertThat(s.get("/metrics", null).body())
        .contains("bindery_oauth_tokens_issued_total{binding=\"mtls\",method=\"tls_client_auth\"}");
  }

  @Test
  void token_clientCertAndChainFromTrustedProxy_bound() {
    TestServer.Response r = viaProxy(id, client.certificate(), "Client-Cert-Chain",
        byteSequence(s.server.identityCa().intermediate()));

    assertThat(claims(r).at("/cnf/x5t#S256").asText()).isEqualTo(client.x5t());
  }

  @Test
  void token_registeredSelfSignedFromTrustedProxy_bound() {
    String other = o.identity("billing.read");
    OAuthSupport.Client selfSigned = o.selfSigned(other);

    TestServer.Response r = viaProxy(other, selfSigned.certificate());

    assertThat(claims(r).at("/cnf/x5t#S256").asText()).isEqualTo(selfSigned.x5t());
    assertThat(s.get("/metrics", null).body()).contains(
        "bindery_oauth_tokens_issued_total{binding=\"mtls\",method=\"self_signed_tls_client_auth\"}");
  }

  @Test
  void token_dpopThroughTrustedProxy_htuIsThePublicUrlNotTheListener() throws Exception {
    ECKey key = OAuthSupport.dpopKey();
    String atPublicUrl = OAuthSupport.proof(key, "POST", PUBLIC + "/oauth2/token", s.clock.instant(),
        UUID.randomUUID().toString(), null);
    String atListener = OAuthSupport.proof(key, "POST", s.server.baseUri() + "/oauth2/token", s.clock.instant(),
        UUID.randomUUID().toString(), null);

    TestServer.Response bound = viaProxy(id, client.certificate(), "DPoP", atPublicUrl);
    TestServer.Response wrongHtu = viaProxy(id, client.certificate(), "DPoP", atListener);

    assertThat(claims(bound).at("/cnf/jkt").asText()).isEqualTo(key.computeThumbprint().toString());
    assertThat(bound.json().get("token_type").asText()).isEqualTo("DPoP");
    assertOAuthError(wrongHtu, 400, "invalid_dpop_proof");
    JsonNode metadata = s.get("/.well-known/oauth-authorization-server", null).json();
    assertThat(metadata.get("issuer").asText()).isEqualTo(PUBLIC);
    assertThat(metadata.get("token_endpoint").asText()).isEqualTo(PUBLIC + "/oauth2/token");
  }

  // ---- refusals through the proxy -----------------------------------------------------------------------

  @Test
  void token_chainNotFromBinderysCaEvenFromTrustedProxy_invalidClientNamingTheHeaderAndNothingWritten() {
    TestCa other = TestCa.create(Instant.now());
    X509Certificate foreign = other.issue(TestKeys.ecP256(), IdentityId.parse(id), Duration.ofHours(1),
        Instant.now()).issued().certificate();
    Workloads.Snapshot before = w.snapshot(id);

    TestServer.Response r = viaProxy(id, foreign, "Client-Cert-Chain", byteSequence(other.ca().intermediate()));

    assertInvalidClient(r);
    assertThat(r.json().get("error_description").asText()).isEqualTo("the client certificate in Client-Cert is "
        + "neither issued by bindery's ca nor a single current self-signed certificate");
    assertThat(w.snapshot(id)).isEqualTo(before);
    assertThat(s.get("/metrics", null).body()).contains(
        "bindery_oauth_token_requests_refused_total{error=\"invalid_client\",reason=\"client_certificate_untrusted\"}");
  }

  @Test
  void token_malformedHeaderFromTrustedProxy_invalidRequestNamingTheHeader() {
    Workloads.Snapshot before = w.snapshot(id);
    String b64 = byteSequence(client.certificate()).replace(":", "");

    TestServer.Response noColons = o.token(s.client, form(id), "Client-Cert", b64);
    TestServer.Response twice = o.token(s.client, form(id), "Client-Cert", ":" + b64 + ":", "Client-Cert",
        ":" + b64 + ":");
    TestServer.Response chainAlone = o.token(s.client, form(id), "Client-Cert-Chain", ":" + b64 + ":");
    TestServer.Response notACertificate = o.token(s.client, form(id), "Client-Cert", ":aGVsbG8=:");

    assertOAuthError(noColons, 400, "invalid_request");
    assertThat(noColons.json().get("error_description").asText())
        .isEqualTo("Client-Cert is not a structured field byte sequence (:base64:)");
    assertOAuthError(twice, 400, "invalid_request");
    assertThat(twice.json().get("error_description").asText()).isEqualTo("Client-Cert was sent more than once");
    assertOAuthError(chainAlone, 400, "invalid_request");
    assertThat(chainAlone.json().get("error_description").asText())
        .isEqualTo("Client-Cert-Chain was sent without Client-Cert");
    assertOAuthError(notACertificate, 400, "invalid_request");
    assertThat(notACertificate.json().get("error_description").asText())
        .isEqualTo("Client-Cert is not a der x.509 certificate");
    assertThat(w.snapshot(id)).isEqualTo(before);
    assertThat(s.get("/metrics", null).body()).contains(
        "bindery_oauth_token_requests_refused_total{error=\"invalid_request\",reason=\"client_certificate_malformed\"}");
  }

  @Test
  void token_oversizedHeaderFromTrustedProxy_invalidRequest() {
    TestServer.Response r = o.token(s.client, form(id), "Client-Cert", ":" + "A".repeat(7000) + ":");

    assertOAuthError(r, 400, "invalid_request");
    assertThat(r.json().get("error_description").asText()).isEqualTo("Client-Cert is larger than 6144 characters");
  }

  @Test
  void token_revokedCertificateFromTrustedProxy_invalidClientAsOverTls() {
    String victim = o.identity("billing.read");
    OAuthSupport.Client c = o.enrol(victim);
    assertThat(viaProxy(victim, c.certificate()).status()).isEqualTo(200);
    s.server.credentials().revoke(Caller.system("test"), s.server.transactor().read(t -> t.credentials()
        .findByThumbprint(CredentialType.X509_SVID, CredentialKeys.x5tS256(c.certificate()))).orElseThrow().id(),
        RevocationReason.KEY_COMPROMISE);

    TestServer.Response r = viaProxy(victim, c.certificate());

    assertInvalidClient(r);
    assertThat(r.json().get("error_description").asText()).contains("revoked");
  }

  // ---- the proxy's own TLS certificate is never the client's --------------------------------------------

  /** A proxy that presents its own Bindery-issued certificate upstream, as Envoy or nginx with mutual TLS do. */
  record MtlsProxy(String id, OAuthSupport.Client tls) {
    static MtlsProxy enrolled() {
      String proxyId = o.identity("billing.read");
      return new MtlsProxy(proxyId, o.enrol(proxyId));
    }
  }

  @Test
  void token_proxysOwnTlsCertificateAndClientCertHeader_tokenBoundToTheHeadersCertificate() {
    MtlsProxy proxy = MtlsProxy.enrolled();

    TestServer.Response asClient = o.token(proxy.tls().http(), form(id), "Client-Cert",
        byteSequence(client.certificate()));
    TestServer.Response asProxy = o.token(proxy.tls().http(), form(proxy.id()), "Client-Cert",
        byteSequence(client.certificate()));

    JsonNode claims = claims(asClient);
    assertThat(claims.get("sub").asText()).isEqualTo(id);
    assertThat(claims.at("/cnf/x5t#S256").asText()).isEqualTo(client.x5t()).isNotEqualTo(proxy.tls().x5t());
    assertInvalidClient(asProxy);
    assertThat(asProxy.json().get("error_description").asText())
        .isEqualTo("the client certificate's uri san does not name client_id");
  }

  @Test
  void token_proxysOwnTlsCertificateWithoutHeader_invalidClientAndNothingWritten() {
    MtlsProxy proxy = MtlsProxy.enrolled();
    Workloads.Snapshot before = w.snapshot(proxy.id());

    TestServer.Response r = o.token(proxy.tls().http(), form(proxy.id()));

    assertInvalidClient(r);
    assertThat(r.json().get("error_description").asText())
        .isEqualTo("client authentication is required: present a client certificate over tls");
    assertThat(w.snapshot(proxy.id())).as("no credential use, no audit event, no token").isEqualTo(before);
    assertThat(s.get("/metrics", null).body()).contains(
        "bindery_oauth_token_requests_refused_total{error=\"invalid_client\",reason=\"no_client_authentication\"}");
  }

  @Test
  void token_proxysOwnTlsCertificateAndMalformedHeader_invalidRequestNotTheProxysIdentity() {
    MtlsProxy proxy = MtlsProxy.enrolled();
    Workloads.Snapshot before = w.snapshot(proxy.id());

    TestServer.Response r = o.token(proxy.tls().http(), form(proxy.id()), "Client-Cert", ":garbage");

    assertOAuthError(r, 400, "invalid_request");
    assertThat(r.json().get("error_description").asText()).startsWith("Client-Cert ");
    assertThat(w.snapshot(proxy.id())).isEqualTo(before);
  }

  @Test
  void renew_proxysOwnTlsCertificateWithoutHeader_clientCertificateRequiredAndNothingIssued() {
    String proxyWorkload = o.identity();
    Workloads.Held proxy = w.enrolled(proxyWorkload);
    Workloads.Snapshot before = w.snapshot(proxyWorkload);

    TestServer.Response r = w.renew(proxy, TestCsr.forKey(proxy.key()).pem());

    assertThat(r.status()).as(r.body()).isEqualTo(401);
    assertThat(r.code()).isEqualTo("client_certificate_required");
    assertThat(w.snapshot(proxyWorkload)).as("the proxy's own credential is not renewed").isEqualTo(before);
  }

  @Test
  void renew_proxysOwnTlsCertificateAndHeader_theHeadersCredentialRenewed() {
    Workloads.Held proxy = w.enrolled(o.identity());
    Workloads.Held workload = w.enrolled(o.identity());

    TestServer.Response r = OAuthSupport.send(w.client(proxy.key(), proxy.chain().toArray(new X509Certificate[0])),
        ProxiedRequests.renew(s, TestCsr.forKey(workload.key()).pem(), "Client-Cert", byteSequence(workload.leaf())));

    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(r.json().at("/credential/lineage_id").asText()).isEqualTo(workload.lineageId())
        .isNotEqualTo(proxy.lineageId());
  }

  // ---- resource server endpoints through the proxy ------------------------------------------------------

  @Test
  void introspectAndRevocationFeed_introspectorCertificateFromTrustedProxy_served() {
    String token = viaProxy(id, client.certificate()).json().get("access_token").asText();

    TestServer.Response introspect = o.post(s.client, "/oauth2/introspect", OAuthSupport.FORM, "token=" + enc(token),
        "Client-Cert", byteSequence(introspector.certificate()));
    TestServer.Response feed = OAuthSupport.send(s.client, ProxiedRequests.get(s, "/oauth2/revocations",
        "Client-Cert", byteSequence(introspector.certificate())));
    TestServer.Response malformed = o.post(s.client, "/oauth2/introspect", OAuthSupport.FORM, "token=" + enc(token),
        "Client-Cert", ":garbage");
    TestServer.Response operator = o.post(s.client, "/oauth2/introspect", OAuthSupport.FORM, "token=" + enc(token),
        "Authorization", "Bearer " + s.adminToken, "Client-Cert", ":garbage");

    assertThat(introspect.status()).as(introspect.body()).isEqualTo(200);
    assertThat(introspect.json().get("active").asBoolean()).isTrue();
    assertThat(introspect.json().at("/cnf/x5t#S256").asText()).isEqualTo(client.x5t());
    assertThat(feed.status()).as(feed.body()).isEqualTo(200);
    assertThat(feed.json().has("events")).isTrue();
    assertOAuthError(malformed, 400, "invalid_request");
    assertThat(malformed.json().get("error_description").asText()).startsWith("Client-Cert ");
    assertThat(operator.status()).as("an operator token is the authentication; the header is not read")
        .isEqualTo(200);
  }

  @Test
  void revoke_holderCertificateFromTrustedProxy_revoked() {
    String token = viaProxy(id, client.certificate()).json().get("access_token").asText();

    TestServer.Response r = o.post(s.client, "/oauth2/revoke", OAuthSupport.FORM, "client_id=" + id + "&token="
        + enc(token), "Client-Cert", byteSequence(client.certificate()));

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(s.lastAuditEvent().action()).isEqualTo("token.revoke");
    assertThat(o.post(s.client, "/oauth2/introspect", OAuthSupport.FORM, "token=" + enc(token), "Client-Cert",
        byteSequence(introspector.certificate())).json().get("active").asBoolean()).isFalse();
  }

  // ---- renewal through the proxy ------------------------------------------------------------------------

  @Test
  void renew_svidFromTrustedProxy_generationTwo() {
    String workload = o.identity();
    Workloads.Held held = w.enrolled(workload);

    TestServer.Response r = OAuthSupport.send(s.client, ProxiedRequests.renew(s, TestCsr.forKey(held.key()).pem(),
        "Client-Cert", byteSequence(held.leaf())));

    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(r.json().at("/credential/generation").asInt()).isEqualTo(2);
    assertThat(r.json().at("/credential/lineage_id").asText()).isEqualTo(held.lineageId());
    assertThat(r.json().at("/credential/bind_method").asText()).isEqualTo("renewal");
  }

  @Test
  void renew_malformedHeaderFromTrustedProxy_problem400NamingTheHeaderAndNothingIssued() {
    String workload = o.identity();
    Workloads.Held held = w.enrolled(workload);
    Workloads.Snapshot before = w.snapshot(workload);

    TestServer.Response r = OAuthSupport.send(s.client, ProxiedRequests.renew(s, TestCsr.forKey(held.key()).pem(),
        "Client-Cert", byteSequence(held.leaf()) + ";x=1"));

    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    assertThat(r.code()).isEqualTo("certificate_malformed");
    assertThat(r.json().get("field").asText()).isEqualTo("Client-Cert");
    assertThat(r.json().get("detail").asText()).isEqualTo("Client-Cert has parameters, which are not accepted");
    assertThat(w.snapshot(workload)).isEqualTo(before);
  }

  @Test
  void renew_chainNotFromBinderysCaFromTrustedProxy_401UntrustedAndNothingIssued() {
    String workload = o.identity();
    Workloads.Held held = w.enrolled(workload);
    KeyPair key = TestKeys.ecP256();
    X509Certificate foreign = TestCa.create(Instant.now()).issue(key, IdentityId.parse(workload), Duration.ofHours(1),
        Instant.now()).issued().certificate();
    Workloads.Snapshot before = w.snapshot(workload);

    TestServer.Response r = OAuthSupport.send(s.client, ProxiedRequests.renew(s, TestCsr.forKey(key).pem(),
        "Client-Cert", byteSequence(foreign)));

    assertThat(r.status()).as(r.body()).isEqualTo(401);
    assertThat(r.code()).isEqualTo("client_certificate_untrusted");
    assertThat(r.json().get("field").asText()).isEqualTo("Client-Cert");
    assertThat(r.header("WWW-Authenticate")).isNull();
    assertThat(w.snapshot(workload)).isEqualTo(before);
    assertThat(held.leaf()).isNotEqualTo(foreign);
  }
}
