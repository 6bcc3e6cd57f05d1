package dev.bindery.server.http;

import static dev.bindery.server.http.OAuthTokenEndpointTest.assertInvalidClient;
import static dev.bindery.server.http.OAuthTokenEndpointTest.assertOAuthError;
import static dev.bindery.server.http.OAuthTokenEndpointTest.enc;
import static dev.bindery.server.tls.ForwardedCertificates.byteSequence;
import static dev.bindery.server.tls.ForwardedCertificates.escapedPem;
import static dev.bindery.server.tls.ForwardedCertificates.xfccElement;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.server.config.BinderyConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nginx ({@code X-SSL-Client-Cert}) and Envoy ({@code X-Forwarded-Client-Cert}) forms end to end, each on a
 * node configured for it with the loopback connection as its trusted proxy: the forwarded certificate gets a token
 * bound to it, and the headers of the other forms are not read.
 */
class ProxyHeaderFormsTest {
  @TempDir static Path nginxDir;
  @TempDir static Path envoyDir;
  static TestServer nginx;
  static TestServer envoy;

  @BeforeAll
  static void start() {
    nginx = TestServer.start(nginxDir, Map.of(BinderyConfig.TRUSTED_PROXIES, "127.0.0.1",
        BinderyConfig.CLIENT_CERT_HEADER, "nginx"));
    envoy = TestServer.start(envoyDir, Map.of(BinderyConfig.TRUSTED_PROXIES, "127.0.0.0/8",
        BinderyConfig.CLIENT_CERT_HEADER, "envoy"));
  }

  @AfterAll
  static void stop() {
    nginx.close();
    envoy.close();
  }

  /** An identity with a resource server and an enrolled certificate on {@code s}. */
  record Setup(OAuthSupport o, String id, OAuthSupport.Client client, String form) {
    static Setup on(TestServer s) {
      OAuthSupport o = new OAuthSupport(s);
      o.resourceServer(OAuthTokenEndpointTest.API);
      String id = o.identity("billing.read");
      return new Setup(o, id, o.enrol(id), "grant_type=client_credentials&client_id=" + id + "&resource="
          + enc(OAuthTokenEndpointTest.API));
    }

    TestServer.Response token(String... headers) {
      return o.token(o.s.client, form, headers);
    }
  }

  @Test
  void nginx_escapedPemFromTrustedProxy_tokenBoundToIt() {
    Setup x = Setup.on(nginx);

    TestServer.Response r = x.token("X-SSL-Client-Cert", escapedPem(x.client().certificate()));

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(OAuthSupport.claims(r.json().get("access_token").asText()).at("/cnf/x5t#S256").asText())
        .isEqualTo(x.client().x5t());
  }

  @Test
  void nginx_otherFormsOrMalformed_notAccepted() {
    Setup x = Setup.on(nginx);

    assertInvalidClient(x.token("Client-Cert", byteSequence(x.client().certificate())));
    assertInvalidClient(x.token("X-Forwarded-Client-Cert", xfccElement(x.client().certificate())));
    TestServer.Response malformed = x.token("X-SSL-Client-Cert", "-----BEGIN%20CERTIFICATE-----%0");
    assertOAuthError(malformed, 400, "invalid_request");
    assertThat(malformed.json().get("error_description").asText())
        .isEqualTo("X-SSL-Client-Cert has a bad percent-encoding");
  }

  @Test
  void envoy_lastXfccElementFromTrustedProxy_tokenBoundToItsCert() {
    Setup x = Setup.on(envoy);
    Setup forgedFirst = Setup.on(envoy);
    // APPEND_FORWARD keeps what the client sent and appends its own element: only the last one counts
    String xfcc = xfccElement(forgedFirst.client().certificate()) + "," + xfccElement(x.client().certificate());

    TestServer.Response r = x.token("X-Forwarded-Client-Cert", xfcc);
    TestServer.Response asFirst = forgedFirst.token("X-Forwarded-Client-Cert", xfcc);

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(OAuthSupport.claims(r.json().get("access_token").asText()).at("/cnf/x5t#S256").asText())
        .isEqualTo(x.client().x5t());
    assertInvalidClient(asFirst);
  }

  @Test
  void envoy_otherFormsOrNoCert_notAccepted() {
    Setup x = Setup.on(envoy);

    assertInvalidClient(x.token("Client-Cert", byteSequence(x.client().certificate())));
    assertInvalidClient(x.token("X-SSL-Client-Cert", escapedPem(x.client().certificate())));
    TestServer.Response noCert = x.token("X-Forwarded-Client-Cert", "By=spiffe://edge;Hash=00ff;URI=spiffe://x");
    assertOAuthError(noCert, 400, "invalid_request");
    assertThat(noCert.json().get("error_description").asText())
        .isEqualTo("X-Forwarded-Client-Cert: its last element has no Cert (the proxy must set it)");
  }
}
