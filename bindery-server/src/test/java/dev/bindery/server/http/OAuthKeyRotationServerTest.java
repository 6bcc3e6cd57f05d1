package dev.bindery.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bindery.server.bootstrap.BinderyServer;
import dev.bindery.server.config.BinderyConfig;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signing key rotation driven by the clock, on two nodes sharing one database: the next key is published before it
 * signs, the retired key stays published until every token it signed has expired, and both nodes serve the same
 * keys. Also: a client certificate that expired by the server's clock is refused although its chain is valid.
 */
class OAuthKeyRotationServerTest {
  static final String API = "https://api.example.com/";
  /** Rotation 600 s, tokens at most 600 s: a retired key stays published 600 + 30 (reload) + 60 (margin) s. */
  static final Map<String, String> CONFIG = Map.of(BinderyConfig.TOKEN_SIGNING_KEY_ROTATION, "600",
      BinderyConfig.TOKEN_MAX_LIFETIME, "600", BinderyConfig.TOKEN_DEFAULT_AUDIENCE, API);
  @TempDir Path dirA;
  @TempDir Path dirB;

  @Test
  void rotation_twoNodes_nextPublishedBeforeItSignsRetiredKeptUntilItsTokensExpire() {
    String db = "jdbc:h2:mem:rotation-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    Map<String, String> a = new HashMap<>(CONFIG);
    a.put(BinderyConfig.DB_URL, db);
    try (TestServer s = TestServer.start(dirA, a); BinderyServer nodeB = secondNode(s, db)) {
      HttpClient httpB = TestServer.clientTrusting(nodeB.caFile());
      OAuthSupport o = new OAuthSupport(s);
      String id = o.identity("billing.read");
      OAuthSupport.Client client = o.enrol(id);
      HttpClient clientOnB = OAuthSupport.clientWith(nodeB.caFile(), client.key(), client.certificate());

      List<String> before = kids(o.jwks());
      assertThat(before).hasSize(2);
      assertThat(kids(jwks(httpB, nodeB))).as("both nodes publish the same keys").isEqualTo(before);
      String tokenA = token(o, client.http(), s.server, id);
      String tokenB = token(o, clientOnB, nodeB, id);
      assertThat(OAuthSupport.header(tokenA).get("kid").asText()).isEqualTo(before.get(0));
      assertThat(OAuthSupport.header(tokenB).get("kid").asText()).isEqualTo(before.get(0));
      assertThat(OAuthSupport.verifiesWithJwks(tokenB, o.jwks())).as("node B's token, node A's JWKS").isTrue();

      // not due yet: nothing changes
      s.clock.advance(Duration.ofSeconds(599));
      assertThat(kids(o.jwks())).isEqualTo(before);

      // due at 600 s; a node sees it at its next reload (every 30 s by the clock): the next key, published since
      // the start, signs; the old one is retired but still published
      s.clock.advance(Duration.ofSeconds(1));
      assertThat(kids(o.jwks())).as("loaded 1 s ago: not reloaded yet").isEqualTo(before);
      s.clock.advance(Duration.ofSeconds(30));
      List<String> after = kids(o.jwks());
      assertThat(after).hasSize(3);
      assertThat(after.get(0)).as("the former next key is current").isEqualTo(before.get(1));
      assertThat(after.get(2)).as("the retired key is still published").isEqualTo(before.get(0));
      assertThat(after.get(1)).as("a new next key").isNotIn(before);
      String rotated = token(o, client.http(), s.server, id);
      assertThat(OAuthSupport.header(rotated).get("kid").asText()).isEqualTo(before.get(1));
      assertThat(kids(jwks(httpB, nodeB))).as("node B reloaded and agrees").isEqualTo(after);
      assertThat(OAuthSupport.header(token(o, clientOnB, nodeB, id)).get("kid").asText()).isEqualTo(before.get(1));
      assertThat(OAuthSupport.verifiesWithJwks(tokenA, o.jwks())).as("an old token still verifies").isTrue();
      assertThat(s.lastAuditEvent().action()).isIn("token.signing_key.created", "token.signing_key.rotated");

      // the retired key stays until retired_at + 600 + 30 + 60 s, then leaves the JWKS of every node
      s.clock.advance(Duration.ofSeconds(689));
      assertThat(kids(o.jwks())).contains(before.get(0));
      s.clock.advance(Duration.ofSeconds(1));
      // (by now the second key has been current for 690 s: it rotated too, and is the one retired key published)
      assertThat(kids(o.jwks())).doesNotContain(before.get(0)).contains(before.get(1)).hasSize(3);
      assertThat(kids(jwks(httpB, nodeB))).doesNotContain(before.get(0));
      assertThat(OAuthSupport.verifiesWithJwks(tokenA, o.jwks())).isFalse();
    }
  }

