package dev.bindery.support;

import static dev.bindery.testkit.BinderyAssertions.assertNothingWritten;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.audit.AuditEvent;
import dev.bindery.identity.Identity;
import dev.bindery.notify.Delivery;
import dev.bindery.notify.DisavowToken;
import dev.bindery.notify.Disavowal;
import dev.bindery.notify.Notification;
import dev.bindery.store.Tx;
import dev.bindery.testkit.FakeDisavowHandler;
import dev.bindery.testkit.StoreState;
import dev.bindery.testkit.TestOperator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link SupportOwnerNotifier}: support events for identity and operator targets, with "this was not us" links bound
 * to the support action, followed through the outbox's disavow path.
 */
class SupportOwnerNotifierTest {
  private final SupportFixture s = new SupportFixture();
  private final SupportOwnerNotifier notifier = new SupportOwnerNotifier(s.outbox);
  private final SupportActionId action = SupportFixture.newAction();

  private Optional<String> queue(SupportTarget target, boolean disavowable) {
    return s.inTx(t -> notifier.queued(t, action, target, "support.applied", Map.of("type", "credential_reset",
        "ticket", "INC-4711"), disavowable, s.now()));
  }

  @Test
  void queued_identityTargetDisavowable_ownersRowsNameTheActionAndTheLinkDisavowsIt() {
    Identity identity = s.reachableWorkload();

    Optional<String> ref = queue(SupportTarget.identity(identity.id()), true);

    List<DisavowToken> tokens = s.b.store().read((Tx t) -> t.disavowTokens().listForIdentity(identity.id()));
    assertThat(tokens).hasSize(1);
    assertThat(ref).contains(tokens.get(0).ref());
    assertThat(tokens.get(0).changeRequestId()).isEqualTo(action.value());
    List<Delivery> deliveries = s.deliveries("support.applied");
    assertThat(deliveries).hasSize(2).allSatisfy(d -> {
      Notification n = d.notification();
      assertThat(n.identityId()).isEqualTo(identity.id());
      assertThat(n.changeRequestId()).isEqualTo(action.value());
      assertThat(n.details()).containsEntry("ticket", "INC-4711");
      assertThat(n.hasSecret()).isFalse();
      assertThat(d.disavowToken()).isNotNull();
    });

    Disavowal followed = s.outbox.consumeDisavow(deliveries.get(0).disavowToken().reveal(), s.now());

    assertThat(followed).isEqualTo(new Disavowal(action.value(), identity.id()));
    assertThat(followed.supportAction()).isTrue();
    assertThat(s.b.disavowHandler().calls()).containsExactly(
        new FakeDisavowHandler.Call(action.value(), identity.id(), s.now()));
    AuditEvent audited = s.b.auditEvents().stream().filter(e -> e.action().equals("notification.disavow"))
        .findFirst().orElseThrow();
    assertThat(audited.target()).isEqualTo(identity.id().value());
    assertThat(audited.details()).containsEntry("support_action_id", action.value())
        .doesNotContainKey("change_request_id");
  }

  @Test
  void queued_operatorTarget_teamsOfTheOperatorGetItAndTheLinkNamesTheOperator() {
    TestOperator operator = s.b.operator("reset target", Set.of(), Set.of(s.f.platform));
    s.webhook(s.f.platform);
    s.webhook(s.f.payments);

    Optional<String> ref = queue(SupportTarget.operator(operator.id()), true);

    List<DisavowToken> tokens = s.b.store().read((Tx t) -> t.disavowTokens().listForOperator(operator.id()));
    assertThat(tokens).hasSize(1);
    assertThat(ref).contains(tokens.get(0).ref());
    List<Delivery> deliveries = s.deliveries("support.applied");
    assertThat(deliveries).hasSize(1);
    assertThat(deliveries.get(0).notification().team()).isEqualTo(s.f.platform);
    assertThat(deliveries.get(0).notification().operatorId()).isEqualTo(operator.id());

    Disavowal followed = s.outbox.consumeDisavow(deliveries.get(0).disavowToken().reveal(), s.now());

    assertThat(followed).isEqualTo(new Disavowal(action.value(), null, operator.id()));
    assertThat(s.b.disavowHandler().calls()).containsExactly(
        new FakeDisavowHandler.Call(action.value(), null, operator.id(), s.now()));
  }

  @Test
  void queued_operatorWhoseTeamsHaveNoWebhook_nothingQueuedAndNoLink() {
    TestOperator operator = s.b.operator("unreachable", Set.of(), Set.of(s.f.other));
    s.webhook(s.f.payments);
    StoreState before = s.b.state();

    assertThat(queue(SupportTarget.operator(operator.id()), true)).isEmpty();

    assertNothingWritten(s.b, before);
  }
}
