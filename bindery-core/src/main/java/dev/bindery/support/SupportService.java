package dev.bindery.support;

import dev.bindery.change.Approval;
import dev.bindery.change.ApproverRole;
import dev.bindery.change.ChangeState;
import dev.bindery.common.ErrorCode;
import dev.bindery.common.Page;
import dev.bindery.common.RejectedException;
import dev.bindery.credential.Credential;
import dev.bindery.credential.CredentialId;
import dev.bindery.credential.CredentialService;
import dev.bindery.identity.BackupOwner;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityAudit;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.IdentityService;
import dev.bindery.identity.IdentityStatus;
import dev.bindery.identity.Ownership;
import dev.bindery.identity.Scope;
import dev.bindery.identity.TeamId;
import dev.bindery.identity.Text;
import dev.bindery.operator.Operator;
import dev.bindery.operator.OperatorId;
import dev.bindery.operator.OperatorService;
import dev.bindery.operator.OperatorStatus;
import dev.bindery.operator.Role;
import dev.bindery.pki.RevocationReason;
import dev.bindery.security.Authorizer;
import dev.bindery.security.Caller;
import dev.bindery.store.AuditedTransactor;
import dev.bindery.store.Tx;
import dev.bindery.store.UniqueViolation;
import dev.bindery.token.TokenRevocationService;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The support desk (docs/support-desk.md, issue 6): support actions made by a {@code service_desk} agent on a ticket
 * with out-of-band evidence, their supervisor approvals, the apply of each of the seven action types, rejection,
 * cancellation, expiry, the "this was not us" revert, the post-hoc review queue, the reports and the anomaly alerts.
 *
 * <p>Every state change, its audit event and the owners' notification ({@link SupportNotifier}) commit in one
 * transaction; the temporary credentials an action issues go through {@link SupportDelivery}, which seals them into
 * the owners' webhook notifications and returns references only, so no secret reaches a return value, a log or an
 * audit detail here. Every refusal that is not plain bad input (400) or an unknown id (404) is audited as a
 * {@code denied} event of the action, in a transaction of its own, and nothing else is written.
 *
 * <p>Rules (each tested): an agent holds {@code service_desk} ({@code forbidden}); evidence is complete
 * ({@code evidence_missing}, naming every gap); an agent never acts on an identity their own team owns (owning or
 * backup team, or they are its backup operator), on their own operator account, nor moves an identity to a team they
 * are in or to themselves ({@code support_conflict_of_interest}); a high-risk action needs the agent's fresh step-up
 * ({@code step_up_required}); one open action per target ({@code change_request_conflict}); a privileged target or an
 * agent under supervision needs a {@code supervisor} approval by another operator ({@code self_approval}) with a fresh
 * step-up, and the supervisor must still hold the role when the action is applied ({@code approver_not_entitled}); a
 * pending action past its expiry is expired on touch ({@code change_request_expired}).
 */
public final class SupportService {
  public static final String EVENT_REQUESTED = "support.requested";
  public static final String EVENT_APPROVED = "support.approved";
  public static final String EVENT_APPLIED = "support.applied";
  public static final String EVENT_REJECTED = "support.rejected";
  public static final String EVENT_CANCELLED = "support.cancelled";
  public static final String EVENT_EXPIRED = "support.expired";
  public static final String EVENT_DISAVOWED = "support.disavowed";
  public static final String EVENT_FLAGGED = "support.flagged";
  /** To the previous owners, before an {@code owner_reset} or {@code recovery_contact_change} moves them. */
  public static final String EVENT_OWNERS_CHANGING = "support.owners_changing";
  public static final String EVENT_ALERT = "support.alert";
  /** Who may read support actions (and so their events, evidence included, in an identity's history). */
  public static final Set<Role> READERS = Set.copyOf(EnumSet.of(Role.SERVICE_DESK, Role.SUPERVISOR,
      Role.SECURITY_OFFICER, Role.ADMIN, Role.AUDITOR));
  /** The shortest and longest temporary credential lifetime an action may ask for, in seconds. */
  public static final long MIN_TEMPORARY_TTL_SECONDS = 30;

  private static final Set<SupportActionType> RESET_TYPES = EnumSet.copyOf(
      java.util.Arrays.stream(SupportActionType.values()).filter(SupportActionType::reset).toList());
  private static final String PERSON = "person:";

  private final AuditedTransactor tx;
  private final Authorizer authz;
  private final SecureRandom random;
  private final SupportSettings settings;
  private final CredentialService credentials;
  private final IdentityService identities;
  private final TokenRevocationService tokens;
  private final SupportDelivery delivery;
  private final SupportNotifier notifier;

  /**
   * @param credentials revokes a reset identity's credentials (its revocation path appends the feed events)
   * @param identities locks identities (flagged review, "this was not us") and runs their lifecycle hook
   * @param tokens revokes an identity's tokens ({@code token_reissue})
   * @param delivery issues and revokes the temporary credentials and recovery codes
   * @param notifier queues the owners' notifications
   */
  public SupportService(AuditedTransactor tx, Authorizer authz, SecureRandom random, SupportSettings settings,
      CredentialService credentials, IdentityService identities, TokenRevocationService tokens,
      SupportDelivery delivery, SupportNotifier notifier) {
    this.tx = Objects.requireNonNull(tx);
    this.authz = Objects.requireNonNull(authz);
    this.random = Objects.requireNonNull(random);
    this.settings = Objects.requireNonNull(settings);
    this.credentials = Objects.requireNonNull(credentials);
    this.identities = Objects.requireNonNull(identities);
    this.tokens = Objects.requireNonNull(tokens);
    this.delivery = Objects.requireNonNull(delivery);
    this.notifier = Objects.requireNonNull(notifier);
  }

  public SupportSettings settings() {
    return settings;
  }

  /** The operator acting, as the audit log names them. */
  private record Actor(String id, String requestId) {
    static Actor of(Caller caller) {
      if (caller == null) {
        throw new RejectedException(ErrorCode.UNAUTHENTICATED, "authentication required");
      }
      return new Actor(caller.actor(), caller.requestId());
    }
  }

  /** A target as loaded: exactly one of {@code identity} and {@code operator} is set. */
  private record Target(SupportTarget ref, Identity identity, Operator operator) {
    long version() {
      return identity != null ? identity.version() : operator.version();
    }
  }

  // ---- create -------------------------------------------------------------------------------------------

