package dev.bindery.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bindery.server.config.BinderyConfig;
import dev.bindery.server.notify.WebhookReceiver;
import dev.bindery.testkit.pki.TestKeys;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.nio.file.Path;

/**
 * The re-binding engine wired to the notification outbox: the owning team's webhook hears of every change request
 * event and lock, a pending or applied re-binding's notification carries a "this was not us" link, and following it
 * cancels the request (or revokes the new credential) and locks the identity.
 */
class RebindingNotificationsTest {
  @TempDir static Path dir;
  static TestServer s;
  static Rebinding r;
  static WebhookReceiver receiver;

  @BeforeAll
  static void start() throws Exception {
    s = TestServer.start(dir, Map.of(BinderyConfig.NOTIFY_ALLOW_LOOPBACK_HTTP, "true"),
        Instant.now().minus(Duration.ofHours(1)));
    r = new Rebinding(s);
    receiver = new WebhookReceiver();
    r.f.adminStepUp();
    TestServer.Response hook = s.post("/api/v1/teams/payments/webhooks", s.adminToken,
        "{\"url\":\"" + receiver.url("/hook") + "\"}");
    assertThat(hook.status()).as(hook.body()).isEqualTo(201);
  }

  @AfterAll
  static void stop() {
    receiver.close();
    s.close();
  }

  private static void dispatch() {
    while (s.server.webhookDispatcher().runOnce() > 0) {
      // until nothing is due
    }
  }

  private static List<JsonNode> received(String changeRequestOrIdentity, String event) {
    return receiver.received().stream().map(x -> {
      try {
        return Json.MAPPER.readTree(x.body());
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    }).filter(b -> b.get("event").asText().equals(event)
        && (changeRequestOrIdentity.equals(b.path("change_request_id").asText())
            || changeRequestOrIdentity.equals(b.path("identity_id").asText()))).toList();
  }

  private static Map<String, Object> migrate(String id, String replaces, KeyPair key) {
    Map<String, Object> body = new LinkedHashMap<>(Map.of("type", "migrate", "target", id,
        "reason", "agent moved to the new runtime", "jwk", Workloads.ecJwk(key),
        "expires_at", r.w.inFuture(Duration.ofDays(30)), "replaces", List.of(replaces)));
    return body;
  }

  private static String path(String url) {
    return url.substring(s.server.baseUri().toString().length());
  }

  @Test
  void pendingRequest_notifiedWithADisavowLink_followingItCancelsTheRequestAndLocksTheIdentity() {
    String id = r.identity(1);
    Workloads.Held old = r.w.enrolled(id);
    String chg = r.requested(r.owner, migrate(id, old.credentialId(), TestKeys.ecP256())).get("id").asText();

    dispatch();

    List<JsonNode> created = received(chg, "change_request.created");
    assertThat(created).hasSize(1);
    JsonNode n = created.get(0);
    assertThat(n.get("identity_id").asText()).isEqualTo(id);
    assertThat(n.at("/details/type").asText()).isEqualTo("migrate");
    assertThat(n.at("/details/replaces").asText()).isEqualTo(old.credentialId());
    assertThat(n.toString()).doesNotContain("\"x\":", "BEGIN");
    String link = n.get("disavow_url").asText();
    assertThat(link).contains("/api/v1/disavow/bnd_dis_");

    TestServer.Response followed = s.post(path(link), null, null);

    assertThat(followed.status()).as(followed.body()).isEqualTo(200);
    assertThat(s.get("/api/v1/change-requests/" + chg, s.adminToken).json().get("state").asText())
        .isEqualTo("cancelled");
    assertThat(s.get("/api/v1/identities/" + id, s.adminToken).json().get("status").asText()).isEqualTo("locked");
    assertThat(s.get("/api/v1/credentials/" + old.credentialId(), s.adminToken).json().get("status").asText())
        .as("a cancelled request revokes nothing").isEqualTo("active");
    dispatch();
    assertThat(received(id, "identity.locked")).hasSize(1);
    assertThat(s.post(path(link), null, null).status()).as("single use").isEqualTo(404);
  }

  @Test
  void appliedRequest_followingItsLinkRevokesTheNewCredentialAndLocksTheIdentity() {
    String id = r.identity(1);
    Workloads.Held old = r.w.enrolled(id);
    KeyPair key = TestKeys.ecP256();
    String chg = r.requested(r.owner, migrate(id, old.credentialId(), key)).get("id").asText();
    r.approved(r.owner2, chg, "owner");
    JsonNode applied = r.applied(s.adminToken, chg);
    String newCredential = applied.at("/credential/id").asText();

    dispatch();

    List<JsonNode> notices = received(chg, "change_request.applied");
    assertThat(notices).hasSize(1);
    TestServer.Response followed = s.post(path(notices.get(0).get("disavow_url").asText()), null, null);

    assertThat(followed.status()).as(followed.body()).isEqualTo(200);
    JsonNode credential = s.get("/api/v1/credentials/" + newCredential, s.adminToken).json();
    assertThat(credential.get("status").asText()).isEqualTo("revoked");
    assertThat(credential.get("revocation_reason").asText()).isEqualTo("key_compromise");
    assertThat(s.get("/api/v1/identities/" + id, s.adminToken).json().get("status").asText()).isEqualTo("locked");
  }
}
