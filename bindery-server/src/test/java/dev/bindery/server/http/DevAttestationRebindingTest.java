package dev.bindery.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bindery.pki.Pem;
import dev.bindery.server.bootstrap.DevAttestationRoot;
import dev.bindery.server.config.BinderyConfig;
import dev.bindery.testkit.pki.TestKeys;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A level-3 recovery with a key attested by the development attestation root ({@code bindery dev attest}), over
 * real HTTPS: a server that was given the root's certificate binds the key as hardware-held; a server that was not
 * trusts nothing and refuses the same request as {@code assurance_too_low}; a chain issued for another key is
 * {@code attestation_invalid}. Every refusal leaves the store as it was.
 */
class DevAttestationRebindingTest {
  @TempDir Path dir;

  private DevAttestationRoot root() throws Exception {
    return DevAttestationRoot.create(dir.resolve("dev-attestation"), Instant.now(), Duration.ofDays(1), false);
  }

  private static String chain(DevAttestationRoot root, KeyPair key) {
    return Pem.certificates(root.attest(key.getPublic(), Instant.now()).certificates());
  }

  @Test
  void recoverLevel3_serverGivenTheDevelopmentRoot_bindsTheAttestedKeyAsHardware_refusesAChainOfAnotherKey()
      throws Exception {
    DevAttestationRoot root = root();
    Path rootFile = dir.resolve("dev-attestation").resolve(DevAttestationRoot.CERTIFICATE_FILE);
    try (TestServer s = TestServer.start(dir.resolve("data"),
        Map.of(BinderyConfig.ATTESTATION_ROOTS, rootFile.toString()))) {
      Rebinding r = new Rebinding(s);
      String id = r.identity(3);
      Workloads.Held old = r.w.enrolled(id);
      KeyPair held = TestKeys.ecP256();
      Map<String, Object> body = Rebinding.csrRequest("recover", id, held, old.credentialId());

      body.put("attestation", chain(root, TestKeys.ecP256()));
      Rebinding.State before = r.state();
      r.assertRefused(r.request(r.owner.token(), body), 400, "attestation_invalid", before, 0);

      body.put("attestation", chain(root, held));
      JsonNode request = r.requested(r.owner, body);

      assertThat(request.at("/proposed/assurance").asText()).isEqualTo("hardware");
      assertThat(request.at("/proposed/credential_level").asInt()).isEqualTo(3);
      assertThat(request.at("/proposed/attested").asBoolean()).isTrue();
      String chg = request.get("id").asText();
      r.approved(r.owner2, chg, "owner");
      r.approved(r.officer, chg, "security_officer");
      JsonNode applied = r.applied(r.owner.token(), chg);
      assertThat(applied.at("/credential/assurance").asText()).isEqualTo("hardware");
      assertThat(r.identityJson(id).get("assurance_level").asInt()).isEqualTo(3);
      // the identity's history holds its change request's events (they target the request) among its own
      java.util.List<String> history = new java.util.ArrayList<>();
      s.get("/api/v1/identities/" + id + "/history", s.adminToken).json().get("items")
          .forEach(e -> history.add(e.get("action").asText() + " " + e.get("target").asText()));
      assertThat(history).containsSubsequence("identity.create " + id, "change_request.create " + chg,
          "change_request.approve " + chg, "change_request.approve " + chg, "credential.revoke " + id,
          "credential.rebind " + id, "change_request.apply " + chg);
    }
  }

  @Test
  void recoverLevel3_serverNotGivenTheDevelopmentRoot_trustsNothing_refusesAssuranceTooLow() throws Exception {
    DevAttestationRoot root = root();
    try (TestServer s = TestServer.start(dir.resolve("data"))) {
      Rebinding r = new Rebinding(s);
      String id = r.identity(3);
      Workloads.Held old = r.w.enrolled(id);
      KeyPair held = TestKeys.ecP256();
      Map<String, Object> body = Rebinding.csrRequest("recover", id, held, old.credentialId());
      body.put("attestation", chain(root, held));
      Rebinding.State before = r.state();

      r.assertRefused(r.request(r.owner.token(), body), 422, "assurance_too_low", before, 1);
    }
  }
}
