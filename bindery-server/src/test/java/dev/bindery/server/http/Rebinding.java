package dev.bindery.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import dev.bindery.change.ChangeRequest;
import dev.bindery.change.ChangeRequestQuery;
import dev.bindery.change.ContinuityProofs;
import dev.bindery.credential.Credential;
import dev.bindery.credential.CredentialQuery;
import dev.bindery.testkit.RebindingFixture;
import dev.bindery.testkit.pki.TestCsr;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cast and the steps of re-binding over HTTP, made through the public API: owners of team payments, a security
 * officer, each with TOTP for their step-ups; identities at a level; change requests, challenges, proofs signed with
 * a holder's key, approvals; tokens of a certificate and their introspection.
 */
final class Rebinding {
  static final String API = "https://orders.example/";
  final TestServer s;
  final Fixtures f;
  final Workloads w;
  final OAuthSupport o;
  final Fixtures.Op owner;
  final Fixtures.Op owner2;
  final Fixtures.Op officer;
  private final Map<String, byte[]> seeds = new LinkedHashMap<>();

  Rebinding(TestServer s) {
    this.s = s;
    this.o = new OAuthSupport(s);
    this.f = o.f;
    this.w = new Workloads(s);
    f.team("platform");
    f.adminStepUp();
    o.resourceServer(API);
    owner = withTotp(f.operator("", "payments"));
    owner2 = withTotp(f.operator("", "payments"));
    officer = withTotp(f.operator("security_officer", ""));
  }

  private Fixtures.Op withTotp(Fixtures.Op op) {
    seeds.put(op.token(), f.enrolTotp(op.token()));
    return op;
  }

  /** A fresh TOTP step-up of {@code op} (the clock moves on one TOTP step first). */
  void stepUp(Fixtures.Op op) {
    TestServer.Response r = f.stepUp(op.token(), seeds.get(op.token()));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  /** A workload owned by payments (backup team platform) at {@code level}, with the scope billing.read. */
  String identity(int level) {
    TestServer.Response r = s.post("/api/v1/identities", s.adminToken, Workloads.body(Map.of("kind", "workload",
        "name", Fixtures.unique("svc-"), "owner_team", "payments", "backup_owner", "team:platform",
        "scopes", List.of("billing.read"), "assurance_level", level)));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(r.json().get("assurance_level").asInt()).isEqualTo(level);
    return r.json().get("id").asText();
  }

  static Map<String, Object> csrRequest(String type, String target, KeyPair key, String... replaces) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", type);
    body.put("target", target);
    body.put("reason", type + " after an incident");
    body.put("csr", TestCsr.forKey(key).pem());
    body.put("replaces", List.of(replaces));
    return body;
  }

  TestServer.Response request(String token, Map<String, Object> body) {
    return s.post("/api/v1/change-requests", token, Workloads.body(body));
  }