  @Test
  void token_clientCertificateExpiredByTheServerClock_invalidClient() {
    try (TestServer s = TestServer.start(dirA, CONFIG)) {
      OAuthSupport o = new OAuthSupport(s);
      String id = o.identity("billing.read");
      OAuthSupport.Client client = o.enrol(id);
      assertThat(o.token(client.http(), "grant_type=client_credentials&client_id=" + id).status()).isEqualTo(200);

      s.clock.advance(Duration.ofHours(24).plusSeconds(1)); // an X.509-SVID lives 24 hours by default

      TestServer.Response r = o.token(client.http(), "grant_type=client_credentials&client_id=" + id);
      OAuthTokenEndpointTest.assertInvalidClient(r);
      assertThat(r.json().get("error_description").asText()).contains("expired");
    }
  }

  @Test
  void token_lifetimeNeverOutlivesTheClientCertificate() {
    try (TestServer s = TestServer.start(dirA, CONFIG)) {
      OAuthSupport o = new OAuthSupport(s);
      String id = o.identity("billing.read");
      OAuthSupport.Client client = o.enrol(id);
      s.clock.advance(Duration.ofHours(24).minusSeconds(100));

      TestServer.Response r = o.token(client.http(), "grant_type=client_credentials&client_id=" + id);

      assertThat(r.status()).as(r.body()).isEqualTo(200);
      JsonNode claims = OAuthSupport.claims(r.json().get("access_token").asText());
      assertThat(claims.get("exp").asLong()).isEqualTo(client.certificate().getNotAfter().toInstant().getEpochSecond());
      assertThat(r.json().get("expires_in").asLong()).isLessThanOrEqualTo(100);
    }
  }

  private static String token(OAuthSupport o, HttpClient http, BinderyServer node, String id) {
    TestServer.Response r = OAuthSupport.send(http, java.net.http.HttpRequest.newBuilder(
            java.net.URI.create(node.baseUri() + "/oauth2/token"))
        .header("Content-Type", OAuthSupport.FORM)
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=" + id))
        .build());
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("access_token").asText();
  }

  private static JsonNode jwks(HttpClient http, BinderyServer node) {
    TestServer.Response r = OAuthSupport.send(http, java.net.http.HttpRequest.newBuilder(
        java.net.URI.create(node.baseUri() + "/oauth2/jwks")).build());
    assertThat(r.status()).isEqualTo(200);
    return r.json();
  }

  private static List<String> kids(JsonNode jwks) {
    List<String> out = new ArrayList<>();
    jwks.get("keys").forEach(k -> out.add(k.get("kid").asText()));
    return out;
  }

  /** A second node on the same database, with the same master key and clock, and its own TLS and data dir. */
  private BinderyServer secondNode(TestServer first, String db) {
    Map<String, String> b = new HashMap<>(CONFIG);
    b.put(BinderyConfig.DATA_DIR, dirB.toString());
    b.put(BinderyConfig.HTTP_PORT, "0");
    b.put(BinderyConfig.DB_URL, db);
    b.put(BinderyConfig.DB_POOL_SIZE, "4");
    b.put(BinderyConfig.MASTER_KEY_FILE, first.server.config().masterKeyFile().toString());
    return BinderyServer.start(BinderyConfig.fromSources(b, Map.of()), first.clock);
  }
}