  /**
   * Makes a support action (an operator holding {@code service_desk}). Checked in this order: the role
   * ({@code forbidden}); the evidence ({@code evidence_missing}, naming every missing or invalid field); the target's
   * kind for the type ({@code invalid_field}) and existence ({@code identity_not_found}, {@code operator_not_found});
   * conflict of interest ({@code support_conflict_of_interest}); the agent's fresh step-up for a high-risk action
   * ({@code step_up_required}); the parameters ({@code unknown_field}, {@code invalid_field}, {@code missing_field},
   * {@code team_not_found}, {@code operator_not_found}, or {@code support_conflict_of_interest} for an owner or
   * contact the agent would be); the target's state ({@code identity_retired}, {@code identity_locked},
   * {@code invalid_transition} for a disabled operator); the verifying operator's existence
   * ({@code evidence_missing}); an open action on the target ({@code change_request_conflict}; one past its expiry is
   * expired first). Then the anomaly thresholds are evaluated (a crossing raises an alert and puts the agent under
   * supervision), the approvals are computed ({@code supervisor} for a privileged target or an agent under
   * supervision, with the reasons), and the action is stored and audited ({@code support.action.create}). With no
   * approval needed it is applied in the same transaction (and refused as a whole if the apply is); otherwise the
   * owners are told ({@code support.requested}, with a "this was not us" link) and it waits.
   */
  public SupportAction create(Caller caller, NewSupportAction request) {
    Objects.requireNonNull(request, "request");
    Actor actor = Actor.of(caller);
    return run(actor, "support.action.create", request.target().id(), t -> {
      authz.requireAuthenticated(caller);
      if (caller.isSystem() || !caller.has(Role.SERVICE_DESK)) {
        throw forbidden("only a service desk agent may make a support action");
      }
      Instant now = tx.clock().instant();
      Evidence evidence = Evidence.validate(request.evidence(), settings, now);
      SupportActionType type = request.type();
      if (type.targetKind() != request.target().kind()) {
        throw RejectedException.invalid("target", "'" + type.wire() + "' acts on an " + type.targetKind().wire()
            + ", not an " + request.target().kind().wire());
      }
      Target target = loadTarget(t, request.target());
      requireNoConflictOfInterest(caller.operatorId(), caller.teams(), target, Map.of());
      if (type.risk() == SupportRisk.HIGH) {
        authz.requireStepUp(caller);
      }
      Map<String, String> parameters = parameters(t, type, target, request.parameters());
      requireNoConflictOfInterest(caller.operatorId(), caller.teams(), target, parameters);
      requireActionable(target);
      if (t.operators().findById(evidence.verification().verifiedBy()).isEmpty()) {
        throw new RejectedException(ErrorCode.EVIDENCE_MISSING, "the support action lacks evidence: "
            + "verification.verified_by (no operator " + evidence.verification().verifiedBy() + ")", "evidence");
      }
      Optional<SupportAction> open = t.supportActions().findOpenForTarget(target.ref());
      if (open.isPresent()) {
        if (!open.get().expiredAt(now)) {
          throw conflict(open.get());
        }
        expireIn(t, actor, open.get());
      }
      SupportActionId id = SupportActionId.generate(random);
      List<Crossing> crossings = crossings(t, caller.operatorId(), type, target.ref(), now);
      List<String> because = requiredBecause(t, caller.operatorId(), target, !crossings.isEmpty());
      SupportAction created = SupportAction.open(id, type, target.ref(), target.version(), caller.operatorId(),
          request.reason(), evidence, parameters, because.isEmpty() ? List.of() : List.of(ApproverRole.SUPERVISOR),
          because, authz.hasFreshStepUp(caller) ? caller.stepUpAt() : null, now, now.plus(settings.requestTtl()));
      try {
        t.supportActions().insert(created);
      } catch (UniqueViolation e) {
        throw new RejectedException(ErrorCode.CHANGE_REQUEST_CONFLICT, target.ref().kind().wire() + " "
            + target.ref().id() + " already has an open support action");
      }
      for (Crossing c : crossings) {
        raise(t, actor.requestId(), c.kind(), caller.operatorId(), target.ref(), id, c.details(), now);
      }
      Map<String, Object> d = describe(created);
      if (created.state() == ChangeState.PENDING) {
        notify(t, created, EVENT_REQUESTED, true).ifPresent(link -> d.put("disavow_link_id", link));
      }
      tx.record(t, actor.id(), actor.requestId(), "support.action.create", id.value(), d);
      return created.state() == ChangeState.APPROVED ? applyIn(t, actor, created) : created;
    });
  }

  private Target loadTarget(Tx t, SupportTarget ref) {
    if (ref.kind() == SupportTarget.Kind.IDENTITY) {
      Identity i = t.identities().findById(ref.identityId()).orElseThrow(
          () -> new RejectedException(ErrorCode.IDENTITY_NOT_FOUND, "no identity " + ref.id()));
      return new Target(ref, i, null);
    }
    Operator o = t.operators().findById(ref.operatorId()).orElseThrow(
        () -> new RejectedException(ErrorCode.OPERATOR_NOT_FOUND, "no operator " + ref.id()));
    return new Target(ref, null, o);
  }

  /**
   * The conflict-of-interest rule for an agent (their id and teams): not their own account, not an identity an owner
   * of which they are (owning team, backup team, backup operator), and, with {@code parameters}, not a new owning
   * team, backup team or backup operator they would be.
   */
  private static void requireNoConflictOfInterest(OperatorId agent, Set<TeamId> agentTeams, Target target,
      Map<String, String> parameters) {
    if (target.operator() != null) {
      if (target.operator().id().equals(agent)) {
        throw conflictOfInterest("an agent never acts on their own operator account");
      }
      return;
    }
    Ownership o = target.identity().ownership();
    if (agentTeams.contains(o.owningTeam()) || isBackup(o.backupOwner(), agent, agentTeams)) {
      throw conflictOfInterest("an agent never acts on an identity their own team owns or they are backup owner of");
    }
    String team = parameters.get(SupportActionType.P_OWNING_TEAM);
    if (team != null && agentTeams.contains(new TeamId(team))) {
      throw conflictOfInterest("an agent never moves an identity to a team they are a member of");
    }
    String contact = parameters.get(SupportActionType.P_BACKUP_OWNER);
    if (contact != null && !contact.startsWith(PERSON) && isBackup(BackupOwner.parse(SupportActionType.P_BACKUP_OWNER,
        contact), agent, agentTeams)) {
      throw conflictOfInterest("an agent never makes themselves or their own team an identity's recovery contact");
    }
  }

  private static boolean isBackup(BackupOwner b, OperatorId agent, Set<TeamId> agentTeams) {
    return b.type() == BackupOwner.Type.OPERATOR ? b.ref().equals(agent.value()) : agentTeams.contains(
        new TeamId(b.ref()));
  }

  private static RejectedException conflictOfInterest(String message) {
    return new RejectedException(ErrorCode.SUPPORT_CONFLICT_OF_INTEREST, message);
  }

  private static void requireActionable(Target target) {
    if (target.identity() != null) {
      Identity i = target.identity();
      if (i.retired()) {
        throw new RejectedException(ErrorCode.IDENTITY_RETIRED, "identity " + i.id() + " is retired");
      }
      if (i.status() == IdentityStatus.LOCKED) {
        throw new RejectedException(ErrorCode.IDENTITY_LOCKED, "identity " + i.id()
            + " is locked for security review; a security officer must unlock it first");
      }
    } else if (target.operator().status() != OperatorStatus.ACTIVE) {
      throw new RejectedException(ErrorCode.INVALID_TRANSITION, "operator " + target.operator().id()
          + " is disabled");
    }
  }

  /**
   * Why a supervisor approval is needed: the target's assurance level of 2 or more, each privileged scope it holds,
   * each role other than {@code service_desk} an operator target holds, and the agent being under supervision.
   */
  private List<String> requiredBecause(Tx t, OperatorId agent, Target target, boolean crossing) {
    List<String> because = new ArrayList<>();
    if (target.identity() != null) {
      Identity i = target.identity();
      if (i.assuranceLevel() >= 2) {
        because.add(SupportAction.PRIVILEGED_ASSURANCE);
      }
      i.scopes().stream().filter(settings.privilegedScopes()::contains).map(Scope::value).sorted()
          .forEach(s -> because.add(SupportAction.PRIVILEGED_SCOPE + s));
    } else {
      target.operator().roles().stream().filter(r -> r != Role.SERVICE_DESK).map(Role::wire).sorted()
          .forEach(r -> because.add(SupportAction.PRIVILEGED_OPERATOR_ROLE + r));
    }
    if (crossing || !t.supportAlerts().openForAgent(agent).isEmpty()) {
      because.add(SupportAction.UNDER_SUPERVISION);
    }
    return because;
  }

  // ---- parameters ---------------------------------------------------------------------------------------

