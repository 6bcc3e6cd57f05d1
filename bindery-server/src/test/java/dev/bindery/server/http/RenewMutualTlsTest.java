package dev.bindery.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bindery.audit.AuditEvent;
import dev.bindery.audit.Outcome;
import dev.bindery.pki.Pem;
import dev.bindery.testkit.pki.TestCsr;
import dev.bindery.testkit.pki.TestKeys;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /api/v1/renew} over real mutual TLS: a JDK HttpClient holds the workload's key and enrolled
 * certificate chain and presents it in the handshake. Revocation is checked through the OCSP responder, which
 * answers from the store at once.
 *
 * <p>The server's TLS layer validates client certificates against real time while the server clock is a test
 * clock: this class never moves that clock forward (a certificate issued later would not be valid yet for the
 * handshake); the expiry test runs its own server.
 */
class RenewMutualTlsTest {
  @TempDir static Path dir;
  static TestServer s;
  static Fixtures f;
  static Workloads w;

  @BeforeAll
  static void start() {
    s = TestServer.start(dir.resolve("server"));
    f = new Fixtures(s);
    w = new Workloads(s);
    f.team("payments");
    f.team("platform");
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  private static String identity() {
    return f.identity(s.adminToken, "payments", "team:platform");
  }

  private static JsonNode credential(String id) {
    return s.get("/api/v1/credentials/" + id, s.adminToken).json();
  }

  private static void assertRefused(TestServer.Response r, String code) {
    assertThat(r.status()).as(r.body()).isEqualTo(401);
    assertThat(r.code()).isEqualTo(code);
    assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    assertThat(r.header("WWW-Authenticate")).isNotNull();
  }

  @Test
  void renew_sameKeyOverMutualTls_generationTwoSupersedesOne() {
    String id = identity();
    Workloads.Held first = w.enrolled(id);
    long audit = s.auditHead();

    TestServer.Response r = w.renew(first, TestCsr.forKey(first.key()).pem());

    assertThat(r.status()).as(r.body()).isEqualTo(201);
    Workloads.Held second = Workloads.held(first.key(), r);
    JsonNode c = r.json().get("credential");
    assertThat(c.get("generation").asInt()).isEqualTo(2);
    assertThat(c.get("lineage_id").asText()).isEqualTo(first.lineageId());
    assertThat(c.get("bind_method").asText()).isEqualTo("renewal");
    assertThat(c.get("bound_by").asText()).isEqualTo(id);
    assertThat(second.leaf().getPublicKey()).isEqualTo(first.key().getPublic());
    assertThat(second.serial()).isNotEqualTo(first.serial());
    assertThat(r.json().get("spiffe_id").asText()).isEqualTo("spiffe://bindery.test/nhi/" + id);
    JsonNode old = credential(first.credentialId());
    assertThat(old.get("status").asText()).isEqualTo("superseded");
    assertThat(old.get("superseded_by").asText()).isEqualTo(second.credentialId());
    assertThat(old.get("revocation_reason").asText()).isEqualTo("superseded");
    assertThat(old.get("usable").asBoolean()).isFalse();
    // the presented certificate was used: its last use is recorded
    assertThat(old.get("last_used_at").asText()).isEqualTo(Json.time(s.clock.instant()));
    assertThat(w.ocsp(first.serial())).isEqualTo("revoked:4");
    assertThat(w.ocsp(second.serial())).isEqualTo("good");
    AuditEvent e = s.lastAuditEvent();
    assertThat(s.auditHead()).isEqualTo(audit + 1);
    assertThat(e.action()).isEqualTo("credential.renew");
    assertThat(e.actor()).isEqualTo(id);
    assertThat(e.details()).containsEntry("superseded_credential_id", first.credentialId())
        .containsEntry("generation", 2L);
  }

  @Test
  void renew_newKey_generationThreeForTheNewKey() {
    Workloads.Held second = w.renewed(w.enrolled(identity()));
    KeyPair fresh = TestKeys.ed25519();

    TestServer.Response r = w.renew(second, TestCsr.forKey(fresh).pem());

    assertThat(r.status()).as(r.body()).isEqualTo(201);
    Workloads.Held third = Workloads.held(fresh, r);
    assertThat(third.answer().at("/credential/generation").asInt()).isEqualTo(3);
    assertThat(third.answer().at("/credential/key_type").asText()).isEqualTo("Ed25519");
    assertThat(third.leaf().getPublicKey()).isEqualTo(fresh.getPublic());
    // and the new certificate with the new key renews in turn
    assertThat(w.renewed(third).answer().at("/credential/generation").asInt()).isEqualTo(4);
  }

  @Test
  void renew_withoutClientCertificate_401ClientCertificateRequiredNothingWritten() {
    String id = identity();
    w.enrolled(id);
    Workloads.Snapshot before = w.snapshot(id);

    TestServer.Response r = w.renewWith(s.client, TestCsr.ecP256Pem());

    assertRefused(r, "client_certificate_required");
    assertThat(w.snapshot(id)).isEqualTo(before);
  }

  @Test
  void renew_revokedCertificate_401CredentialRevokedAuditedAsDenied() {
    String id = identity();
    Workloads.Held held = w.enrolled(id);
    assertThat(s.post("/api/v1/credentials/" + held.credentialId() + "/revoke", s.adminToken,
        "{\"reason\":\"key_compromise\"}").status()).isEqualTo(200);
    Workloads.Snapshot before = w.snapshot(id);

    TestServer.Response r = w.renew(held, TestCsr.forKey(held.key()).pem());

    assertRefused(r, "credential_revoked");
    Workloads.Snapshot after = w.snapshot(id);
    assertThat(after.auditHead()).isEqualTo(before.auditHead() + 1);
    assertThat(new Workloads.Snapshot(after.credentials(), after.codes(), after.policies(), before.auditHead(),
        after.identities())).isEqualTo(before);
    AuditEvent e = s.lastAuditEvent();
    assertThat(e.outcome()).isEqualTo(Outcome.DENIED);
    assertThat(e.actor()).isEqualTo(id);
    assertThat(e.details()).containsEntry("code", "credential_revoked");
  }

  @Test
  void renew_supersededCertificate_quarantinesItsLineageOnlyWhileAnotherLineageRenews() {
    String id = identity();
    Workloads.Held stolen = w.enrolled(id);
    Workloads.Held current = w.renewed(stolen);
    Workloads.Held otherLineage = w.enrolled(id);
    double quarantinedBefore = quarantinedMetric();

    TestServer.Response r = w.renew(stolen, TestCsr.ecP256Pem());

    assertRefused(r, "credential_superseded");
    JsonNode quarantined = credential(current.credentialId());
    assertThat(quarantined.get("status").asText()).isEqualTo("quarantined");
    assertThat(quarantined.get("revocation_reason").asText()).isEqualTo("key_compromise");
    assertThat(quarantined.get("usable").asBoolean()).isFalse();
    assertThat(w.ocsp(current.serial())).isEqualTo("revoked:1");
    assertThat(quarantinedMetric()).isEqualTo(quarantinedBefore + 1);
    boolean[] alerted = {false};
    s.server.transactor().read(t -> {
      t.audit().scan(0, Integer.MAX_VALUE, e -> {
        if (e.action().equals("credential.lineage.quarantined") && e.target().equals(id)) {
          alerted[0] = true;
          assertThat(e.details()).containsEntry("lineage_id", current.lineageId())
              .containsEntry("revoked_serial", current.serial());
        }
      });
      return null;
    });
    assertThat(alerted[0]).isTrue();
    // the quarantined lineage's own current certificate no longer renews either
    assertRefused(w.renew(current, TestCsr.forKey(current.key()).pem()), "credential_quarantined");
    // the identity's other lineage is untouched and keeps renewing
    assertThat(credential(otherLineage.credentialId()).get("status").asText()).isEqualTo("active");
    assertThat(w.renewed(otherLineage).answer().at("/credential/generation").asInt()).isEqualTo(2);
    // presenting the stolen copy again changes nothing more
    assertRefused(w.renew(stolen, TestCsr.ecP256Pem()), "credential_superseded");
    assertThat(quarantinedMetric()).isEqualTo(quarantinedBefore + 1);
  }

  private static double quarantinedMetric() {
    for (String line : s.get("/metrics", null).body().split("\n")) {
      if (line.startsWith("bindery_credential_lineage_quarantined_total")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError("no bindery_credential_lineage_quarantined_total metric");
  }

  @Test
  void renew_selfSignedCertificates_refusedAsUnknownToRenewal() {
    String id = identity();
    KeyPair key = TestKeys.ecP256();
    X509Certificate registered = Workloads.selfSigned(key, s.clock.instant().minusSeconds(60),
        s.clock.instant().plus(Duration.ofDays(1)));
    assertThat(s.post("/api/v1/identities/" + id + "/self-signed-certificates", s.adminToken,
        Workloads.body(Map.of("certificate_pem", Pem.certificate(registered)))).status()).isEqualTo(201);
    KeyPair strangerKey = TestKeys.ecP256();
    X509Certificate stranger = Workloads.selfSigned(strangerKey, s.clock.instant().minusSeconds(60),
        s.clock.instant().plus(Duration.ofDays(1)));
    Workloads.Snapshot before = w.snapshot(id);

    TestServer.Response unknown = w.renewWith(w.client(strangerKey, stranger), TestCsr.forKey(strangerKey).pem());

    // not Bindery's and not registered: refused without an audit event (anyone can make one)
    assertRefused(unknown, "credential_unknown");
    assertThat(w.snapshot(id)).isEqualTo(before);

    TestServer.Response notAnSvid = w.renewWith(w.client(key, registered), TestCsr.forKey(key).pem());

    // registered for self_signed_tls_client_auth, but only an X.509-SVID renews: refused and audited
    assertRefused(notAnSvid, "credential_unknown");
    assertThat(s.lastAuditEvent().outcome()).isEqualTo(Outcome.DENIED);
    assertThat(s.lastAuditEvent().action()).isEqualTo("credential.renew");
    assertThat(w.snapshot(id).credentials().size()).isEqualTo(before.credentials().size());
  }

  @Test
  void renew_suspendedIdentity_401IdentityNotActiveUntilResumed() {
    String id = identity();
    Workloads.Held held = w.enrolled(id);
    assertThat(s.post("/api/v1/identities/" + id + "/suspend", s.adminToken,
        "{\"version\":" + f.version("/api/v1/identities/" + id) + "}").status()).isEqualTo(200);

    assertRefused(w.renew(held, TestCsr.forKey(held.key()).pem()), "identity_not_active");
    assertThat(credential(held.credentialId()).get("status").asText()).isEqualTo("active");

    assertThat(s.post("/api/v1/identities/" + id + "/resume", s.adminToken,
        "{\"version\":" + f.version("/api/v1/identities/" + id) + "}").status()).isEqualTo(200);
    assertThat(w.renewed(held).answer().at("/credential/generation").asInt()).isEqualTo(2);
  }

  @Test
  void renew_badBodiesAndCsrs_preciseProblemNothingChangedAndTheCertificateStillRenews() {
    String id = identity();
    Workloads.Held held = w.enrolled(id);
    KeyPair key = held.key();
    var client = w.client(key, held.chain().toArray(new X509Certificate[0]));
    Workloads.Snapshot before = w.snapshot(id).ignoringUse();
    Map<String, String> csrs = new java.util.LinkedHashMap<>();
    csrs.put("csr_malformed", "not a certificate request");
    csrs.put("csr_malformed ", "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n");
    csrs.put("csr_malformed  ", Pem.certificate(held.leaf()));
    csrs.put("csr_signature_invalid", TestCsr.forKey(key).tamperSignature().pem());
    csrs.put("key_too_weak", TestCsr.forKey(TestKeys.rsa(1024)).pem());
    csrs.put("key_unsupported", TestCsr.forKey(TestKeys.secp256k1()).pem());
    csrs.put("csr_not_permitted", TestCsr.forKey(key).requestBasicConstraints(true).pem());
    csrs.put("csr_not_permitted ", TestCsr.forKey(key).requestUri("spiffe://bindery.test/nhi/"
        + "nhi_aaaaaaaaaaaaaaaaaaaaaaaaaa").pem());
    csrs.put("csr_not_permitted  ", TestCsr.forKey(key).requestDnsName("billing.example").pem());

    for (Map.Entry<String, String> e : csrs.entrySet()) {
      TestServer.Response r = w.renewWith(client, e.getValue());
      assertThat(r.status()).as(e.getKey() + ": " + r.body()).isEqualTo(400);
      assertThat(r.code()).as(r.body()).isEqualTo(e.getKey().strip());
      assertThat(r.body()).doesNotContain("Exception");
    }
    String csr = TestCsr.forKey(key).pem();
    assertThat(w.renewRaw(client, "{\"csr\": ", "application/json").code()).isEqualTo("malformed_json");
    assertThat(w.renewRaw(client, Workloads.body(Map.of("csr", csr, "generation", 7)), "application/json").code())
        .isEqualTo("unknown_field");
    assertThat(w.renewRaw(client, "{}", "application/json").code()).isEqualTo("missing_field");
    assertThat(w.renewRaw(client, "{\"csr\":[]}", "application/json").code()).isEqualTo("invalid_field");
    TestServer.Response wrongType = w.renewRaw(client, Workloads.body(Map.of("csr", csr)), "text/plain");
    assertThat(wrongType.status()).isEqualTo(415);
    assertThat(wrongType.code()).isEqualTo("unsupported_media_type");

    assertThat(w.snapshot(id).ignoringUse()).isEqualTo(before);
    assertThat(credential(held.credentialId()).get("status").asText()).isEqualTo("active");
    assertThat(w.renewed(held).answer().at("/credential/generation").asInt()).isEqualTo(2);
  }

  @Test
  void renew_expiredCertificate_401CredentialExpired() {
    try (TestServer other = TestServer.start(dir.resolve("expiry"))) {
      Fixtures of = new Fixtures(other);
      Workloads ow = new Workloads(other);
      of.team("payments");
      of.team("platform");
      String id = of.identity(other.adminToken, "payments", "team:platform");
      Workloads.Held held = ow.enrolled(id);
      // the TLS layer checks validity against real time; Bindery against its clock, 24 hours later
      other.clock.advance(Duration.ofHours(24));

      TestServer.Response r = ow.renew(held, TestCsr.forKey(held.key()).pem());

      assertThat(r.status()).as(r.body()).isEqualTo(401);
      assertThat(r.code()).isEqualTo("credential_expired");
      assertThat(other.get("/api/v1/credentials/" + held.credentialId(), other.adminToken).json()
          .get("usable").asBoolean()).isFalse();
    }
  }
}
