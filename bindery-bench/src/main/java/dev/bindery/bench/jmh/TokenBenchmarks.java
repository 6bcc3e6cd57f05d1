package dev.bindery.bench.jmh;

import dev.bindery.credential.Thumbprint;
import dev.bindery.identity.IdentityId;
import dev.bindery.security.SecretSealer;
import dev.bindery.server.store.Database;
import dev.bindery.server.store.JdbcSettings;
import dev.bindery.token.AccessTokenIssuer;
import dev.bindery.token.Audience;
import dev.bindery.token.Confirmation;
import dev.bindery.token.KeyRing;
import dev.bindery.token.KeyRingSettings;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Access token issuance without HTTP or client authentication: minting an RFC 9068 token with the key ring's current
 * key (claims, header, ES256 signature, serialization), beside the raw ES256 signing rates of the two providers the
 * key ring could use, over the same input size. The key ring signs with BouncyCastle because it measured faster
 * than SunEC on Java 17.
 *
 * <p>Run: {@code java -cp bindery-bench/target/bindery-bench.jar org.openjdk.jmh.Main TokenBenchmarks}
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class TokenBenchmarks {
  private static final Provider BC = new BouncyCastleProvider();
  private Database database;
  private AccessTokenIssuer issuer;
  private IdentityId subject;
  private Set<dev.bindery.identity.Scope> scopes;
  private List<Audience> audiences;
  private Confirmation cnf;
  private KeyPair bcKey;
  private KeyPair sunKey;
  private byte[] input;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    database = Database.open(new JdbcSettings("jdbc:h2:mem:token-bench-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
        "sa", "", 2));
    SecureRandom random = new SecureRandom();
    byte[] master = new byte[32];
    random.nextBytes(master);
    KeyRing keys = new KeyRing(database.transactor(), new SecretSealer(master, random), Clock.systemUTC(),
        KeyRingSettings.of(Duration.ofDays(7), Duration.ofHours(1)), random);
    keys.refresh();
    issuer = new AccessTokenIssuer(keys, random);
    subject = IdentityId.generate(random);
    scopes = Set.of(new dev.bindery.identity.Scope("billing.read"), new dev.bindery.identity.Scope("billing.write"));
    audiences = List.of(new Audience("https://api.example.com/"));
    cnf = Confirmation.certificate(Thumbprint.sha256("a client certificate".getBytes(StandardCharsets.US_ASCII)));
    KeyPairGenerator bc = KeyPairGenerator.getInstance("EC", BC);
    bc.initialize(new ECGenParameterSpec("secp256r1"));
    bcKey = bc.generateKeyPair();
    KeyPairGenerator sun = KeyPairGenerator.getInstance("EC", "SunEC");
    sun.initialize(new ECGenParameterSpec("secp256r1"));
    sunKey = sun.generateKeyPair();
    // the signing input of a typical token: header and claims, base64url, about 430 bytes
    input = issuer.mint("https://bindery.example.com:8443", subject, scopes, audiences, cnf, Instant.now(),
        Instant.now().plusSeconds(300)).value().reveal().substring(0, 430).getBytes(StandardCharsets.US_ASCII);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    database.close();
  }

  @Benchmark
  public String mintAccessToken() {
    Instant now = Instant.now();
    return issuer.mint("https://bindery.example.com:8443", subject, scopes, audiences, cnf, now,
        now.plusSeconds(300)).jti();
  }

  @Benchmark
  public byte[] es256SignBouncyCastle() throws Exception {
    Signature s = Signature.getInstance("SHA256withPLAIN-ECDSA", BC);
    s.initSign(bcKey.getPrivate());
    s.update(input);
    return s.sign();
  }

  @Benchmark
  public byte[] es256SignSunEc() throws Exception {
    Signature s = Signature.getInstance("SHA256withECDSAinP1363Format", "SunEC");
    s.initSign(sunKey.getPrivate());
    s.update(input);
    return s.sign();
  }
}