  /** The type's parameters, checked against the target and completed with defaults: what is stored. */
  private Map<String, String> parameters(Tx t, SupportActionType type, Target target, Map<String, String> given) {
    for (String name : new TreeMap<>(given).keySet()) {
      if (!type.parameters().contains(name)) {
        throw new RejectedException(ErrorCode.UNKNOWN_FIELD, "'" + type.wire() + "' takes no parameter '" + name
            + "'" + (type.parameters().isEmpty() ? "" : "; it takes "
            + String.join(", ", type.parameters().stream().sorted().toList())),
            "parameters." + name);
      }
    }
    Map<String, String> out = new LinkedHashMap<>();
    switch (type) {
      case CREDENTIAL_RESET -> {
        out.put(SupportActionType.P_REVOCATION_REASON, revocationReason(given.get(
            SupportActionType.P_REVOCATION_REASON)).apiName());
        out.put(SupportActionType.P_TEMPORARY_TTL, Long.toString(temporaryTtl(given).toSeconds()));
      }
      case FACTOR_REENROL -> out.put(SupportActionType.P_TEMPORARY_TTL,
          Long.toString(temporaryTtl(given).toSeconds()));
      case RECOVERY_CONTACT_CHANGE -> out.put(SupportActionType.P_BACKUP_OWNER, recoveryContact(t,
          target.identity(), given.get(SupportActionType.P_BACKUP_OWNER)));
      case OWNER_RESET -> out.put(SupportActionType.P_OWNING_TEAM, owningTeam(t, target.identity(),
          given.get(SupportActionType.P_OWNING_TEAM)));
      case PROFILE_EDIT -> out.put(SupportActionType.P_ASSURANCE_LEVEL, assuranceLevel(target.identity(),
          given.get(SupportActionType.P_ASSURANCE_LEVEL)));
      case RECOVERY_CODES_ISSUE, TOKEN_REISSUE -> {
        // no parameters
      }
    }
    return out;
  }

  private static RevocationReason revocationReason(String value) {
    if (value == null || value.equals(RevocationReason.KEY_COMPROMISE.apiName())) {
      return RevocationReason.KEY_COMPROMISE;
    }
    if (value.equals(RevocationReason.SUPERSEDED.apiName())) {
      return RevocationReason.SUPERSEDED;
    }
    throw RejectedException.invalid("parameters." + SupportActionType.P_REVOCATION_REASON,
        "'revocation_reason' must be key_compromise or superseded");
  }

  private Duration temporaryTtl(Map<String, String> given) {
    String value = given.get(SupportActionType.P_TEMPORARY_TTL);
    if (value == null) {
      return settings.temporaryTtl();
    }
    String field = "parameters." + SupportActionType.P_TEMPORARY_TTL;
    long cap = settings.temporaryTtlCap().toSeconds();
    long seconds;
    try {
      seconds = Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw RejectedException.invalid(field, "'temporary_ttl_seconds' must be a whole number of seconds");
    }
    if (seconds < MIN_TEMPORARY_TTL_SECONDS || seconds > cap) {
      throw RejectedException.invalid(field, "'temporary_ttl_seconds' must be between " + MIN_TEMPORARY_TTL_SECONDS
          + " and the policy's cap of " + cap);
    }
    return Duration.ofSeconds(seconds);
  }

  /** {@code team:<team>} or {@code operator:<id>} (a new backup owner), or {@code person:<contact>}. */
  private static String recoveryContact(Tx t, Identity identity, String value) {
    String field = "parameters." + SupportActionType.P_BACKUP_OWNER;
    if (value == null || value.isBlank()) {
      throw RejectedException.missing(field);
    }
    if (value.startsWith(PERSON)) {
      String contact = Text.required(field, value.substring(PERSON.length()), 320);
      if (contact.equals(identity.contact())) {
        throw RejectedException.invalid(field, "the identity's contact is already '" + contact + "'");
      }
      return PERSON + contact;
    }
    BackupOwner next;
    try {
      next = BackupOwner.parse(field, value.strip());
    } catch (RejectedException e) {
      throw RejectedException.invalid(field, "'backup_owner' must be 'team:<team id>', 'operator:<operator id>' or "
          + "'person:<contact>'");
    }
    if (next.equals(identity.ownership().backupOwner())) {
      throw RejectedException.invalid(field, "the identity's backup owner is already " + next.wire());
    }
    if (next.type() == BackupOwner.Type.TEAM) {
      TeamId team = new TeamId(next.ref());
      requireTeam(t, team, field);
      if (team.equals(identity.ownership().owningTeam())) {
        throw RejectedException.invalid(field, "the backup owner must differ from the owning team");
      }
    } else if (t.operators().findById(OperatorId.parse(next.ref())).isEmpty()) {
      throw new RejectedException(ErrorCode.OPERATOR_NOT_FOUND, "no operator " + next.ref(), field);
    }
    return next.wire();
  }

  private static String owningTeam(Tx t, Identity identity, String value) {
    String field = "parameters." + SupportActionType.P_OWNING_TEAM;
    if (value == null || value.isBlank()) {
      throw RejectedException.missing(field);
    }
    TeamId team = TeamId.parse(field, value.strip());
    requireTeam(t, team, field);
    if (team.equals(identity.ownership().owningTeam())) {
      throw RejectedException.invalid(field, "team " + team + " already owns the identity");
    }
    BackupOwner backup = identity.ownership().backupOwner();
    if (backup.type() == BackupOwner.Type.TEAM && backup.ref().equals(team.value())) {
      throw RejectedException.invalid(field, "team " + team + " is the identity's backup owner; change the recovery "
          + "contact first");
    }
    return team.value();
  }

  private static void requireTeam(Tx t, TeamId team, String field) {
    if (t.teams().findById(team).isEmpty()) {
      throw new RejectedException(ErrorCode.TEAM_NOT_FOUND, "team '" + team + "' does not exist", field);
    }
  }

  private static String assuranceLevel(Identity identity, String value) {
    String field = "parameters." + SupportActionType.P_ASSURANCE_LEVEL;
    if (value == null || value.isBlank()) {
      throw RejectedException.missing(field);
    }
    int level;
    try {
      level = Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw RejectedException.invalid(field, "'assurance_level' must be 1, 2 or 3");
    }
    if (level < Identity.MIN_ASSURANCE_LEVEL || level > Identity.MAX_ASSURANCE_LEVEL) {
      throw RejectedException.invalid(field, "'assurance_level' must be 1, 2 or 3");
    }
    if (level == identity.assuranceLevel()) {
      throw RejectedException.invalid(field, "the identity is already at assurance level " + level);
    }
    return Integer.toString(level);
  }

  // ---- approve, reject, cancel, apply -------------------------------------------------------------------

  /**
   * Approves a pending action as its {@code supervisor} (another operator holding {@code supervisor}, with a fresh
   * step-up). Refused, in this order: a terminal action ({@code invalid_transition}, {@code change_request_expired});
   * the agent ({@code self_approval}, even if they hold {@code supervisor}); an operator who already approved it
   * ({@code already_approved}); an operator without {@code supervisor} ({@code approver_not_entitled}); no fresh
   * step-up ({@code step_up_required}); an action needing no more approval ({@code invalid_transition}). The approval
   * that completes the action applies it in the same transaction ({@link #apply}'s checks; a refused apply refuses
   * the approval too, and nothing is written). Audited {@code support.action.approve}.
   */
  public SupportAction approve(Caller caller, SupportActionId id, String comment) {
    String note = Text.optional("comment", comment, Approval.MAX_COMMENT);
    Actor actor = Actor.of(caller);
    return run(actor, "support.action.approve", id.value(), t -> {
      authz.requireAuthenticated(caller);
      if (caller.isSystem()) {
        throw forbidden("approvals are given by operators, not by the system");
      }
      SupportAction a = loadForUpdate(t, id);
      touch(t, actor, a, "support.action.approve");
      requireOpen(a);
      if (a.agent().equals(caller.operatorId())) {
        throw new RejectedException(ErrorCode.SELF_APPROVAL, "the agent never approves their own support action");
      }
      if (a.approvals().stream().anyMatch(x -> x.operator().equals(caller.operatorId()))) {
        throw new RejectedException(ErrorCode.ALREADY_APPROVED, "you already approved support action " + a.id());
      }
      if (!caller.has(Role.SUPERVISOR)) {
        throw notEntitled(caller.actor());
      }
      authz.requireStepUp(caller);
      if (!a.needsApprovalAs(ApproverRole.SUPERVISOR)) {
        throw new RejectedException(ErrorCode.INVALID_TRANSITION, "support action " + a.id()
            + " needs no more approval");
      }
      Instant now = tx.clock().instant();
      SupportAction next = a.withApproval(new Approval(caller.operatorId(), ApproverRole.SUPERVISOR, now,
          caller.stepUpAt(), note));
      save(t, next);
      Map<String, Object> d = SupportAction.stateChange(a, next);
      d.put("role", ApproverRole.SUPERVISOR.wire());
      if (note != null) {
        d.put("comment", note);
      }
      d.put("missing", new ArrayList<Object>(next.missing()));
      notify(t, next, EVENT_APPROVED, false);
      tx.record(t, actor.id(), actor.requestId(), "support.action.approve", a.id().value(), d);
      return next.state() == ChangeState.APPROVED ? applyIn(t, actor, next) : next;
    });
  }

