package dev.bindery.server.http;

import static dev.bindery.server.http.OAuthTokenEndpointTest.assertInvalidClient;
import static dev.bindery.server.http.OAuthTokenEndpointTest.enc;
import static dev.bindery.server.tls.ForwardedCertificates.byteSequence;
import static dev.bindery.server.tls.ForwardedCertificates.escapedPem;
import static dev.bindery.server.tls.ForwardedCertificates.xfccElement;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.server.config.BinderyConfig;
import dev.bindery.testkit.pki.TestCsr;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A forged proxy header gets nothing (issue 4, item 10). The server trusts a proxy range ({@code 10.0.0.0/8}) that
 * the test's loopback connection is not in, so every forwarded certificate header it sends, in every form, is
 * ignored: the request is one without a client certificate, or, when the connection presents a certificate in its
 * own handshake, one with exactly that certificate. Each refusal leaves the store exactly as it was (no credential
 * use recorded, no audit event, no new credential).
 */
class ForgedClientCertificateHeaderTest {
  @TempDir static Path dir;
  static TestServer s;
  static OAuthSupport o;
  static Workloads w;
  static String id;
  static OAuthSupport.Client victim;
  static OAuthSupport.Client introspector;

  @BeforeAll
  static void start() {
    s = TestServer.start(dir, Map.of(BinderyConfig.TRUSTED_PROXIES, "10.0.0.0/8"));
    o = new OAuthSupport(s);
    w = new Workloads(s);
    // the introspector is the resource server's identity: introspection answers it only for tokens meant for it
    String resourceServer = o.identity("introspect");
    introspector = o.enrol(resourceServer);
    o.resourceServer(OAuthTokenEndpointTest.API, resourceServer);
    id = o.identity("billing.read");
    victim = o.enrol(id);
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  /** Every forwarded form of {@code c}, as an attacker who knows the certificate (not its key) would send them. */
  static String[] forged(X509Certificate c) {
    return new String[] {"Client-Cert", byteSequence(c), "X-SSL-Client-Cert", escapedPem(c),
        "X-Forwarded-Client-Cert", xfccElement(c), "X-Forwarded-For", "10.0.0.1"};
  }

  static String form() {
    return "grant_type=client_credentials&client_id=" + id + "&resource=" + enc(OAuthTokenEndpointTest.API);
  }

  @Test
  void token_forgedHeaderFromUntrustedPeer_invalidClientAndNothingWritten() {
    Workloads.Snapshot before = w.snapshot(id);

    TestServer.Response r = o.token(s.client, form(), forged(victim.certificate()));

    assertInvalidClient(r);
    assertThat(r.json().get("error_description").asText())
        .isEqualTo("client authentication is required: present a client certificate over tls");
    assertThat(w.snapshot(id)).as("no credential use, no audit event").isEqualTo(before);
    assertThat(s.get("/metrics", null).body()).contains(
        "bindery_oauth_token_requests_refused_total{error=\"invalid_client\",reason=\"no_client_authentication\"}");
    // the certificate itself is good: presented in the handshake, it gets a token
    assertThat(o.token(victim.http(), form()).status()).isEqualTo(200);
  }

  @Test
  void token_forgedHeaderFromUntrustedPeerWithItsOwnTlsCertificate_theTlsCertificateIsTheClients() {
    String attackerId = o.identity("billing.read");
    OAuthSupport.Client attacker = o.enrol(attackerId);
    Workloads.Snapshot before = w.snapshot(id);

    TestServer.Response asVictim = o.token(attacker.http(), form(), forged(victim.certificate()));
    Workloads.Snapshot afterRefusal = w.snapshot(id);
    TestServer.Response asItself = o.token(attacker.http(), "grant_type=client_credentials&client_id=" + attackerId
        + "&resource=" + enc(OAuthTokenEndpointTest.API), forged(victim.certificate()));

    assertInvalidClient(asVictim);
    assertThat(asVictim.json().get("error_description").asText())
        .isEqualTo("the client certificate's uri san does not name client_id");
    assertThat(afterRefusal).as("nothing written for the refusal").isEqualTo(before);
    assertThat(asItself.status()).as(asItself.body()).isEqualTo(200);
    assertThat(OAuthSupport.claims(asItself.json().get("access_token").asText()).at("/cnf/x5t#S256").asText())
        .as("bound to the certificate of the handshake, not the forged one").isEqualTo(attacker.x5t())
        .isNotEqualTo(victim.x5t());
  }

  @Test
  void token_forgedSelfSignedHeaderFromUntrustedPeer_invalidClient() {
    String other = o.identity("billing.read");
    OAuthSupport.Client selfSigned = o.selfSigned(other);
    Workloads.Snapshot before = w.snapshot(other);

    TestServer.Response r = o.token(s.client, "grant_type=client_credentials&client_id=" + other + "&resource="
        + enc(OAuthTokenEndpointTest.API), forged(selfSigned.certificate()));

    assertInvalidClient(r);
    assertThat(w.snapshot(other)).isEqualTo(before);
  }

  @Test
  void introspectAndRevocationFeed_forgedHeaderOfAnIntrospector_invalidClient() {
    String token = o.token(victim.http(), form()).json().get("access_token").asText();

    TestServer.Response introspect = o.post(s.client, "/oauth2/introspect", OAuthSupport.FORM, "token=" + enc(token),
        forged(introspector.certificate()));
    TestServer.Response feed = OAuthSupport.send(s.client, ProxiedRequests.get(s, "/oauth2/revocations", forged(
        introspector.certificate())));

    assertInvalidClient(introspect);
    assertThat(introspect.body()).doesNotContain("active");
    assertInvalidClient(feed);
    assertThat(feed.body()).doesNotContain("events");
  }

  @Test
  void revoke_forgedHeaderOfTheHolder_invalidClientAndTheTokenStaysActive() {
    String token = o.token(victim.http(), form()).json().get("access_token").asText();
    long audit = s.auditHead();

    TestServer.Response r = o.post(s.client, "/oauth2/revoke", OAuthSupport.FORM, "client_id=" + id + "&token="
        + enc(token), forged(victim.certificate()));

    assertInvalidClient(r);
    assertThat(s.auditHead()).isEqualTo(audit);
    assertThat(o.post(introspector.http(), "/oauth2/introspect", OAuthSupport.FORM, "token=" + enc(token)).json()
        .get("active").asBoolean()).isTrue();
  }

  @Test
  void renew_forgedHeaderFromUntrustedPeer_clientCertificateRequiredAndNothingIssued() {
    String workload = o.identity();
    Workloads.Held held = w.enrolled(workload);
    Workloads.Snapshot before = w.snapshot(workload);

    TestServer.Response r = OAuthSupport.send(s.client, ProxiedRequests.renew(s, TestCsr.forKey(held.key()).pem(),
        forged(held.leaf())));

    assertThat(r.status()).as(r.body()).isEqualTo(401);
    assertThat(r.code()).isEqualTo("client_certificate_required");
    assertThat(w.snapshot(workload)).as("no new generation, no audit event").isEqualTo(before);
  }
}
