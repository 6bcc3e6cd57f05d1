package dev.bindery.server.http;

import static dev.bindery.server.http.OAuthTokenEndpointTest.assertOAuthError;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.ECKey;
import dev.bindery.server.config.BinderyConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deployment that requires DPoP server nonces, names its public URL (behind a load balancer, say) and has a
 * default audience: the nonce dance of RFC 9449 section 8, {@code htu} checked against the public URL rather than
 * the address the connection reached, and tokens without {@code resource} for the default audience.
 */
class OAuthDpopNonceAndPublicUrlTest {
  static final String PUBLIC = "https://bindery.example.com:8443";
  static final String TOKEN_URL = PUBLIC + "/oauth2/token";
  static final String DEFAULT_AUDIENCE = "https://default.example/";
  @TempDir static Path dir;
  static TestServer s;
  static OAuthSupport o;
  static String id;
  static OAuthSupport.Client client;

  @BeforeAll
  static void start() {
    s = TestServer.start(dir, Map.of(BinderyConfig.DPOP_NONCE_REQUIRED, "true", BinderyConfig.PUBLIC_URL, PUBLIC + "/",
        BinderyConfig.TOKEN_DEFAULT_AUDIENCE, DEFAULT_AUDIENCE));
    o = new OAuthSupport(s);
    id = o.identity("billing.read");
    client = o.enrol(id);
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  static String form() {
    return "grant_type=client_credentials&client_id=" + id;
  }

  static String proof(ECKey key, String nonce) {
    return OAuthSupport.proof(key, "POST", TOKEN_URL, s.clock.instant(), UUID.randomUUID().toString(), nonce);
  }

  @Test
  void dpop_withoutNonce_useDpopNonceWithAFreshOneThenAccepted() {
    ECKey key = OAuthSupport.dpopKey();

    TestServer.Response first = o.token(client.http(), form(), "DPoP", proof(key, null));

    assertOAuthError(first, 400, "use_dpop_nonce");
    String nonce = first.header("DPoP-Nonce");
    assertThat(nonce).matches("[A-Za-z0-9_-]{32}");
    TestServer.Response second = o.token(client.http(), form(), "DPoP", proof(key, nonce));
    assertThat(second.status()).as(second.body()).isEqualTo(200);
    assertThat(second.json().get("token_type").asText()).isEqualTo("DPoP");
    assertThat(second.header("DPoP-Nonce")).as("a fresh nonce for the next request").isNotNull();
    assertThat(s.get("/metrics", null).body()).contains(
        "bindery_oauth_token_requests_refused_total{error=\"use_dpop_nonce\",reason=\"dpop_nonce_missing\"}");
  }

  @Test
  void dpop_forgedOrExpiredNonce_useDpopNonce() {
    ECKey key = OAuthSupport.dpopKey();
    String nonce = o.token(client.http(), form(), "DPoP", proof(key, null)).header("DPoP-Nonce");
    char c = nonce.charAt(20);
    String forged = nonce.substring(0, 20) + (c == 'A' ? 'B' : 'A') + nonce.substring(21);

    assertOAuthError(o.token(client.http(), form(), "DPoP", proof(key, forged)), 400, "use_dpop_nonce");
    assertOAuthError(o.token(client.http(), form(), "DPoP", proof(key, "not-a-nonce")), 400, "use_dpop_nonce");
    s.clock.advance(Duration.ofSeconds(121)); // a nonce lives one to two 60-second windows
    TestServer.Response expired = o.token(client.http(), form(), "DPoP", proof(key, nonce));
    assertOAuthError(expired, 400, "use_dpop_nonce");
    assertThat(expired.header("DPoP-Nonce")).isNotEqualTo(nonce);
  }

  @Test
  void dpop_htuOfTheConnectionInsteadOfThePublicUrl_invalidDpopProof() {
    ECKey key = OAuthSupport.dpopKey();
    String nonce = o.token(client.http(), form(), "DPoP", proof(key, null)).header("DPoP-Nonce");
    String direct = OAuthSupport.proof(key, "POST", o.tokenUrl(), s.clock.instant(), "direct", nonce);

    assertOAuthError(o.token(client.http(), form(), "DPoP", direct), 400, "invalid_dpop_proof");
  }

  @Test
  void token_withoutDpop_noNonceNeededAndDefaultAudience() {
    TestServer.Response r = o.token(client.http(), form());

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    var claims = OAuthSupport.claims(r.json().get("access_token").asText());
    assertThat(claims.get("aud").asText()).isEqualTo(DEFAULT_AUDIENCE);
    assertThat(claims.get("iss").asText()).isEqualTo(PUBLIC);
    assertThat(claims.at("/cnf/x5t#S256").asText()).isEqualTo(client.x5t());
  }

  @Test
  void metadata_namesThePublicUrl() {
    var m = s.get("/.well-known/oauth-authorization-server", null).json();

    assertThat(m.get("issuer").asText()).isEqualTo(PUBLIC);
    assertThat(m.get("token_endpoint").asText()).isEqualTo(TOKEN_URL);
    assertThat(m.get("jwks_uri").asText()).isEqualTo(PUBLIC + "/oauth2/jwks");
  }
}