  /**
   * Applies an approved action (the agent or an admin). Actions are applied by their completing approval or at
   * creation, so this only matters for an action left approved; a pending one is {@code approval_required}, a
   * terminal one {@code invalid_transition}. Checks as every apply: every approver still active and holding
   * {@code supervisor} ({@code approver_not_entitled}), the agent still active and holding {@code service_desk}
   * ({@code forbidden}) and without a conflict of interest, the target live ({@code identity_retired},
   * {@code identity_locked}) and unchanged since the action was made ({@code version_conflict}).
   */
  public SupportAction apply(Caller caller, SupportActionId id) {
    Actor actor = Actor.of(caller);
    return run(actor, "support.action.apply", id.value(), t -> {
      authz.requireAuthenticated(caller);
      SupportAction a = loadForUpdate(t, id);
      if (!(a.agent().equals(caller.operatorId()) || caller.has(Role.ADMIN))) {
        throw forbidden("only the agent or an admin may apply a support action");
      }
      touch(t, actor, a, "support.action.apply");
      requireOpen(a);
      return applyIn(t, actor, a);
    });
  }

  /**
   * Rejects an open action (a supervisor, a security officer or an admin). Terminal; audited
   * {@code support.action.reject}; the owners are told.
   */
  public SupportAction reject(Caller caller, SupportActionId id, String comment) {
    return resolve(caller, id, comment, "support.action.reject", ChangeState.REJECTED, EVENT_REJECTED, a -> {
      if (!(caller.has(Role.SUPERVISOR) || caller.has(Role.SECURITY_OFFICER) || caller.has(Role.ADMIN))) {
        throw forbidden("only a supervisor, a security officer or an admin may reject a support action");
      }
    });
  }

  /**
   * Cancels an open action (its agent, a supervisor, a security officer or an admin). Terminal; audited
   * {@code support.action.cancel}; the owners are told.
   */
  public SupportAction cancel(Caller caller, SupportActionId id, String comment) {
    return resolve(caller, id, comment, "support.action.cancel", ChangeState.CANCELLED, EVENT_CANCELLED, a -> {
      if (!(a.agent().equals(caller.operatorId()) || caller.has(Role.SUPERVISOR)
          || caller.has(Role.SECURITY_OFFICER) || caller.has(Role.ADMIN))) {
        throw forbidden("only the agent, a supervisor, a security officer or an admin may cancel a support action");
      }
    });
  }

  private interface Check {
    void run(SupportAction action);
  }

  private SupportAction resolve(Caller caller, SupportActionId id, String comment, String action,
      ChangeState terminal, String event, Check check) {
    String note = Text.optional("comment", comment, Approval.MAX_COMMENT);
    Actor actor = Actor.of(caller);
    return run(actor, action, id.value(), t -> {
      authz.requireAuthenticated(caller);
      SupportAction a = loadForUpdate(t, id);
      check.run(a);
      touch(t, actor, a, action);
      requireOpen(a);
      SupportAction next = a.resolved(terminal, actor.id(), tx.clock().instant());
      save(t, next);
      Map<String, Object> d = SupportAction.stateChange(a, next);
      if (note != null) {
        d.put("comment", note);
      }
      notify(t, next, event, false);
      tx.record(t, actor.id(), actor.requestId(), action, a.id().value(), d);
      return next;
    });
  }

  private SupportAction applyIn(Tx t, Actor actor, SupportAction a) {
    if (a.state() != ChangeState.APPROVED) {
      throw new RejectedException(ErrorCode.APPROVAL_REQUIRED, "support action " + a.id() + " still needs: "
          + String.join(", ", a.missing()));
    }
    for (Approval approval : a.approvals()) {
      Operator approver = t.operators().findById(approval.operator()).orElse(null);
      if (approver == null || approver.status() != OperatorStatus.ACTIVE || !approver.has(Role.SUPERVISOR)) {
        throw notEntitled(approval.operator().value());
      }
    }
    Operator agent = t.operators().findById(a.agent()).orElse(null);
    if (agent == null || agent.status() != OperatorStatus.ACTIVE || !agent.has(Role.SERVICE_DESK)) {
      throw forbidden("agent " + a.agent() + " no longer holds the service_desk role; make a new support action");
    }
    Target target = loadTarget(t, a.target());
    requireActionable(target);
    requireNoConflictOfInterest(agent.id(), agent.teams(), target, a.parameters());
    if (target.version() != a.targetVersion()) {
      throw new RejectedException(ErrorCode.VERSION_CONFLICT, a.target().kind().wire() + " " + a.target().id()
          + " changed since the support action was made (version " + a.targetVersion() + ", now " + target.version()
          + "); make a new support action");
    }
    Instant now = tx.clock().instant();
    SupportResult result = perform(t, actor, a, target, now);
    SupportAction applied = a.applied(result, actor.id(), now);
    save(t, applied);
    Map<String, Object> d = SupportAction.stateChange(a, applied);
    d.put("result", describe(result));
    notify(t, applied, EVENT_APPLIED, true).ifPresent(link -> d.put("disavow_link_id", link));
    tx.record(t, actor.id(), actor.requestId(), "support.action.apply", a.id().value(), d);
    return applied;
  }

