package dev.bindery.client.testing;

import dev.bindery.client.resource.BinderyTokenVerifier;
import dev.bindery.client.resource.RequestFacts;
import dev.bindery.client.token.DPoPProofFactory;
import dev.bindery.testkit.MutableClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.security.cert.X509Certificate;

/**
 * One test's world: a controlled clock, a PKI, a fake Bindery issuer, two workload certificates (alice and
 * bob, same CA) and a DPoP key, plus request builders for the protected resource
 * {@code GET https://orders.example/orders/42}.
 */
public final class Fixture implements AutoCloseable {
  public static final String RESOURCE_URL = "https://orders.example/orders/42";

  public final MutableClock clock = MutableClock.standard();
  /** Generated once per test JVM: nothing mutates a PKI, and key generation is the slow part of a fixture. */
  private static final TestPki PKI = TestPki.generate("bindery");
  private static final TestPki.Client ALICE = PKI.client("nhi_alice");
  private static final TestPki.Client BOB = PKI.client("nhi_bob");

  public final TestPki pki = PKI;
  public final FakeIssuer issuer;
  public final TestPki.Client alice = ALICE;
  public final TestPki.Client bob = BOB;
  public final DPoPProofFactory dpopKey;

  public Fixture() {
    try {
      issuer = new FakeIssuer(pki, clock);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    dpopKey = DPoPProofFactory.generate(clock);
  }

  /** A verifier of this issuer for {@link FakeIssuer#AUDIENCE}, without revocation feed. */
  public BinderyTokenVerifier.Builder verifier() {
    return BinderyTokenVerifier.builder()
        .issuer(issuer.issuer())
        .audience(FakeIssuer.AUDIENCE)
        .sslContext(pki.trustContext())
        .clock(clock)
        .withoutRevocationFeed();
  }

  public static RequestFacts bearer(String token, X509Certificate certificate) {
    return RequestFacts.builder("GET", RESOURCE_URL).authorization("Bearer " + token)
        .clientCertificate(certificate).build();
  }

  public static RequestFacts dpop(String token, String... proofs) {
    return RequestFacts.builder("GET", RESOURCE_URL).authorization("DPoP " + token).dpop(proofs).build();
  }

  /** A valid proof of {@link #dpopKey} for the resource request with this token. */
  public String proof(String token) {
    return dpopKey.proofForResource("GET", URI.create(RESOURCE_URL), token, null);
  }

  @Override
  public void close() {
    issuer.close();
  }
}
