package dev.bindery.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditChainTest {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00.123Z");

  /** Seals {@code n} events into a valid chain. */
  private static List<AuditEvent> chain(int n) {
    List<AuditEvent> out = new ArrayList<>();
    String prev = AuditChain.GENESIS;
    for (int i = 1; i <= n; i++) {
      AuditEvent e = AuditChain.seal(new AuditRecord("op_" + i, "identity.update", "nhi_" + i,
          Map.of("version", (long) i), Outcome.SUCCESS, "req-" + i), i, T0.plusSeconds(i), prev);
      out.add(e);
      prev = e.hash();
    }
    return out;
  }

  private static ChainHead headOf(List<AuditEvent> events) {
    AuditEvent last = events.get(events.size() - 1);
    return new ChainHead(last.seq(), last.hash());
  }

  private static VerificationResult verify(List<AuditEvent> events, ChainHead head) {
    AuditVerifier v = new AuditVerifier();
    events.forEach(v::accept);
    return v.finish(head);
  }

  private static AuditEvent withDetails(AuditEvent e, Map<String, Object> details) {
    return new AuditEvent(e.seq(), e.time(), e.actor(), e.action(), e.target(), details, e.outcome(), e.requestId(),
        e.prevHash(), e.hash());
  }

  private static AuditEvent withSeq(AuditEvent e, long seq) {
    return new AuditEvent(seq, e.time(), e.actor(), e.action(), e.target(), e.details(), e.outcome(), e.requestId(),
        e.prevHash(), e.hash());
  }

  @Test
  void hash_fixedEvent_isSha256OfTheDocumentedCanonicalForm() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("name", "a\"b");
    details.put("n", 1L);
    details.put("labels", Map.of("env", "prod"));

    String hash = AuditChain.hash(AuditChain.GENESIS, 1, T0, "op_x", "identity.create", "nhi_x", details,
        Outcome.SUCCESS, "r1");

    // sha256 of {"action":"identity.create","actor":"op_x","details":{"labels":{"env":"prod"},"n":1,
    // "name":"a\"b"},"outcome":"success","prev":"000...0","request_id":"r1","seq":1,"target":"nhi_x",
    // "time":1795428000123}, computed independently
    assertThat(hash).isEqualTo("6472a4fb4bfbb8296048b473896f39cc5b90e560baaa0bf5537359b979529b80");
  }

  @Test
  void seal_truncatesTimeToMillisecondsAndLinksPrev() {
    AuditRecord r = new AuditRecord("op_x", "a", "t", Map.of(), Outcome.DENIED, "r");

    AuditEvent e = AuditChain.seal(r, 7, T0.plusNanos(999_999), "ab".repeat(32));

    assertThat(e.time()).isEqualTo(T0);
    assertThat(e.seq()).isEqualTo(7L);
    assertThat(e.prevHash()).isEqualTo("ab".repeat(32));
    assertThat(e.hash()).isEqualTo(AuditChain.recompute(e)).hasSize(64).matches("[0-9a-f]{64}");
  }

  @Test
  void verify_validChain_okWithEveryEventChecked() {
    List<AuditEvent> events = chain(5);

    assertThat(verify(events, headOf(events))).isEqualTo(VerificationResult.valid(5));
  }

  @Test
  void verify_emptyChainWithEmptyHead_ok() {
    assertThat(verify(List.of(), ChainHead.EMPTY)).isEqualTo(VerificationResult.valid(0));
  }

  @Test
  void verify_exportWithoutHead_okWithoutTruncationCheck() {
    List<AuditEvent> events = chain(3);

    assertThat(verify(events, null)).isEqualTo(VerificationResult.valid(3));
  }

  @Test
  void verify_editedEvent_brokenAtThatEvent() {
    List<AuditEvent> events = new ArrayList<>(chain(5));
    events.set(2, withDetails(events.get(2), Map.of("version", 99L)));

    VerificationResult r = verify(events, headOf(chain(5)));

    assertThat(r).isEqualTo(VerificationResult.broken(2, 3, "event content does not match its hash"));
  }

  @Test
  void verify_editedEventWithRecomputedHash_brokenAtTheNextEvent() {
    List<AuditEvent> events = new ArrayList<>(chain(5));
    AuditEvent original = events.get(2);
    events.set(2, AuditChain.seal(new AuditRecord(original.actor(), original.action(), original.target(),
        Map.of("version", 99L), original.outcome(), original.requestId()), 3, original.time(), original.prevHash()));

    VerificationResult r = verify(events, headOf(chain(5)));

    assertThat(r).isEqualTo(VerificationResult.broken(3, 4, "previous-hash link does not match event 3"));
  }

  @Test
  void verify_deletedEvent_brokenAtTheMissingSequence() {
    List<AuditEvent> events = new ArrayList<>(chain(5));
    events.remove(2);

    VerificationResult r = verify(events, headOf(chain(5)));

    assertThat(r).isEqualTo(VerificationResult.broken(2, 3, "event 3 is missing"));
  }

  @Test
  void verify_deletedEventAndRenumbered_brokenAtTheRenumberedEvent() {
    List<AuditEvent> events = new ArrayList<>(chain(5));
    events.remove(2);
    events.set(2, withSeq(events.get(2), 3));
    events.set(3, withSeq(events.get(3), 4));

    VerificationResult r = verify(events, headOf(chain(5)));

    assertThat(r).isEqualTo(VerificationResult.broken(2, 3, "previous-hash link does not match event 2"));
  }

  @Test
  void verify_insertedEventWithDuplicateSequence_brokenWhereSequenceRepeats() {
    List<AuditEvent> events = new ArrayList<>(chain(5));
    AuditEvent forged = AuditChain.seal(new AuditRecord("op_forger", "identity.update", "nhi_x", Map.of(),
        Outcome.SUCCESS, "r"), 3, T0, events.get(1).hash());
    events.add(2, forged);

    VerificationResult r = verify(events, headOf(chain(5)));

    assertThat(r).isEqualTo(VerificationResult.broken(3, 4, "sequence number 3 repeats or goes backwards"));
  }

  @Test
  void verify_insertedEventRenumberingTheRest_brokenAtFirstEventAfterTheInsertion() {
    List<AuditEvent> original = chain(5);
    List<AuditEvent> events = new ArrayList<>(original.subList(0, 2));
    events.add(AuditChain.seal(new AuditRecord("op_forger", "a", "t", Map.of(), Outcome.SUCCESS, "r"), 3, T0,
        original.get(1).hash()));
    for (int i = 2; i < 5; i++) {
      events.add(withSeq(original.get(i), i + 2));
    }

    VerificationResult r = verify(events, headOf(original));

    assertThat(r).isEqualTo(VerificationResult.broken(3, 4, "previous-hash link does not match event 3"));
  }

  @Test
  void verify_reorderedEvents_brokenAtFirstOutOfPlaceSequence() {
    List<AuditEvent> events = new ArrayList<>(chain(5));
    AuditEvent third = events.get(2);
    events.set(2, events.get(3));
    events.set(3, third);

    VerificationResult r = verify(events, headOf(chain(5)));

    assertThat(r).isEqualTo(VerificationResult.broken(2, 3, "event 3 is missing"));
  }

  @Test
  void verify_truncatedTail_brokenAtFirstMissingEventAgainstHead() {
    List<AuditEvent> full = chain(5);
    List<AuditEvent> truncated = full.subList(0, 3);

    VerificationResult r = verify(truncated, headOf(full));

    assertThat(r).isEqualTo(VerificationResult.broken(3, 4, "events after 3 are missing (head is 5)"));
    assertThat(verify(truncated, null)).isEqualTo(VerificationResult.valid(3));
  }

  @Test
  void verify_everyEventDeleted_brokenAtOneAgainstHead() {
    List<AuditEvent> full = chain(2);

    assertThat(verify(List.of(), headOf(full)))
        .isEqualTo(VerificationResult.broken(0, 1, "events after 0 are missing (head is 2)"));
  }

  @Test
  void verify_chainLongerThanHead_brokenAtFirstEventBeyondHead() {
    List<AuditEvent> full = chain(5);

    VerificationResult r = verify(full, headOf(full.subList(0, 3)));

    assertThat(r).isEqualTo(VerificationResult.broken(5, 4, "chain is longer than its head"));
  }

  @Test
  void verify_lastEventReplacedWithValidForgery_brokenAtHead() {
    List<AuditEvent> full = chain(3);
    List<AuditEvent> forged = new ArrayList<>(full.subList(0, 2));
    forged.add(AuditChain.seal(new AuditRecord("op_forger", "a", "t", Map.of(), Outcome.SUCCESS, "r"), 3, T0,
        full.get(1).hash()));

    VerificationResult r = verify(forged, headOf(full));

    assertThat(r).isEqualTo(VerificationResult.broken(3, 3, "last event does not match the chain head"));
  }

  @Test
  void accept_afterFailure_returnsFalseAndKeepsFirstVerdict() {
    List<AuditEvent> events = new ArrayList<>(chain(4));
    events.set(1, withDetails(events.get(1), Map.of("version", 0L)));
    AuditVerifier v = new AuditVerifier();

    assertThat(v.accept(events.get(0))).isTrue();
    assertThat(v.accept(events.get(1))).isFalse();
    assertThat(v.accept(events.get(2))).isFalse();
    assertThat(v.finish(headOf(chain(4)))).isEqualTo(VerificationResult.broken(1, 2,
        "event content does not match its hash"));
  }
}
