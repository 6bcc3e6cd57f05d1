package dev.bindery.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.audit.AuditEvent;
import dev.bindery.audit.Outcome;
import dev.bindery.common.RejectedException;
import dev.bindery.operator.OperatorService;
import dev.bindery.security.Caller;
import dev.bindery.testkit.MutableClock;
import dev.bindery.testkit.TestBindery;
import dev.bindery.testkit.TestOperator;
import dev.bindery.testkit.TestTotp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Concurrent wrong TOTP codes from one operator on a real database: exactly five are checked and refused as
 * {@code totp_invalid}; all the others are refused as {@code totp_locked} without being checked. Without the
 * factor's row lock, parallel attempts would each count the same earlier failures and get past the limit.
 */
class StepUpLockoutConcurrencyTest {
  private static final int ATTEMPTS = 16;

  static Stream<String> stores() {
    return Stream.of("h2", "postgres");
  }

  @ParameterizedTest
  @MethodSource("stores")
  void parallelWrongCodes_exactlyFiveCheckedTheRestLocked(String kind) throws Exception {
    try (Database db = Database.open(kind.equals("h2") ? TestDatabases.h2() : TestDatabases.postgres())) {
      TestBindery b = new TestBindery(db.transactor(), MutableClock.standard());
      TestOperator member = b.member(b.team("payments"));
      b.ensureTotp(member);
      Caller caller = b.caller(member);
      String wrong = TestTotp.wrongCode(b.clock().instant(), member.totpSeed());
      long seq = b.auditHead().seq();
      ExecutorService pool = Executors.newFixedThreadPool(8);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<String>> attempts = new ArrayList<>();
      try {
        for (int i = 0; i < ATTEMPTS; i++) {
          attempts.add(pool.submit(() -> {
            start.await();
            try {
              b.operators().stepUp(caller, wrong);
              return "accepted";
            } catch (RejectedException e) {
              return e.code().code();
            }
          }));
        }
        start.countDown();
        List<String> codes = new ArrayList<>();
        for (Future<String> f : attempts) {
          codes.add(f.get(60, TimeUnit.SECONDS));
        }

        Map<String, Long> counted = codes.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(counted).isEqualTo(Map.of("totp_invalid", (long) OperatorService.STEP_UP_MAX_FAILURES,
            "totp_locked", (long) (ATTEMPTS - OperatorService.STEP_UP_MAX_FAILURES)));
        List<AuditEvent> events = b.auditSince(seq);
        assertThat(events).extracting(AuditEvent::outcome).containsOnly(Outcome.DENIED);
        assertThat(events.stream().map(e -> e.details().get("code")).collect(Collectors.groupingBy(c -> c,
            Collectors.counting()))).isEqualTo(counted);
      } finally {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
      }
    }
  }
}
