package dev.bindery.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.audit.AuditEvent;
import dev.bindery.audit.AuditVerifier;
import dev.bindery.pki.BcCertificateAuthority;
import dev.bindery.pki.CaMaterial;
import dev.bindery.pki.Pem;
import dev.bindery.testkit.MutableClock;
import dev.bindery.testkit.pki.TestCa;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class JdbcCaMaterialStoreTest {
  private static final Instant NOW = MutableClock.DEFAULT_START;

  static Stream<String> stores() {
    return Stream.of("h2", "postgres");
  }

  private static Database open(String kind) {
    return Database.open(kind.equals("h2") ? TestDatabases.h2() : TestDatabases.postgres());
  }

  private static List<AuditEvent> events(Database db) {
    List<AuditEvent> out = new ArrayList<>();
    db.transactor().read(tx -> {
      tx.audit().scan(0, 100, out::add);
      return null;
    });
    return out;
  }

  @ParameterizedTest
  @MethodSource("stores")
  void saveIfAbsent_thenLoad_roundTripsEveryFieldAndAuditsOnce(String kind) {
    try (Database db = open(kind)) {
      JdbcCaMaterialStore store = new JdbcCaMaterialStore(db, MutableClock.startingAt(NOW));
      CaMaterial generated = TestCa.create(NOW).material();
      assertThat(store.load()).isEmpty();

      assertThat(store.saveIfAbsent(generated)).isTrue();

      CaMaterial loaded = store.load().orElseThrow();
      assertThat(loaded).isEqualTo(generated);
      assertThat(loaded.sealedRootKey()).isEqualTo(generated.sealedRootKey());
      // the loaded material still opens under the master key and issues
      assertThat(TestCa.of(loaded).ca().intermediate()).isEqualTo(generated.intermediate());
      List<AuditEvent> events = events(db);
      assertThat(events).hasSize(1);
      AuditEvent e = events.get(0);
      assertThat(e.action()).isEqualTo("ca.created");
      assertThat(e.actor()).isEqualTo("system");
      assertThat(e.time()).isEqualTo(NOW);
      assertThat(e.details()).containsEntry("trust_domain", "bindery.test")
          .containsEntry("root_thumbprint", BcCertificateAuthority.thumbprint(generated.root()))
          .containsEntry("root_key_held", true);
      assertThat(e.detailsJson()).doesNotContain(java.util.Base64.getEncoder()
          .encodeToString(generated.sealedIntermediateKey()).substring(0, 12));
    }
  }

  @ParameterizedTest
  @MethodSource("stores")
  void saveIfAbsent_whenStored_returnsFalseAndWritesNothing(String kind) {
    try (Database db = open(kind)) {
      JdbcCaMaterialStore store = new JdbcCaMaterialStore(db, MutableClock.startingAt(NOW));
      CaMaterial first = TestCa.create(NOW).material();
      CaMaterial second = TestCa.create(NOW).material();
      store.saveIfAbsent(first);

      assertThat(store.saveIfAbsent(second)).isFalse();

      assertThat(store.load()).contains(first);
      assertThat(events(db)).hasSize(1);
    }
  }

  @ParameterizedTest
  @MethodSource("stores")
  void saveIfAbsent_importedMaterialWithoutRootKey_roundTrips(String kind) {
    try (Database db = open(kind)) {
      JdbcCaMaterialStore store = new JdbcCaMaterialStore(db, MutableClock.startingAt(NOW));
      TestCa source = TestCa.create(NOW);
      PrivateKey key = exportIntermediateKey(source);
      CaMaterial imported = CaMaterial.importPem(source.material().trustDomain(),
          Pem.certificate(source.material().root()), Pem.certificate(source.material().intermediate()),
          dev.bindery.testkit.pki.TestCsr.pem("PRIVATE KEY", key.getEncoded()), NOW, TestCa.sealer());

      assertThat(store.saveIfAbsent(imported)).isTrue();

      CaMaterial loaded = store.load().orElseThrow();
      assertThat(loaded.sealedRootKey()).isNull();
      assertThat(loaded).isEqualTo(imported);
      assertThat(events(db).get(0).details()).containsEntry("root_key_held", false);
    }
  }

  /** Only the testkit's fixed master key makes this possible; a production key never leaves the sealer. */
  private static PrivateKey exportIntermediateKey(TestCa source) throws RuntimeException {
    try {
      byte[] pkcs8 = TestCa.sealer().open(source.material().sealedIntermediateKey(),
          CaMaterial.INTERMEDIATE_KEY_AD.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      return java.security.KeyFactory.getInstance("EC").generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(pkcs8));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest
  @MethodSource("stores")
  void saveIfAbsent_concurrentNodes_exactlyOneWinsAndAllLoadIt(String kind) throws Exception {
    try (Database db = open(kind)) {
      List<CaMaterial> candidates = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        candidates.add(TestCa.create(NOW).material());
      }
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<Boolean>> results = new ArrayList<>();
        for (CaMaterial c : candidates) {
          // each "node" has its own store object over the shared database
          Callable<Boolean> save = () -> new JdbcCaMaterialStore(db, MutableClock.startingAt(NOW)).saveIfAbsent(c);
          results.add(pool.submit(save));
        }
        int winners = 0;
        CaMaterial winner = null;
        for (int i = 0; i < results.size(); i++) {
          if (results.get(i).get()) {
            winners++;
            winner = candidates.get(i);
          }
        }
        assertThat(winners).isEqualTo(1);
        assertThat(new JdbcCaMaterialStore(db, MutableClock.startingAt(NOW)).load()).contains(winner);
        assertThat(events(db)).hasSize(1);
        AuditVerifier v = new AuditVerifier();
        db.transactor().read(tx -> {
          tx.audit().scan(0, 10, v::accept);
          assertThat(v.finish(tx.audit().head()).ok()).isTrue();
          return null;
        });
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
