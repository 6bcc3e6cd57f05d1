package dev.bindery.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.audit.AuditService;
import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import dev.bindery.identity.BackupOwner;
import dev.bindery.identity.CreateResult;
import dev.bindery.identity.FederatedSubject;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityKind;
import dev.bindery.identity.IdentityService;
import dev.bindery.identity.NewIdentity;
import dev.bindery.identity.Ownership;
import dev.bindery.identity.TeamId;
import dev.bindery.operator.OperatorService;
import dev.bindery.security.Authorizer;
import dev.bindery.security.Caller;
import dev.bindery.security.SecretSealer;
import dev.bindery.store.AuditedTransactor;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Races on a real database: idempotent provisioning by subject and optimistic updates. */
class ConcurrentProvisioningTest {
  private static final int THREADS = 8;

  static Stream<String> stores() {
    return Stream.of("h2", "postgres");
  }

  private record Services(Database db, IdentityService identities, AuditService audit) implements AutoCloseable {
    @Override
    public void close() {
      db.close();
    }
  }

  private static Services services(String kind) {
    Database db = Database.open(kind.equals("h2") ? TestDatabases.h2() : TestDatabases.postgres());
    Clock clock = Clock.systemUTC();
    SecureRandom random = new SecureRandom();
    AuditedTransactor tx = new AuditedTransactor(db.transactor(), clock);
    Authorizer authz = new Authorizer(clock, Duration.ofMinutes(5));
    byte[] key = new byte[32];
    random.nextBytes(key);
    OperatorService operators = new OperatorService(tx, authz, random, new SecretSealer(key, random), "Bindery");
    operators.createTeam(Caller.system("t"), new TeamId("payments"), "Payments");
    operators.createTeam(Caller.system("t"), new TeamId("platform"), "Platform");
    return new Services(db, new IdentityService(tx, authz, random), new AuditService(tx, authz));
  }

  private static NewIdentity request(FederatedSubject subject) {
    return new NewIdentity(IdentityKind.PIPELINE, "deploy", null, null, null, Map.of(),
        new Ownership(new TeamId("payments"), BackupOwner.team(new TeamId("platform"))), Set.of(), subject);
  }

  private static <T> List<Future<T>> race(Callable<T> task) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<T>> futures = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      futures.add(pool.submit(() -> {
        start.await();
        return task.call();
      }));
    }
    start.countDown();
    pool.shutdown();
    pool.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS);
    return futures;
  }

  @ParameterizedTest
  @MethodSource("stores")
  void create_sameSubjectConcurrently_yieldsExactlyOneIdentity(String kind) throws Exception {
    try (Services s = services(kind)) {
      FederatedSubject subject = new FederatedSubject("https://token.actions.example", "repo:acme/api:ref:main");
      List<Future<CreateResult>> results = race(() -> s.identities().create(Caller.system("race"), request(subject)));
      List<CreateResult> done = new ArrayList<>();
      for (Future<CreateResult> f : results) {
        done.add(f.get());
      }
      assertThat(done).extracting(r -> r.identity().id()).containsOnly(done.get(0).identity().id());
      assertThat(done).filteredOn(CreateResult::created).hasSize(1);
      long identities = s.db().transactor().read(tx -> tx.identities().count());
      assertThat(identities).isEqualTo(1);
      assertThat(s.audit().verifyStore().ok()).isTrue();
    }
  }

  @ParameterizedTest
  @MethodSource("stores")
  void update_sameVersionConcurrently_exactlyOneWins(String kind) throws Exception {
    try (Services s = services(kind)) {
      Identity created = s.identities().create(Caller.system("t"), request(null)).identity();
      java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
      List<Future<String>> results = race(() -> {
        try {
          var p = created.profile();
          s.identities().updateProfile(Caller.system("t"), created.id(), created.version(),
              new Identity.Profile("name-" + n.incrementAndGet(), p.description(), p.tenant(), p.contact(), p.labels()));
          return "ok";
        } catch (RejectedException e) {
          return e.code().code();
        }
      });
      List<String> outcomes = new ArrayList<>();
      for (Future<String> f : results) {
        outcomes.add(f.get());
      }
      assertThat(outcomes).filteredOn("ok"::equals).hasSize(1);
      assertThat(outcomes).filteredOn(o -> !o.equals("ok")).containsOnly(ErrorCode.VERSION_CONFLICT.code());
      Identity after = s.identities().get(Caller.system("t"), created.id());
      assertThat(after.version()).isEqualTo(2);
      assertThat(s.audit().verifyStore().ok()).isTrue();
    }
  }
}