  /** Makes a request as {@code op}, asserting 201. */
  JsonNode requested(Fixtures.Op op, Map<String, Object> body) {
    TestServer.Response r = request(op.token(), body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  TestServer.Response action(String token, String id, String action, String body) {
    return s.post("/api/v1/change-requests/" + id + "/" + action, token, body);
  }

  /** Approves as {@code op} in {@code role} right after a fresh step-up, asserting 200. */
  JsonNode approved(Fixtures.Op op, String id, String role) {
    stepUp(op);
    TestServer.Response r = action(op.token(), id, "approvals", "{\"role\":\"" + role + "\",\"comment\":\"checked\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  JsonNode challenge(String token, String id) {
    TestServer.Response r = action(token, id, "challenges", "{}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  /** A compact JWS over the challenge's signing input, signed with {@code key}, naming {@code kid}, issued now. */
  String proof(KeyPair key, String kid, JsonNode challenge) {
    Map<String, Object> claims = new LinkedHashMap<>();
    challenge.get("signing_input").fields().forEachRemaining(e -> claims.put(e.getKey(), e.getValue().asText()));
    return RebindingFixture.proof(key, kid, claims, s.clock.instant(), ContinuityProofs.TYPE);
  }

  TestServer.Response prove(String token, String id, JsonNode challenge, String proof) {
    return action(token, id, "continuity", Workloads.body(Map.of("challenge_id",
        challenge.get("challenge_id").asText(), "proof", proof)));
  }

  /** Challenge, proof signed by {@code holder}'s key naming its certificate, submission; asserting 200. */
  JsonNode proven(Fixtures.Op op, String id, Workloads.Held holder) {
    JsonNode challenge = challenge(op.token(), id);
    TestServer.Response r = prove(op.token(), id, challenge,
        proof(holder.key(), OAuthSupport.x5tS256(holder.leaf()), challenge));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  JsonNode applied(String token, String id) {
    TestServer.Response r = action(token, id, "apply", "{}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  JsonNode get(String id) {
    TestServer.Response r = s.get("/api/v1/change-requests/" + id, s.adminToken);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  JsonNode identityJson(String id) {
    return s.get("/api/v1/identities/" + id, s.adminToken).json();
  }

  // ---- store state: what a refusal must leave alone ---------------------------------------------------------

  /** Every credential and change request, and the audit head. */
  record State(List<Credential> credentials, List<ChangeRequest> requests, long auditHead) {}

  State state() {
    return s.server.transactor().read(t -> new State(
        t.credentials().search(CredentialQuery.all(CredentialQuery.MAX_LIMIT)).items().stream()
            .map(c -> c.withLastUsedAt(null)).toList(),
        t.changeRequests().list(ChangeRequestQuery.all(ChangeRequestQuery.MAX_LIMIT)).items(),
        t.audit().head().seq()));
  }

  /**
   * The response is the problem {@code status}/{@code code}; no credential or change request changed, and exactly
   * {@code auditEvents} events were appended (1 for an audited refusal, 0 for bad input).
   */
  void assertRefused(TestServer.Response r, int status, String code, State before, int auditEvents) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.code()).as(r.body()).isEqualTo(code);
    assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    State after = state();
    assertThat(after.credentials()).isEqualTo(before.credentials());
    assertThat(after.requests()).isEqualTo(before.requests());
    assertThat(after.auditHead()).isEqualTo(before.auditHead() + auditEvents);
    if (auditEvents == 1) {
      assertThat(s.lastAuditEvent().outcome()).isEqualTo(dev.bindery.audit.Outcome.DENIED);
      assertThat(s.lastAuditEvent().details().get("code")).isEqualTo(code);
    }
  }

  // ---- tokens ------------------------------------------------------------------------------------------------

  static String enc(String v) {
    return URLEncoder.encode(v, StandardCharsets.UTF_8);
  }

  TestServer.Response tokenRequest(String identity, Workloads.Held holder) {
    return o.token(w.client(holder.key(), holder.chain().toArray(new java.security.cert.X509Certificate[0])),
        "grant_type=client_credentials&client_id=" + identity + "&resource=" + enc(API));
  }

  String token(String identity, Workloads.Held holder) {
    TestServer.Response r = tokenRequest(identity, holder);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("access_token").asText();
  }

  /** Introspection with the admin's operator token. */
  boolean active(String token) {
    TestServer.Response r = s.send("POST", "/oauth2/introspect", s.adminToken, "token=" + enc(token),
        "Content-Type", OAuthSupport.FORM);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("active").asBoolean();
  }

  // ---- independent computations ------------------------------------------------------------------------------

  /** The RFC 7638 thumbprint of an EC P-256 public key, by Nimbus (the server computes its own). */
  static String jkt(KeyPair key) {
    try {
      return new ECKey.Builder(Curve.P_256, (ECPublicKey) key.getPublic()).build().computeThumbprint().toString();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** The request digest of docs/rebinding.md, computed here from the request as the API shows it. */
  static String digest(JsonNode request) {
    List<String> replaces = new ArrayList<>();
    request.get("replaces").forEach(r -> replaces.add(r.asText()));
    replaces.sort(null);
    String canonical = request.get("id").asText() + "\n" + request.get("type").asText() + "\n"
        + request.get("target").asText() + "\n" + request.at("/proposed/key_thumbprint").asText() + "\n"
        + String.join(" ", replaces);
    try {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(
          MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