  /** What each type does when applied, inside the apply's transaction. */
  private SupportResult perform(Tx t, Actor actor, SupportAction a, Target target, Instant now) {
    Map<String, String> p = a.parameters();
    return switch (a.type()) {
      case CREDENTIAL_RESET -> {
        RevocationReason reason = revocationReason(p.get(SupportActionType.P_REVOCATION_REASON));
        List<CredentialId> revoked = new ArrayList<>();
        for (Credential c : t.credentials().listForIdentity(target.identity().id())) {
          if (!c.revoked()) {
            credentials.revokeForSupport(t, actor.id(), actor.requestId(), c, reason, a.id());
            revoked.add(c.id());
          }
        }
        IssuedItem code = delivery.issueEnrolmentCode(t, actor.id(), actor.requestId(), target.identity().id(),
            storedTtl(a), a.id(), now);
        yield new SupportResult(List.of(code), revoked, Map.of(), Map.of());
      }
      case FACTOR_REENROL -> new SupportResult(List.of(delivery.issueTotpEnrolment(t, actor.id(), actor.requestId(),
          target.operator().id(), storedTtl(a), a.id(), now)), List.of(), Map.of(), Map.of());
      case RECOVERY_CODES_ISSUE -> new SupportResult(List.of(delivery.issueRecoveryCodes(t, actor.id(),
          actor.requestId(), target.identity().id(), a.id(), now)), List.of(), Map.of(), Map.of());
      case RECOVERY_CONTACT_CHANGE -> {
        Identity before = target.identity();
        String value = p.get(SupportActionType.P_BACKUP_OWNER);
        Identity after;
        String field;
        String was;
        if (value.startsWith(PERSON)) {
          Identity.Profile profile = before.profile();
          after = before.withProfile(new Identity.Profile(profile.name(), profile.description(), profile.tenant(),
              value.substring(PERSON.length()), profile.labels()), now);
          field = "contact";
          was = before.contact() == null ? "" : PERSON + before.contact();
        } else {
          after = before.withOwnership(new Ownership(before.ownership().owningTeam(),
              BackupOwner.parse(SupportActionType.P_BACKUP_OWNER, value)), now);
          field = "backup_owner";
          was = before.ownership().backupOwner().wire();
        }
        notify(t, a, EVENT_OWNERS_CHANGING, false);
        updateIdentity(t, actor, a, before, after, field.equals("contact") ? "identity.update"
            : "identity.transfer_ownership");
        yield new SupportResult(List.of(), List.of(), Map.of(field, was), Map.of(field, value));
      }
      case OWNER_RESET -> {
        Identity before = target.identity();
        String team = p.get(SupportActionType.P_OWNING_TEAM);
        Identity after = before.withOwnership(new Ownership(new TeamId(team), before.ownership().backupOwner()), now);
        notify(t, a, EVENT_OWNERS_CHANGING, false);
        updateIdentity(t, actor, a, before, after, "identity.transfer_ownership");
        yield new SupportResult(List.of(), List.of(), Map.of("owning_team", before.ownership().owningTeam().value()),
            Map.of("owning_team", team));
      }
      case TOKEN_REISSUE -> {
        Instant through = t.revocationEvents().latest(dev.bindery.revocation.RevocationEventType.IDENTITY,
            target.identity().id().value()).map(dev.bindery.revocation.RevocationEvent::at).orElse(null);
        TokenRevocationService.RevokedIdentityTokens revoked = tokens.revokeIdentityTokensInTransaction(t,
            actor.id(), actor.requestId(), target.identity(), "support action " + a.id() + " (ticket "
                + a.evidence().ticket() + ")", Map.of("support_action_id", a.id().value()));
        yield new SupportResult(List.of(), List.of(), Map.of("tokens_revoked_through",
            through == null ? "" : through.toString()),
            Map.of("tokens_revoked_through", revoked.revokedAt().toString()));
      }
      case PROFILE_EDIT -> {
        Identity before = target.identity();
        int level = Integer.parseInt(p.get(SupportActionType.P_ASSURANCE_LEVEL));
        Identity after = before.withAssuranceLevel(level, now);
        saveIdentity(t, before, after);
        Map<String, Object> d = IdentityService.assuranceDetails(before, after, "support action " + a.id());
        d.put("support_action_id", a.id().value());
        d.put("version", after.version());
        tx.record(t, actor.id(), actor.requestId(), level > before.assuranceLevel() ? "identity.assurance.raise"
            : "identity.assurance.lower", before.id().value(), d);
        yield new SupportResult(List.of(), List.of(), Map.of("assurance_level",
            Integer.toString(before.assuranceLevel())), Map.of("assurance_level", Integer.toString(level)));
      }
    };
  }

  private static Duration storedTtl(SupportAction a) {
    return Duration.ofSeconds(Long.parseLong(a.parameters().get(SupportActionType.P_TEMPORARY_TTL)));
  }

  /** Stores {@code after} and audits {@code action} on the identity with the before/after of what differs. */
  private void updateIdentity(Tx t, Actor actor, SupportAction a, Identity before, Identity after, String action) {
    saveIdentity(t, before, after);
    Map<String, Object> d = new LinkedHashMap<>(IdentityAudit.diff(IdentityAudit.snapshot(before),
        IdentityAudit.snapshot(after)));
    d.put("support_action_id", a.id().value());
    d.put("version", after.version());
    tx.record(t, actor.id(), actor.requestId(), action, before.id().value(), d);
  }

  private static void saveIdentity(Tx t, Identity before, Identity after) {
    if (!t.identities().update(after)) {
      throw new RejectedException(ErrorCode.VERSION_CONFLICT, "identity " + before.id() + " changed concurrently");
    }
  }

  // ---- "this was not us" ---------------------------------------------------------------------------------

  /**
   * What following a valid "this was not us" link of a support action does, inside the caller's transaction (the
   * notification adapter checks the link first): an open action is cancelled; an applied one has what it issued
   * revoked ({@link SupportDelivery#revokeIssued}) and what it changed restored (owning team, backup owner, contact,
   * assurance level, each only if nobody changed it since) and is marked disavowed. In every case the target is
   * locked (an identity) or disabled (an operator). Audited {@code support.action.disavow} by {@code actor}.
   */
  public SupportDisavowal disavowInTransaction(Tx t, SupportActionId id, String actor, String requestId) {
    Objects.requireNonNull(actor, "actor");
    Instant now = tx.clock().instant();
    SupportAction a = loadForUpdate(t, id);
    SupportAction after = a;
    List<String> revoked = List.of();
    Map<String, String> restored = Map.of();
    if (a.open()) {
      after = a.resolved(ChangeState.CANCELLED, actor, now);
      save(t, after);
    } else if (a.state() == ChangeState.APPLIED && a.disavowedAt() == null) {
      revoked = delivery.revokeIssued(t, actor, requestId, a.id(), now);
      restored = restore(t, new Actor(actor, requestId), a, now);
      after = a.disavowed(now);
      save(t, after);
    }
    String status = stopTarget(t, actor, requestId, a, "support action " + a.id()
        + " disavowed through a 'this was not us' link", "disavowed");
    Map<String, Object> d = SupportAction.stateChange(a, after);
    d.put("revoked", new ArrayList<Object>(revoked));
    d.put("restored", new TreeMap<String, Object>(restored));
    d.put("target_status", status);
    notify(t, after, EVENT_DISAVOWED, false);
    tx.record(t, actor, requestId, "support.action.disavow", a.id().value(), d);
    return new SupportDisavowal(after, revoked, restored, status);
  }

  /** Puts back each field an applied action changed whose value is still the one the action set. */
  private Map<String, String> restore(Tx t, Actor actor, SupportAction a, Instant now) {
    if (a.target().kind() != SupportTarget.Kind.IDENTITY) {
      return Map.of();
    }
    Identity current = t.identities().findById(a.target().identityId()).orElseThrow();
    Identity next = current;
    Map<String, String> restored = new TreeMap<>();
    for (Map.Entry<String, String> e : new TreeMap<>(a.result().before()).entrySet()) {
      String field = e.getKey();
      String was = e.getValue();
      if (!a.result().after().get(field).equals(currentValue(next, field))) {
        continue;
      }
      try {
        Identity candidate = switch (field) {
          case "owning_team" -> next.withOwnership(new Ownership(new TeamId(was), next.ownership().backupOwner()),
              now);
          case "backup_owner" -> next.withOwnership(new Ownership(next.ownership().owningTeam(),
              BackupOwner.parse(field, was)), now);
          case "contact" -> {
            Identity.Profile p = next.profile();
            yield next.withProfile(new Identity.Profile(p.name(), p.description(), p.tenant(),
                was.isEmpty() ? null : was.substring(PERSON.length()), p.labels()), now);
          }
          case "assurance_level" -> next.withAssuranceLevel(Integer.parseInt(was), now);
          default -> null; // tokens_revoked_through: a revocation is not undone
        };
        if (candidate != null) {
          next = candidate;
          restored.put(field, was);
        }
      } catch (RejectedException unrestorable) {
        // the old value no longer fits (the old backup team now owns it...): leave this field, lock all the same
      }
    }
    if (next != current) {
      // one version step for the whole restore, whatever number of fields it puts back
      Identity stored = new Identity(next.id(), next.kind(), next.name(), next.description(), next.tenant(),
          next.contact(), next.labels(), next.ownership(), next.scopes(), next.assuranceLevel(), next.status(),
          next.statusReason(), next.predecessor(), current.version() + 1, next.createdAt(), now);
      saveIdentity(t, current, stored);
      Map<String, Object> d = new LinkedHashMap<>(IdentityAudit.diff(IdentityAudit.snapshot(current),
          IdentityAudit.snapshot(stored)));
      d.put("cause", "support_action_disavowed");
      d.put("support_action_id", a.id().value());
      d.put("version", stored.version());
      tx.record(t, actor.id(), actor.requestId(), "identity.restore", current.id().value(), d);
    }
    return restored;
  }

