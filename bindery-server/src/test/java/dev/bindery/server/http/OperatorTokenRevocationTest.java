package dev.bindery.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bindery.audit.AuditEvent;
import dev.bindery.audit.Outcome;
import dev.bindery.client.resource.BinderyTokenVerifier;
import dev.bindery.client.resource.RequestFacts;
import dev.bindery.client.resource.VerificationResult;
import dev.bindery.client.revocation.RevocationFeed;
import dev.bindery.client.tls.TlsContexts;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.IdentityStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operators revoke access tokens over the API: one by its jti ({@code POST /api/v1/tokens/{jti}/revoke}), every token
 * of an identity ({@code POST /api/v1/identities/{id}/tokens/revoke}), or a leaked token by its value
 * ({@code POST /api/v1/leaks}). Each revoked token is inactive at introspection at once and refused by the SDK's
 * verifier as soon as its revocation feed has the event; a refused request writes nothing but its denied event.
 */
class OperatorTokenRevocationTest {
  static final String API = "https://orders.example/";
  @TempDir static Path dir;
  static TestServer s;
  static OAuthSupport o;
  static Fixtures.Op securityOfficer;
  static Fixtures.Op owner;
  static Fixtures.Op plain;
  static Fixtures.Op leakReporter;
  static RevocationFeed feed;
  static BinderyTokenVerifier verifier;

  @BeforeAll
  static void start() throws Exception {
    s = TestServer.start(dir);
    o = new OAuthSupport(s);
    o.resourceServer(API);
    Fixtures f = o.f;
    f.team("other");
    f.adminStepUp();
    securityOfficer = f.operator("security_officer", "");
    owner = f.operator("", "payments");
    plain = f.operator("", "other");
    leakReporter = f.operator("leak_reporter", "");
    // the step-up moved the clock a TOTP step ahead; certificates enrolled later must be valid in the TLS layer's
    // real time
    s.clock.advance(Duration.ofSeconds(-dev.bindery.security.Totp.STEP_SECONDS));
    String issuer = s.server.baseUri().toString();
    SSLContext tls = TlsContexts.trusting(s.server.caFile());
    feed = RevocationFeed.builder().issuer(issuer).sslContext(tls).operatorToken(s.adminToken)
        .longPollWait(Duration.ofSeconds(10)).build();
    feed.pollOnce();
    feed.start();
    verifier = BinderyTokenVerifier.builder().issuer(issuer).audience(API).sslContext(tls).revocationFeed(feed)
        .clock(s.clock).build();
  }

  @AfterAll
  static void stop() {
    feed.close();
    s.close();
  }

  record Holder(String id, OAuthSupport.Client client) {}

  static Holder holder() {
    String id = o.identity("orders.read");
    return new Holder(id, o.enrol(id));
  }

  static String token(Holder h) {
    TestServer.Response r = o.token(h.client().http(), "grant_type=client_credentials&client_id=" + h.id()
        + "&resource=" + URLEncoder.encode(API, StandardCharsets.UTF_8));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("access_token").asText();
  }

  static String jti(String token) {
    return OAuthSupport.claims(token).get("jti").asText();
  }

  static boolean active(String token) {
    TestServer.Response r = o.post(s.client, "/oauth2/introspect", OAuthSupport.FORM,
        "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8), "Authorization", "Bearer " + s.adminToken);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("active").asBoolean();
  }

  /** The SDK's verdict once its feed has every event committed so far. */
  static VerificationResult sdk(Holder h, String token) throws Exception {
    long seq = feedHead();
    if (seq > 0) {
      assertThat(feed.awaitSequence(seq, Duration.ofSeconds(5))).as("the feed reached seq " + seq).isTrue();
    }
    return verifier.verify(RequestFacts.builder("GET", API + "orders/42").authorization("Bearer " + token)
        .clientCertificate(h.client().certificate()).build());
  }

  static long feedHead() {
    return s.server.transactor().read(t -> t.revocationEvents().since(0, Integer.MAX_VALUE)).stream()
        .mapToLong(e -> e.seq()).max().orElse(0);
  }

  static void assertRefusedBySdk(Holder h, String token) throws Exception {
    VerificationResult r = sdk(h, token);
    assertThat(r.isAccepted()).as("accepted by the SDK").isFalse();
    assertThat(r.rejection().errorCode()).isEqualTo("invalid_token");
  }

  /** A refused request: the problem's status and code, one denied audit event at most, and no feed event. */
  static TestServer.Response refused(String path, String token, String body, int status, String code,
      boolean audited) {
    long audit = s.auditHead();
    long head = feedHead();
    TestServer.Response r = s.post(path, token, body);
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.code()).isEqualTo(code);
    assertThat(feedHead()).as("feed events written").isEqualTo(head);
    if (audited) {
      assertThat(s.auditHead()).isEqualTo(audit + 1);
      assertThat(s.lastAuditEvent().outcome()).isEqualTo(Outcome.DENIED);
    } else {
      assertThat(s.auditHead()).as("audit events written").isEqualTo(audit);
    }
    return r;
  }

