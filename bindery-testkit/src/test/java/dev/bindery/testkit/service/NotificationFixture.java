package dev.bindery.testkit.service;

import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityKind;
import dev.bindery.identity.TeamId;
import dev.bindery.notify.Notification;
import dev.bindery.notify.NotificationQuery;
import dev.bindery.notify.NotificationService;
import dev.bindery.notify.RegisteredWebhook;
import dev.bindery.security.Caller;
import dev.bindery.store.Tx;
import dev.bindery.testkit.TestBindery;
import dev.bindery.testkit.TestIdentities;
import dev.bindery.testkit.TestOperator;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The cast of {@link CredentialFixture} (an admin, a member of the owning team payments, a member of the backup team
 * platform, an outsider of team other, an auditor, a security officer and a leak reporter) with the notification
 * service, and helpers to register webhooks and read the outbox.
 */
final class NotificationFixture {
  private final CredentialFixture cast = new CredentialFixture();
  final TestBindery b = cast.b;
  final NotificationService service = b.notifications();
  final TeamId payments = cast.payments;
  final TeamId platform = cast.platform;
  final TeamId other = cast.other;
  final TestOperator admin = cast.admin;
  final TestOperator owner = cast.owner;
  final TestOperator backupMember = cast.backupMember;
  final TestOperator outsider = cast.outsider;
  final TestOperator auditor = cast.auditor;
  final TestOperator securityOfficer = cast.securityOfficer;
  final TestOperator leakReporter = cast.leakReporter;

  Caller caller(TestOperator op) {
    return b.caller(op);
  }

  Instant now() {
    return b.clock().instant();
  }

  /** A workload owned by payments with platform as backup team. */
  Identity workload() {
    return cast.workload();
  }

  /** A workload owned by payments whose backup owner is an operator, not a team. */
  Identity workloadWithBackupOperator() {
    return b.identities().create(caller(admin), TestIdentities.of(IdentityKind.WORKLOAD).owner(payments)
        .backupOperator(backupMember.id()).build()).identity();
  }

  /** Registers a webhook on {@code team} as the admin (stepped up). */
  RegisteredWebhook webhook(TeamId team, String url) {
    return service.registerWebhook(b.steppedUp(admin), team, url);
  }

  /** Queues an event about {@code identity} in its own transaction; returns the number of rows. */
  int queue(Identity identity, String event, boolean disavow, String changeRequest) {
    return b.store().inTransaction((Tx t) -> service.queue(t, identity.id(), event, Map.of("credential_id",
        "cred_x"), now(), disavow, changeRequest));
  }

  List<Notification> ofTeam(TeamId team) {
    return b.store().read((Tx t) -> t.notifications().list(NotificationQuery.forTeam(team, 500)));
  }

  List<Notification> ofIdentity(Identity identity) {
    return b.store().read((Tx t) -> t.notifications().list(NotificationQuery.forIdentity(identity.id(), 500)));
  }
}