  private static String currentValue(Identity i, String field) {
    return switch (field) {
      case "owning_team" -> i.ownership().owningTeam().value();
      case "backup_owner" -> i.ownership().backupOwner().wire();
      case "contact" -> i.contact() == null ? "" : PERSON + i.contact();
      case "assurance_level" -> Integer.toString(i.assuranceLevel());
      default -> "";
    };
  }

  /** Locks the target identity or disables the target operator; returns its status afterwards. */
  private String stopTarget(Tx t, String actor, String requestId, SupportAction a, String reason, String cause) {
    if (a.target().kind() == SupportTarget.Kind.IDENTITY) {
      return identities.lockInTransaction(t, actor, requestId, a.target().identityId(), reason, cause).status()
          .wire();
    }
    Operator op = t.operators().findById(a.target().operatorId()).orElseThrow();
    if (op.status() == OperatorStatus.DISABLED) {
      return op.status().wire();
    }
    Operator next = op.withStatus(OperatorStatus.DISABLED, tx.clock().instant());
    if (!t.operators().update(next)) {
      throw new RejectedException(ErrorCode.VERSION_CONFLICT, "operator " + op.id() + " changed concurrently");
    }
    Map<String, Object> d = new LinkedHashMap<>(IdentityAudit.diff(OperatorService.snapshot(op),
        OperatorService.snapshot(next)));
    d.put("reason", reason);
    d.put("cause", cause);
    d.put("support_action_id", a.id().value());
    d.put("version", next.version());
    tx.record(t, actor, requestId, "operator.disable", op.id().value(), d);
    return next.status().wire();
  }

  // ---- review queue and reports -------------------------------------------------------------------------

  /**
   * Reviews an applied action (a {@code security_officer}; not its agent nor one of its approvers:
   * {@code self_approval}): {@code confirmed} or {@code flagged}, once ({@code invalid_transition} for an action not
   * applied or already reviewed). Flagging locks the target identity (an operator target is disabled) and revokes
   * what the action issued ({@link SupportDelivery#revokeIssued}), in the same transaction. Audited
   * {@code support.action.review}; a flag is notified ({@code support.flagged}).
   */
  public SupportAction review(Caller caller, SupportActionId id, SupportReview.State decision, String comment) {
    if (decision == null) {
      throw RejectedException.missing("decision");
    }
    if (decision == SupportReview.State.UNREVIEWED) {
      throw RejectedException.invalid("decision", "'decision' must be confirmed or flagged");
    }
    String note = Text.optional("comment", comment, SupportReview.MAX_COMMENT);
    Actor actor = Actor.of(caller);
    return run(actor, "support.action.review", id.value(), t -> {
      authz.requireAuthenticated(caller);
      if (caller.isSystem() || !caller.has(Role.SECURITY_OFFICER)) {
        throw forbidden("only a security officer may review support actions");
      }
      SupportAction a = loadForUpdate(t, id);
      if (a.agent().equals(caller.operatorId())
          || a.approvals().stream().anyMatch(x -> x.operator().equals(caller.operatorId()))) {
        throw new RejectedException(ErrorCode.SELF_APPROVAL,
            "the agent or an approver of a support action never reviews it");
      }
      if (a.state() != ChangeState.APPLIED) {
        throw new RejectedException(ErrorCode.INVALID_TRANSITION, "support action " + a.id() + " is "
            + a.state().wire() + "; only applied actions are reviewed");
      }
      if (a.review().done()) {
        throw new RejectedException(ErrorCode.INVALID_TRANSITION, "support action " + a.id() + " was already "
            + a.review().state().wire());
      }
      Instant now = tx.clock().instant();
      SupportAction next = a.reviewed(new SupportReview(decision, caller.operatorId(), now, note));
      save(t, next);
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("before", Map.of("review", a.review().state().wire()));
      d.put("after", Map.of("review", decision.wire()));
      if (note != null) {
        d.put("comment", note);
      }
      if (decision == SupportReview.State.FLAGGED) {
        List<String> revoked = delivery.revokeIssued(t, actor.id(), actor.requestId(), a.id(), now);
        d.put("revoked", new ArrayList<Object>(revoked));
        d.put("target_status", stopTarget(t, actor.id(), actor.requestId(), a, "support action " + a.id()
            + " flagged in review", "support_review_flagged"));
        notify(t, next, EVENT_FLAGGED, false);
      }
      tx.record(t, actor.id(), actor.requestId(), "support.action.review", a.id().value(), d);
      return next;
    });
  }

  /**
   * The review queue (a security officer, a supervisor, an admin, an auditor): applied, unreviewed actions in id
   * order, with {@code olderThan} (1 minute to 365 days; null for all) only those applied longer ago than that. Paged
   * by keyset: {@code after} is the previous page's {@code nextCursor}, which is null on the last page.
   */
  public Page<SupportAction> reviewQueue(Caller caller, Duration olderThan, SupportActionId after, int limit) {
    requireOversight(caller);
    if (olderThan != null) {
      requireDuration("older_than", olderThan, Duration.ofDays(365));
    }
    SupportActionQuery q = SupportActionQuery.all(limit).withStates(Set.of(ChangeState.APPLIED))
        .withReview(SupportReview.State.UNREVIEWED);
    return tx.transactor().read(t -> {
      Instant cutoff = olderThan == null ? null : tx.clock().instant().minus(olderThan);
      List<SupportAction> out = new ArrayList<>();
      SupportActionId cursor = after;
      while (true) {
        Page<SupportAction> page = t.supportActions().list(q.after(cursor));
        for (SupportAction a : page.items()) {
          if (cutoff == null || a.resolvedAt().isBefore(cutoff)) {
            out.add(a);
            if (out.size() == limit) {
              return new Page<>(out, a.id().value());
            }
          }
        }
        if (page.nextCursor() == null) {
          return new Page<>(out, null);
        }
        cursor = SupportActionId.parse(page.nextCursor());
      }
    });
  }

  /**
   * The support desk's figures (a security officer, a supervisor, an admin, an auditor): applied actions unreviewed
   * for longer than {@code reviewAge} (1 minute to 365 days), and the actions made within {@code window} (1 minute to
   * 366 days) per agent, per target and per type, and the open alerts.
   */
  public SupportReport report(Caller caller, Duration reviewAge, Duration window) {
    requireOversight(caller);
    return reportForMetrics(reviewAge, window);
  }

  /** {@link #report} without a caller, for the server's Prometheus gauges. */
  public SupportReport reportForMetrics(Duration reviewAge, Duration window) {
    requireDuration("older_than", reviewAge, Duration.ofDays(365));
    requireDuration("window", window, Duration.ofDays(366));
    return tx.transactor().read(t -> {
      Instant now = tx.clock().instant();
      Instant since = now.minus(window);
      Map<String, Long> perAgent = new TreeMap<>();
      t.supportActions().countPerAgentSince(since).forEach((k, v) -> perAgent.put(k.value(), v));
      Map<String, Long> perTarget = new TreeMap<>();
      t.supportActions().countPerTargetSince(since).forEach((k, v) -> perTarget.put(k.kind().wire() + ":" + k.id(),
          v));
      Map<String, Long> perType = new TreeMap<>();
      for (SupportActionType type : SupportActionType.values()) {
        perType.put(type.wire(), 0L);
      }
      t.supportActions().countPerTypeSince(since).forEach((k, v) -> perType.put(k.wire(), v));
      return new SupportReport(now, reviewAge, t.supportActions().countUnreviewedAppliedBefore(now.minus(reviewAge)),
          since, perAgent, perTarget, perType, t.supportAlerts().countOpen());
    });
  }

