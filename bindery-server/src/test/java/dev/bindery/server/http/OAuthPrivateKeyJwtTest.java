package dev.bindery.server.http;

import static dev.bindery.server.http.OAuthTokenEndpointTest.assertInvalidClient;
import static dev.bindery.server.http.OAuthTokenEndpointTest.assertOAuthError;
import static dev.bindery.server.http.OAuthTokenEndpointTest.enc;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.ECKey;
import dev.bindery.revocation.RevocationEvent;
import dev.bindery.revocation.RevocationEventType;
import dev.bindery.testkit.TestClientAssertion;
import dev.bindery.testkit.pki.TestKeys;
import java.nio.file.Path;
import java.security.KeyPair;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code private_key_jwt} over real HTTPS: a client without a TLS certificate authenticates with an assertion signed
 * by its registered key (registered through the API) and gets a DPoP-bound token; a replayed assertion is refused
 * with RFC 6749's 401 {@code invalid_client}, without an audit write; the revocation endpoint takes the same method.
 */
class OAuthPrivateKeyJwtTest {
  static final String API = "https://api.example.com/";
  static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
  @TempDir static Path dir;
  static TestServer s;
  static OAuthSupport o;

  @BeforeAll
  static void start() {
    s = TestServer.start(dir);
    o = new OAuthSupport(s);
    o.resourceServer(API);
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  /** A new identity with a registered P-256 public key; returns the key and its kid. */
  record Registered(String id, KeyPair key, String kid, String credentialId) {}

  static Registered registered(String... scopes) {
    String id = o.identity(scopes);
    KeyPair key = TestKeys.ecP256();
    TestServer.Response r = s.post("/api/v1/identities/" + id + "/public-keys", s.adminToken,
        "{\"jwk\":" + TestClientAssertion.publicJwk(key.getPublic()) + ",\"expires_at\":\""
            + s.clock.instant().plusSeconds(86_400) + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return new Registered(id, key, TestClientAssertion.thumbprint(key.getPublic()), r.json().get("id").asText());
  }

  static String assertion(Registered c) {
    return TestClientAssertion.forClient(c.id(), s.server.baseUri().toString(), s.clock.instant()).kid(c.kid())
        .sign(c.key());
  }

  static String form(Registered c, String assertion) {
    return "grant_type=client_credentials&client_id=" + c.id() + "&resource=" + enc(API)
        + "&client_assertion_type=" + enc(JWT_BEARER) + "&client_assertion=" + enc(assertion);
  }

  @Test
  void token_privateKeyJwtAndDpop_dpopBoundTokenForTheClient() throws Exception {
    Registered c = registered("billing.read");
    ECKey dpop = OAuthSupport.dpopKey();
    long head = s.auditHead();

    TestServer.Response r = o.token(s.client, form(c, assertion(c)), "DPoP", o.proof(dpop));

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.header("Cache-Control")).isEqualTo("no-store");
    JsonNode body = r.json();
    assertThat(body.get("token_type").asText()).isEqualTo("DPoP");
    assertThat(body.get("scope").asText()).isEqualTo("billing.read");
    String jwt = body.get("access_token").asText();
    JsonNode claims = OAuthSupport.claims(jwt);
    assertThat(claims.get("sub").asText()).isEqualTo(c.id());
    assertThat(claims.get("client_id").asText()).isEqualTo(c.id());
    assertThat(OAuthTokenEndpointTest.names(claims.get("cnf"))).containsExactly("jkt");
    assertThat(claims.at("/cnf/jkt").asText()).isEqualTo(dpop.toPublicJWK().computeThumbprint("SHA-256").toString());
    assertThat(OAuthSupport.verifiesWithJwks(jwt, o.jwks())).isTrue();
    assertThat(s.auditHead()).as("issuing writes no audit event").isEqualTo(head);
    assertThat(s.get("/metrics", null).body())
        .contains("bindery_oauth_tokens_issued_total{binding=\"dpop\",method=\"private_key_jwt\"}");
  }

  @Test
  void token_replayedAssertion_invalidClient401NotAudited() {
    Registered c = registered("billing.read");
    String assertion = assertion(c);
    assertThat(o.token(s.client, form(c, assertion), "DPoP", o.proof(OAuthSupport.dpopKey())).status())
        .isEqualTo(200);
    long head = s.auditHead();

    TestServer.Response r = o.token(s.client, form(c, assertion), "DPoP", o.proof(OAuthSupport.dpopKey()));

    assertInvalidClient(r);
    assertThat(r.json().get("error").asText()).isEqualTo("invalid_client");
    assertThat(r.json().get("error_description").asText()).contains("already used");
    assertThat(r.header("WWW-Authenticate")).as("no http authentication scheme was tried").isNull();
    assertThat(s.auditHead()).isEqualTo(head);
    assertThat(s.get("/metrics", null).body()).contains(
        "bindery_oauth_token_requests_refused_total{error=\"invalid_client\",reason=\"assertion_replay\"}");
  }

  @Test
  void token_withoutDpopUnderTheDefaultPolicy_invalidRequest() {
    Registered c = registered();

    TestServer.Response r = o.token(s.client, form(c, assertion(c)));

    assertOAuthError(r, 400, "invalid_request");
    assertThat(r.json().get("error_description").asText()).contains("dpop");
  }

  @Test
  void token_revokedKey_invalidClient() {
    Registered c = registered();
    TestServer.Response revoked = s.post("/api/v1/credentials/" + c.credentialId() + "/revoke", s.adminToken,
        "{\"reason\":\"key_compromise\"}");
    assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);

    TestServer.Response r = o.token(s.client, form(c, assertion(c)), "DPoP", o.proof(OAuthSupport.dpopKey()));

    assertInvalidClient(r);
    assertThat(r.json().get("error_description").asText()).contains("revoked");
  }

  @Test
  void revoke_holderAuthenticatedByPrivateKeyJwt_tokenRevoked() {
    Registered c = registered();
    TestServer.Response issued = o.token(s.client, form(c, assertion(c)), "DPoP", o.proof(OAuthSupport.dpopKey()));
    String token = issued.json().get("access_token").asText();
    String jti = OAuthSupport.claims(token).get("jti").asText();

    TestServer.Response r = o.post(s.client, "/oauth2/revoke", OAuthSupport.FORM, "token=" + enc(token)
        + "&client_assertion_type=" + enc(JWT_BEARER) + "&client_assertion=" + enc(assertion(c)));

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    java.util.Optional<RevocationEvent> event = s.server.transactor().read(t -> t.revocationEvents()
        .latest(RevocationEventType.TOKEN, jti));
    assertThat(event).isPresent();
  }
}
