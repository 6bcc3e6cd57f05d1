package dev.bindery.bench.jmh;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bindery.audit.AuditChain;
import dev.bindery.audit.AuditEvent;
import dev.bindery.audit.AuditRecord;
import dev.bindery.audit.AuditVerifier;
import dev.bindery.audit.Canonical;
import dev.bindery.bench.Workload;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityId;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The pure-CPU limits beside the store figures: what one core can do for the audit chain and identifiers
 * with no database at all. The event is the one {@code IdentityService.create} records (a full identity
 * snapshot, 325 bytes of canonical details JSON, about 560 bytes hashed), the same as the load driver appends.
 *
 * <p>Run: {@code java -cp bindery-bench/target/bindery-bench.jar org.openjdk.jmh.Main}
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class CoreBenchmarks {
  private static final int CHAIN = 1024;
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  /** Configured as the JDBC audit log reads details back (integers as Long, decimals as BigDecimal). */
  private static final ObjectMapper DETAILS = new ObjectMapper()
      .enable(DeserializationFeature.USE_LONG_FOR_INTS)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private SecureRandom random;
  private AuditEvent event;
  private Map<String, Object> details;
  private String detailsJson;
  private AuditEvent[] chain;

  @Setup
  public void setUp() {
    random = new SecureRandom();
    Instant now = Instant.parse("2025-01-01T00:00:00Z");
    SplittableRandom rnd = new SplittableRandom(1);
    chain = new AuditEvent[CHAIN];
    String prev = AuditChain.GENESIS;
    for (int i = 0; i < CHAIN; i++) {
      Identity identity = Workload.identity(IdentityId.generate(random), Workload.newIdentity(i, rnd), now);
      AuditRecord r = Workload.typicalRecord("op_aaaaaaaaaaaaaaaaaaaaaaaaaa", identity, "req-" + i);
      chain[i] = AuditChain.seal(r, i + 1, now.plusMillis(i), prev);
      prev = chain[i].hash();
    }
    event = chain[0];
    details = event.details();
    detailsJson = Canonical.json(details);
  }

  /** SHA-256 over the canonical form of one typical event (what every append and every verify step pays). */
  @Benchmark
  public String auditChainHash() {
    return AuditChain.recompute(event);
  }

  /** One verifier step: sequence and link checks plus the hash recomputation, per event of a 1,024-event chain. */
  @Benchmark
  @OperationsPerInvocation(CHAIN)
  public void auditVerifierAccept(Blackhole bh) {
    AuditVerifier v = new AuditVerifier();
    for (AuditEvent e : chain) {
      bh.consume(v.accept(e));
    }
    bh.consume(v.finish(null));
  }

  /** Canonical JSON of a typical details map (an identity snapshot). */
  @Benchmark
  public String canonicalJson() {
    return Canonical.json(details);
  }

  /** Reading stored details back into a map, as the JDBC store does for every scanned event before verifying. */
  @Benchmark
  public Map<String, Object> detailsJsonParse() throws Exception {
    return DETAILS.readValue(detailsJson, MAP);
  }

  /** A fresh identity identifier: 128 bits from {@link SecureRandom} in base32 plus format validation. */
  @Benchmark
  public IdentityId identityIdGenerate() {
    return IdentityId.generate(random);
  }
}