  // ---- one token by its jti --------------------------------------------------------------------------------

  @Test
  void revokeToken_securityOfficer_inactiveRefusedBySdkAudited_againTheSameAnswerAndNothingWritten() throws Exception {
    Holder h = holder();
    String token = token(h);
    String other = token(h);
    assertThat(sdk(h, token).isAccepted()).isTrue();
    long audit = s.auditHead();

    TestServer.Response r = s.post("/api/v1/tokens/" + jti(token) + "/revoke", securityOfficer.token(),
        "{\"reason\":\"seen in a build log\"}");

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().get("jti").asText()).isEqualTo(jti(token));
    assertThat(r.json().get("revoked_at").asText()).isEqualTo(Json.time(s.clock.instant()));
    assertThat(active(token)).isFalse();
    assertRefusedBySdk(h, token);
    assertThat(active(other)).as("another token of the same identity").isTrue();
    assertThat(sdk(h, other).isAccepted()).isTrue();
    assertThat(s.auditHead()).isEqualTo(audit + 1);
    AuditEvent e = s.lastAuditEvent();
    assertThat(e.action()).isEqualTo("token.revoke");
    assertThat(e.actor()).isEqualTo(securityOfficer.id());
    assertThat(e.target()).isEqualTo(jti(token));
    assertThat(e.details()).containsEntry("reason", "seen in a build log").containsEntry("jti", jti(token));
    assertThat(e.detailsJson()).doesNotContain(token.split("\\.")[2]);

