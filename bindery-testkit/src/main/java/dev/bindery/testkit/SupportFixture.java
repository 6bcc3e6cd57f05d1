package dev.bindery.testkit;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import dev.bindery.credential.Credential;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.TeamId;
import dev.bindery.operator.Operator;
import dev.bindery.operator.OperatorId;
import dev.bindery.operator.Role;
import dev.bindery.security.Caller;
import dev.bindery.store.Tx;
import dev.bindery.support.Evidence;
import dev.bindery.support.IssuedItem;
import dev.bindery.support.NewSupportAction;
import dev.bindery.support.SupportAction;
import dev.bindery.support.SupportActionId;
import dev.bindery.support.SupportActionType;
import dev.bindery.support.SupportDelivery;
import dev.bindery.support.SupportEnrolmentSources;
import dev.bindery.support.SupportNotifier;
import dev.bindery.support.SupportService;
import dev.bindery.support.SupportSettings;
import dev.bindery.support.SupportTarget;
import dev.bindery.token.TokenRevocationService;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Bindery with the support desk ({@link SupportService}) and the cast its rules are about: service desk agents in
 * their own team (helpdesk), the owners of the identities they act on (payments, backup team platform), supervisors,
 * security officers, an admin, an auditor, and operator accounts to re-enrol. The service delivers through a
 * {@link FakeDelivery} (issues references, records every call, can have no delivery channel) and notifies a
 * {@link RecordingNotifier}: the real ones are the notification work's, tested there.
 */
public final class SupportFixture {
  public static final String TICKET = "INC-4711";

  public final TestBindery b;
  public final SupportSettings settings;
  public final TeamId payments;
  public final TeamId platform;
  public final TeamId helpdesk;
  public final TeamId other;
  public final TestOperator admin;
  public final TestOperator agent;
  public final TestOperator agent2;
  /** An agent who is also a supervisor (to show the agent never approves their own action). */
  public final TestOperator agentSupervisor;
  public final TestOperator supervisor;
  public final TestOperator supervisor2;
  public final TestOperator securityOfficer;
  public final TestOperator securityOfficer2;
  public final TestOperator owner;
  public final TestOperator auditor;
  /** An operator with no role (a plain team member): not a privileged target. */
  public final TestOperator employee;
  public final FakeDelivery delivery = new FakeDelivery();
  public final RecordingNotifier notifier = new RecordingNotifier();
  public final TokenRevocationService tokens;
  public final SupportService service;

  public SupportFixture() {
    this(TestBindery.inMemory(), SupportSettings.DEFAULT);
  }

  public SupportFixture(SupportSettings settings) {
    this(TestBindery.inMemory(), settings);
  }

  public SupportFixture(TestBindery bindery, SupportSettings settings) {
    this.b = bindery;
    this.settings = settings;
    payments = b.team("payments");
    platform = b.team("platform");
    helpdesk = b.team("helpdesk");
    other = b.team("other");
    admin = b.admin();
    agent = b.operator("agent", EnumSet.of(Role.SERVICE_DESK), Set.of(helpdesk));
    agent2 = b.operator("agent two", EnumSet.of(Role.SERVICE_DESK), Set.of(helpdesk));
    agentSupervisor = b.operator("agent and supervisor", EnumSet.of(Role.SERVICE_DESK, Role.SUPERVISOR),
        Set.of(helpdesk));
    supervisor = b.operator("supervisor", EnumSet.of(Role.SUPERVISOR), Set.of());
    supervisor2 = b.operator("supervisor two", EnumSet.of(Role.SUPERVISOR), Set.of());
    securityOfficer = b.operator("security officer", EnumSet.of(Role.SECURITY_OFFICER), Set.of());
    securityOfficer2 = b.operator("security officer two", EnumSet.of(Role.SECURITY_OFFICER), Set.of());
    owner = b.operator("owner", Set.of(), Set.of(payments));
    auditor = b.operator("auditor", EnumSet.of(Role.AUDITOR), Set.of());
    employee = b.operator("employee", Set.of(), Set.of(other));
    tokens = new TokenRevocationService(b.auditedTransactor(), b.authorizer());
    service = new SupportService(b.auditedTransactor(), b.authorizer(), new SecureRandom(), settings,
        b.credentials(), b.identities(), tokens, delivery, notifier);
    // as the server wires it: every enrolment with a code is checked for an unusual source
    b.credentials().onEnrolment(new SupportEnrolmentSources(service));
    warm();
  }

  /**
   * Authenticates every operator once, so that the token use it records (at most once a minute) is not written
   * during a test's "nothing was written" window; call again after moving the clock.
   */
  public void warm() {
    for (TestOperator op : List.of(admin, agent, agent2, agentSupervisor, supervisor, supervisor2, securityOfficer,
        securityOfficer2, owner, auditor, employee)) {
      caller(op);
    }
  }

  // ---- callers ------------------------------------------------------------------------------------------

  public Caller caller(TestOperator op) {
    return b.caller(op);
  }

  /** The operator's caller right after a fresh TOTP step-up. */
  public Caller steppedUp(TestOperator op) {
    return b.steppedUp(op);
  }

  // ---- targets ------------------------------------------------------------------------------------------

  /** A workload owned by payments (backup team platform) at assurance level {@code level}, with scopes. */
  public Identity workload(int level, String... scopes) {
    return b.identities().create(caller(admin), TestIdentities.workload().owner(payments).backupTeam(platform)
        .scope(scopes).assuranceLevel(level).build()).identity();
  }

