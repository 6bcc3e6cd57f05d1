package dev.bindery.security;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import dev.bindery.identity.BackupOwner;
import dev.bindery.identity.Identity;
import dev.bindery.identity.TeamId;
import dev.bindery.operator.Role;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Deny-by-default authorization rules, in one place.
 *
 * <ul>
 *   <li>Reads of identities, operators and teams: any authenticated operator.
 *   <li>Identity create: {@code admin}, or a member of the team named as owner.
 *   <li>Identity profile edit, suspend, resume, subject link: {@code admin} or an owner (member of the owning
 *       team, the backup operator, or a member of the backup team). {@code security_officer} may also
 *       suspend and resume any identity (incident response).
 *   <li>Retire and ownership transfer: {@code admin} or an owner, with a fresh step-up.
 *   <li>Scopes (what an identity may be granted): {@code admin} or {@code security_officer}; never owners, so
 *       an owner cannot widen their own identity's rights.
 *   <li>Re-provisioning a retired subject: {@code admin} with step-up.
 *   <li>Operators, teams, and tokens of other operators: {@code admin}; role grants need step-up.
 *   <li>Audit query, export and verify: {@code admin}, {@code security_officer}, {@code auditor}.
 *   <li>Credentials of an identity (enrolment codes, registered keys and certificates, API keys): {@code admin}
 *       or an owner. Revocation: also {@code security_officer}. Rotation policies: {@code admin} or
 *       {@code security_officer}. Credential reads and reports: any operator but a leak reporter.
 *   <li>Leak reports: any operator, including a {@code leak_reporter}, but not an {@code auditor} (a report
 *       revokes, and an auditor is read-only).
 *   <li>Token policies of identities: {@code admin} or {@code security_officer} (never owners). Resource server
 *       registration: {@code admin}. Reading either: any operator but a leak reporter.
 *   <li>Assurance level: raised by {@code admin} or an owner; lowered only by a {@code security_officer} with a fresh
 *       step-up. Lock: {@code admin} or {@code security_officer}; unlock: only a {@code security_officer} with a
 *       fresh step-up.
 *   <li>Change requests (re-binding): made by {@code admin}, {@code security_officer} or an owner; cancelled by
 *       those or the requester; approvals and applies are checked by the change engine (roles acted in,
 *       self-approval, step-up), see {@link dev.bindery.change.ChangeRequestService}.
 *   <li>Revoking access tokens: one token by its id, {@code admin} or {@code security_officer} (an id names no
 *       identity, so there is no owner to check); every token of an identity, also an owner of it.
 *   <li>Webhooks of a team (where its identities' notifications go): registering and removing one, {@code admin}
 *       or a member of the team, with a fresh step-up (the webhook is the independent channel that reports
 *       re-bindings, so changing it is as sensitive as an ownership transfer). Reading them, and the notifications
 *       of a team: {@code admin}, {@code security_officer}, {@code auditor} or a member of the team. The
 *       notifications of an identity: {@code admin}, {@code security_officer}, {@code auditor} or an owner.
 * </ul>
 * An {@code auditor} holds no other role and no team, so none of the write rules can ever match one. A
 * {@code leak_reporter} holds no other role and no team either, and every rule but the leak report refuses it,
 * reads included.
 */
public final class Authorizer {
  public static final Duration DEFAULT_STEP_UP_WINDOW = Duration.ofMinutes(5);

  private final Clock clock;
  private final Duration stepUpWindow;

  public Authorizer(Clock clock, Duration stepUpWindow) {
    this.clock = clock;
    if (stepUpWindow.isNegative() || stepUpWindow.isZero() || stepUpWindow.compareTo(Duration.ofMinutes(60)) > 0) {
      throw new IllegalArgumentException("step-up window must be between 1 second and 60 minutes");
    }
    this.stepUpWindow = stepUpWindow;
  }

  public Duration stepUpWindow() {
    return stepUpWindow;
  }

  public static boolean isOwner(Caller c, Identity identity) {
    if (c.isSystem()) {
      return false;
    }
    if (c.memberOf(identity.ownership().owningTeam())) {
      return true;
    }
    BackupOwner b = identity.ownership().backupOwner();
    return b.type() == BackupOwner.Type.OPERATOR ? b.ref().equals(c.operatorId().value())
        : c.memberOf(new TeamId(b.ref()));
  }

  public void requireCreateIdentity(Caller c, TeamId owningTeam) {
    if (!(c.has(Role.ADMIN) || (!c.isSystem() && c.memberOf(owningTeam)))) {
      throw forbidden("only an admin or a member of team '" + owningTeam + "' may create its identities");
    }
  }

  public void requireEditIdentity(Caller c, Identity identity) {
    requireAdminOrOwner(c, identity, false, "only an admin or an owner of the identity may change it");
  }

  public void requireSuspendOrResume(Caller c, Identity identity) {
    requireAdminOrOwner(c, identity, true,
        "only an admin, a security officer or an owner may suspend or resume the identity");
  }

  /** An admin or an owner of {@code identity}, or (if {@code securityOfficer}) a security officer. */
  private static void requireAdminOrOwner(Caller c, Identity identity, boolean securityOfficer, String message) {
    if (!(c.has(Role.ADMIN) || (securityOfficer && c.has(Role.SECURITY_OFFICER)) || isOwner(c, identity))) {
      throw forbidden(message);
    }
  }

  public void requireRetireOrTransfer(Caller c, Identity identity) {
    requireEditIdentity(c, identity);
    requireStepUp(c);
  }

  public void requireScopes(Caller c) {
    requireAnyRole(c, "only an admin or a security officer may change scopes", Role.ADMIN, Role.SECURITY_OFFICER);
  }

  public void requireReprovision(Caller c) {
    requireAnyRole(c, "only an admin may re-provision a subject", Role.ADMIN);
    requireStepUp(c);
  }

  public void requireAdmin(Caller c, String what) {
    requireAnyRole(c, "only an admin may " + what, Role.ADMIN);
  }

  public void requireRoleGrant(Caller c) {
    requireAnyRole(c, "only an admin may grant or revoke roles", Role.ADMIN);
    requireStepUp(c);
  }

  public void requireAuditRead(Caller c) {
    requireAnyRole(c, "only an admin, a security officer or an auditor may read the audit log", Role.ADMIN,
        Role.SECURITY_OFFICER, Role.AUDITOR);
  }

  /** Any authenticated operator except a leak reporter, who may only report leaks. */
  public void requireAuthenticated(Caller c) {
    requireCaller(c);
    if (c.has(Role.LEAK_REPORTER)) {
      throw forbidden("a leak reporter may only report leaks");
    }
  }

  /**
   * Any authenticated operator, leak reporters included, except an auditor: an auditor is read-only, and a leak
   * report revokes credentials.
   */
  public void requireLeakReport(Caller c) {
    requireCaller(c);
    if (c.has(Role.AUDITOR)) {
      throw forbidden("an auditor is read-only and may not report leaks: a leak report revokes credentials");
    }
  }

  private static void requireCaller(Caller c) {
    if (c == null) {
      throw new RejectedException(ErrorCode.UNAUTHENTICATED, "authentication required");
    }
  }

  /** Enrolment codes, registered keys and certificates, API keys: an admin or an owner of the identity. */
  public void requireManageCredentials(Caller c, Identity identity) {
    requireAdminOrOwner(c, identity, false, "only an admin or an owner of the identity may manage its credentials");
  }

  /** Revoking one of an identity's credentials: an admin, a security officer or an owner. */
  public void requireRevokeCredential(Caller c, Identity identity) {
    requireAdminOrOwner(c, identity, true,
        "only an admin, a security officer or an owner of the identity may revoke its credentials");
  }

  public void requireRotationPolicyChange(Caller c) {
    requireAnyRole(c, "only an admin or a security officer may change rotation policies", Role.ADMIN,
        Role.SECURITY_OFFICER);
  }

  /** Token policies (the opt-out from bound tokens, token lifetimes): an admin or a security officer. */
  public void requireTokenPolicyChange(Caller c) {
    requireAnyRole(c, "only an admin or a security officer may change token policies", Role.ADMIN,
        Role.SECURITY_OFFICER);
  }

  /** Registering or removing a team's webhook: an admin or a member of the team, with a fresh step-up. */
  public void requireManageWebhooks(Caller c, TeamId team) {
    if (!(c.has(Role.ADMIN) || (!c.isSystem() && c.memberOf(team)))) {
      throw forbidden("only an admin or a member of team '" + team + "' may change its webhooks");
    }
    requireStepUp(c);
  }

  /** A team's webhooks and notifications: an admin, a security officer, an auditor or a member of the team. */
  public void requireReadTeamNotifications(Caller c, TeamId team) {
    if (!(c.has(Role.ADMIN) || c.has(Role.SECURITY_OFFICER) || c.has(Role.AUDITOR)
        || (!c.isSystem() && c.memberOf(team)))) {
      throw forbidden("only an admin, a security officer, an auditor or a member of team '" + team
          + "' may read its webhooks and notifications");
    }
  }

  /** An identity's notifications: an admin, a security officer, an auditor or an owner of the identity. */
  public void requireReadIdentityNotifications(Caller c, Identity identity) {
    if (!(c.has(Role.ADMIN) || c.has(Role.SECURITY_OFFICER) || c.has(Role.AUDITOR) || isOwner(c, identity))) {
      throw forbidden("only an admin, a security officer, an auditor or an owner of the identity may read its "
          + "notifications");
    }
  }

  /** Revoking one access token by its id: an admin or a security officer. */
  public void requireRevokeToken(Caller c) {
    requireAnyRole(c, "only an admin or a security officer may revoke an access token by its id", Role.ADMIN,
        Role.SECURITY_OFFICER);
  }

  /** Revoking every access token of an identity: an admin, a security officer or an owner of the identity. */
  public void requireRevokeIdentityTokens(Caller c, Identity identity) {
    requireAdminOrOwner(c, identity, true,
        "only an admin, a security officer or an owner of the identity may revoke its tokens");
  }

  /** Raising an identity's assurance level: an admin or an owner. */
  public void requireRaiseAssurance(Caller c, Identity identity) {
    requireAdminOrOwner(c, identity, false, "only an admin or an owner may raise the identity's assurance level");
  }

  /** Lowering an identity's assurance level: a security officer with a fresh step-up, nobody else. */
  public void requireLowerAssurance(Caller c) {
    requireAnyRole(c, "only a security officer may lower an identity's assurance level", Role.SECURITY_OFFICER);
    requireStepUp(c);
  }

  /** Locking an identity for security review: an admin or a security officer. */
  public void requireLock(Caller c) {
    requireAnyRole(c, "only an admin or a security officer may lock an identity", Role.ADMIN, Role.SECURITY_OFFICER);
  }

  /** Unlocking a locked identity: a security officer with a fresh step-up, nobody else. */
  public void requireUnlock(Caller c) {
    requireAnyRole(c, "only a security officer may unlock an identity", Role.SECURITY_OFFICER);
    requireStepUp(c);
  }

  /** Making a re-binding change request: an admin, a security officer or an owner of the identity. */
  public void requireRequestChange(Caller c, Identity identity) {
    requireAdminOrOwner(c, identity, true,
        "only an admin, a security officer or an owner of the identity may request a change of its credentials");
  }

  /** True if the caller proved a TOTP code within the step-up window (the system always has). */
  public boolean hasFreshStepUp(Caller c) {
    if (c.isSystem()) {
      return true;
    }
    Instant at = c.stepUpAt();
    Instant now = clock.instant();
    return at != null && !at.isAfter(now) && Duration.between(at, now).compareTo(stepUpWindow) <= 0;
  }

  public void requireStepUp(Caller c) {
    if (!hasFreshStepUp(c)) {
      throw new RejectedException(ErrorCode.STEP_UP_REQUIRED,
          "this action needs a TOTP step-up within the last " + stepUpWindow.toMinutes() + " minutes");
    }
  }

  private static void requireAnyRole(Caller c, String message, Role... roles) {
    for (Role r : roles) {
      if (c.has(r)) {
        return;
      }
    }
    throw forbidden(message);
  }

  private static RejectedException forbidden(String message) {
    return new RejectedException(ErrorCode.FORBIDDEN, message);
  }
}
