package dev.bindery.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.audit.AuditChain;
import dev.bindery.audit.AuditRecord;
import dev.bindery.audit.AuditVerifier;
import dev.bindery.audit.ChainHead;
import dev.bindery.audit.Outcome;
import dev.bindery.audit.VerificationResult;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tampering with the stored audit chain directly in the database (as someone with SQL access would) is
 * detected by verification, which names the first broken sequence number. Runs on H2 and PostgreSQL.
 */
class AuditTamperTest {
  private static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");

  static Stream<String> stores() {
    return Stream.of("h2", "postgres");
  }

  private static Database withTenEvents(String kind) {
    Database db = Database.open(kind.equals("h2") ? TestDatabases.h2() : TestDatabases.postgres());
    for (int i = 1; i <= 10; i++) {
      long n = i;
      db.transactor().inTransaction(tx -> tx.audit().append(new AuditRecord("op_test", "identity.update",
          "nhi_target", Map.of("n", n), Outcome.SUCCESS, "req-" + n), T0.plusSeconds(n)));
    }
    return db;
  }

  private static VerificationResult verify(Database db) {
    return db.transactor().read(tx -> {
      AuditVerifier v = new AuditVerifier();
      tx.audit().scan(0, 3, v::accept);
      return v.finish(tx.audit().head());
    });
  }

  private static void sql(Database db, String statement) {
    db.jdbi().useHandle(h -> h.execute(statement));
  }

  @ParameterizedTest
  @MethodSource("stores")
  void verify_untouchedChain_isValid(String kind) {
    try (Database db = withTenEvents(kind)) {
      assertThat(verify(db)).isEqualTo(VerificationResult.valid(10));
    }
  }

  @ParameterizedTest
  @MethodSource("stores")
  void verify_editedDetails_namesEditedEvent(String kind) {
    try (Database db = withTenEvents(kind)) {
      sql(db, "UPDATE audit_events SET details = '{\"n\":999}' WHERE seq = 5");
      VerificationResult r = verify(db);
      assertThat(r.ok()).isFalse();
      assertThat(r.firstBrokenSeq()).isEqualTo(5L);
      assertThat(r.problem()).contains("content");
    }
  }

  @ParameterizedTest
  @MethodSource("stores")
  void verify_editedActor_namesEditedEvent(String kind) {
    try (Database db = withTenEvents(kind)) {
      sql(db, "UPDATE audit_events SET actor = 'op_someone_else' WHERE seq = 3");
      assertThat(verify(db).firstBrokenSeq()).isEqualTo(3L);
    }
  }

  @ParameterizedTest
  @MethodSource("stores")
  void verify_deletedEvent_namesMissingSequence(String kind) {
    try (Database db = withTenEvents(kind)) {
      sql(db, "DELETE FROM audit_events WHERE seq = 6");
      VerificationResult r = verify(db);
      assertThat(r.firstBrokenSeq()).isEqualTo(6L);
      assertThat(r.problem()).contains("missing");
    }
  }

  @ParameterizedTest
  @MethodSource("stores")
  void verify_insertedForgedEvent_namesFirstEventAfterIt(String kind) {
    try (Database db = withTenEvents(kind)) {
      // Make room after event 5 and insert a forged event 6 whose own hash is computed correctly.
      sql(db, "UPDATE audit_events SET seq = seq + 100 WHERE seq > 5");
      sql(db, "UPDATE audit_events SET seq = seq - 99 WHERE seq > 100");
      String prev = db.jdbi().withHandle(h -> h.createQuery("SELECT hash FROM audit_events WHERE seq = 5")
          .mapTo(String.class).one());
      var forged = AuditChain.seal(new AuditRecord("op_attacker", "identity.update", "nhi_target",
          Map.of("forged", true), Outcome.SUCCESS, "x"), 6, T0.plusSeconds(5), prev);
      db.jdbi().useHandle(h -> h.createUpdate("INSERT INTO audit_events (seq, event_time, actor, action, target, "
              + "details, outcome, request_id, prev_hash, hash) VALUES (6, :t, :a, :ac, :tg, :d, :o, :r, :p, :h)")
          .bind("t", Sql.micros(forged.time())).bind("a", forged.actor()).bind("ac", forged.action())
          .bind("tg", forged.target()).bind("d", forged.detailsJson()).bind("o", forged.outcome().wire())
          .bind("r", forged.requestId()).bind("p", forged.prevHash()).bind("h", forged.hash()).execute());
      VerificationResult r = verify(db);
      assertThat(r.ok()).isFalse();
      assertThat(r.firstBrokenSeq()).isEqualTo(7L);
      assertThat(r.problem()).contains("previous-hash");
    }
  }

  @ParameterizedTest
  @MethodSource("stores")
  void verify_reorderedEvents_namesFirstMovedEvent(String kind) {
    try (Database db = withTenEvents(kind)) {
      // swap the contents of events 4 and 5, keeping their sequence numbers
      sql(db, "UPDATE audit_events SET seq = 1004 WHERE seq = 4");
      sql(db, "UPDATE audit_events SET seq = 4 WHERE seq = 5");
      sql(db, "UPDATE audit_events SET seq = 5 WHERE seq = 1004");
      VerificationResult r = verify(db);
      assertThat(r.ok()).isFalse();
      assertThat(r.firstBrokenSeq()).isEqualTo(4L);
    }
  }

  @ParameterizedTest
  @MethodSource("stores")
  void verify_truncatedTail_isDetectedAgainstHead(String kind) {
    try (Database db = withTenEvents(kind)) {
      sql(db, "DELETE FROM audit_events WHERE seq > 8");
      VerificationResult r = verify(db);
      assertThat(r.ok()).isFalse();
      assertThat(r.firstBrokenSeq()).isEqualTo(9L);
      assertThat(r.problem()).contains("missing");
    }
  }

  @ParameterizedTest
  @MethodSource("stores")
  void append_afterTamperedHeadRow_continuesFromHead(String kind) {
    try (Database db = withTenEvents(kind)) {
      ChainHead head = db.transactor().read(tx -> tx.audit().head());
      assertThat(head.seq()).isEqualTo(10);
      var e = db.transactor().inTransaction(tx -> tx.audit().append(
          new AuditRecord("system", "x", "", Map.of(), Outcome.SUCCESS, ""), T0.plusSeconds(20)));
      assertThat(e.seq()).isEqualTo(11);
      assertThat(e.prevHash()).isEqualTo(head.hash());
    }
  }
}
