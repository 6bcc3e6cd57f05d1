package dev.bindery.token;

import static dev.bindery.testkit.BinderyAssertions.assertNothingWritten;
import static dev.bindery.testkit.BinderyAssertions.assertOnlyDenied;
import static dev.bindery.testkit.BinderyAssertions.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bindery.audit.AuditEvent;
import dev.bindery.common.ErrorCode;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.TeamId;
import dev.bindery.operator.Role;
import dev.bindery.security.Caller;
import dev.bindery.store.AuditedTransactor;
import dev.bindery.testkit.FailingAuditStore;
import dev.bindery.testkit.StoreState;
import dev.bindery.testkit.TestBindery;
import dev.bindery.testkit.TestIdentities;
import dev.bindery.testkit.TestOperator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Resource server registration and token policies: who may, what is audited, what is refused, nothing half-done. */
class TokenAdministrationTest {
  final TestBindery b = TestBindery.inMemory();
  final TeamId payments = b.team("payments");
  final TeamId platform = b.team("platform");
  final TestOperator admin = b.admin();
  final TestOperator securityOfficer = b.withRoles(Role.SECURITY_OFFICER);
  final TestOperator auditor = b.withRoles(Role.AUDITOR);
  final TestOperator leakReporter = b.withRoles(Role.LEAK_REPORTER);
  final TestOperator owner = b.member(payments);
  final TokenSettings settings = TokenSettings.defaults();
  final ResourceServerService resourceServers = new ResourceServerService(b.auditedTransactor(), b.authorizer());
  final TokenPolicyService policies = new TokenPolicyService(b.auditedTransactor(), b.authorizer(), settings);
  /** Authenticated once up front: authenticating records the token's use, which is a write. */
  final Caller adminCaller = b.caller(admin);

  Identity workload() {
    return b.identities().create(b.caller(admin), TestIdentities.workload().owner(payments).backupTeam(platform)
        .build()).identity();
  }

  // ---- resource servers ---------------------------------------------------------------------------------

  @Test
  void register_admin_storedAndAuditedInOneTransaction() {
    long seq = b.auditHead().seq();

    ResourceServer rs = resourceServers.register(b.caller(admin), "https://api.example.com/", "API");

    assertThat(rs.createdBy()).isEqualTo(admin.id().value());
    assertThat(rs.createdAt()).isEqualTo(b.clock().instant());
    assertThat(resourceServers.list(b.caller(owner))).containsExactly(rs);
    List<AuditEvent> events = b.auditSince(seq);
    assertThat(events).extracting(AuditEvent::action).containsExactly("resource_server.create");
    assertThat(events.get(0).details()).isEqualTo(Map.of("audience", "https://api.example.com/", "name", "API"));
  }

  @Test
  void register_linkedToAnIdentity_storedListedForItAndAudited() {
    Identity i = workload();
    long seq = b.auditHead().seq();

    ResourceServer rs = resourceServers.register(adminCaller, "https://orders.example/", "Orders", i.id());

    assertThat(rs.identityId()).isEqualTo(i.id());
    assertThat(b.store().read((dev.bindery.store.Tx t) -> t.resourceServers().listForIdentity(i.id())))
        .containsExactly(rs);
    assertThat(b.auditSince(seq).get(0).details()).isEqualTo(Map.of("audience", "https://orders.example/",
        "name", "Orders", "identity_id", i.id().value()));
  }

  @Test
  void register_linkedToAnUnknownOrRetiredIdentity_refusedAndNothingWritten() {
    Identity retired = workload();
    b.identities().retire(b.steppedUp(admin), retired.id(), retired.version(), "gone");
    StoreState before = b.state();

    assertRejected(() -> resourceServers.register(adminCaller, "urn:x", "X", IdentityId.parse("nhi_" + "c".repeat(26))),
        ErrorCode.IDENTITY_NOT_FOUND);
    assertRejected(() -> resourceServers.register(adminCaller, "urn:x", "X", retired.id()), ErrorCode.IDENTITY_RETIRED);

    assertNothingWritten(b, before);
  }

  @Test
  void register_notAnAdmin_forbiddenOnlyADeniedEvent() {
    for (TestOperator op : List.of(securityOfficer, owner, auditor)) {
      Caller caller = b.caller(op);
      StoreState before = b.state();
      assertRejected(() -> resourceServers.register(caller, "urn:x", "X"), ErrorCode.FORBIDDEN);
      assertOnlyDenied(b, before, "resource_server.create", op.id().value(), "urn:x", ErrorCode.FORBIDDEN);
    }
  }

