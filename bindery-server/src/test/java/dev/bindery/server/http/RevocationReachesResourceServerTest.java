package dev.bindery.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.client.resource.BinderyTokenVerifier;
import dev.bindery.client.resource.RequestFacts;
import dev.bindery.client.resource.VerificationResult;
import dev.bindery.client.revocation.RevocationFeed;
import dev.bindery.client.tls.TlsContexts;
import dev.bindery.pki.RevocationReason;
import dev.bindery.security.Caller;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: a certificate-bound token verified by the SDK (bindery-client) with the real revocation feed is
 * accepted, then refused within a second of its certificate's revocation on the server.
 */
class RevocationReachesResourceServerTest {
  static final String API = "https://orders.example/";
  @TempDir Path dir;

  @Test
  void sdkWithFeed_certificateRevoked_tokenRefusedWithinASecond() throws Exception {
    try (TestServer s = TestServer.start(dir)) {
      OAuthSupport o = new OAuthSupport(s);
      o.resourceServer(API);
      String id = o.identity("orders.read");
      OAuthSupport.Client client = o.enrol(id);
      TestServer.Response issued = o.token(client.http(), "grant_type=client_credentials&client_id="
          + id + "&resource=" + URLEncoder.encode(API, StandardCharsets.UTF_8));
      assertThat(issued.status()).as(issued.body()).isEqualTo(200);
      String token = issued.json().get("access_token").asText();

      String issuer = s.server.baseUri().toString();
      SSLContext tls = TlsContexts.trusting(s.server.caFile());
      try (RevocationFeed feed = RevocationFeed.builder().issuer(issuer).sslContext(tls).operatorToken(s.adminToken)
          .longPollWait(Duration.ofSeconds(10)).build()) {
        feed.pollOnce();
        feed.start();
        BinderyTokenVerifier verifier = BinderyTokenVerifier.builder().issuer(issuer).audience(API).sslContext(tls)
            .revocationFeed(feed).build();
        RequestFacts request = RequestFacts.builder("GET", API + "orders/42").authorization("Bearer " + token)
            .clientCertificate(client.certificate()).build();
        VerificationResult before = verifier.verify(request);
        assertThat(before.isAccepted()).isTrue();

        s.server.credentials().revokeBySerial(Caller.system("test"), client.certificate().getSerialNumber(),
            RevocationReason.KEY_COMPROMISE);
        long revoked = System.nanoTime();
        long seq = s.server.transactor().read(t -> t.revocationEvents().since(0, 1000)).stream()
            .mapToLong(e -> e.seq()).max().orElseThrow();
        assertThat(feed.awaitSequence(seq, Duration.ofSeconds(5))).isTrue();
        Duration propagation = Duration.ofNanos(System.nanoTime() - revoked);

        VerificationResult after = verifier.verify(request);
        assertThat(after.isAccepted()).isFalse();
        assertThat(after.rejection().errorCode()).isEqualTo("invalid_token");
        assertThat(propagation).isLessThan(Duration.ofSeconds(1));
      }
    }
  }
}