    long head = feedHead();
    s.clock.advance(Duration.ofSeconds(3));
    try {
      TestServer.Response again = s.post("/api/v1/tokens/" + jti(token) + "/revoke", s.adminToken,
          "{\"reason\":\"again\"}");
      assertThat(again.status()).isEqualTo(200);
      assertThat(again.body()).isEqualTo(r.body());
      assertThat(s.auditHead()).isEqualTo(audit + 1);
      assertThat(feedHead()).isEqualTo(head);
    } finally {
      s.clock.advance(Duration.ofSeconds(-3));
    }
  }

  @Test
  void revokeToken_malformedJtiOrNoReason_400AndNothingWritten() {
    refused("/api/v1/tokens/not-a-jti/revoke", s.adminToken, "{\"reason\":\"x\"}", 400, "invalid_identifier", false);
    refused("/api/v1/tokens/tok_" + "a".repeat(26) + "/revoke", s.adminToken, "{}", 400, "missing_field", false);
    refused("/api/v1/tokens/tok_" + "a".repeat(26) + "/revoke", s.adminToken, "{\"reason\":\"x\",\"token\":\"y\"}",
        400, "unknown_field", false);
  }

  @Test
  void revokeToken_ownerOrPlainOperator_403AuditedAndTheTokenStaysActive() throws Exception {
    Holder h = holder();
    String token = token(h);
    for (Fixtures.Op op : new Fixtures.Op[] {owner, plain, leakReporter}) {
      refused("/api/v1/tokens/" + jti(token) + "/revoke", op.token(), "{\"reason\":\"x\"}", 403, "forbidden", true);
      assertThat(s.lastAuditEvent().actor()).isEqualTo(op.id());
      assertThat(s.lastAuditEvent().action()).isEqualTo("token.revoke");
    }
    assertThat(active(token)).isTrue();
    assertThat(sdk(h, token).isAccepted()).isTrue();
  }

  // ---- every token of an identity ------------------------------------------------------------------------------

  @Test
  void revokeIdentityTokens_owner_olderTokensRefusedEverywhere_aTokenIssuedRightAfterAccepted() throws Exception {
    Holder h = holder();
    Holder bystander = holder();
    String before = token(h);
    String bystanderToken = token(bystander);

    TestServer.Response r = s.post("/api/v1/identities/" + h.id() + "/tokens/revoke", owner.token(),
        "{\"reason\":\"rotating after an incident\"}");

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().get("identity_id").asText()).isEqualTo(h.id());
    assertThat(r.json().get("revoked_at").asText()).isEqualTo(Json.time(s.clock.instant()));
    AuditEvent e = s.lastAuditEvent();
    assertThat(e.action()).isEqualTo("token.revoke_identity");
    assertThat(e.actor()).isEqualTo(owner.id());
    assertThat(e.target()).isEqualTo(h.id());
    assertThat(e.details()).containsEntry("reason", "rotating after an incident");
    assertThat(active(before)).isFalse();
    assertRefusedBySdk(h, before);

    // the clock has not moved: the new token is issued in the same second as the revocation
    String after = token(h);
    assertThat(active(after)).isTrue();
    assertThat(sdk(h, after).isAccepted()).isTrue();
    assertThat(active(bystanderToken)).isTrue();
    assertThat(sdk(bystander, bystanderToken).isAccepted()).isTrue();
  }

  @Test
  void revokeIdentityTokens_plainOperatorUnknownOrRetiredIdentity_refusedAndNothingInTheFeed() throws Exception {
    Holder h = holder();
    String token = token(h);

    refused("/api/v1/identities/" + h.id() + "/tokens/revoke", plain.token(), "{\"reason\":\"x\"}", 403, "forbidden",
        true);
    assertThat(s.lastAuditEvent().action()).isEqualTo("token.revoke_identity");
    refused("/api/v1/identities/nhi_" + "a".repeat(26) + "/tokens/revoke", s.adminToken, "{\"reason\":\"x\"}", 404,
        "identity_not_found", false);
    refused("/api/v1/identities/not-an-id/tokens/revoke", s.adminToken, "{\"reason\":\"x\"}", 400,
        "invalid_identifier", false);
    assertThat(active(token)).isTrue();

    String retired = o.identity();
    IdentityId retiredId = IdentityId.parse(retired);
    s.server.transactor().inTransaction(t -> t.identities().update(t.identities().findById(retiredId).orElseThrow()
        .withStatus(IdentityStatus.RETIRED, "done", s.clock.instant())));
    refused("/api/v1/identities/" + retired + "/tokens/revoke", s.adminToken, "{\"reason\":\"x\"}", 409,
        "identity_retired", false);
  }

  // ---- a leaked token ------------------------------------------------------------------------------------------

  @Test
  void leakReport_accessToken_revokedByJtiRefusedBySdk_auditedWithoutTheToken() throws Exception {
    Holder h = holder();
    String token = token(h);
    long audit = s.auditHead();

    TestServer.Response r = s.post("/api/v1/leaks", leakReporter.token(), Workloads.body(Map.of("value", token)));

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().toString()).isEqualTo("{\"matched\":true,\"revoked\":[],\"already_revoked\":[],"
        + "\"access_token\":{\"jti\":\"" + jti(token) + "\",\"identity_id\":\"" + h.id()
        + "\",\"status\":\"revoked\"}}");
    assertThat(active(token)).isFalse();
    assertRefusedBySdk(h, token);
    assertThat(s.auditHead()).isEqualTo(audit + 1);
    AuditEvent e = s.lastAuditEvent();
    assertThat(e.action()).isEqualTo("credential.leak.report");
    assertThat(e.detailsJson()).doesNotContain(token).doesNotContain(token.split("\\.")[2]);
    JsonNode credentials = s.get("/api/v1/identities/" + h.id() + "/credentials", s.adminToken).json();
    assertThat(credentials.at("/items/0/status").asText()).as("the certificate is left alone").isEqualTo("active");
  }

  @Test
  void leakReport_revokeBoundCredential_certificateRevokedAndEveryTokenBoundToItRefused() throws Exception {
    Holder h = holder();
    String reported = token(h);
    String sibling = token(h);

    TestServer.Response r = s.post("/api/v1/leaks", s.adminToken,
        Workloads.body(Map.of("value", reported, "revoke_bound_credential", true)));

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().at("/revoked/0/identity_id").asText()).isEqualTo(h.id());
    assertThat(r.json().at("/revoked/0/type").asText()).isEqualTo("x509_svid");
    assertThat(r.json().at("/access_token/status").asText()).isEqualTo("revoked");
    JsonNode credential = s.get("/api/v1/identities/" + h.id() + "/credentials", s.adminToken).json().at("/items/0");
    assertThat(credential.get("status").asText()).isEqualTo("revoked");
    assertThat(credential.get("revocation_reason").asText()).isEqualTo("key_compromise");
    assertThat(active(sibling)).isFalse();
    assertRefusedBySdk(h, sibling);
  }

  @Test
  void leakReport_forgedAccessToken_400AccessTokenSignatureInvalidNothingWritten() throws Exception {
    Holder h = holder();
    String token = token(h);
    String[] p = token.split("\\.");
    String forged = p[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
        OAuthSupport.claims(token).toString().replace("orders.read", "orders.admin")
            .getBytes(StandardCharsets.UTF_8)) + "." + p[2];

    TestServer.Response r = refused("/api/v1/leaks", leakReporter.token(), Workloads.body(Map.of("value", forged)),
        400, "access_token_signature_invalid", false);

    assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    assertThat(r.json().get("field").asText()).isEqualTo("value");
    assertThat(r.body()).doesNotContain(p[1]).doesNotContain(p[2]);
    assertThat(active(token)).isTrue();
  }
}