  private static void requireDuration(String field, Duration d, Duration max) {
    if (d == null || d.compareTo(Duration.ofMinutes(1)) < 0 || d.compareTo(max) > 0) {
      throw new RejectedException(ErrorCode.INVALID_QUERY, "'" + field + "' must be between 1 minute and "
          + max.toDays() + " days", field);
    }
  }

  // ---- reads --------------------------------------------------------------------------------------------

  /** One action (a service desk agent, a supervisor, a security officer, an admin, an auditor). */
  public SupportAction get(Caller caller, SupportActionId id) {
    requireReader(caller);
    return tx.transactor().read(t -> t.supportActions().findById(id).orElseThrow(() -> notFound(id)));
  }

  /** Actions matching {@code query}, in id order (as {@link #get}). */
  public Page<SupportAction> list(Caller caller, SupportActionQuery query) {
    requireReader(caller);
    Objects.requireNonNull(query, "query");
    return tx.transactor().read(t -> t.supportActions().list(query));
  }

  private void requireReader(Caller caller) {
    requireRole(caller, "only the service desk, supervisors, security officers, admins and auditors may read "
        + "support actions", READERS.toArray(new Role[0]));
  }

  private void requireOversight(Caller caller) {
    requireRole(caller, "only supervisors, security officers, admins and auditors may read the review queue, the "
        + "reports and the alerts", Role.SUPERVISOR, Role.SECURITY_OFFICER, Role.ADMIN, Role.AUDITOR);
  }

  private void requireRole(Caller caller, String message, Role... roles) {
    authz.requireAuthenticated(caller);
    for (Role r : roles) {
      if (caller.has(r)) {
        return;
      }
    }
    // a refused read is security relevant: audited as denied
    throw tx.recordedRefusal(caller.actor(), "support.read", "", forbidden(message), caller.requestId());
  }

  // ---- anomaly alerts -----------------------------------------------------------------------------------

  /** A threshold the action about to be made crosses. */
  private record Crossing(SupportAlert.Kind kind, Map<String, String> details) {}

  /**
   * The thresholds an action of {@code agent} on {@code target} crosses, the action counted: more resets of the
   * target than allowed in the window (whoever made them); more distinct targets of the agent than allowed in the
   * window; an action outside the agent's hours. A kind with an open alert for the agent (and, for resets, the
   * target) is not raised again.
   */
  private List<Crossing> crossings(Tx t, OperatorId agent, SupportActionType type, SupportTarget target,
      Instant now) {
    List<SupportAlert> open = t.supportAlerts().openForAgent(agent);
    List<Crossing> out = new ArrayList<>();
    if (type.reset()) {
      SupportSettings.Threshold th = settings.resetsPerIdentity();
      long resets = t.supportActions().countForTargetSince(target, RESET_TYPES, now.minus(th.window())) + 1;
      if (resets > th.max() && open.stream().noneMatch(x -> x.kind() == SupportAlert.Kind.IDENTITY_RESETS
          && target.equals(x.target()))) {
        out.add(new Crossing(SupportAlert.Kind.IDENTITY_RESETS, thresholdDetails(resets, th)));
      }
    }
    SupportSettings.Threshold th = settings.identitiesPerAgent();
    Instant since = now.minus(th.window());
    boolean newTarget = t.supportActions().list(SupportActionQuery.all(1).withAgent(agent).withTarget(target)
        .createdBetween(since, null)).items().isEmpty();
    long targets = t.supportActions().countDistinctTargetsOfAgentSince(agent, since) + (newTarget ? 1 : 0);
    if (targets > th.max() && open.stream().noneMatch(x -> x.kind() == SupportAlert.Kind.AGENT_TARGETS)) {
      out.add(new Crossing(SupportAlert.Kind.AGENT_TARGETS, thresholdDetails(targets, th)));
    }
    SupportSettings.WorkingHours hours = settings.agentHours().get(agent);
    if (hours != null && !hours.contains(now)
        && open.stream().noneMatch(x -> x.kind() == SupportAlert.Kind.OUTSIDE_HOURS)) {
      out.add(new Crossing(SupportAlert.Kind.OUTSIDE_HOURS, Map.of("hours", hours.wire(), "at", now.toString())));
    }
    return out;
  }

  private static Map<String, String> thresholdDetails(long count, SupportSettings.Threshold th) {
    return Map.of("count", Long.toString(count), "max", Integer.toString(th.max()), "window", th.window().toString());
  }

  /** Stores an alert, audits {@code support.alert} (by the system) and notifies the target's owners. */
  private SupportAlert raise(Tx t, String requestId, SupportAlert.Kind kind, OperatorId agent, SupportTarget target,
      SupportActionId action, Map<String, String> details, Instant now) {
    SupportAlert alert = SupportAlert.raise(SupportAlertId.generate(random), kind, agent, target, action, details,
        now);
    t.supportAlerts().insert(alert);
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("kind", kind.wire());
    d.put("agent", agent.value());
    if (target != null) {
      d.put("target", Map.of("kind", target.kind().wire(), "id", target.id()));
    }
    if (action != null) {
      d.put("support_action_id", action.value());
    }
    d.put("details", new TreeMap<String, Object>(details));
    d.put("supervision_required", true);
    tx.record(t, Caller.SYSTEM_ACTOR, requestId, EVENT_ALERT, alert.id().value(), d);
    if (target != null && action != null) {
      Map<String, String> n = new TreeMap<>(details);
      n.put("kind", kind.wire());
      n.put("agent", agent.value());
      Objects.requireNonNull(notifier.queued(t, action, target, EVENT_ALERT, n, false, now), "notifier answered null");
    }
    return alert;
  }

  /**
   * The "new credential from an unusual source" check, to be called in the transaction of every enrolment of a
   * credential of {@code identity} from {@code sourceAddress} (the remote address), whatever code it used
   * ({@link SupportEnrolmentSources}): records the source for the identity and, when it was never seen for it and a
   * {@code credential_reset} of the identity was applied within {@link SupportSettings#unusualSourceWindow()} before
   * {@code at}, raises an {@code unusual_enrolment_source} alert for the agent of the latest such reset (audited
   * {@code support.alert} by the system with {@code requestId}, notified; that agent is then under supervision).
   * Returns the alert raised, if any.
   */
  public Optional<SupportAlert> credentialEnrolledInTransaction(Tx t, IdentityId identity, String sourceAddress,
      Instant at, String requestId) {
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(at, "at");
    if (sourceAddress == null || sourceAddress.isBlank()) {
      throw new IllegalArgumentException("an enrolment has a source address");
    }
    String source = sourceAddress.strip();
    if (!t.supportAlerts().recordEnrolmentSource(identity, source, at)) {
      return Optional.empty();
    }
    SupportTarget target = SupportTarget.identity(identity);
    Optional<SupportAction> reset = t.supportActions().appliedForTargetSince(target,
        EnumSet.of(SupportActionType.CREDENTIAL_RESET), at.minus(settings.unusualSourceWindow())).stream()
        .filter(a -> !a.resolvedAt().isAfter(at))
        .max(Comparator.comparing(SupportAction::resolvedAt));
    return reset.map(r -> raise(t, requestId == null ? "" : requestId, SupportAlert.Kind.UNUSUAL_ENROLMENT_SOURCE,
        r.agent(), target, r.id(), Map.of("source", source, "reset_applied_at", r.resolvedAt().toString(),
            "window", settings.unusualSourceWindow().toString()), at));
  }

  /** Alerts in id order (as {@link #reviewQueue}); with {@code openOnly}, those not cleared. */
  public List<SupportAlert> alerts(Caller caller, boolean openOnly, SupportAlertId after, int limit) {
    requireOversight(caller);
    if (limit < 1 || limit > SupportActionQuery.MAX_LIMIT) {
      throw new RejectedException(ErrorCode.INVALID_QUERY, "limit must be between 1 and "
          + SupportActionQuery.MAX_LIMIT, "limit");
    }
    return tx.transactor().read(t -> t.supportAlerts().list(openOnly, after, limit));
  }

