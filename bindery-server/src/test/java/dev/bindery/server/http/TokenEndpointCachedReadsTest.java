package dev.bindery.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.credential.CredentialKeys;
import dev.bindery.credential.CredentialType;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The token endpoint reuses what it read from the store (the client's certificate authentication, its token policy
 * and the requested resource servers) while nothing changed. Each test first gets two tokens, so those reads are
 * cached, then changes something through the API on the same node: the next request sees the change.
 */
class TokenEndpointCachedReadsTest {
  static final String API = "https://cache.example.com/";
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

  static String form(String clientId, String scope) {
    return "grant_type=client_credentials&client_id=" + clientId + "&resource="
        + URLEncoder.encode(API, StandardCharsets.UTF_8) + (scope == null ? "" : "&scope=" + scope);
  }

  /** Two tokens, so the reads behind them are cached; returns the second. */
  static TestServer.Response warm(OAuthSupport.Client c, String id, String scope) {
    assertThat(o.token(c.http(), form(id, scope)).status()).isEqualTo(200);
    TestServer.Response r = o.token(c.http(), form(id, scope));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r;
  }

  @Test
  void token_certificateRevokedThroughTheApiAfterTokens_invalidClient() {
    String id = o.identity("orders.read");
    OAuthSupport.Client c = o.enrol(id);
    warm(c, id, null);
    String credential = s.server.transactor().read(t -> t.credentials().findByThumbprint(CredentialType.X509_SVID,
        CredentialKeys.x5tS256(c.certificate()))).orElseThrow().id().value();

    TestServer.Response revoke = s.post("/api/v1/credentials/" + credential + "/revoke", s.adminToken,
        "{\"reason\":\"key_compromise\"}");
    assertThat(revoke.status()).as(revoke.body()).isEqualTo(200);

    TestServer.Response r = o.token(c.http(), form(id, null));
    OAuthTokenEndpointTest.assertInvalidClient(r);
    assertThat(r.json().get("error_description").asText()).contains("revoked");
  }

  @Test
  void token_identitySuspendedAfterTokens_invalidClient() {
    String id = o.identity("orders.read");
    OAuthSupport.Client c = o.enrol(id);
    warm(c, id, null);
    String path = "/api/v1/identities/" + id;

    TestServer.Response suspend = s.post(path + "/suspend", s.adminToken, "{\"version\":" + o.f.version(path) + "}");
    assertThat(suspend.status()).as(suspend.body()).isEqualTo(200);

    TestServer.Response r = o.token(c.http(), form(id, null));
    OAuthTokenEndpointTest.assertInvalidClient(r);
    assertThat(r.json().get("error_description").asText()).contains("suspended");
  }

  @Test
  void token_scopeRemovedAfterTokens_invalidScope() {
    String id = o.identity("orders.read", "orders.write");
    OAuthSupport.Client c = o.enrol(id);
    warm(c, id, "orders.write");
    String path = "/api/v1/identities/" + id;

    TestServer.Response scopes = s.send("PUT", path + "/scopes", s.adminToken,
        "{\"scopes\":[\"orders.read\"],\"version\":" + o.f.version(path) + "}");
    assertThat(scopes.status()).as(scopes.body()).isEqualTo(200);

    OAuthTokenEndpointTest.assertOAuthError(o.token(c.http(), form(id, "orders.write")), 400, "invalid_scope");
    assertThat(o.token(c.http(), form(id, null)).json().get("scope").asText()).isEqualTo("orders.read");
  }

  @Test
  void token_tokenPolicyChangedAfterTokens_newLifetime() {
    String id = o.identity("orders.read");
    OAuthSupport.Client c = o.enrol(id);
    assertThat(warm(c, id, null).json().get("expires_in").asLong()).isEqualTo(300);

    TestServer.Response put = s.send("PUT", "/api/v1/identities/" + id + "/token-policy", s.adminToken,
        "{\"allow_unbound_tokens\":false,\"token_lifetime_seconds\":120}");
    assertThat(put.status()).as(put.body()).isEqualTo(200);

    assertThat(o.token(c.http(), form(id, null)).json().get("expires_in").asLong()).isEqualTo(120);
  }
}
