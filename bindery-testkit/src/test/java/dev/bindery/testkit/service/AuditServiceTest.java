package dev.bindery.testkit.service;

import static dev.bindery.testkit.BinderyAssertions.assertAuditedSince;
import static dev.bindery.testkit.BinderyAssertions.assertOnlyDenied;
import static dev.bindery.testkit.BinderyAssertions.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.audit.AuditEvent;
import dev.bindery.audit.AuditQuery;
import dev.bindery.audit.AuditService;
import dev.bindery.audit.VerificationResult;
import dev.bindery.common.ErrorCode;
import dev.bindery.identity.Identity;
import dev.bindery.identity.TeamId;
import dev.bindery.operator.Role;
import dev.bindery.security.Caller;
import dev.bindery.testkit.MutableClock;
import dev.bindery.testkit.StoreState;
import dev.bindery.testkit.TestBindery;
import dev.bindery.testkit.TestIdentities;
import dev.bindery.testkit.TestOperator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuditServiceTest {
  private TestBindery b;
  private AuditService service;
  private TestOperator owner;
  private TestOperator auditor;
  private Identity first;
  private Identity second;

  @BeforeEach
  void setUp() {
    b = TestBindery.inMemory();
    service = b.audit();
    TeamId payments = b.team("payments");
    TeamId platform = b.team("platform");
    owner = b.member(payments);
    auditor = b.withRoles(Role.AUDITOR);
    Caller caller = b.caller(owner);
    first = b.identities().create(caller, TestIdentities.workload().owner(payments).backupTeam(platform).build())
        .identity();
    b.clock().advance(Duration.ofMinutes(10));
    second = b.identities().create(caller, TestIdentities.workload().owner(payments).backupTeam(platform).build())
        .identity();
    b.identities().updateProfile(caller, first.id(), 1, new Identity.Profile("renamed", null, null, null, Map.of()));
  }

  @Test
  void verify_untouchedChain_okCountsEveryEventAndRecordsTheCheck() {
    Caller caller = b.caller(auditor);
    long events = b.auditHead().seq();

    VerificationResult result = service.verify(caller);

    assertThat(result).isEqualTo(VerificationResult.valid(events));
    List<AuditEvent> recorded = assertAuditedSince(b, events, "audit.verify");
    assertThat(recorded.get(0).details()).isEqualTo(Map.of("ok", true, "events_checked", events));
    assertThat(recorded.get(0).actor()).isEqualTo(auditor.id().value());
    assertThat(service.verifyStore()).isEqualTo(VerificationResult.valid(events + 1));
  }

  @Test
  void verify_operatorWithoutAuditRole_deniedAndNothingElseWritten() {
    Caller caller = b.caller(owner);
    StoreState before = b.state();

    assertRejected(() -> service.verify(caller), ErrorCode.FORBIDDEN);

    assertOnlyDenied(b, before, "audit.verify", owner.id().value(), "", ErrorCode.FORBIDDEN);
  }

  @Test
  void query_byTarget_returnsThatIdentitysEventsInOrder() {
    List<AuditEvent> events = service.query(b.caller(auditor), AuditQuery.forTarget(first.id().value(), 100));

    assertThat(events).extracting(AuditEvent::action).containsExactly("identity.create", "identity.update");
    assertThat(events).extracting(AuditEvent::target).containsOnly(first.id().value());
    assertThat(events.get(0).seq()).isLessThan(events.get(1).seq());
  }

  @Test
  void query_byActorActionAndTime_filtersExactly() {
    Caller caller = b.caller(auditor);
    String actor = owner.id().value();

    List<AuditEvent> creates = service.query(caller, new AuditQuery(null, actor, "identity.create", null, null, 0, 100));
    List<AuditEvent> afterTenMinutes = service.query(caller, new AuditQuery(null, actor, null,
        MutableClock.DEFAULT_START.plus(Duration.ofMinutes(10)), null, 0, 100));
    List<AuditEvent> beforeTenMinutes = service.query(caller, new AuditQuery(null, null, "identity.create", null,
        MutableClock.DEFAULT_START.plus(Duration.ofMinutes(10)), 0, 100));

    assertThat(creates).extracting(AuditEvent::target).containsExactly(first.id().value(), second.id().value());
    assertThat(afterTenMinutes).extracting(AuditEvent::action).containsExactly("identity.create", "identity.update");
    assertThat(afterTenMinutes).extracting(AuditEvent::target).containsExactly(second.id().value(),
        first.id().value());
    assertThat(beforeTenMinutes).extracting(AuditEvent::target).containsExactly(first.id().value());
  }

  @Test
  void query_pagedByAfterSeq_continuesWhereThePreviousPageEnded() {
    Caller caller = b.caller(auditor);
    long total = b.auditHead().seq();

    List<AuditEvent> page1 = service.query(caller, new AuditQuery(null, null, null, null, null, 0, 3));
    List<AuditEvent> page2 = service.query(caller, new AuditQuery(null, null, null, null, null,
        page1.get(2).seq(), 3));

    assertThat(page1).extracting(AuditEvent::seq).containsExactly(1L, 2L, 3L);
    assertThat(page2).extracting(AuditEvent::seq).containsExactly(4L, 5L, 6L);
    assertThat(total).isGreaterThan(6L);
  }

  @Test
  void query_operatorWithoutAuditRole_deniedAndNothingElseWritten() {
    Caller caller = b.caller(owner);
    StoreState before = b.state();

    assertRejected(() -> service.query(caller, AuditQuery.forTarget(first.id().value(), 10)), ErrorCode.FORBIDDEN);

    assertOnlyDenied(b, before, "audit.query", owner.id().value(), "", ErrorCode.FORBIDDEN);
  }

  @Test
  void query_securityOfficerAndAdmin_allowed() {
    TestOperator officer = b.withRoles(Role.SECURITY_OFFICER);
    TestOperator admin = b.admin();

    assertThat(service.query(b.caller(officer), AuditQuery.forTarget(second.id().value(), 10)))
        .extracting(AuditEvent::action).containsExactly("identity.create");
    assertThat(service.query(b.caller(admin), AuditQuery.forTarget(second.id().value(), 10)))
        .extracting(AuditEvent::action).containsExactly("identity.create");
  }

  @Test
  void export_afterSeq_streamsTheRestInOrder() {
    Caller caller = b.caller(auditor);
    long head = b.auditHead().seq();
    List<Long> seqs = new ArrayList<>();

    service.export(caller, head - 2, e -> seqs.add(e.seq()));

    assertThat(seqs).containsExactly(head - 1, head);
  }
}
