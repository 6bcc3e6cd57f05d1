package dev.bindery.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bindery.server.config.BinderyConfig;
import dev.bindery.server.config.ConfigException;
import dev.bindery.testkit.pki.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The re-binding policy file ({@code bindery.rebinding.policy-file}) as the server uses it: its rules decide what a
 * request needs, its {@code scope_min_level} what the token endpoint grants, and a bad file stops the start with a
 * message naming the key.
 */
class RebindingPolicyServerTest {
  @TempDir Path dir;

  @Test
  void policyFile_rulesAndScopeMinimumLevels_usedByRequestsAndTheTokenEndpoint() throws Exception {
    Path policy = Files.writeString(dir.resolve("rebinding.json"), """
        {"rules": {"recover": {"1": {"approvals": ["owner", "security_officer"]}}},
         "scope_min_level": {"billing.admin": 2}}""");
    // step-ups move the clock on; it starts behind the real time that TLS handshakes check certificates against
    try (TestServer s = TestServer.start(dir.resolve("data"),
        Map.of(BinderyConfig.REBINDING_POLICY_FILE, policy.toString()), Instant.now().minus(Duration.ofHours(1)))) {
      Rebinding r = new Rebinding(s);
      String id = r.identity(1);
      assertThat(s.send("PUT", "/api/v1/identities/" + id + "/scopes", s.adminToken,
          "{\"scopes\":[\"billing.read\",\"billing.admin\"]}", "If-Match", "\"1\"").status()).isEqualTo(200);
      Workloads.Held held = r.w.enrolled(id);

      JsonNode request = r.requested(r.owner, Rebinding.csrRequest("recover", id, TestKeys.ecP256(),
          held.credentialId()));
      assertThat(request.at("/required/approvals").toString()).isEqualTo("[\"owner\",\"security_officer\"]");

      // by default only the scopes the identity's level allows; asking for the other one is invalid_scope
      TestServer.Response token = r.tokenRequest(id, held);
      assertThat(token.status()).as(token.body()).isEqualTo(200);
      assertThat(token.json().get("scope").asText()).isEqualTo("billing.read");
      TestServer.Response admin = r.o.token(r.w.client(held.key(), held.leaf()),
          "grant_type=client_credentials&client_id=" + id + "&scope=billing.admin&resource=" + Rebinding.enc(Rebinding.API));
      assertThat(admin.status()).isEqualTo(400);
      assertThat(admin.json().get("error").asText()).isEqualTo("invalid_scope");
    }
  }

  @Test
  void policyFile_unknownKey_startFailsNamingTheKeyAndTheField() throws Exception {
    Path policy = Files.writeString(dir.resolve("rebinding.json"), "{\"request_tll\": \"PT1H\"}");

    assertThatThrownBy(() -> TestServer.start(dir.resolve("data"),
        Map.of(BinderyConfig.REBINDING_POLICY_FILE, policy.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(BinderyConfig.REBINDING_POLICY_FILE + ": " + policy)
        .hasMessageContaining("request_tll");
  }
}
