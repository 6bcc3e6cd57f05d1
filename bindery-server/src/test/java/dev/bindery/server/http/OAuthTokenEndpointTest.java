package dev.bindery.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.ECKey;
import dev.bindery.credential.AuthenticatedCredential;
import dev.bindery.credential.CredentialKeys;
import dev.bindery.identity.IdentityId;
import dev.bindery.pki.RevocationReason;
import dev.bindery.security.Caller;
import dev.bindery.testkit.pki.TestCa;
import dev.bindery.testkit.pki.TestCsr;
import dev.bindery.testkit.pki.TestKeys;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The token endpoint over real HTTPS with real client certificates: certificate-bound and DPoP-bound RFC 9068
 * tokens whose signature verifies with the JWKS (independently of the libraries the server signs with), and every
 * refusal with its RFC 6749 / 8707 / 9449 error code and status, without an audit write per refusal.
 */
class OAuthTokenEndpointTest {
  static final String API = "https://api.example.com/";
  static final String API2 = "urn:example:ledger";
  @TempDir static Path dir;
  static TestServer s;
  static OAuthSupport o;
  static String id;
  static OAuthSupport.Client client;

  @BeforeAll
  static void start() {
    s = TestServer.start(dir);
    o = new OAuthSupport(s);
    o.resourceServer(API);
    o.resourceServer(API2);
    id = o.identity("billing.read", "billing.write");
    client = o.enrol(id);
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  static String enc(String v) {
    return URLEncoder.encode(v, StandardCharsets.UTF_8);
  }

  static String form(String clientId) {
    return "grant_type=client_credentials&client_id=" + clientId + "&resource=" + enc(API);
  }

  // ---- issuance -----------------------------------------------------------------------------------------

  @Test
  void token_mutualTls_certificateBoundRfc9068TokenVerifiableWithTheJwks() {
    long head = s.auditHead();
    TestServer.Response r = o.token(client.http(), form(id));

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.header("Cache-Control")).isEqualTo("no-store");
    assertThat(r.header("Pragma")).isEqualTo("no-cache");
    assertThat(r.header("Content-Type")).startsWith("application/json");
    JsonNode body = r.json();
    assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
    assertThat(body.get("expires_in").asLong()).isEqualTo(300);
    assertThat(body.get("scope").asText()).isEqualTo("billing.read billing.write");
    String jwt = body.get("access_token").asText();

    JsonNode header = OAuthSupport.header(jwt);
    assertThat(header.get("typ").asText()).isEqualTo("at+jwt");
    assertThat(header.get("alg").asText()).isEqualTo("ES256");
    assertThat(header.get("kid").asText()).isEqualTo(s.server.keyRing().currentKid());
    JsonNode claims = OAuthSupport.claims(jwt);
    assertThat(names(claims)).containsExactlyInAnyOrder("iss", "sub", "aud", "client_id", "exp", "iat", "nbf", "jti",
        "scope", "cnf");
    assertThat(claims.get("iss").asText()).isEqualTo(s.server.baseUri().toString());
    assertThat(claims.get("sub").asText()).isEqualTo(id);
    assertThat(claims.get("client_id").asText()).isEqualTo(id);
    assertThat(claims.get("aud").isTextual()).as("one audience is a string").isTrue();
    assertThat(claims.get("aud").asText()).isEqualTo(API);
    assertThat(claims.get("iat").asLong()).isEqualTo(s.clock.instant().getEpochSecond());
    assertThat(claims.get("nbf").asLong()).isEqualTo(claims.get("iat").asLong());
    assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(300);
    assertThat(claims.get("jti").asText()).matches("tok_[a-z2-7]{26}");
    assertThat(claims.get("scope").asText()).isEqualTo("billing.read billing.write");
    assertThat(names(claims.get("cnf"))).containsExactly("x5t#S256");
    assertThat(claims.at("/cnf/x5t#S256").asText()).isEqualTo(client.x5t())
        .isEqualTo(CredentialKeys.x5tS256(client.certificate()).value());

    JsonNode jwks = o.jwks();
    assertThat(OAuthSupport.verifiesWithJwks(jwt, jwks)).isTrue();
    String[] parts = jwt.split("\\.");
    String forged = parts[0] + "." + parts[1].substring(0, parts[1].length() - 2) + "xx." + parts[2];
    assertThat(OAuthSupport.verifiesWithJwks(forged, jwks)).as("the check is not vacuous").isFalse();
    assertThat(s.auditHead()).as("issuing writes no audit event").isEqualTo(head);
    String metrics = s.get("/metrics", null).body();
    assertThat(metrics)
        .contains("bindery_oauth_tokens_issued_total{binding=\"mtls\",method=\"tls_client_auth\"}");
    assertThat(metrics).as("the CPU time of signatures (a timing side channel) is not on the public /metrics")
        .doesNotContain("signature_cpu").doesNotContain("bindery_token_signature");
  }

