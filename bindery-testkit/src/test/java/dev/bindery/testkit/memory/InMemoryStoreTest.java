package dev.bindery.testkit.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bindery.audit.AuditEvent;
import dev.bindery.audit.AuditRecord;
import dev.bindery.audit.Outcome;
import dev.bindery.identity.Identity;
import dev.bindery.identity.TeamId;
import dev.bindery.operator.Team;
import dev.bindery.store.Tx;
import dev.bindery.testkit.TestIdentities;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Behaviour of the in-memory store beyond the shared contract: nesting, read-only work and isolation. */
class InMemoryStoreTest {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  private static final TeamId PAYMENTS = new TeamId("payments");
  private static final TeamId PLATFORM = new TeamId("platform");

  private InMemoryStore store;

  @BeforeEach
  void setUp() {
    store = new InMemoryStore();
    store.inTransaction(t -> {
      t.teams().insert(new Team(PAYMENTS, "Payments", T0));
      t.teams().insert(new Team(PLATFORM, "Platform", T0));
      return null;
    });
  }

  private static Identity identity() {
    return TestIdentities.workload().owner(PAYMENTS).backupTeam(PLATFORM).toIdentity(T0);
  }

  private static AuditRecord record(String action) {
    return new AuditRecord("system", action, "", Map.of(), Outcome.SUCCESS, "");
  }

  private Optional<Identity> find(Identity i) {
    return store.read(t -> t.identities().findById(i.id()));
  }

  @Test
  void nestedTransaction_seesOnlyCommittedDataAndCommitsOnItsOwn() {
    Identity outer = identity();
    Identity inner = identity();
    List<Object> seenByNested = new ArrayList<>();

    assertThatThrownBy(() -> store.inTransaction(t -> {
      t.identities().insert(outer);
      store.inTransaction(n -> {
        seenByNested.add(n.identities().findById(outer.id()));
        n.identities().insert(inner);
        return null;
      });
      throw new IllegalStateException("outer fails");
    })).hasMessage("outer fails");

    assertThat(seenByNested).containsExactly(Optional.empty());
    assertThat(find(outer)).isEmpty();
    assertThat(find(inner)).contains(inner);
  }

  @Test
  void nestedTransaction_writingARowTheOuterWrote_failsFastInsteadOfDeadlocking() {
    Identity identity = identity();

    assertThatThrownBy(() -> store.inTransaction(t -> {
      t.identities().insert(identity);
      return store.inTransaction(n -> {
        n.identities().insert(identity);
        return null;
      });
    })).isInstanceOf(IllegalStateException.class).hasMessageContaining("would wait for ever");

    assertThat(find(identity)).isEmpty();
  }

  @Test
  void nestedTransaction_appendingWhileOuterHoldsTheChainHead_failsFast() {
    assertThatThrownBy(() -> store.inTransaction(t -> {
      t.audit().append(record("outer"), T0);
      return store.inTransaction(n -> n.audit().append(record("inner"), T0));
    })).isInstanceOf(IllegalStateException.class).hasMessageContaining("audit chain");

    assertThat(store.read((Tx t) -> t.audit().head().seq())).isZero();
  }

  @Test
  void nestedTransaction_appendingBeforeOuterAppends_chainsBoth() {
    store.inTransaction(t -> {
      store.inTransaction(n -> n.audit().append(record("inner"), T0));
      return t.audit().append(record("outer"), T0);
    });

    List<AuditEvent> events = new ArrayList<>();
    store.read(t -> {
      t.audit().scan(0, 10, events::add);
      return null;
    });
    assertThat(events).extracting(AuditEvent::action).containsExactly("inner", "outer");
    assertThat(events.get(1).prevHash()).isEqualTo(events.get(0).hash());
  }

  @Test
  void read_workThatWrites_rejected() {
    Identity identity = identity();

    assertThatThrownBy(() -> store.read(t -> {
      t.identities().insert(identity);
      return null;
    })).isInstanceOf(IllegalStateException.class).hasMessage("read-only work tried to write");
    assertThatThrownBy(() -> store.read(t -> t.audit().append(record("x"), T0)))
        .isInstanceOf(IllegalStateException.class);

    assertThat(find(identity)).isEmpty();
  }

  @Test
  void repositories_usedAfterTheTransactionEnded_rejected() {
    AtomicReference<Tx> leaked = new AtomicReference<>();
    store.inTransaction(t -> {
      leaked.set(t);
      return null;
    });

    assertThatThrownBy(() -> leaked.get().identities().count()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> leaked.get().audit().head()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void auditAppend_callerMutatesNestedDetailsAfterwards_storedEventUnchanged() {
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("k", "before");
    List<Object> list = new ArrayList<>(List.of("a"));
    AuditEvent appended = store.inTransaction(t -> t.audit().append(new AuditRecord("system", "x", "",
        Map.of("nested", nested, "list", list, "n", 1), Outcome.SUCCESS, ""), T0));

    nested.put("k", "after");
    list.add("b");

    AuditEvent stored = store.read(t -> t.audit().query(new dev.bindery.audit.AuditQuery(null, null, null, null, null,
        0, 10))).get(0);
    assertThat(stored.details()).isEqualTo(Map.of("nested", Map.of("k", "before"), "list", List.of("a"), "n", 1L));
    assertThat(stored).isEqualTo(appended);
    assertThat(dev.bindery.audit.AuditChain.recompute(stored)).isEqualTo(stored.hash());
  }

  @Test
  void ping_answersTrue() {
    assertThat(store.ping()).isTrue();
  }
}