  @Test
  void register_duplicate_conflictAndNothingWritten() {
    resourceServers.register(b.caller(admin), "urn:example:api", "API");
    StoreState before = b.state();

    assertRejected(() -> resourceServers.register(adminCaller, "urn:example:api", "Again"),
        ErrorCode.RESOURCE_SERVER_EXISTS);

    assertNothingWritten(b, before);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "relative", "/path/only", "https://x.example/#f", "https://x.example/ space",
      "https://x.example/\u00e9", "mailto:"})
  void register_malformedAudience_invalidFieldAndNothingWritten(String audience) {
    StoreState before = b.state();

    assertRejected(() -> resourceServers.register(adminCaller, audience, "X"), ErrorCode.INVALID_FIELD);

    assertNothingWritten(b, before);
  }

  @Test
  void register_auditAppendFails_nothingStored() {
    ResourceServerService failing = new ResourceServerService(new AuditedTransactor(
        new FailingAuditStore(b.store(), "resource_server.create"), b.clock()), b.authorizer());
    StoreState before = b.state();

    assertThatThrownBy(() -> failing.register(adminCaller, "urn:example:failing", "F"))
        .isInstanceOf(IllegalStateException.class);

    assertNothingWritten(b, before);
  }

  @Test
  void list_leakReporter_forbidden() {
    assertRejected(() -> resourceServers.list(b.caller(leakReporter)), ErrorCode.FORBIDDEN);
  }

  @Test
  void audience_acceptsAbsoluteUrisOnly() {
    assertThat(Audience.valid("https://api.example.com")).isTrue();
    assertThat(Audience.valid("urn:example:api")).isTrue();
    assertThat(Audience.valid("https://api.example.com/v1?tenant=a")).isTrue();
    assertThat(Audience.valid("https://" + "a".repeat(Audience.MAX_LENGTH))).isFalse();
    assertThat(Audience.valid(null)).isFalse();
  }

  // ---- token policies -----------------------------------------------------------------------------------

  @Test
  void policy_default_boundOnlyVersionZeroNothingStored() {
    Identity i = workload();

    TokenPolicy p = policies.get(b.caller(owner), i.id());

    assertThat(p).isEqualTo(TokenPolicy.defaultFor(i.id()));
    assertThat(p.allowUnboundTokens()).isFalse();
    assertThat(settings.lifetime(p)).isEqualTo(Duration.ofSeconds(300));
    assertThat(b.store().read((dev.bindery.store.Tx t) -> t.tokenPolicies().find(i.id()))).isEmpty();
  }

  @Test
  void policy_setBySecurityOfficerThenAdmin_versionsAndBeforeAfterAudited() {
    Identity i = workload();
    long seq = b.auditHead().seq();

    TokenPolicy first = policies.set(b.caller(securityOfficer), i.id(), true, Duration.ofSeconds(120));
    TokenPolicy second = policies.set(b.caller(admin), i.id(), false, null);

    assertThat(first.version()).isEqualTo(1);
    assertThat(first.updatedBy()).isEqualTo(securityOfficer.id().value());
    assertThat(second.version()).isEqualTo(2);
    assertThat(policies.get(b.caller(owner), i.id())).isEqualTo(second);
    List<AuditEvent> events = b.auditSince(seq);
    assertThat(events).extracting(AuditEvent::action).containsExactly("token_policy.set", "token_policy.set");
    assertThat(events.get(1).target()).isEqualTo(i.id().value());
    assertThat(events.get(1).details().get("before"))
        .isEqualTo(Map.of("allow_unbound_tokens", true, "token_lifetime_seconds", 120L));
    assertThat(((Map<?, ?>) events.get(1).details().get("after")).get("allow_unbound_tokens")).isEqualTo(false);
  }

  @Test
  void policy_setByOwnerOrAuditor_forbiddenOnlyADeniedEvent() {
    Identity i = workload();
    for (TestOperator op : List.of(owner, auditor)) {
      Caller caller = b.caller(op);
      StoreState before = b.state();
      assertRejected(() -> policies.set(caller, i.id(), true, null), ErrorCode.FORBIDDEN);
      assertOnlyDenied(b, before, "token_policy.set", op.id().value(), i.id().value(), ErrorCode.FORBIDDEN);
    }
  }

  @Test
  void policy_lifetimeOutOfBounds_invalidFieldAndNothingWritten() {
    Identity i = workload();
    StoreState before = b.state();

    assertRejected(() -> policies.set(adminCaller, i.id(), false, Duration.ofSeconds(9)), ErrorCode.INVALID_FIELD);
    assertRejected(() -> policies.set(adminCaller, i.id(), false, Duration.ofSeconds(3601)),
        ErrorCode.INVALID_FIELD);

    assertNothingWritten(b, before);
  }

  @Test
  void policy_retiredOrUnknownIdentity_refusedAndNothingWritten() {
    Identity i = workload();
    b.identities().retire(b.steppedUp(admin), i.id(), i.version(), "gone");
    StoreState before = b.state();

    assertRejected(() -> policies.set(adminCaller, i.id(), true, null), ErrorCode.IDENTITY_RETIRED);
    assertRejected(() -> policies.set(adminCaller, IdentityId.parse("nhi_" + "a".repeat(26)), true, null),
        ErrorCode.IDENTITY_NOT_FOUND);

    assertNothingWritten(b, before);
  }

  @Test
  void policy_auditAppendFails_policyNotStored() {
    Identity i = workload();
    TokenPolicyService failing = new TokenPolicyService(new AuditedTransactor(
        new FailingAuditStore(b.store(), "token_policy.set"), b.clock()), b.authorizer(), settings);
    StoreState before = b.state();

    assertThatThrownBy(() -> failing.set(adminCaller, i.id(), true, null)).isInstanceOf(IllegalStateException.class);

    assertNothingWritten(b, before);
  }

  @Test
  void settings_lifetimeIsThePolicyOrTheDefaultCappedByTheMaximum() {
    TokenSettings s = new TokenSettings(Duration.ofSeconds(300), Duration.ofSeconds(600), null);
    IdentityId id = IdentityId.parse("nhi_" + "b".repeat(26));
    TokenPolicy p = TokenPolicy.defaultFor(id);

    assertThat(s.lifetime(p)).isEqualTo(Duration.ofSeconds(300));
    assertThat(s.lifetime(p.with(false, Duration.ofSeconds(60), "op", b.clock().instant())))
        .isEqualTo(Duration.ofSeconds(60));
    assertThat(s.lifetime(p.with(false, Duration.ofSeconds(3600), "op", b.clock().instant())))
        .as("a policy set under a higher maximum is capped by the current one").isEqualTo(Duration.ofSeconds(600));
  }
}