  @Test
  void token_scopeSubsetAndTwoResources_audienceArrayAndNarrowedScope() {
    TestServer.Response r = o.token(client.http(), form(id) + "&resource=" + enc(API2) + "&scope=billing.read");

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().get("scope").asText()).isEqualTo("billing.read");
    JsonNode claims = OAuthSupport.claims(r.json().get("access_token").asText());
    assertThat(claims.get("aud").isArray()).isTrue();
    assertThat(claims.get("aud").toString()).isEqualTo("[\"" + API + "\",\"" + API2 + "\"]");
    assertThat(claims.get("scope").asText()).isEqualTo("billing.read");
  }

  @Test
  void token_selfSignedRegisteredCertificate_boundToIt() {
    String other = o.identity("reports.read");
    OAuthSupport.Client selfSigned = o.selfSigned(other);

    TestServer.Response r = o.token(selfSigned.http(), form(other));

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode claims = OAuthSupport.claims(r.json().get("access_token").asText());
    assertThat(claims.get("sub").asText()).isEqualTo(other);
    assertThat(claims.at("/cnf/x5t#S256").asText()).isEqualTo(selfSigned.x5t());
    assertThat(s.get("/metrics", null).body()).contains(
        "bindery_oauth_tokens_issued_total{binding=\"mtls\",method=\"self_signed_tls_client_auth\"}");
  }

  @Test
  void token_selfSignedCertificateNotRegistered_invalidClient() {
    KeyPair key = TestKeys.ecP256();
    X509Certificate unregistered = OAuthSupport.selfSignedCertificate(key, "CN=unregistered");

    TestServer.Response r = o.token(OAuthSupport.clientWith(s, key, unregistered), form(id));

    assertInvalidClient(r);
  }

  @Test
  void token_dpopProof_tokenBoundToTheProofKey() throws Exception {
    ECKey key = OAuthSupport.dpopKey();

    TestServer.Response r = o.token(client.http(), form(id), "DPoP", o.proof(key));

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().get("token_type").asText()).isEqualTo("DPoP");
    JsonNode claims = OAuthSupport.claims(r.json().get("access_token").asText());
    assertThat(names(claims.get("cnf"))).containsExactly("jkt");
    assertThat(claims.at("/cnf/jkt").asText()).isEqualTo(key.toPublicJWK().computeThumbprint("SHA-256").toString());
    assertThat(r.header("DPoP-Nonce")).as("nonces are not required here").isNull();
  }

  // ---- metadata and keys --------------------------------------------------------------------------------

  @Test
  void metadata_rfc8414FieldsOfThisServer() {
    TestServer.Response r = s.get("/.well-known/oauth-authorization-server", null);

    assertThat(r.status()).isEqualTo(200);
    JsonNode m = r.json();
    String base = s.server.baseUri().toString();
    assertThat(m.get("issuer").asText()).isEqualTo(base);
    assertThat(m.get("token_endpoint").asText()).isEqualTo(base + "/oauth2/token");
    assertThat(m.get("jwks_uri").asText()).isEqualTo(base + "/oauth2/jwks");
    assertThat(m.get("grant_types_supported").toString()).isEqualTo("[\"client_credentials\"]");
    assertThat(m.get("token_endpoint_auth_methods_supported").toString())
        .isEqualTo("[\"tls_client_auth\",\"self_signed_tls_client_auth\",\"private_key_jwt\"]");
    assertThat(m.get("token_endpoint_auth_signing_alg_values_supported").toString())
        .isEqualTo("[\"ES256\",\"ES384\",\"EdDSA\",\"Ed25519\",\"RS256\",\"PS256\"]");
    assertThat(m.get("revocation_endpoint_auth_methods_supported"))
        .isEqualTo(m.get("token_endpoint_auth_methods_supported"));
    assertThat(m.get("tls_client_certificate_bound_access_tokens").asBoolean()).isTrue();
    assertThat(m.get("dpop_signing_alg_values_supported").toString())
        .isEqualTo("[\"ES256\",\"ES384\",\"RS256\",\"PS256\"]");
    assertThat(m.at("/mtls_endpoint_aliases/token_endpoint").asText()).isEqualTo(base + "/oauth2/token");
  }

  @Test
  void jwks_currentAndNextPublicKeysOnly_cacheableForSixtySeconds() {
    TestServer.Response r = s.get("/oauth2/jwks", null);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Cache-Control")).isEqualTo("max-age=60");
    List<String> kids = new ArrayList<>();
    for (JsonNode k : r.json().get("keys")) {
      assertThat(names(k)).containsExactlyInAnyOrder("kty", "crv", "x", "y", "kid", "use", "alg");
      assertThat(k.get("use").asText()).isEqualTo("sig");
      assertThat(k.get("alg").asText()).isEqualTo("ES256");
      kids.add(k.get("kid").asText());
    }
    assertThat(kids).containsExactly(s.server.keyRing().currentKid(), s.server.keyRing().nextKid());
  }

  // ---- client authentication refusals -------------------------------------------------------------------

  @Test
  void token_noClientCertificate_invalidClient401WithoutChallenge() {
    TestServer.Response r = o.token(s.client, form(id));

    assertInvalidClient(r);
    assertThat(r.header("WWW-Authenticate")).isNull();
    assertThat(r.json().get("error_description").asText()).contains("client certificate");
  }

  @Test
  void token_certificateOfAnotherCaWithTheSameUriSan_refusedAtTheHandshake() throws Exception {
    TestCa other = TestCa.create(Instant.now());
    KeyPair key = TestKeys.ecP256();
    X509Certificate foreign = other.issue(key, IdentityId.parse(id), Duration.ofHours(1), Instant.now())
        .issued().certificate();
    assertThat(foreign.getSubjectAlternativeNames().toString()).contains(id);

    assertThatThrownBy(() -> o.token(OAuthSupport.clientWith(s, key, foreign, other.ca().intermediate()), form(id)))
        .hasRootCauseInstanceOf(javax.net.ssl.SSLException.class);
  }

  @Test
  void token_revokedCertificate_invalidClientNotAuditedButCounted() {
    String victim = o.identity("billing.read");
    OAuthSupport.Client c = o.enrol(victim);
    assertThat(o.token(c.http(), form(victim)).status()).isEqualTo(200);
    s.server.credentials().revoke(Caller.system("test"), credentialOf(c.certificate()), RevocationReason.KEY_COMPROMISE);
    long head = s.auditHead();

    TestServer.Response r = o.token(c.http(), form(victim));

    assertInvalidClient(r);
    assertThat(r.json().get("error_description").asText()).contains("revoked");
    assertThat(s.auditHead()).as("a refused client authentication is not an audit write").isEqualTo(head);
    assertThat(s.get("/metrics", null).body()).contains(
        "bindery_oauth_token_requests_refused_total{error=\"invalid_client\",reason=\"credential_revoked\"}");
  }

  @Test
  void token_supersededCertificate_invalidClientAndItsLineageQuarantined() {
    String renewed = o.identity("billing.read");
    OAuthSupport.Client gen1 = o.enrol(renewed);
    AuthenticatedCredential presenter = s.server.credentials().authenticateCertificate(gen1.certificate(),
        s.clock.instant(), "test");
    KeyPair key2 = TestKeys.ecP256();
    X509Certificate gen2 = s.server.credentials().renew(presenter, TestCsr.forKey(key2).pem(), "test").certificate();

    TestServer.Response stale = o.token(gen1.http(), form(renewed));

    assertInvalidClient(stale);
    assertThat(stale.json().get("error_description").asText()).contains("superseded");
    assertThat(s.lastAuditEvent().action()).isEqualTo("credential.lineage.quarantined");
    TestServer.Response current = o.token(OAuthSupport.clientWith(s, key2, gen2), form(renewed));
    assertInvalidClient(current);
    assertThat(current.json().get("error_description").asText()).contains("quarantined");
  }

  @Test
  void token_suspendedIdentity_invalidClientUntilResumed() {
    String sleeper = o.identity("billing.read");
    OAuthSupport.Client c = o.enrol(sleeper);
    String path = "/api/v1/identities/" + sleeper;
    assertThat(s.post(path + "/suspend", s.adminToken, "{\"version\":" + o.f.version(path) + "}").status())
        .isEqualTo(200);

    TestServer.Response r = o.token(c.http(), form(sleeper));

    assertInvalidClient(r);
    assertThat(r.json().get("error_description").asText()).contains("suspended");
    assertThat(s.post(path + "/resume", s.adminToken, "{\"version\":" + o.f.version(path) + "}").status())
        .isEqualTo(200);
    assertThat(o.token(c.http(), form(sleeper)).status()).isEqualTo(200);
  }

  @Test
  void token_retiredIdentity_invalidClient() {
    String gone = o.identity("billing.read");
    OAuthSupport.Client c = o.enrol(gone);
    o.f.adminStepUp();
    String path = "/api/v1/identities/" + gone;
    TestServer.Response retire = s.post(path + "/retire", s.adminToken,
        "{\"reason\":\"decommissioned\",\"version\":" + o.f.version(path) + "}");
    assertThat(retire.status()).as(retire.body()).isEqualTo(200);

    assertInvalidClient(o.token(c.http(), form(gone)));
  }

  @Test
  void token_clientIdOfAnotherIdentity_invalidClient() {
    String other = o.identity("billing.read");

    TestServer.Response r = o.token(client.http(), form(other));

    assertInvalidClient(r);
    assertThat(r.json().get("error_description").asText()).contains("client_id");
  }

  @Test
  void token_clientIdMissingOrMalformed_invalidRequestOrInvalidClient() {
    TestServer.Response missing = o.token(client.http(), "grant_type=client_credentials&resource=" + enc(API));
    assertOAuthError(missing, 400, "invalid_request");
    assertInvalidClient(o.token(client.http(), form("not-an-identity")));
  }

  @Test
  void token_authorizationHeader_invalidClientWithAMatchingChallenge() {
    TestServer.Response r = o.token(client.http(), form(id), "Authorization", "Basic Y2xpZW50OnNlY3JldA==");

    assertInvalidClient(r);
    assertThat(r.header("WWW-Authenticate")).isEqualTo("Basic realm=\"bindery\"");
  }

  @Test
  void token_clientSecretOrMalformedAssertion_invalidClient() {
    assertInvalidClient(o.token(client.http(), form(id) + "&client_secret=s3cret"));
    assertInvalidClient(o.token(client.http(), form(id)
        + "&client_assertion_type=" + enc("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        + "&client_assertion=eyJ.eyJ.sig"));
    assertOAuthError(o.token(client.http(), form(id) + "&client_assertion=eyJ.eyJ.sig"), 400, "invalid_request");
  }

  // ---- grant refusals -----------------------------------------------------------------------------------

  @Test
  void token_scopeNotGranted_invalidScope() {
    TestServer.Response r = o.token(client.http(), form(id) + "&scope=" + enc("billing.read admin"));

    assertOAuthError(r, 400, "invalid_scope");
    assertThat(r.json().get("error_description").asText()).contains("'admin'");
    assertOAuthError(o.token(client.http(), form(id) + "&scope=" + enc("billing.read  billing.write")), 400,
        "invalid_scope");
  }

  @Test
  void token_resourceNotRegisteredMissingOrMalformed_invalidTarget() {
    String base = "grant_type=client_credentials&client_id=" + id;
    assertOAuthError(o.token(client.http(), base + "&resource=" + enc("https://unknown.example/")), 400,
        "invalid_target");
    TestServer.Response none = o.token(client.http(), base);
    assertOAuthError(none, 400, "invalid_target");
    assertThat(none.json().get("error_description").asText()).contains("resource is required");
    assertOAuthError(o.token(client.http(), base + "&resource=" + enc(API + "#frag")), 400, "invalid_target");
    assertOAuthError(o.token(client.http(), base + "&resource=relative/path"), 400, "invalid_target");
  }

  @Test
  void token_grantTypeMissingOrOther_invalidRequestOrUnsupportedGrantType() {
    assertOAuthError(o.token(client.http(), "client_id=" + id + "&resource=" + enc(API)), 400, "invalid_request");
    assertOAuthError(o.token(client.http(), "grant_type=password&client_id=" + id + "&resource=" + enc(API)), 400,
        "unsupported_grant_type");
  }

  // ---- malformed requests -------------------------------------------------------------------------------

  @Test
  void token_malformedForm_invalidRequest() {
    assertOAuthError(o.token(client.http(), form(id) + "&scope=%zz"), 400, "invalid_request");
    assertOAuthError(o.token(client.http(), form(id) + "&scope=%C3%28"), 400, "invalid_request");
    assertOAuthError(o.token(client.http(), form(id) + "&=x"), 400, "invalid_request");
  }

  @Test
  void token_repeatedParameter_invalidRequestButResourceRepeatable() {
    TestServer.Response r = o.token(client.http(), form(id) + "&client_id=" + id);

    assertOAuthError(r, 400, "invalid_request");
    assertThat(r.json().get("error_description").asText()).contains("'client_id' is repeated");
    assertOAuthError(o.token(client.http(), form(id) + "&grant_type=client_credentials"), 400, "invalid_request");
    assertThat(o.token(client.http(), form(id) + "&resource=" + enc(API2)).status()).isEqualTo(200);
  }

  @Test
  void token_wrongContentType_invalidRequest() {
    assertOAuthError(o.post(client.http(), "/oauth2/token", "application/json",
        "{\"grant_type\":\"client_credentials\"}"), 400, "invalid_request");
    assertOAuthError(o.post(client.http(), "/oauth2/token", null, form(id)), 400, "invalid_request");
    assertOAuthError(o.post(client.http(), "/oauth2/token", OAuthSupport.FORM + "; charset=iso-8859-1", form(id)),
        400, "invalid_request");
    assertThat(o.post(client.http(), "/oauth2/token", OAuthSupport.FORM + "; charset=UTF-8", form(id)).status())
        .isEqualTo(200);
  }

  @Test
  void token_oversizedBody_invalidRequest() {
    TestServer.Response r = o.token(client.http(), form(id) + "&padding=" + "a".repeat(17 * 1024));

    assertOAuthError(r, 400, "invalid_request");
    assertThat(r.json().get("error_description").asText()).contains("16384 bytes");
  }

  @Test
  void token_queryParameter_invalidRequestAsAnOAuthError() {
    TestServer.Response r = o.post(client.http(), "/oauth2/token?client_id=" + id, OAuthSupport.FORM, form(id));

    assertOAuthError(r, 400, "invalid_request");
    assertThat(r.json().has("type")).as("not a problem document").isFalse();
  }

  // ---- DPoP refusals ------------------------------------------------------------------------------------

  @Test
  void token_dpopProofReplayed_invalidDpopProof() {
    String proof = o.proof(OAuthSupport.dpopKey());
    assertThat(o.token(client.http(), form(id), "DPoP", proof).status()).isEqualTo(200);

    TestServer.Response replay = o.token(client.http(), form(id), "DPoP", proof);

    assertOAuthError(replay, 400, "invalid_dpop_proof");
    assertThat(replay.json().get("error_description").asText()).contains("already used");
  }

  @Test
  void token_dpopWrongHtmOrHtu_invalidDpopProof() {
    ECKey key = OAuthSupport.dpopKey();
    Instant now = s.clock.instant();
    assertDpopRefused(OAuthSupport.proof(key, "GET", o.tokenUrl(), now, "j1", null), "htm");
    assertDpopRefused(OAuthSupport.proof(key, "POST", s.server.baseUri() + "/oauth2/jwks", now, "j2", null), "htu");
    assertDpopRefused(OAuthSupport.proof(key, "POST", "https://evil.example/oauth2/token", now, "j3", null), "htu");
    // query and fragment are ignored, scheme and host compared case-insensitively (RFC 9449 section 4.3)
    String variant = o.tokenUrl().replace("https://", "HTTPS://") + "?x=1#f";
    assertThat(o.token(client.http(), form(id), "DPoP", OAuthSupport.proof(key, "POST", variant, now, "j4", null))
        .status()).isEqualTo(200);
  }

  @Test
  void token_dpopIatOutsideTheWindow_invalidDpopProof() {
    ECKey key = OAuthSupport.dpopKey();
    Instant now = s.clock.instant();
    assertDpopRefused(OAuthSupport.proof(key, "POST", o.tokenUrl(), now.minusSeconds(61), "old", null), "iat");
    assertDpopRefused(OAuthSupport.proof(key, "POST", o.tokenUrl(), now.plusSeconds(61), "future", null), "iat");
    assertThat(o.token(client.http(), form(id), "DPoP",
        OAuthSupport.proof(key, "POST", o.tokenUrl(), now.minusSeconds(59), "edge", null)).status()).isEqualTo(200);
  }

  @Test
  void token_dpopBadSignature_invalidDpopProof() {
    String proof = o.proof(OAuthSupport.dpopKey());
    String[] p = proof.split("\\.");
    char last = p[2].charAt(10);
    String tampered = p[0] + "." + p[1] + "." + p[2].substring(0, 10) + (last == 'A' ? 'B' : 'A') + p[2].substring(11);

    assertDpopRefused(tampered, "signature");
  }

  @Test
  void token_dpopPrivateKeyInJwk_invalidDpopProof() throws Exception {
    ECKey key = OAuthSupport.dpopKey();
    String header = "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":" + key.toJSONString() + "}";
    String payload = "{\"jti\":\"pk\",\"htm\":\"POST\",\"htu\":\"" + o.tokenUrl() + "\",\"iat\":"
        + s.clock.instant().getEpochSecond() + "}";

    assertDpopRefused(DpopJws.es256(header, payload, key.toECPrivateKey()), "private key");
  }

  @Test
  void token_dpopAlgNoneOrHmacOrWrongTyp_invalidDpopProof() throws Exception {
    ECKey key = OAuthSupport.dpopKey();
    String payload = "{\"jti\":\"x\",\"htm\":\"POST\",\"htu\":\"" + o.tokenUrl() + "\",\"iat\":"
        + s.clock.instant().getEpochSecond() + "}";
    String jwk = key.toPublicJWK().toJSONString();
    assertDpopRefused(DpopJws.unsigned("{\"typ\":\"dpop+jwt\",\"alg\":\"none\",\"jwk\":" + jwk + "}", payload), "");
    assertDpopRefused(DpopJws.hs256("{\"typ\":\"dpop+jwt\",\"alg\":\"HS256\",\"jwk\":" + jwk + "}", payload,
        key.getX().decode()), "alg");
    assertDpopRefused(DpopJws.es256("{\"typ\":\"JWT\",\"alg\":\"ES256\",\"jwk\":" + jwk + "}", payload,
        key.toECPrivateKey()), "typ");
    assertDpopRefused(DpopJws.es256("{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\"}", payload, key.toECPrivateKey()),
        "jwk");
  }

  @Test
  void token_twoDpopHeaders_invalidDpopProof() {
    ECKey key = OAuthSupport.dpopKey();
    TestServer.Response r = o.token(client.http(), form(id), "DPoP", o.proof(key), "DPoP", o.proof(key));

    assertOAuthError(r, 400, "invalid_dpop_proof");
  }

  // ---- helpers ------------------------------------------------------------------------------------------

  private void assertDpopRefused(String proof, String descriptionPart) {
    long head = s.auditHead();
    TestServer.Response r = o.token(client.http(), form(id), "DPoP", proof);
    assertOAuthError(r, 400, "invalid_dpop_proof");
    assertThat(r.json().get("error_description").asText()).contains(descriptionPart);
    assertThat(s.auditHead()).isEqualTo(head);
  }

  static void assertInvalidClient(TestServer.Response r) {
    assertOAuthError(r, 401, "invalid_client");
  }

  static void assertOAuthError(TestServer.Response r, int status, String error) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.header("Content-Type")).startsWith("application/json");
    assertThat(r.header("Cache-Control")).isEqualTo("no-store");
    assertThat(r.header("Pragma")).isEqualTo("no-cache");
    JsonNode body = r.json();
    assertThat(names(body)).containsExactlyInAnyOrder("error", "error_description");
    assertThat(body.get("error").asText()).isEqualTo(error);
    assertThat(body.has("access_token")).isFalse();
  }

  static List<String> names(JsonNode node) {
    List<String> out = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      out.add(it.next());
    }
    return out;
  }

  private static dev.bindery.credential.CredentialId credentialOf(X509Certificate certificate) {
    return s.server.transactor().read(t -> t.credentials().findByThumbprint(dev.bindery.credential.CredentialType.X509_SVID,
        CredentialKeys.x5tS256(certificate))).orElseThrow().id();
  }
}
