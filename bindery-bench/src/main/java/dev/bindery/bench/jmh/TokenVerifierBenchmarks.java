package dev.bindery.bench.jmh;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.bindery.client.jose.Thumbprints;
import dev.bindery.client.resource.BinderyTokenVerifier;
import dev.bindery.client.resource.RequestFacts;
import dev.bindery.client.resource.VerificationResult;
import dev.bindery.client.tls.TlsContexts;
import dev.bindery.client.token.DPoPProofFactory;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The resource-server SDK's {@link BinderyTokenVerifier} on one core: a token seen for the first time
 * (parse, ES256 signature, claims, certificate binding), a cached token (no parse and no signature, but
 * expiry, key withdrawal, revocation and the certificate binding checked), and a cached DPoP-bound token with
 * a fresh DPoP proof per request. Beside them the raw ES256 verify rate of the chosen JCA provider. The
 * issuer's metadata and JWKS come from a loopback HTTPS server started in the set-up; nothing is fetched
 * during measurement.
 *
 * <p>The machine is shared, so each iteration also prints the benchmark thread's operations per CPU-second
 * ({@code ThreadMXBean}): on a loaded machine that stays close to the rate of an idle core, while the JMH
 * score (operations per wall-clock second) drops with the share of the core the thread got.
 *
 * <p>Run: {@code java -cp bindery-bench/target/bindery-bench.jar org.openjdk.jmh.Main TokenVerifierBenchmarks}
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class TokenVerifierBenchmarks {
  private static final String AUDIENCE = "https://orders.example";
  private static final String RESOURCE = "https://orders.example/orders/42";
  private static final int TOKENS = 1024;
  /** More proofs than one 2-second iteration can verify; a fresh verifier (replay cache) per iteration. */
  private static final int PROOFS = 20_000;

  /** {@code jdk}: the JDK's default ECDSA (SunEC); {@code bc}: BouncyCastle's. */
  @Param({"jdk", "bc"})
  public String provider;

  private HttpsServer server;
  private SSLContext trust;
  private String issuer;
  private Clock clock;
  private Provider jca;
  private X509Certificate clientCertificate;
  private RequestFacts[] certificateBound;
  private String dpopToken;
  private String[] proofs;
  private BinderyTokenVerifier firstSight;
  private BinderyTokenVerifier cached;
  private BinderyTokenVerifier dpopVerifier;
  private int next;
  private int nextProof;
  private byte[] signingInput;
  private byte[] derSignature;
  private ECPublicKey signingPublicKey;
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private long ops;
  private long cpuStart;
  private long wallStart;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    jca = "bc".equals(provider) ? new BouncyCastleProvider() : null;
    Instant now = Instant.now();
    clock = Clock.fixed(now, ZoneOffset.UTC);
    KeyPair caKey = ecKey();
    X500Name caName = new X500Name("CN=bench CA");
    JcaX509v3CertificateBuilder ca = new JcaX509v3CertificateBuilder(caName, BigInteger.ONE,
        Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(1))), caName, caKey.getPublic());
    ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    X509Certificate caCertificate = sign(ca, caKey);
    KeyPair serverKey = ecKey();
    JcaX509v3CertificateBuilder srv = new JcaX509v3CertificateBuilder(caName, BigInteger.TWO,
        Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(1))),
        new X500Name("CN=127.0.0.1"), serverKey.getPublic());
    srv.addExtension(Extension.subjectAlternativeName, false,
        new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
    X509Certificate serverCertificate = sign(srv, caKey);
    KeyPair clientKey = ecKey();
    clientCertificate = sign(new JcaX509v3CertificateBuilder(caName, BigInteger.valueOf(3),
        Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(1))),
        new X500Name("CN=nhi_bench"), clientKey.getPublic()), caKey);

    KeyPair tokenKey = ecKey();
    signingPublicKey = (ECPublicKey) tokenKey.getPublic();
    ECKey jwk = new ECKey.Builder(Curve.P_256, signingPublicKey).keyID("bench-1").algorithm(JWSAlgorithm.ES256).build();
    startIssuer(serverKey, serverCertificate, new JWKSet(jwk).toString(true));
    trust = TlsContexts.trusting(List.of(caCertificate));

    ECDSASigner signer = new ECDSASigner((ECPrivateKey) tokenKey.getPrivate());
    String x5t = Thumbprints.x5tS256(clientCertificate);
    certificateBound = new RequestFacts[TOKENS];
    for (int i = 0; i < TOKENS; i++) {
      String token = token(signer, now, Map.of("x5t#S256", x5t));
      certificateBound[i] = RequestFacts.builder("GET", RESOURCE).authorization("Bearer " + token)
          .clientCertificate(clientCertificate).build();
    }
    DPoPProofFactory dpop = DPoPProofFactory.generate(clock);
    dpopToken = token(signer, now, Map.of("jkt", dpop.jwkThumbprint()));
    proofs = new String[PROOFS];
    for (int i = 0; i < PROOFS; i++) {
      proofs[i] = dpop.proofForResource("GET", URI.create(RESOURCE), dpopToken, null);
    }

    firstSight = verifier().verifiedTokenCacheSize(0).build();
    cached = verifier().build();
    for (RequestFacts facts : certificateBound) {
      require(firstSight.verify(facts));
      require(cached.verify(facts));
    }

    signingInput = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJiZW5jaCJ9".getBytes(StandardCharsets.US_ASCII);
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(tokenKey.getPrivate());
    s.update(signingInput);
    derSignature = s.sign();
  }

  @Setup(Level.Iteration)
  public void freshDpopVerifier() {
    dpopVerifier = verifier().build();
    nextProof = 0;
    require(dpopVerifier.verify(dpopRequest()));
    ops = 0;
    wallStart = System.nanoTime();
    cpuStart = threads.getCurrentThreadCpuTime();
  }

  @TearDown(Level.Iteration)
  public void printCpuNormalizedRate(BenchmarkParams params) {
    long cpu = threads.getCurrentThreadCpuTime() - cpuStart;
    long wall = System.nanoTime() - wallStart;
    System.out.printf("%n  [%s %s] %,.0f ops per CPU-second (%,d ops, thread on CPU %.0f%% of the time)%n",
        params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1), provider,
        ops * 1e9 / cpu, ops, 100.0 * cpu / wall);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    server.stop(0);
  }

  /** Parse, header checks, ES256 signature, claims, certificate thumbprint: what a new token costs. */
  @Benchmark
  public VerificationResult firstSight() {
    ops++;
    return require(firstSight.verify(certificateBound[next++ & (TOKENS - 1)]));
  }

  /** A token already verified: cache lookup, time, key, revocation, binding (1,024 tokens in rotation). */
  @Benchmark
  public VerificationResult cached() {
    ops++;
    return require(cached.verify(certificateBound[next++ & (TOKENS - 1)]));
  }

  /** A cached DPoP-bound token: each request brings a new proof whose signature must be verified. */
  @Benchmark
  public VerificationResult cachedDpopWithFreshProof() {
    ops++;
    return require(dpopVerifier.verify(dpopRequest()));
  }

  /** The raw ES256 verify of the provider (JCA Signature over a short input, DER signature). */
  @Benchmark
  public boolean rawEs256Verify() throws Exception {
    ops++;
    Signature s = jca == null ? Signature.getInstance("SHA256withECDSA")
        : Signature.getInstance("SHA256withECDSA", jca);
    s.initVerify(signingPublicKey);
    s.update(signingInput);
    return s.verify(derSignature);
  }

  private RequestFacts dpopRequest() {
    return RequestFacts.builder("GET", RESOURCE).authorization("DPoP " + dpopToken)
        .dpop(proofs[nextProof++ % PROOFS]).build();
  }

  private BinderyTokenVerifier.Builder verifier() {
    BinderyTokenVerifier.Builder b = BinderyTokenVerifier.builder().issuer(issuer).audience(AUDIENCE)
        .sslContext(trust).clock(clock).withoutRevocationFeed().dpopReplayCacheSize(PROOFS * 2);
    return jca == null ? b : b.jcaProvider(jca);
  }

  private static VerificationResult require(VerificationResult result) {
    if (!result.isAccepted()) {
      throw new IllegalStateException("benchmark request refused: " + result);
    }
    return result;
  }

  private String token(ECDSASigner signer, Instant now, Map<String, Object> cnf) throws Exception {
    JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).subject("nhi_bench").audience(AUDIENCE)
        .claim("client_id", "nhi_bench").issueTime(Date.from(now)).notBeforeTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(3600))).jwtID("tok_" + UUID.randomUUID())
        .claim("scope", "orders.read orders.write").claim("cnf", cnf).build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType("at+jwt"))
        .keyID("bench-1").build(), claims);
    jwt.sign(signer);
    return jwt.serialize();
  }

  private void startIssuer(KeyPair key, X509Certificate certificate, String jwks) throws Exception {
    char[] password = "bench".toCharArray();
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("server", key.getPrivate(), password, new Certificate[] {certificate});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, password);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), null, null);
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(context));
    issuer = "https://127.0.0.1:" + server.getAddress().getPort();
    String metadata = "{\"issuer\":\"" + issuer + "\",\"token_endpoint\":\"" + issuer + "/oauth2/token\","
        + "\"jwks_uri\":\"" + issuer + "/oauth2/jwks\"}";
    server.createContext("/.well-known/oauth-authorization-server", ex -> reply(ex, metadata));
    server.createContext("/oauth2/jwks", ex -> reply(ex, jwks));
    server.start();
  }

  private static void reply(HttpExchange ex, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static KeyPair ecKey() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static X509Certificate sign(JcaX509v3CertificateBuilder builder, KeyPair issuerKey) throws Exception {
    return new JcaX509CertificateConverter()
        .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate())));
  }
}
