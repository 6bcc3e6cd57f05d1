package dev.bindery.testkit.service;

import static dev.bindery.testkit.BinderyAssertions.assertAuditedSince;
import static dev.bindery.testkit.BinderyAssertions.assertNothingWritten;
import static dev.bindery.testkit.BinderyAssertions.assertOnlyDenied;
import static dev.bindery.testkit.BinderyAssertions.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.audit.AuditEvent;
import dev.bindery.common.ErrorCode;
import dev.bindery.common.Hashing;
import dev.bindery.common.RejectedException;
import dev.bindery.identity.Identity;
import dev.bindery.notify.Notification;
import dev.bindery.notify.NotificationService;
import dev.bindery.notify.NotificationSettings;
import dev.bindery.notify.NotificationState;
import dev.bindery.notify.RegisteredWebhook;
import dev.bindery.notify.Webhook;
import dev.bindery.notify.WebhookId;
import dev.bindery.notify.WebhookUrl;
import dev.bindery.security.Caller;
import dev.bindery.store.Tx;
import dev.bindery.testkit.StoreState;
import dev.bindery.testkit.TestOperator;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookRegistrationTest {
  private final NotificationFixture f = new NotificationFixture();

  @Test
  void registerWebhook_memberWithStepUp_returnsTheSecretOnceAndStoresItOnlySealed() {
    Caller caller = f.b.steppedUp(f.owner);
    long seq = f.b.auditHead().seq();
    String url = "https://hooks.example.com/services/T0001/B0002/capabilitySecretPath";

    RegisteredWebhook r = f.service.registerWebhook(caller, f.payments, url);

    String secret = r.secret().reveal();
    assertThat(secret).matches("bnd_whs_[a-z2-7]{52}");
    Webhook stored = f.b.store().read((Tx t) -> t.webhooks().findById(r.webhook().id())).orElseThrow();
    assertThat(stored.team()).isEqualTo(f.payments);
    assertThat(stored.url().value()).isEqualTo(url);
    assertThat(stored.createdBy()).isEqualTo(f.owner.id().value());
    assertThat(stored.active()).isTrue();
    assertThat(new String(stored.sealedSecret(), StandardCharsets.ISO_8859_1)).doesNotContain(secret);
    byte[] opened = f.b.sealer().open(stored.sealedSecret(), Webhook.secretAssociatedData(stored.id()));
    assertThat(new String(opened, StandardCharsets.UTF_8)).isEqualTo(secret);
    AuditEvent e = assertAuditedSince(f.b, seq, "team.webhook.create").get(0);
    assertThat(e.actor()).isEqualTo(f.owner.id().value());
    assertThat(e.target()).isEqualTo("payments");
    assertThat(e.details()).containsEntry("webhook_id", stored.id().value())
        .containsEntry("url_origin", "https://hooks.example.com")
        .containsEntry("url_sha256", Hashing.sha256Hex(url));
    assertThat(e.detailsJson()).doesNotContain(secret).doesNotContain(secret.substring(8))
        .doesNotContain("capabilitySecretPath");
    assertThat(f.b.state().toString()).doesNotContain(secret.substring(8));
  }

  @Test
  void registerWebhook_memberWithoutStepUp_stepUpRequiredDeniedAndNothingWritten() {
    Caller caller = f.caller(f.owner);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.registerWebhook(caller, f.payments, "https://hooks.example.com/x"),
        ErrorCode.STEP_UP_REQUIRED);

    assertOnlyDenied(f.b, before, "team.webhook.create", f.owner.id().value(), "payments", ErrorCode.STEP_UP_REQUIRED);
  }

  @Test
  void registerWebhook_notAMemberNorAdmin_forbiddenDeniedAndNothingWritten() {
    for (TestOperator op : List.of(f.outsider, f.backupMember, f.auditor, f.securityOfficer, f.leakReporter)) {
      Caller caller = f.b.steppedUp(op);
      StoreState before = f.b.state();

      assertRejected(() -> f.service.registerWebhook(caller, f.payments, "https://hooks.example.com/x"),
          ErrorCode.FORBIDDEN);

      assertOnlyDenied(f.b, before, "team.webhook.create", op.id().value(), "payments", ErrorCode.FORBIDDEN);
    }
  }

  @Test
  void registerWebhook_unknownTeam_teamNotFoundAndNothingWritten() {
    Caller caller = f.b.steppedUp(f.admin);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.registerWebhook(caller, new dev.bindery.identity.TeamId("ghosts"),
        "https://hooks.example.com/x"), ErrorCode.TEAM_NOT_FOUND);

    assertNothingWritten(f.b, before);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "http://hooks.example.com/x",          // clear text to a network host
      "http://127.0.0.1:8080/x",             // loopback http is off unless the server allows it
      "file:///etc/passwd",
      "ftp://hooks.example.com/x",
      "javascript:alert(1)",
      "gopher://127.0.0.1:25/x",
      "https://user:password@hooks.example.com/x",
      "https://hooks.example.com/x#fragment",
      "https:///no-host",
      "https://hooks.example.com:0/x",
      "https://hooks.example.com:99999/x",
      "/relative/path",
      "hooks.example.com/x",
      "https://hooks.example.com/a b",
      "https://hooks.ex\u00e4mple.com/x",
      "https://hooks.example.com/\nInjected: header",
      " ",
      ""})
  void registerWebhook_badUrl_invalidFieldNamingUrlAndNothingWritten(String url) {
    Caller caller = f.b.steppedUp(f.owner);
    StoreState before = f.b.state();

    RejectedException e = assertRejected(() -> f.service.registerWebhook(caller, f.payments, url),
        url.isBlank() ? ErrorCode.MISSING_FIELD : ErrorCode.INVALID_FIELD);

    assertThat(e.field()).isEqualTo("url");
    assertNothingWritten(f.b, before);
  }

  @Test
  void registerWebhook_urlLongerThanTheLimit_invalidFieldAndTheLimitItselfIsAccepted() {
    Caller caller = f.b.steppedUp(f.owner);
    String prefix = "https://hooks.example.com/";
    String atLimit = prefix + "a".repeat(WebhookUrl.MAX_LENGTH - prefix.length());
    StoreState before = f.b.state();

    RejectedException e = assertRejected(() -> f.service.registerWebhook(caller, f.payments, atLimit + "a"),
        ErrorCode.INVALID_FIELD);
    assertThat(e.getMessage()).contains("at most 2048");
    assertNothingWritten(f.b, before);
    assertThat(f.service.registerWebhook(caller, f.payments, atLimit).webhook().url().value()).hasSize(2048);
  }

  @Test
  void registerWebhook_loopbackHttpAllowedByTheServer_onlyLiteralLoopbackHosts() {
    NotificationService lenient = f.b.notifications(NotificationSettings.DEFAULT.withAllowLoopbackHttp(true));
    Caller caller = f.b.steppedUp(f.owner);

    for (String ok : List.of("http://127.0.0.1:9/hook", "http://localhost:8080/hook", "http://[::1]:80/hook",
        "http://127.255.0.1/hook")) {
      assertThat(lenient.registerWebhook(caller, f.payments, ok).webhook().url().value()).isEqualTo(ok);
    }
    for (String refused : List.of("http://10.0.0.1/hook", "http://127.example.com/hook", "http://128.0.0.1/hook",
        "http://localhost.example.com/hook", "http://[::2]/hook", "http://0.0.0.0/hook")) {
      StoreState before = f.b.state();
      RejectedException e = assertRejected(() -> lenient.registerWebhook(caller, f.payments, refused),
          ErrorCode.INVALID_FIELD);
      assertThat(e.getMessage()).as(refused).contains("loopback");
      assertNothingWritten(f.b, before);
    }
  }

  @Test
  void registerWebhook_teamAtItsLimit_webhookLimitReachedAndNothingWritten() {
    for (int i = 0; i < NotificationSettings.DEFAULT_MAX_WEBHOOKS_PER_TEAM; i++) {
      f.webhook(f.payments, "https://hooks.example.com/" + i);
    }
    Caller caller = f.b.steppedUp(f.admin);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.registerWebhook(caller, f.payments, "https://hooks.example.com/one-too-many"),
        ErrorCode.WEBHOOK_LIMIT_REACHED);

    assertNothingWritten(f.b, before);
  }

  @Test
  void registerWebhook_secondWebhook_theTeamsWebhooksAreToldAndNotTheSecret() {
    RegisteredWebhook first = f.webhook(f.payments, "https://first.example/hook");
    RegisteredWebhook second = f.webhook(f.payments, "https://second.example/hook");

    List<Notification> told = f.ofTeam(f.payments).stream().filter(n -> n.event().equals("webhook.added")).toList();

    // the first one was told of itself and of the second; the second of itself
    assertThat(told).hasSize(3);
    assertThat(told).filteredOn(n -> n.details().get("webhook_id").equals(second.webhook().id().value()))
        .extracting(Notification::webhookId).containsExactlyInAnyOrder(first.webhook().id(), second.webhook().id());
    assertThat(told).allSatisfy(n -> {
      assertThat(n.identityId()).isNull();
      assertThat(n.hasDisavowLink()).isFalse();
      assertThat(n.details().toString()).doesNotContain(second.secret().reveal().substring(8));
    });
    assertThat(f.ofTeam(f.platform)).isEmpty();
  }

  @Test
  void removeWebhook_member_cancelsItsPendingNotificationsTellsTheOthersAndGetsNothingNew() {
    Identity identity = f.workload();
    RegisteredWebhook keep = f.webhook(f.payments, "https://keep.example/hook");
    RegisteredWebhook drop = f.webhook(f.payments, "https://drop.example/hook");
    f.queue(identity, "rebinding.requested", false, "chg_1");
    Caller caller = f.b.steppedUp(f.owner);
    long seq = f.b.auditHead().seq();

    Webhook removed = f.service.removeWebhook(caller, f.payments, drop.webhook().id());

    assertThat(removed.active()).isFalse();
    assertThat(removed.removedBy()).isEqualTo(f.owner.id().value());
    AuditEvent e = assertAuditedSince(f.b, seq, "team.webhook.remove").get(0);
    assertThat(e.details()).containsEntry("webhook_id", drop.webhook().id().value());
    List<Notification> ofDropped = f.ofTeam(f.payments).stream()
        .filter(n -> n.webhookId().equals(drop.webhook().id())).toList();
    assertThat(ofDropped).extracting(Notification::state).containsOnly(NotificationState.CANCELLED);
    assertThat(ofDropped).hasSize(2);
    assertThat(((Number) e.details().get("cancelled_notifications")).intValue()).isEqualTo(2);
    assertThat(f.ofTeam(f.payments)).filteredOn(n -> n.event().equals("webhook.removed"))
        .extracting(Notification::webhookId).containsExactly(keep.webhook().id());
    assertThat(f.service.listWebhooks(f.caller(f.owner), f.payments)).extracting(Webhook::id)
        .containsExactly(keep.webhook().id());
    int rows = f.queue(identity, "rebinding.applied", false, "chg_1");
    assertThat(rows).as("only the remaining webhook of payments").isEqualTo(1);
  }

  @Test
  void removeWebhook_unknownOrOtherTeamsOrAlreadyRemoved_webhookNotFoundAndNothingWritten() {
    RegisteredWebhook platforms = f.webhook(f.platform, "https://platform.example/hook");
    RegisteredWebhook payments = f.webhook(f.payments, "https://payments.example/hook");
    f.service.removeWebhook(f.b.steppedUp(f.admin), f.payments, payments.webhook().id());
    Caller caller = f.b.steppedUp(f.owner);

    for (WebhookId id : List.of(WebhookId.generate(new SecureRandom()), platforms.webhook().id(),
        payments.webhook().id())) {
      StoreState before = f.b.state();
      assertRejected(() -> f.service.removeWebhook(caller, f.payments, id), ErrorCode.WEBHOOK_NOT_FOUND);
      assertNothingWritten(f.b, before);
    }
    assertThat(f.b.store().read((Tx t) -> t.webhooks().findById(platforms.webhook().id())).orElseThrow().active())
        .isTrue();
  }

  @Test
  void removeWebhook_outsiderOrWithoutStepUp_refusedDeniedAndNothingWritten() {
    RegisteredWebhook w = f.webhook(f.payments, "https://payments.example/hook");

    Caller outsider = f.b.steppedUp(f.outsider);
    StoreState before = f.b.state();
    assertRejected(() -> f.service.removeWebhook(outsider, f.payments, w.webhook().id()), ErrorCode.FORBIDDEN);
    assertOnlyDenied(f.b, before, "team.webhook.remove", f.outsider.id().value(), "payments", ErrorCode.FORBIDDEN);

    Caller member = f.caller(f.owner);
    StoreState before2 = f.b.state();
    assertRejected(() -> f.service.removeWebhook(member, f.payments, w.webhook().id()), ErrorCode.STEP_UP_REQUIRED);
    assertOnlyDenied(f.b, before2, "team.webhook.remove", f.owner.id().value(), "payments",
        ErrorCode.STEP_UP_REQUIRED);
  }

  @Test
  void listWebhooks_membersAndAuditReadersOnly() {
    RegisteredWebhook w = f.webhook(f.payments, "https://payments.example/hook");

    for (TestOperator op : List.of(f.owner, f.admin, f.auditor, f.securityOfficer)) {
      assertThat(f.service.listWebhooks(f.caller(op), f.payments)).extracting(Webhook::id)
          .containsExactly(w.webhook().id());
    }
    for (TestOperator op : List.of(f.outsider, f.backupMember, f.leakReporter)) {
      Caller caller = f.caller(op);
      StoreState before = f.b.state();
      assertRejected(() -> f.service.listWebhooks(caller, f.payments), ErrorCode.FORBIDDEN);
      assertOnlyDenied(f.b, before, "team.webhook.list", op.id().value(), "payments", ErrorCode.FORBIDDEN);
    }
  }
}