  /** An enrolled X.509-SVID of {@code identity}. */
  public Credential enrol(IdentityId identity) {
    String code = b.credentials().createEnrolmentCode(caller(admin), identity, null).code().reveal();
    return b.credentials().enrol(code, dev.bindery.testkit.pki.TestCsr.forKey(
        dev.bindery.testkit.pki.TestKeys.ecP256()).pem(), TestBindery.REQUEST_ID).credential().credential();
  }

  public Identity identity(IdentityId id) {
    return b.store().read(t -> t.identities().findById(id)).orElseThrow();
  }

  public Operator operator(OperatorId id) {
    return b.store().read(t -> t.operators().findById(id)).orElseThrow();
  }

  public SupportAction stored(SupportActionId id) {
    return b.store().read(t -> t.supportActions().findById(id)).orElseThrow();
  }

  public List<Credential> credentialsOf(IdentityId id) {
    return b.store().read(t -> t.credentials().listForIdentity(id));
  }

  public Instant now() {
    return b.clock().instant();
  }

  public void advance(Duration d) {
    b.clock().advance(d);
  }

  // ---- requests -----------------------------------------------------------------------------------------

  /** Complete evidence: ticket {@value #TICKET}, a callback verified by the supervisor ten minutes ago. */
  public Evidence.Submitted evidence() {
    return new Evidence.Submitted(TICKET, "Jane Doe, payments on-call", "callback", "call log 2026-12-01 #17",
        supervisor.id().value(), now().minus(Duration.ofMinutes(10)).toString());
  }

  public NewSupportAction request(SupportActionType type, IdentityId target, Map<String, String> parameters) {
    return new NewSupportAction(type, SupportTarget.identity(target), "caller lost access, " + TICKET, evidence(),
        parameters);
  }

  public NewSupportAction request(SupportActionType type, IdentityId target) {
    return request(type, target, Map.of());
  }

  public NewSupportAction reenrol(OperatorId target) {
    return new NewSupportAction(SupportActionType.FACTOR_REENROL, SupportTarget.operator(target),
        "lost the TOTP device, " + TICKET, evidence(), Map.of());
  }

  /** Creates {@code request} as {@code op} right after a fresh step-up. */
  public SupportAction create(TestOperator op, NewSupportAction request) {
    return service.create(steppedUp(op), request);
  }

  /** Approves as {@code op} after a fresh step-up. */
  public SupportAction approve(TestOperator op, SupportActionId id) {
    return service.approve(steppedUp(op), id, "called the owner back");
  }

  // ---- fakes --------------------------------------------------------------------------------------------

  /**
   * Issues references (never secrets), records every call in order, and can be switched to have no delivery channel
   * ({@code no_delivery_channel}, as the real delivery answers for a target without an owner webhook).
   */
  public static final class FakeDelivery implements SupportDelivery {
    public record Call(String method, String target, SupportActionId action, Duration ttl) {}

    public final List<Call> calls = new CopyOnWriteArrayList<>();
    public volatile boolean noChannel;
    /** What {@link #revokeIssued} answers. */
    public volatile List<String> revokedAnswer = List.of("enrolment_code:0123456789ab");
    private final SecureRandom random = new SecureRandom();

    private IssuedItem issue(String method, String target, SupportActionId action, Duration ttl,
        IssuedItem.Kind kind) {
      if (noChannel) {
        throw new RejectedException(ErrorCode.NO_DELIVERY_CHANNEL, "the target has no owner webhook to deliver to");
      }
      calls.add(new Call(method, target, action, ttl));
      byte[] ref = new byte[6];
      random.nextBytes(ref);
      return new IssuedItem(kind, HexFormat.of().formatHex(ref));
    }

    @Override
    public IssuedItem issueEnrolmentCode(Tx t, String actor, String requestId, IdentityId identity, Duration ttl,
        SupportActionId action, Instant now) {
      return issue("issueEnrolmentCode", identity.value(), action, ttl, IssuedItem.Kind.ENROLMENT_CODE);
    }

    @Override
    public IssuedItem issueTotpEnrolment(Tx t, String actor, String requestId, OperatorId operator, Duration ttl,
        SupportActionId action, Instant now) {
      return issue("issueTotpEnrolment", operator.value(), action, ttl, IssuedItem.Kind.TOTP_ENROLMENT);
    }

    @Override
    public IssuedItem issueRecoveryCodes(Tx t, String actor, String requestId, IdentityId identity,
        SupportActionId action, Instant now) {
      return issue("issueRecoveryCodes", identity.value(), action, null, IssuedItem.Kind.RECOVERY_CODES);
    }

    @Override
    public List<String> revokeIssued(Tx t, String actor, String requestId, SupportActionId action, Instant now) {
      calls.add(new Call("revokeIssued", null, action, null));
      return revokedAnswer;
    }

    public List<String> methods() {
      return calls.stream().map(Call::method).toList();
    }
  }

  /** Records every notification queued; answers a link id for disavowable ones. */
  public static final class RecordingNotifier implements SupportNotifier {
    public record Queued(SupportActionId action, SupportTarget target, String event, Map<String, String> details,
        boolean disavowable) {}

    public final List<Queued> queued = new CopyOnWriteArrayList<>();

    @Override
    public Optional<String> queued(Tx t, SupportActionId action, SupportTarget target, String event,
        Map<String, String> details, boolean disavowable, Instant at) {
      queued.add(new Queued(action, target, event, Map.copyOf(details), disavowable));
      return disavowable ? Optional.of("dl_" + queued.size()) : Optional.empty();
    }

    public List<String> events() {
      return queued.stream().map(Queued::event).toList();
    }
  }
}
