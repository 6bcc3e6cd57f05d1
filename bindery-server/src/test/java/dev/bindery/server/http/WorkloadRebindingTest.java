package dev.bindery.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bindery.testkit.pki.TestCsr;
import dev.bindery.testkit.pki.TestKeys;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A workload rotates its own credential over mutual TLS, end to end: it presents its current certificate to
 * {@code POST /api/v1/workload/change-requests} (the presentation is the continuity proof), and applies the approved
 * request itself on {@code POST /api/v1/workload/change-requests/{id}/apply}, receiving the new certificate.
 */
class WorkloadRebindingTest {
  @TempDir static Path dir;
  static TestServer s;
  static Rebinding r;

  @BeforeAll
  static void start() {
    s = TestServer.start(dir, Map.of(), Instant.now().minus(Duration.ofHours(1)));
    r = new Rebinding(s);
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  static HttpClient presenting(Workloads.Held held) {
    return r.w.client(held.key(), held.chain().toArray(new X509Certificate[0]));
  }

  static TestServer.Response workloadRequest(Workloads.Held held, Map<String, Object> body) {
    return r.o.post(presenting(held), "/api/v1/workload/change-requests", "application/json", Workloads.body(body));
  }

  static TestServer.Response workloadApply(Workloads.Held held, String chg) {
    return r.o.post(presenting(held), "/api/v1/workload/change-requests/" + chg + "/apply", "application/json", "{}");
  }

  @Test
  void rotate_level1_requestedAndAppliedByTheWorkloadOverMutualTls_newCertificateWorks() {
    String id = r.identity(1);
    Workloads.Held old = r.w.enrolled(id);
    KeyPair newKey = TestKeys.ecP256();

    TestServer.Response created = workloadRequest(old, Map.of("reason", "monthly rotation",
        "csr", TestCsr.forKey(newKey).pem()));

    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonNode request = created.json();
    assertThat(request.get("type").asText()).isEqualTo("rotate");
    assertThat(request.get("target").asText()).isEqualTo(id);
    assertThat(request.get("requester").toString()).isEqualTo("{\"kind\":\"workload\",\"id\":\"" + id + "\"}");
    assertThat(request.get("replaces").toString()).as("the certificate presented, by default")
        .isEqualTo("[\"" + old.credentialId() + "\"]");
    assertThat(request.at("/continuity/method").asText()).isEqualTo("mutual_tls");
    assertThat(request.at("/continuity/credential_id").asText()).isEqualTo(old.credentialId());
    assertThat(request.get("state").asText()).isEqualTo("approved");
    String chg = request.get("id").asText();

    TestServer.Response applied = workloadApply(old, chg);

    assertThat(applied.status()).as(applied.body()).isEqualTo(200);
    assertThat(applied.json().at("/change_request/state").asText()).isEqualTo("applied");
    assertThat(applied.json().at("/change_request/resolved_by").asText()).isEqualTo(id);
    Workloads.Held rotated = Workloads.held(newKey, applied);
    assertThat(rotated.leaf().getPublicKey()).isEqualTo(newKey.getPublic());
    assertThat(rotated.credentialId()).isEqualTo(applied.json().at("/credential/id").asText());
    assertThat(r.tokenRequest(id, rotated).status()).isEqualTo(200);
    assertThat(s.get("/api/v1/credentials/" + old.credentialId(), s.adminToken).json().get("status").asText())
        .isEqualTo("superseded");
    // the new certificate renews like any other
    assertThat(r.w.renew(rotated, TestCsr.forKey(newKey).pem()).status()).isEqualTo(201);
  }

  @Test
  void rotate_level2_waitsForAnOwnerApproval_thenTheWorkloadApplies() {
    String id = r.identity(2);
    Workloads.Held old = r.w.enrolled(id);
    KeyPair newKey = TestKeys.ecP256();
    JsonNode request = workloadRequest(old, Map.of("reason", "rotation", "csr", TestCsr.forKey(newKey).pem(),
        "replaces", List.of(old.credentialId()))).json();
    String chg = request.get("id").asText();
    assertThat(request.get("missing").toString()).isEqualTo("[\"step_up_or_owner\"]");
    Rebinding.State before = r.state();
    r.assertRefused(workloadApply(old, chg), 409, "approval_required", before, 1);

    r.approved(r.owner, chg, "owner");
    TestServer.Response applied = workloadApply(old, chg);

    assertThat(applied.status()).as(applied.body()).isEqualTo(200);
    assertThat(applied.json().at("/change_request/approvals/0/operator").asText()).isEqualTo(r.owner.id());
  }

  @Test
  void workloadRoutes_withoutAClientCertificate_401NotAuditedNothingWritten() {
    Rebinding.State before = r.state();

    TestServer.Response created = s.post("/api/v1/workload/change-requests", null,
        Workloads.body(Map.of("reason", "rotation", "csr", TestCsr.ecP256Pem())));

    r.assertRefused(created, 401, "client_certificate_required", before, 0);
    assertThat(created.header("WWW-Authenticate")).isNull();
  }

  @Test
  void apply_ofARequestAnOperatorMade_403Forbidden() {
    String id = r.identity(1);
    Workloads.Held old = r.w.enrolled(id);
    String chg = r.requested(r.owner, Rebinding.csrRequest("rotate", id, TestKeys.ecP256(), old.credentialId()))
        .get("id").asText();
    r.proven(r.owner, chg, old);
    Rebinding.State before = r.state();

    r.assertRefused(workloadApply(old, chg), 403, "forbidden", before, 1);
  }

  @Test
  void create_withATypeField_400UnknownField_aWorkloadOnlyRotates() {
    String id = r.identity(1);
    Workloads.Held old = r.w.enrolled(id);
    Rebinding.State before = r.state();

    TestServer.Response refused = workloadRequest(old, Map.of("type", "recover", "reason", "lost",
        "csr", TestCsr.ecP256Pem()));

    r.assertRefused(refused, 400, "unknown_field", before, 0);
    assertThat(refused.json().get("field").asText()).isEqualTo("type");
  }

  @Test
  void create_replacingAnotherIdentitysCredential_404CredentialNotFound() {
    String id = r.identity(1);
    Workloads.Held old = r.w.enrolled(id);
    Workloads.Held other = r.w.enrolled(r.identity(1));
    Rebinding.State before = r.state();

    r.assertRefused(workloadRequest(old, Map.of("reason", "rotation", "csr", TestCsr.ecP256Pem(),
        "replaces", List.of(other.credentialId()))), 404, "credential_not_found", before, 0);
  }
}
