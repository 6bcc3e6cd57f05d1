package dev.bindery.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.bindery.audit.AuditEvent;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.IdentityStatus;
import dev.bindery.pki.RevocationReason;
import dev.bindery.revocation.RevocationEventType;
import dev.bindery.security.Caller;
import dev.bindery.token.AccessTokenIssuer;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /oauth2/introspect} (RFC 7662) and {@code POST /oauth2/revoke} (RFC 7009) over real HTTPS: who may
 * introspect (the introspecting identity is the resource server of {@link #API}), every reason a token is inactive,
 * the claims of an active token, and revocation by the holding client only (another client's token, an invalid
 * token: 200 and nothing written).
 */
class OAuthIntrospectionRevocationTest {
  static final String API = "https://api.example.com/";
  @TempDir static Path dir;
  static TestServer s;
  static OAuthSupport o;
  static OAuthSupport.Client introspector;

  @BeforeAll
  static void start() {
    s = TestServer.start(dir);
    o = new OAuthSupport(s);
    String resourceServer = o.identity("introspect");
    o.resourceServer(API, resourceServer);
    introspector = o.enrol(resourceServer);
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  static String enc(String v) {
    return URLEncoder.encode(v, StandardCharsets.UTF_8);
  }

  /** A fresh identity with a client certificate. */
  record Holder(String id, OAuthSupport.Client client) {}

  static Holder holder() {
    String id = o.identity("billing.read");
    return new Holder(id, o.enrol(id));
  }

  static String token(Holder h, String... headers) {
    TestServer.Response r = o.token(h.client().http(),
        "grant_type=client_credentials&client_id=" + h.id() + "&resource=" + enc(API), headers);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("access_token").asText();
  }

  static TestServer.Response introspect(HttpClient http, String token, String... headers) {
    return o.post(http, "/oauth2/introspect", OAuthSupport.FORM, "token=" + enc(token), headers);
  }

  static JsonNode introspected(String token) {
    TestServer.Response r = introspect(introspector.http(), token);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.header("Cache-Control")).isEqualTo("no-store");
    return r.json();
  }

  static void assertInactive(String token) {
    JsonNode body = introspected(token);
    assertThat(body.toString()).isEqualTo("{\"active\":false}");
  }

  static TestServer.Response revoke(Holder h, String token) {
    return o.post(h.client().http(), "/oauth2/revoke", OAuthSupport.FORM,
        "client_id=" + h.id() + "&token=" + enc(token));
  }

  static void appendEvent(RevocationEventType type, String value, Instant at) {
    s.server.transactor().inTransaction(t -> t.revocationEvents().append(type, value, at));
  }

  /** Claims like the server's for {@code h}, signed with the server's current key under header {@code typ}. */
  static JWTClaimsSet.Builder claims(Holder h, Instant iat, Instant exp) {
    return new JWTClaimsSet.Builder().issuer(s.server.baseUri().toString()).subject(h.id()).audience(API)
        .claim("client_id", h.id()).issueTime(Date.from(iat)).notBeforeTime(Date.from(iat))
        .expirationTime(Date.from(exp)).jwtID("tok_" + "a".repeat(26))
        .claim("cnf", Map.of("x5t#S256", h.client().x5t()));
  }

  // ---- introspection ------------------------------------------------------------------------------------------

  @Test
  void introspect_activeCertificateBoundToken_everyClaimAndCnf() {
    Holder h = holder();
    String jwt = token(h);
    JsonNode claims = OAuthSupport.claims(jwt);

    JsonNode body = introspected(jwt);

    assertThat(body.get("active").asBoolean()).isTrue();
    assertThat(body.get("sub").asText()).isEqualTo(h.id());
    assertThat(body.get("client_id").asText()).isEqualTo(h.id());
    assertThat(body.get("scope").asText()).isEqualTo("billing.read");
    assertThat(body.get("aud").asText()).isEqualTo(API);
    assertThat(body.get("iss").asText()).isEqualTo(s.server.baseUri().toString());
    assertThat(body.get("exp").asLong()).isEqualTo(claims.get("exp").asLong());
    assertThat(body.get("iat").asLong()).isEqualTo(claims.get("iat").asLong());
    assertThat(body.get("nbf").asLong()).isEqualTo(claims.get("nbf").asLong());
    assertThat(body.get("jti").asText()).isEqualTo(claims.get("jti").asText());
    assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
    assertThat(body.get("cnf").toString()).isEqualTo("{\"x5t#S256\":\"" + h.client().x5t() + "\"}");
  }

  @Test
  void introspect_activeDpopBoundToken_tokenTypeDpopAndJkt() throws Exception {
    Holder h = holder();
    ECKey key = OAuthSupport.dpopKey();
    String jwt = token(h, "DPoP", o.proof(key));

    JsonNode body = introspected(jwt);

    assertThat(body.get("active").asBoolean()).isTrue();
    assertThat(body.get("token_type").asText()).isEqualTo("DPoP");
    assertThat(body.get("cnf").toString())
        .isEqualTo("{\"jkt\":\"" + key.computeThumbprint().toString() + "\"}");
  }

  @Test
  void introspect_operatorToken_allowed() {
    String jwt = token(holder());

    TestServer.Response r = introspect(s.client, jwt, "Authorization", "Bearer " + s.adminToken);

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().get("active").asBoolean()).isTrue();
  }

  @Test
  void introspect_tokenForAnotherResourceServer_inactiveForThisOne_activeForAnOperator() {
    String orders = "https://orders.example/";
    String ordersServer = o.identity("introspect");
    o.resourceServer(orders, ordersServer);
    OAuthSupport.Client ordersIntrospector = o.enrol(ordersServer);
    Holder h = holder();
    TestServer.Response issued = o.token(h.client().http(),
        "grant_type=client_credentials&client_id=" + h.id() + "&resource=" + enc(orders));
    assertThat(issued.status()).as(issued.body()).isEqualTo(200);
    String forOrders = issued.json().get("access_token").asText();
    String forApi = token(h);

    // the API's resource server (the introspector) asks about the orders token, and the reverse
    assertInactive(forOrders);
    assertThat(introspect(ordersIntrospector.http(), forApi).json().toString()).isEqualTo("{\"active\":false}");
    // each resource server about its own token, and an operator about both
    assertThat(introspect(ordersIntrospector.http(), forOrders).json().get("aud").asText()).isEqualTo(orders);
    assertThat(introspected(forApi).get("active").asBoolean()).isTrue();
    for (String t : List.of(forOrders, forApi)) {
      TestServer.Response r = introspect(s.client, t, "Authorization", "Bearer " + s.adminToken);
      assertThat(r.json().get("active").asBoolean()).isTrue();
    }
  }

  @Test
  void introspect_identityWithTheScopeButNoResourceServer_everyTokenInactive() {
    OAuthSupport.Client unlinked = o.enrol(o.identity("introspect"));
    String jwt = token(holder());

    TestServer.Response r = introspect(unlinked.http(), jwt);

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"active\":false}");
    assertThat(introspected(jwt).get("active").asBoolean()).isTrue();
  }

  @Test
  void introspect_unauthenticatedCaller_401InvalidClient() {
    String jwt = token(holder());
    for (TestServer.Response r : List.of(introspect(s.client, jwt),
        introspect(s.client, jwt, "Authorization", "Bearer bnd_op_not_a_real_token"),
        introspect(o.enrol(o.identity("billing.read")).http(), jwt))) {
      assertThat(r.status()).as(r.body()).isEqualTo(401);
      assertThat(r.json().get("error").asText()).isEqualTo("invalid_client");
      assertThat(r.body()).doesNotContain("\"active\"");
    }
  }

  @Test
  void introspect_noToken_400InvalidRequest() {
    TestServer.Response r = o.post(introspector.http(), "/oauth2/introspect", OAuthSupport.FORM,
        "token_type_hint=access_token");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("error").asText()).isEqualTo("invalid_request");
  }

  @Test
  void introspect_unparseable_inactive() {
    assertInactive("not-a-jwt");
    assertInactive("a.b.c");
  }

  @Test
  void introspect_tamperedPayload_inactive() {
    String jwt = token(holder());
    String[] p = jwt.split("\\.");
    JsonNode claims = OAuthSupport.claims(jwt);
    String forgedPayload = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
        claims.toString().replace("billing.read", "billing.admin").getBytes(StandardCharsets.UTF_8));

    assertInactive(p[0] + "." + forgedPayload + "." + p[2]);
  }

  @Test
  void introspect_signedByAnotherKeyUnderTheCurrentKid_inactive() throws Exception {
    Holder h = holder();
    Instant now = s.clock.instant();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(AccessTokenIssuer.AT_JWT)
        .keyID(s.server.keyRing().currentKid()).build(), claims(h, now, now.plusSeconds(300)).build());
    jwt.sign(new ECDSASigner(OAuthSupport.dpopKey()));

    assertInactive(jwt.serialize());
  }

  @Test
  void introspect_unknownKid_inactive() throws Exception {
    Holder h = holder();
    Instant now = s.clock.instant();
    ECKey key = OAuthSupport.dpopKey();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(AccessTokenIssuer.AT_JWT)
        .keyID("key_unknown").build(), claims(h, now, now.plusSeconds(300)).build());
    jwt.sign(new ECDSASigner(key));

    assertInactive(jwt.serialize());
  }

  @Test
  void introspect_serverSignedButWrongTypOrIssuer_inactive() {
    Holder h = holder();
    Instant now = s.clock.instant();
    JWTClaimsSet good = claims(h, now, now.plusSeconds(300)).build();
    String control = s.server.keyRing().sign(AccessTokenIssuer.AT_JWT, good);
    assertThat(introspected(control).get("active").asBoolean()).as("the forged tokens differ only in one point")
        .isTrue();

    assertInactive(s.server.keyRing().sign(JOSEObjectType.JWT, good));
    assertInactive(s.server.keyRing().sign(AccessTokenIssuer.AT_JWT,
        claims(h, now, now.plusSeconds(300)).issuer("https://evil.example.com").build()));
  }

  @Test
  void introspect_serverSignedButNotYetValidMissingClaimOrBadCnf_inactive() {
    Holder h = holder();
    Instant now = s.clock.instant();
    var keys = s.server.keyRing();

    // nbf beyond the 30 s skew
    assertInactive(keys.sign(AccessTokenIssuer.AT_JWT, claims(h, now, now.plusSeconds(300))
        .notBeforeTime(Date.from(now.plusSeconds(31))).build()));
    // no jti, no client_id
    assertInactive(keys.sign(AccessTokenIssuer.AT_JWT, claims(h, now, now.plusSeconds(300)).jwtID(null).build()));
    assertInactive(keys.sign(AccessTokenIssuer.AT_JWT, claims(h, now, now.plusSeconds(300))
        .claim("client_id", null).build()));
    // cnf with two members, or an unknown one
    assertInactive(keys.sign(AccessTokenIssuer.AT_JWT, claims(h, now, now.plusSeconds(300))
        .claim("cnf", Map.of("x5t#S256", h.client().x5t(), "jkt", "abc")).build()));
    assertInactive(keys.sign(AccessTokenIssuer.AT_JWT, claims(h, now, now.plusSeconds(300))
        .claim("cnf", Map.of("x5t", "abc")).build()));
    // already expired when signed
    assertInactive(keys.sign(AccessTokenIssuer.AT_JWT, claims(h, now.minusSeconds(400), now).build()));
  }

  @Test
  void introspect_expiredByTheClock_inactive() {
    Holder h = holder();
    String jwt = token(h);
    assertThat(introspected(jwt).get("active").asBoolean()).isTrue();

    // the clock goes back afterwards: certificates enrolled later must be valid by the TLS layer's real time
    s.clock.advance(Duration.ofSeconds(301));
    try {
      assertInactive(jwt);
    } finally {
      s.clock.advance(Duration.ofSeconds(-301));
    }
  }

  @Test
  void introspect_tokenEventForItsJti_inactive() {
    String jwt = token(holder());
    appendEvent(RevocationEventType.TOKEN, OAuthSupport.claims(jwt).get("jti").asText(), s.clock.instant());

    assertInactive(jwt);
  }

  @Test
  void introspect_certificateRevoked_x5tEventMakesItInactive() {
    Holder h = holder();
    String jwt = token(h);

    s.server.credentials().revokeBySerial(Caller.system("test"), h.client().certificate().getSerialNumber(),
        RevocationReason.KEY_COMPROMISE);

    assertInactive(jwt);
  }

  @Test
  void introspect_jktEventForItsDpopKey_inactive() throws Exception {
    Holder h = holder();
    ECKey key = OAuthSupport.dpopKey();
    String jwt = token(h, "DPoP", o.proof(key));
    String other = token(holder(), "DPoP", o.proof(OAuthSupport.dpopKey()));

    appendEvent(RevocationEventType.JKT, key.computeThumbprint().toString(), s.clock.instant());

    assertInactive(jwt);
    assertThat(introspected(other).get("active").asBoolean()).as("another key's token").isTrue();
  }

  @Test
  void introspect_identityEventAtOrAfterIat_inactive_tokenIssuedLaterActive() {
    Holder h = holder();
    String before = token(h);

    appendEvent(RevocationEventType.IDENTITY, h.id(), s.clock.instant());
    assertInactive(before);

    s.clock.advance(Duration.ofSeconds(1));
    try {
      String after = token(h);
      assertThat(introspected(after).get("active").asBoolean()).isTrue();
    } finally {
      s.clock.advance(Duration.ofSeconds(-1));
    }
  }

  @Test
  void introspect_identityNoLongerActive_inactiveEvenWithoutAnEvent() {
    Holder h = holder();
    String jwt = token(h);
    IdentityId id = IdentityId.parse(h.id());

    s.server.transactor().inTransaction(t -> t.identities().update(t.identities().findById(id).orElseThrow()
        .withStatus(IdentityStatus.SUSPENDED, "test", s.clock.instant())));

    assertInactive(jwt);
  }

  // ---- revocation ---------------------------------------------------------------------------------------------

  @Test
  void revoke_byTheHoldingClient_inactiveAuditedAndInTheFeed() {
    Holder h = holder();
    String jwt = token(h);
    String jti = OAuthSupport.claims(jwt).get("jti").asText();
    long since = feedHead();

    TestServer.Response r = revoke(h, jwt);

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.header("Cache-Control")).isEqualTo("no-store");
    assertInactive(jwt);
    JsonNode events = s.get("/oauth2/revocations?since=" + since, s.adminToken).json().get("events");
    assertThat(events).hasSize(1);
    assertThat(events.get(0).get("type").asText()).isEqualTo("token");
    assertThat(events.get(0).get("value").asText()).isEqualTo(jti);
    AuditEvent audit = s.lastAuditEvent();
    assertThat(audit.action()).isEqualTo("token.revoke");
    assertThat(audit.actor()).isEqualTo(h.id());
    assertThat(audit.target()).isEqualTo(jti);
    assertThat(audit.details()).isEqualTo(Map.of("jti", jti));

    // revoking again writes nothing more
    long head = s.auditHead();
    long feed = feedHead();
    assertThat(revoke(h, jwt).status()).isEqualTo(200);
    assertThat(s.auditHead()).isEqualTo(head);
    assertThat(feedHead()).isEqualTo(feed);
  }

  @Test
  void revoke_anotherClientsToken_200AndNothingWritten() {
    Holder victim = holder();
    Holder attacker = holder();
    String jwt = token(victim);
    long head = s.auditHead();
    long feed = feedHead();

    TestServer.Response r = revoke(attacker, jwt);

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(s.auditHead()).isEqualTo(head);
    assertThat(feedHead()).isEqualTo(feed);
    assertThat(introspected(jwt).get("active").asBoolean()).isTrue();
  }

  @Test
  void revoke_invalidToken_200AndNothingWritten() {
    Holder h = holder();
    long head = s.auditHead();
    long feed = feedHead();

    TestServer.Response r = revoke(h, "not-a-token");

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(s.auditHead()).isEqualTo(head);
    assertThat(feedHead()).isEqualTo(feed);
  }

  @Test
  void revoke_noClientAuthentication_401InvalidClientAndNothingWritten() {
    Holder h = holder();
    String jwt = token(h);
    long head = s.auditHead();
    long feed = feedHead();

    TestServer.Response r = o.post(s.client, "/oauth2/revoke", OAuthSupport.FORM,
        "client_id=" + h.id() + "&token=" + enc(jwt));

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().get("error").asText()).isEqualTo("invalid_client");
    assertThat(s.auditHead()).isEqualTo(head);
    assertThat(feedHead()).isEqualTo(feed);
    assertThat(introspected(jwt).get("active").asBoolean()).isTrue();
  }

  @Test
  void metadata_namesIntrospectionAndRevocationEndpoints() {
    JsonNode m = s.get("/.well-known/oauth-authorization-server", null).json();

    assertThat(m.get("introspection_endpoint").asText()).isEqualTo(s.server.baseUri() + "/oauth2/introspect");
    assertThat(m.get("revocation_endpoint").asText()).isEqualTo(s.server.baseUri() + "/oauth2/revoke");
    assertThat(m.at("/mtls_endpoint_aliases/revocation_endpoint").asText())
        .isEqualTo(s.server.baseUri() + "/oauth2/revoke");
  }

  static long feedHead() {
    return s.server.transactor().read(t -> t.revocationEvents().since(0, Integer.MAX_VALUE)).stream()
        .mapToLong(e -> e.seq()).max().orElse(0);
  }
}
