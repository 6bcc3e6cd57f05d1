package dev.bindery.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.audit.AuditEvent;
import dev.bindery.common.Secret;
import dev.bindery.identity.Identity;
import dev.bindery.identity.TeamId;
import dev.bindery.notify.Delivery;
import dev.bindery.notify.Notification;
import dev.bindery.notify.NotificationQuery;
import dev.bindery.notify.NotificationService;
import dev.bindery.notify.RegisteredWebhook;
import dev.bindery.store.Tx;
import dev.bindery.testkit.RebindingFixture;
import dev.bindery.testkit.TestBindery;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The re-binding cast ({@link RebindingFixture}: payments owns, platform backs up) with the support desk's delivery
 * ({@link SupportCredentialDelivery}) over the test kit's notification outbox. Secrets are read the only way they
 * leave Bindery: from the deliveries the outbox hands the dispatcher ({@link NotificationService#claimDue}).
 */
final class SupportFixture {
  static final String AGENT = "op_supportagent";
  static final String REQUEST_ID = TestBindery.REQUEST_ID;

  final RebindingFixture f = new RebindingFixture();
  final TestBindery b = f.b;
  final SupportCredentialDelivery delivery = f.support;
  final NotificationService outbox = b.notifications();
  private final List<Delivery> delivered = new ArrayList<>();

  static SupportActionId newAction() {
    return SupportActionId.generate(new SecureRandom());
  }

  Instant now() {
    return b.clock().instant();
  }

  RegisteredWebhook webhook(TeamId team) {
    return outbox.registerWebhook(b.steppedUp(f.admin), team, "https://" + team + ".example/hook");
  }

  /** A workload owned by payments (backup platform), with a webhook on each team. */
  Identity reachableWorkload() {
    webhook(f.payments);
    webhook(f.platform);
    return f.workload(1);
  }

  <T> T inTx(Function<Tx, T> work) {
    return b.store().inTransaction(work);
  }

  /** Claims every due notification (as a dispatcher would) and keeps the deliveries. */
  List<Delivery> dispatch() {
    List<Delivery> batch = outbox.claimDue(now(), Duration.ofMinutes(1), 500);
    delivered.addAll(batch);
    return batch;
  }

  /** The deliveries of {@code event} made so far (dispatching what is due first). */
  List<Delivery> deliveries(String event) {
    dispatch();
    return delivered.stream().filter(d -> d.notification().event().equals(event)).toList();
  }

  /** The single value of the secret every delivery of {@code event} carries (checked to be the same in each). */
  String deliveredValue(String event) {
    List<Delivery> ds = deliveries(event);
    assertThat(ds).as("deliveries of %s", event).isNotEmpty();
    String value = ds.get(ds.size() - 1).secret().values().get(0).reveal();
    return value;
  }

  /** The values of the secret of the last delivery of {@code event}. */
  List<String> deliveredValues(String event) {
    List<Delivery> ds = deliveries(event);
    assertThat(ds).as("deliveries of %s", event).isNotEmpty();
    return ds.get(ds.size() - 1).secret().values().stream().map(Secret::reveal).toList();
  }

  List<Notification> notificationsOf(TeamId team) {
    return b.store().read((Tx t) -> t.notifications().list(NotificationQuery.forTeam(team, 500)));
  }

  /** No audit event anywhere in the chain mentions {@code secret} (or its random part). */
  void assertNotInAudit(String secret) {
    String random = secret.substring(secret.indexOf('_', 4) + 1);
    for (AuditEvent e : b.auditEvents()) {
      String text = e.actor() + " " + e.action() + " " + e.target() + " " + e.details();
      assertThat(text).doesNotContain(secret).doesNotContain(random);
    }
  }
}