  /**
   * Clears an open alert (a security officer with a fresh step-up; not the agent it is about: {@code self_approval});
   * once the agent has no open alert, their actions need no supervisor approval for that reason any more. Refused:
   * unknown ({@code support_alert_not_found}), already cleared ({@code invalid_transition}). Audited
   * {@code support.alert.clear}.
   */
  public SupportAlert clearAlert(Caller caller, SupportAlertId id, String comment) {
    String note = Text.optional("comment", comment, SupportAlert.MAX_COMMENT);
    Actor actor = Actor.of(caller);
    return run(actor, "support.alert.clear", id.value(), t -> {
      authz.requireAuthenticated(caller);
      if (caller.isSystem() || !caller.has(Role.SECURITY_OFFICER)) {
        throw forbidden("only a security officer may clear a support alert");
      }
      SupportAlert alert = t.supportAlerts().findById(id).orElseThrow(
          () -> new RejectedException(ErrorCode.SUPPORT_ALERT_NOT_FOUND, "no support alert " + id));
      if (alert.agent().equals(caller.operatorId())) {
        throw new RejectedException(ErrorCode.SELF_APPROVAL, "an agent never clears an alert about themselves");
      }
      authz.requireStepUp(caller);
      if (!alert.open()) {
        throw new RejectedException(ErrorCode.INVALID_TRANSITION, "support alert " + id + " is already cleared");
      }
      SupportAlert cleared = alert.cleared(caller.operatorId(), tx.clock().instant(), note);
      if (!t.supportAlerts().update(cleared)) {
        throw new RejectedException(ErrorCode.INVALID_TRANSITION, "support alert " + id + " was changed concurrently");
      }
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("before", Map.of("open", true));
      d.put("after", Map.of("open", false));
      d.put("agent", alert.agent().value());
      d.put("agent_under_supervision", !t.supportAlerts().openForAgent(alert.agent()).isEmpty());
      if (note != null) {
        d.put("comment", note);
      }
      tx.record(t, actor.id(), actor.requestId(), "support.alert.clear", id.value(), d);
      return cleared;
    });
  }

  // ---- helpers ------------------------------------------------------------------------------------------

  /**
   * Runs {@code work} in one transaction; a refusal is audited as denied unless it is plain bad input or a lookup
   * miss ({@link AuditedTransactor#writeRecordingRefusals}).
   */
  private <T> T run(Actor actor, String action, String target, Function<Tx, T> work) {
    return tx.writeRecordingRefusals(actor.id(), actor.requestId(), action, target, work);
  }

  /**
   * Expiry on touch: an open action past its expiry becomes {@code expired} (audited by the system, notified), the
   * action is audited as denied, and both commit before {@code change_request_expired} is thrown.
   */
  private void touch(Tx t, Actor actor, SupportAction a, String action) {
    if (!a.expiredAt(tx.clock().instant())) {
      return;
    }
    expireIn(t, actor, a);
    RejectedException expired = new RejectedException(ErrorCode.CHANGE_REQUEST_EXPIRED,
        "support action " + a.id() + " expired at " + a.expiresAt());
    tx.recordDenied(t, actor.id(), actor.requestId(), action, a.id().value(), expired);
    throw new AuditedTransactor.CommitThenRefuse(expired);
  }

  private void expireIn(Tx t, Actor actor, SupportAction a) {
    SupportAction expired = a.resolved(ChangeState.EXPIRED, Caller.SYSTEM_ACTOR, tx.clock().instant());
    save(t, expired);
    Map<String, Object> d = SupportAction.stateChange(a, expired);
    d.put("expires_at", a.expiresAt().toString());
    notify(t, expired, EVENT_EXPIRED, false);
    tx.record(t, Caller.SYSTEM_ACTOR, actor.requestId(), "support.action.expire", a.id().value(), d);
  }

  /** Queues {@code event} to the target's owners with the action's non-secret summary. */
  private Optional<String> notify(Tx t, SupportAction a, String event, boolean disavowable) {
    Map<String, String> d = new TreeMap<>();
    d.put("type", a.type().wire());
    d.put("ticket", a.evidence().ticket());
    d.put("agent", a.agent().value());
    d.put("state", a.state().wire());
    if (a.result() != null) {
      // notification detail keys are snake_case words (Notification.DETAIL_KEY): no dots
      a.result().after().forEach((k, v) -> d.put("after_" + k, v));
    }
    return Objects.requireNonNull(notifier.queued(t, a.id(), a.target(), event, d, disavowable,
        tx.clock().instant()), "notifier answered null");
  }

  private static void save(Tx t, SupportAction next) {
    if (!t.supportActions().update(next)) {
      throw new RejectedException(ErrorCode.INVALID_TRANSITION, "support action " + next.id()
          + " was changed concurrently");
    }
  }

  private static SupportAction loadForUpdate(Tx t, SupportActionId id) {
    return t.supportActions().findForUpdate(id).orElseThrow(() -> notFound(id));
  }

  private static RejectedException notFound(SupportActionId id) {
    return new RejectedException(ErrorCode.SUPPORT_ACTION_NOT_FOUND, "no support action " + id);
  }

  private static void requireOpen(SupportAction a) {
    if (a.state() == ChangeState.EXPIRED) {
      throw new RejectedException(ErrorCode.CHANGE_REQUEST_EXPIRED, "support action " + a.id() + " expired");
    }
    if (!a.open()) {
      throw new RejectedException(ErrorCode.INVALID_TRANSITION, "support action " + a.id() + " is "
          + a.state().wire());
    }
  }

  private static RejectedException conflict(SupportAction open) {
    return new RejectedException(ErrorCode.CHANGE_REQUEST_CONFLICT, open.target().kind().wire() + " "
        + open.target().id() + " already has an open support action " + open.id() + "; it must be resolved first");
  }

  private static RejectedException notEntitled(String operator) {
    return new RejectedException(ErrorCode.APPROVER_NOT_ENTITLED, "approver " + operator
        + " does not hold the supervisor role");
  }

  private static RejectedException forbidden(String message) {
    return new RejectedException(ErrorCode.FORBIDDEN, message);
  }

  /** The audit record of a new action: everything a reviewer sees, and no secret. */
  private static Map<String, Object> describe(SupportAction a) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("type", a.type().wire());
    d.put("risk", a.risk().wire());
    d.put("target", Map.of("kind", a.target().kind().wire(), "id", a.target().id()));
    d.put("target_version", a.targetVersion());
    d.put("agent", a.agent().value());
    d.put("reason", a.reason());
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("method", a.evidence().verification().method().wire());
    v.put("reference", a.evidence().verification().reference());
    v.put("verified_by", a.evidence().verification().verifiedBy().value());
    v.put("verified_at", a.evidence().verification().verifiedAt().toString());
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("ticket", a.evidence().ticket());
    e.put("claimed_requester", a.evidence().claimedRequester());
    e.put("verification", v);
    d.put("evidence", e);
    d.put("parameters", new TreeMap<String, Object>(a.parameters()));
    Map<String, Object> q = new LinkedHashMap<>();
    q.put("approvals", a.requiredApprovals().stream().map(r -> (Object) r.wire()).toList());
    q.put("because", new ArrayList<Object>(a.requiredBecause()));
    d.put("required", q);
    d.put("agent_step_up", a.agentStepUpAt() != null);
    d.put("state", a.state().wire());
    d.put("expires_at", a.expiresAt().toString());
    return d;
  }

  private static Map<String, Object> describe(SupportResult r) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("issued", r.issued().stream().map(i -> (Object) Map.of("kind", i.kind().wire(), "ref", i.ref())).toList());
    d.put("revoked_credentials", r.revokedCredentials().stream().map(c -> (Object) c.value()).toList());
    d.put("before", new TreeMap<String, Object>(r.before()));
    d.put("after", new TreeMap<String, Object>(r.after()));
    return d;
  }
}
