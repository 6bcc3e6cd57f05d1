package dev.bindery.testkit.service;

import static dev.bindery.testkit.BinderyAssertions.assertNothingWritten;
import static dev.bindery.testkit.BinderyAssertions.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bindery.audit.AuditEvent;
import dev.bindery.audit.Outcome;
import dev.bindery.common.ErrorCode;
import dev.bindery.common.Page;
import dev.bindery.common.RateLimitedException;
import dev.bindery.common.RejectedException;
import dev.bindery.common.Secret;
import dev.bindery.credential.SecretHash;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityStatus;
import dev.bindery.notify.DisavowToken;
import dev.bindery.notify.Disavowal;
import dev.bindery.notify.Notification;
import dev.bindery.notify.NotificationService;
import dev.bindery.notify.NotificationSettings;
import dev.bindery.notify.NotificationStatus;
import dev.bindery.notify.RegisteredWebhook;
import dev.bindery.store.Tx;
import dev.bindery.testkit.FakeDisavowHandler;
import dev.bindery.testkit.StoreState;
import dev.bindery.testkit.TestOperator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueueAndDisavowTest {
  private final NotificationFixture f = new NotificationFixture();

  // ---- queue ------------------------------------------------------------------------------------------------

  @Test
  void queue_writesOneRowPerActiveWebhookOfTheOwningAndBackupTeamsOnly() {
    Identity identity = f.workload();
    RegisteredWebhook owning1 = f.webhook(f.payments, "https://payments-1.example/");
    RegisteredWebhook owning2 = f.webhook(f.payments, "https://payments-2.example/");
    RegisteredWebhook backup = f.webhook(f.platform, "https://platform.example/");
    f.webhook(f.other, "https://other.example/");
    RegisteredWebhook removed = f.webhook(f.payments, "https://removed.example/");
    f.service.removeWebhook(f.b.steppedUp(f.admin), f.payments, removed.webhook().id());

    int rows = f.queue(identity, "rebinding.requested", false, "chg_1");

    assertThat(rows).isEqualTo(3);
    List<Notification> queued = f.ofIdentity(identity);
    assertThat(queued).extracting(Notification::webhookId).containsExactlyInAnyOrder(owning1.webhook().id(),
        owning2.webhook().id(), backup.webhook().id());
    assertThat(queued).allSatisfy(n -> {
      assertThat(n.event()).isEqualTo("rebinding.requested");
      assertThat(n.details()).isEqualTo(Map.of("credential_id", "cred_x"));
      assertThat(n.changeRequestId()).isEqualTo("chg_1");
      assertThat(n.attempts()).isZero();
      assertThat(n.nextAttemptAt()).isEqualTo(f.now());
      assertThat(n.hasDisavowLink()).isFalse();
    });
    assertThat(queued).filteredOn(n -> n.webhookId().equals(backup.webhook().id()))
        .extracting(Notification::team).containsExactly(f.platform);
  }

  @Test
  void queue_backupOwnerIsAnOperator_onlyTheOwningTeamsWebhooks() {
    Identity identity = f.workloadWithBackupOperator();
    RegisteredWebhook owning = f.webhook(f.payments, "https://payments.example/");
    f.webhook(f.platform, "https://platform.example/");

    assertThat(f.queue(identity, "binding.added", false, null)).isEqualTo(1);

    assertThat(f.ofIdentity(identity)).extracting(Notification::webhookId).containsExactly(owning.webhook().id());
  }

  @Test
  void queue_insideATransactionThatRollsBack_writesNothing() {
    Identity identity = f.workload();
    f.webhook(f.payments, "https://payments.example/");
    StoreState before = f.b.state();

    assertThatThrownBy(() -> f.b.store().inTransaction((Tx t) -> {
      // the change being reported (here: a suspension) and its notification, then a failure
      Identity suspended = t.identities().findById(identity.id()).orElseThrow()
          .withStatus(IdentityStatus.SUSPENDED, "test", f.now());
      t.identities().update(suspended);
      int rows = f.service.queue(t, identity.id(), "rebinding.applied", Map.of(), f.now(), true, "chg_1");
      assertThat(rows).isEqualTo(1);
      assertThat(t.notifications().list(dev.bindery.notify.NotificationQuery.forIdentity(identity.id(), 10)))
          .as("visible inside its transaction").hasSize(1);
      throw new IllegalStateException("the change failed after queueing");
    })).hasMessage("the change failed after queueing");

    assertNothingWritten(f.b, before);
    assertThat(f.ofIdentity(identity)).isEmpty();
    assertThat(f.b.store().read((Tx t) -> t.disavowTokens().listForIdentity(identity.id()))).isEmpty();
  }

  @Test
  void queue_withDisavowLink_storesOnlyTheTokensHashAndTheTokenSealedPerRow() {
    Identity identity = f.workload();
    f.webhook(f.payments, "https://payments.example/");
    f.webhook(f.platform, "https://platform.example/");

    f.queue(identity, "rebinding.requested", true, "chg_abc");

    List<DisavowToken> tokens = f.b.store().read((Tx t) -> t.disavowTokens().listForIdentity(identity.id()));
    assertThat(tokens).hasSize(1);
    DisavowToken stored = tokens.get(0);
    assertThat(stored.changeRequestId()).isEqualTo("chg_abc");
    assertThat(stored.expiresAt()).isEqualTo(f.now().plus(Duration.ofHours(72)));
    assertThat(stored.used()).isFalse();
    List<Notification> rows = f.ofIdentity(identity);
    assertThat(rows).hasSize(2);
    List<String> opened = new ArrayList<>();
    for (Notification n : rows) {
      assertThat(n.disavowExpiresAt()).isEqualTo(stored.expiresAt());
      opened.add(new String(f.b.sealer().open(n.sealedDisavowToken(), Notification.disavowAssociatedData(n.id())),
          StandardCharsets.UTF_8));
    }
    assertThat(opened.get(0)).isEqualTo(opened.get(1)).matches("bnd_dis_[a-z2-7]{52}");
    assertThat(SecretHash.of(Secret.of(opened.get(0)))).isEqualTo(stored.hash());
    // sealed per row: one row's sealed token does not open as another's
    assertThatThrownBy(() -> f.b.sealer().open(rows.get(0).sealedDisavowToken(),
        Notification.disavowAssociatedData(rows.get(1).id()))).isInstanceOf(IllegalStateException.class);
    assertThat(f.b.state().toString()).doesNotContain(opened.get(0).substring(8));
    assertThat(f.b.auditEvents()).allSatisfy(e -> assertThat(e.detailsJson()).doesNotContain(opened.get(0)));
  }

  @Test
  void queue_noWebhook_writesNothingAndIssuesNoToken() {
    Identity identity = f.workload();
    StoreState before = f.b.state();

    assertThat(f.queue(identity, "rebinding.requested", true, "chg_1")).isZero();

    assertNothingWritten(f.b, before);
  }

  @Test
  void queue_misuse_failsFastAndRollsTheCallerBack() {
    Identity identity = f.workload();
    f.webhook(f.payments, "https://payments.example/");
    StoreState before = f.b.state();

    assertThatThrownBy(() -> f.queue(identity, "rebinding.requested", true, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("change request");
    assertThatThrownBy(() -> f.queue(identity, "Not An Event", false, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> f.b.store().inTransaction((Tx t) -> f.service.queue(t, identity.id(), "x.y",
        Map.of("Bad Key", "v"), f.now(), false, null))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> f.b.store().inTransaction((Tx t) -> f.service.queue(t,
        dev.bindery.testkit.TestIdentities.newId(), "x.y", Map.of(), f.now(), false, null)))
        .isInstanceOf(IllegalArgumentException.class);

    assertNothingWritten(f.b, before);
  }

  // ---- disavow ----------------------------------------------------------------------------------------------

  /** Queues a notification with a disavow link and returns the link's token, as the receiver would read it. */
  private String disavowToken(Identity identity, String changeRequest) {
    if (f.b.store().read((Tx t) -> t.webhooks().listForTeam(f.payments, false)).isEmpty()) {
      f.webhook(f.payments, "https://payments.example/");
    }
    f.queue(identity, "rebinding.requested", true, changeRequest);
    Notification n = f.ofIdentity(identity).stream().filter(x -> changeRequest.equals(x.changeRequestId()))
        .filter(Notification::hasDisavowLink).findFirst().orElseThrow();
    return new String(f.b.sealer().open(n.sealedDisavowToken(), Notification.disavowAssociatedData(n.id())),
        StandardCharsets.UTF_8);
  }

  @Test
  void consumeDisavow_validToken_callsTheHandlerMarksItUsedAndAuditsWithoutTheToken() {
    Identity identity = f.workload();
    String token = disavowToken(identity, "chg_abc");
    long seq = f.b.auditHead().seq();

    Disavowal d = f.service.consumeDisavow(token, f.now(), "192.0.2.1", "req-1");

    assertThat(d).isEqualTo(new Disavowal("chg_abc", identity.id()));
    assertThat(f.b.disavowHandler().calls()).containsExactly(
        new FakeDisavowHandler.Call("chg_abc", identity.id(), f.now()));
    DisavowToken stored = f.b.store().read((Tx t) -> t.disavowTokens().listForIdentity(identity.id())).get(0);
    assertThat(stored.usedAt()).isEqualTo(f.now());
    List<AuditEvent> events = f.b.auditSince(seq);
    assertThat(events).hasSize(1);
    AuditEvent e = events.get(0);
    assertThat(e.action()).isEqualTo("notification.disavow");
    assertThat(e.outcome()).isEqualTo(Outcome.SUCCESS);
    assertThat(e.actor()).isEqualTo("anonymous");
    assertThat(e.target()).isEqualTo(identity.id().value());
    assertThat(e.requestId()).isEqualTo("req-1");
    assertThat(e.details()).containsEntry("change_request_id", "chg_abc")
        .containsEntry("token_ref", stored.hash().hex().substring(0, 8));
    assertThat(e.detailsJson()).doesNotContain(token).doesNotContain(token.substring(8));
  }

  @Test
  void consumeDisavow_secondUse_disavowLinkInvalidAuditedAndTheHandlerIsNotCalledAgain() {
    Identity identity = f.workload();
    String token = disavowToken(identity, "chg_abc");
    f.service.consumeDisavow(token, f.now());
    StoreState before = f.b.state();

    RejectedException e = assertRejected(() -> f.service.consumeDisavow(token, f.now()),
        ErrorCode.DISAVOW_LINK_INVALID);

    assertThat(e.getMessage()).as("the same answer for every invalid link")
        .isEqualTo("this link is not valid: it is unknown, was already used, or expired");
    AuditEvent denied = onlyDenied(before, identity.id().value());
    assertThat(denied.details().get("reason").toString()).contains("already used");
    assertThat(f.b.disavowHandler().calls()).hasSize(1);
  }

  @Test
  void consumeDisavow_expired_disavowLinkInvalidAuditedTokenStaysUnused() {
    Identity identity = f.workload();
    String token = disavowToken(identity, "chg_abc");
    f.b.clock().advance(Duration.ofHours(72));
    StoreState before = f.b.state();

    assertRejected(() -> f.service.consumeDisavow(token, f.now()), ErrorCode.DISAVOW_LINK_INVALID);

    AuditEvent denied = onlyDenied(before, identity.id().value());
    assertThat(denied.details().get("reason").toString()).contains("expired");
    assertThat(f.b.disavowHandler().calls()).isEmpty();
    assertThat(f.b.store().read((Tx t) -> t.disavowTokens().listForIdentity(identity.id())).get(0).used()).isFalse();
  }

  @Test
  void consumeDisavow_justBeforeExpiry_works() {
    Identity identity = f.workload();
    String token = disavowToken(identity, "chg_abc");
    f.b.clock().advance(Duration.ofHours(72).minusMillis(1));

    assertThat(f.service.consumeDisavow(token, f.now()).changeRequestId()).isEqualTo("chg_abc");
  }

  @Test
  void consumeDisavow_unknownOrMalformed_disavowLinkInvalidAuditedAsDeniedWithoutTheValue() {
    Identity identity = f.workload();
    disavowToken(identity, "chg_abc");
    String unknown = "bnd_dis_" + "a".repeat(52);
    for (String value : List.of(unknown, "bnd_dis_short", "", "../../etc/passwd", unknown.toUpperCase())) {
      StoreState before = f.b.state();

      assertRejected(() -> f.service.consumeDisavow(value, f.now(), "192.0.2.7", "r"), ErrorCode.DISAVOW_LINK_INVALID);

      AuditEvent denied = onlyDenied(before, "");
      if (!value.isEmpty()) {
        assertThat(denied.detailsJson()).doesNotContain(value);
      }
    }
    assertThat(f.b.disavowHandler().calls()).isEmpty();
  }

  @Test
  void consumeDisavow_handlerFails_everythingRollsBackAndTheTokenStaysUsable() {
    Identity identity = f.workload();
    String token = disavowToken(identity, "chg_abc");
    f.b.disavowHandler().onDisavow(t -> {
      t.identities().update(t.identities().findById(identity.id()).orElseThrow()
          .withStatus(IdentityStatus.SUSPENDED, "locked by disavow", f.now()));
      throw new IllegalStateException("the engine failed");
    });
    StoreState before = f.b.state();

    assertThatThrownBy(() -> f.service.consumeDisavow(token, f.now())).hasMessage("the engine failed");

    assertNothingWritten(f.b, before);
    f.b.disavowHandler().onDisavow(t -> {});
    assertThat(f.service.consumeDisavow(token, f.now()).identityId()).isEqualTo(identity.id());
  }

  @Test
  void consumeDisavow_handlerWritesInTheSameTransaction_committedWithTheUsedToken() {
    Identity identity = f.workload();
    String token = disavowToken(identity, "chg_abc");
    f.b.disavowHandler().onDisavow(t -> t.identities().update(t.identities().findById(identity.id()).orElseThrow()
        .withStatus(IdentityStatus.SUSPENDED, "locked by disavow", f.now())));

    f.service.consumeDisavow(token, f.now());

    assertThat(f.b.store().read((Tx t) -> t.identities().findById(identity.id())).orElseThrow().status())
        .isEqualTo(IdentityStatus.SUSPENDED);
  }

  @Test
  void consumeDisavow_tenRefusalsFromOneSource_theNextIsRateLimitedEvenWithAValidToken() {
    Identity identity = f.workload();
    String token = disavowToken(identity, "chg_abc");
    String unknown = "bnd_dis_" + "b".repeat(52);
    for (int i = 0; i < NotificationService.DISAVOW_REFUSALS_PER_WINDOW; i++) {
      assertRejected(() -> f.service.consumeDisavow(unknown, f.now(), "198.51.100.9", "r"),
          ErrorCode.DISAVOW_LINK_INVALID);
    }
    long seq = f.b.auditHead().seq();

    RejectedException limited = assertRejected(() -> f.service.consumeDisavow(token, f.now(), "198.51.100.9", "r"),
        ErrorCode.RATE_LIMITED);
    assertRejected(() -> f.service.consumeDisavow(token, f.now(), "198.51.100.9", "r"), ErrorCode.RATE_LIMITED);

    assertThat(limited).isInstanceOf(RateLimitedException.class);
    assertThat(f.b.auditSince(seq)).as("only the first blocked attempt is audited").hasSize(1);
    assertThat(f.b.disavowHandler().calls()).isEmpty();
    // another source is not limited, and the token was not consumed by the refused attempts
    assertThat(f.service.consumeDisavow(token, f.now(), "203.0.113.5", "r").changeRequestId()).isEqualTo("chg_abc");
  }

  private AuditEvent onlyDenied(StoreState before, String target) {
    List<AuditEvent> events = f.b.auditSince(before.auditHead().seq());
    assertThat(events).hasSize(1);
    AuditEvent e = events.get(0);
    assertThat(e.outcome()).isEqualTo(Outcome.DENIED);
    assertThat(e.action()).isEqualTo("notification.disavow");
    assertThat(e.actor()).isEqualTo("anonymous");
    assertThat(e.target()).isEqualTo(target);
    assertThat(e.details().get("code")).isEqualTo("disavow_link_invalid");
    assertThat(f.b.state().withoutAudit()).isEqualTo(before.withoutAudit());
    return e;
  }

  // ---- reading ----------------------------------------------------------------------------------------------

  @Test
  void listNotifications_ownersAndAuditReadersSeeThemNewestFirstWithoutTheToken() {
    Identity identity = f.workload();
    f.webhook(f.payments, "https://payments.example/");
    for (int i = 0; i < 3; i++) {
      f.queue(identity, "rebinding.requested", true, "chg_" + i);
      f.b.clock().advance(Duration.ofSeconds(1));
    }

    for (TestOperator op : List.of(f.owner, f.backupMember, f.admin, f.auditor, f.securityOfficer)) {
      Page<NotificationStatus> first = f.service.listNotifications(f.caller(op), identity.id(), null, 2, null);
      assertThat(first.items()).extracting(s -> s.notification().changeRequestId()).containsExactly("chg_2", "chg_1");
      Page<NotificationStatus> second = f.service.listNotifications(f.caller(op), identity.id(), null, 2,
          first.nextCursor());
      assertThat(second.items()).extracting(s -> s.notification().changeRequestId()).containsExactly("chg_0");
      assertThat(second.nextCursor()).isNull();
    }
    for (TestOperator op : List.of(f.outsider, f.leakReporter)) {
      var caller = f.caller(op);
      StoreState before = f.b.state();
      assertRejected(() -> f.service.listNotifications(caller, identity.id(), null, 10, null),
          ErrorCode.FORBIDDEN);
      List<AuditEvent> events = f.b.auditSince(before.auditHead().seq());
      assertThat(events).extracting(AuditEvent::outcome).containsExactly(Outcome.DENIED);
    }
    assertRejected(() -> f.service.listNotifications(f.caller(f.owner), identity.id(), null, 10, "garbage"),
        ErrorCode.INVALID_CURSOR);
    assertRejected(() -> f.service.listNotifications(f.caller(f.owner), identity.id(), f.payments, 10, null),
        ErrorCode.INVALID_QUERY);
    assertRejected(() -> f.service.listNotifications(f.caller(f.owner), null, null, 10, null),
        ErrorCode.INVALID_QUERY);
  }

  @Test
  void settings_disavowTtlIsUsedForNewTokens() {
    NotificationService shortLived = f.b.notifications(NotificationSettings.DEFAULT
        .withDisavowTtl(Duration.ofMinutes(10)));
    Identity identity = f.workload();
    f.webhook(f.payments, "https://payments.example/");

    f.b.store().inTransaction((Tx t) -> shortLived.queue(t, identity.id(), "rebinding.requested", Map.of(), f.now(),
        true, "chg_1"));

    assertThat(f.b.store().read((Tx t) -> t.disavowTokens().listForIdentity(identity.id())).get(0).expiresAt())
        .isEqualTo(f.now().plus(Duration.ofMinutes(10)));
  }
}
