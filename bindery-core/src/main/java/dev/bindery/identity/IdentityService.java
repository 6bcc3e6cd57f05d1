package dev.bindery.identity;

import dev.bindery.audit.AuditEvent;
import dev.bindery.audit.AuditQuery;
import dev.bindery.change.ChangeRequestQuery;
import dev.bindery.common.ErrorCode;
import dev.bindery.common.Page;
import dev.bindery.common.RejectedException;
import dev.bindery.security.Authorizer;
import dev.bindery.security.Caller;
import dev.bindery.store.AuditedTransactor;
import dev.bindery.store.Tx;
import dev.bindery.store.UniqueViolation;
import dev.bindery.support.SupportActionQuery;
import dev.bindery.support.SupportTarget;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The identity registry's use cases. Every change checks authorization, checks the version the caller read,
 * and writes the new version and its audit event in one transaction.
 */
public final class IdentityService {
  private final AuditedTransactor tx;
  private final Authorizer authz;
  private final SecureRandom random;
  private final IdentityLifecycleHook lifecycleHook;

  public IdentityService(AuditedTransactor tx, Authorizer authz, SecureRandom random) {
    this(tx, authz, random, IdentityLifecycleHook.NONE);
  }

  /**
   * @param lifecycleHook runs inside every suspend, resume and retire transaction (the credential cascade)
   */
  public IdentityService(AuditedTransactor tx, Authorizer authz, SecureRandom random,
      IdentityLifecycleHook lifecycleHook) {
    this.tx = tx;
    this.authz = authz;
    this.random = random;
    this.lifecycleHook = Objects.requireNonNull(lifecycleHook);
  }

  /**
   * Creates an identity with a fresh identifier. With an external subject the call is idempotent: if the
   * subject is already linked to a live identity, that identity is returned ({@code created=false}); if it
   * is linked to a retired identity, the request fails with {@code subject_linked_to_retired_identity}.
   */
  public CreateResult create(Caller caller, NewIdentity request) {
    Objects.requireNonNull(request);
    try {
      return tx.write(caller, "identity.create", "", t -> createIn(t, caller, request, null));
    } catch (UniqueViolation raced) {
      // Another request linked the same subject concurrently: answer as the idempotent create would.
      if (request.externalSubject() == null) {
        throw raced;
      }
      return tx.read(caller, "identity.create", "", t -> existingForSubject(t, request.externalSubject())
          .map(i -> new CreateResult(i, false))
          .orElseThrow(() -> raced));
    }
  }

  private CreateResult createIn(Tx t, Caller caller, NewIdentity request, IdentityId predecessor) {
    authz.requireCreateIdentity(caller, request.ownership().owningTeam());
    requireTeamsExist(t, request.ownership());
    if (request.externalSubject() != null && predecessor == null) {
      var existing = existingForSubject(t, request.externalSubject());
      if (existing.isPresent()) {
        return new CreateResult(existing.get(), false);
      }
    }
    Instant now = tx.clock().instant();
    Identity identity = new Identity(IdentityId.generate(random), request.kind(), request.name(),
        request.description(), request.tenant(), request.contact(), request.labels(), request.ownership(),
        request.scopes(), request.assuranceLevel(), IdentityStatus.ACTIVE, null, predecessor, 1, now, now);
    t.identities().insert(identity);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("after", IdentityAudit.snapshot(identity));
    if (request.externalSubject() != null && predecessor == null) {
      t.identities().insertLink(new SubjectLink(request.externalSubject(), identity.id(), now));
      details.put("external_subject", subjectMap(request.externalSubject()));
    }
    tx.record(t, caller, "identity.create", identity.id().value(), details);
    return new CreateResult(identity, true);
  }

  private static java.util.Optional<Identity> existingForSubject(Tx t, FederatedSubject subject) {
    var link = t.identities().findLink(subject);
    if (link.isEmpty()) {
      return java.util.Optional.empty();
    }
    Identity linked = t.identities().findById(link.get().identityId()).orElseThrow();
    if (linked.retired()) {
      throw new RejectedException(ErrorCode.SUBJECT_LINKED_TO_RETIRED_IDENTITY,
          "subject is linked to retired identity " + linked.id()
              + "; re-provision it explicitly to create a successor");
    }
    return java.util.Optional.of(linked);
  }

  public Identity get(Caller caller, IdentityId id) {
    authz.requireAuthenticated(caller);
    return tx.transactor().read(t -> load(t, id));
  }

  public Identity getBySubject(Caller caller, FederatedSubject subject) {
    authz.requireAuthenticated(caller);
    return tx.transactor().read(t -> {
      SubjectLink link = t.identities().findLink(subject)
          .orElseThrow(() -> new RejectedException(ErrorCode.SUBJECT_NOT_FOUND, "no identity is linked to that subject"));
      return load(t, link.identityId());
    });
  }

  public Page<Identity> search(Caller caller, IdentityQuery query) {
    authz.requireAuthenticated(caller);
    return tx.transactor().read(t -> t.identities().search(query));
  }

  public List<SubjectLink> subjects(Caller caller, IdentityId id) {
    authz.requireAuthenticated(caller);
    return tx.transactor().read(t -> {
      load(t, id);
      return t.identities().linksOf(id);
    });
  }

  /**
   * The identity's change history, oldest first, a page of at most {@code limit} events after sequence number
   * {@code afterSeq}: the audit events that target the identity, and those of its change requests (re-bindings and
   * support-desk changes, whose events target the request's id: created, challenged, proven, approved, rejected,
   * cancelled, expired, applied, disavowed, and the refusals of actions on them).
   */
  public List<AuditEvent> history(Caller caller, IdentityId id, long afterSeq, int limit) {
    authz.requireAuthenticated(caller);
    return tx.transactor().read(t -> {
      load(t, id);
      // each target's first page after the cursor holds every event of the merged page that targets it
      List<AuditEvent> events = new ArrayList<>(t.audit().query(AuditQuery.forTarget(id.value(), limit)
          .afterSeq(afterSeq)));
      List<String> requests = changeRequestIds(t, id);
      requests.addAll(supportActionIds(t, id));
      for (String request : requests) {
        events.addAll(t.audit().query(AuditQuery.forTarget(request, limit).afterSeq(afterSeq)));
      }
      events.sort(Comparator.comparingLong(AuditEvent::seq));
      return List.copyOf(events.subList(0, Math.min(limit, events.size())));
    });
  }

  /** The ids of every change request ever made for the identity, in any state. */
  private static List<String> changeRequestIds(Tx t, IdentityId id) {
    return allIds(ChangeRequestQuery.all(ChangeRequestQuery.MAX_LIMIT).withTarget(id), t.changeRequests()::list,
        (query, last) -> query.after(last.id()), r -> r.id().value());
  }

  /** The ids of every support action ever made on the identity, in any state (its events target the action). */
  private static List<String> supportActionIds(Tx t, IdentityId id) {
    return allIds(SupportActionQuery.all(SupportActionQuery.MAX_LIMIT).withTarget(SupportTarget.identity(id)),
        t.supportActions()::list, (query, last) -> query.after(last.id()), a -> a.id().value());
  }

  /** Every item's id, page after page: {@code next} makes the query of the page after the one ending in an item. */
  private static <Q, T> List<String> allIds(Q first, Function<Q, Page<T>> list, BiFunction<Q, T, Q> next,
      Function<T, String> idOf) {
    List<String> ids = new ArrayList<>();
    Q query = first;
    while (true) {
      Page<T> page = list.apply(query);
      page.items().forEach(item -> ids.add(idOf.apply(item)));
      if (page.nextCursor() == null || page.items().isEmpty()) {
        return ids;
      }
      query = next.apply(query, page.items().get(page.items().size() - 1));
    }
  }

  public Identity updateProfile(Caller caller, IdentityId id, long expectedVersion, Identity.Profile profile) {
    return change(caller, "identity.update", id, expectedVersion, (t, current) -> {
      authz.requireEditIdentity(caller, current);
      requireLive(current);
      Identity next = current.withProfile(profile, tx.clock().instant());
      return new Change(next, IdentityAudit.diff(IdentityAudit.profile(current.profile()),
          IdentityAudit.profile(next.profile())));
    });
  }

  public Identity suspend(Caller caller, IdentityId id, long expectedVersion, String reason) {
    return lifecycle(caller, "identity.suspend", id, expectedVersion, IdentityStatus.SUSPENDED, reason);
  }

  public Identity resume(Caller caller, IdentityId id, long expectedVersion) {
    return lifecycle(caller, "identity.resume", id, expectedVersion, IdentityStatus.ACTIVE, null);
  }

  public Identity retire(Caller caller, IdentityId id, long expectedVersion, String reason) {
    return lifecycle(caller, "identity.retire", id, expectedVersion, IdentityStatus.RETIRED, reason);
  }

  private Identity lifecycle(Caller caller, String action, IdentityId id, long expectedVersion,
      IdentityStatus next, String reason) {
    return change(caller, action, id, expectedVersion, (t, current) -> {
      if (next == IdentityStatus.RETIRED) {
        authz.requireRetireOrTransfer(caller, current);
      } else {
        authz.requireSuspendOrResume(caller, current);
      }
      Identity changed = current.withStatus(next, reason, tx.clock().instant());
      return new Change(changed, statusDetails(current, changed, null));
    }, (t, before, changed) -> lifecycleHook.statusChanged(t, caller, before, changed));
  }

  /**
   * Sets the identity's assurance level (1 to 3). Raising it (or setting the level it has) is for an admin or an
   * owner, audited {@code identity.assurance.raise}; lowering it only for a security officer with a fresh step-up
   * ({@code forbidden} or {@code step_up_required} for anyone else), audited {@code identity.assurance.lower}. Both
   * record the level before and after, and the reason if given. The level it already has is
   * {@code invalid_transition}; a retired identity {@code identity_retired}.
   */
  public Identity setAssuranceLevel(Caller caller, IdentityId id, long expectedVersion, int level, String reason) {
    Identity.requireAssuranceLevel(level);
    String why = Text.optional("reason", reason, 1000);
    authz.requireAuthenticated(caller);
    boolean raise = level >= tx.transactor().read(t -> load(t, id)).assuranceLevel();
    return change(caller, raise ? "identity.assurance.raise" : "identity.assurance.lower", id, expectedVersion,
        (t, current) -> {
          if (raise) {
            authz.requireRaiseAssurance(caller, current);
          } else {
            authz.requireLowerAssurance(caller);
          }
          requireLive(current);
          if (raise != level >= current.assuranceLevel()) {
            throw versionConflict(current);
          }
          Identity next = current.withAssuranceLevel(level, tx.clock().instant());
          return new Change(next, assuranceDetails(current, next, why));
        });
  }

  /** Before/after of an assurance level change, for {@code identity.assurance.raise|lower}. */
  public static Map<String, Object> assuranceDetails(Identity before, Identity after, String reason) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("before", Map.of("assurance_level", (long) before.assuranceLevel()));
    d.put("after", Map.of("assurance_level", (long) after.assuranceLevel()));
    if (reason != null) {
      d.put("reason", reason);
    }
    return d;
  }

  /**
   * Locks an active or suspended identity for security review (an admin or a security officer; a reason is
   * required). A locked identity gets no tokens, renewals, enrolments or change requests; the revocation feed gets an
   * {@code identity_locked} event (through the lifecycle hook). Audited {@code identity.lock}.
   */
  public Identity lock(Caller caller, IdentityId id, long expectedVersion, String reason) {
    return change(caller, "identity.lock", id, expectedVersion, (t, current) -> {
      authz.requireLock(caller);
      Identity next = current.lock(reason, tx.clock().instant());
      return new Change(next, statusDetails(current, next, "operator"));
    }, (t, before, after) -> lifecycleHook.statusChanged(t, caller, before, after));
  }

  /**
   * Locks the identity inside an enclosing transaction, for Bindery's own decisions (the re-binding abuse limit, a
   * "this was not us" link): no authorization check, no version check. An identity already locked or retired is
   * returned unchanged. Audited {@code identity.lock} by {@code actor} with the {@code cause} (a stable name); the
   * lifecycle hook runs as for every status change, as the system.
   *
   * @throws RejectedException {@code version_conflict} if the identity changed concurrently
   */
  public Identity lockInTransaction(Tx t, String actor, String requestId, IdentityId id, String reason,
      String cause) {
    Identity current = load(t, id);
    if (current.status() == IdentityStatus.LOCKED || current.retired()) {
      return current;
    }
    Identity next = current.lock(reason, tx.clock().instant());
    if (!t.identities().update(next)) {
      throw versionConflict(current);
    }
    Map<String, Object> d = new LinkedHashMap<>(statusDetails(current, next, cause));
    d.put("version", next.version());
    tx.record(t, actor, requestId, "identity.lock", id.value(), d);
    lifecycleHook.statusChanged(t, Caller.system(requestId), current, next);
    return next;
  }

  /**
   * Unlocks a locked identity: it becomes active. Only a security officer with a fresh step-up may
   * ({@code forbidden}, {@code step_up_required}); a reason is required. Audited {@code identity.unlock}; the feed
   * gets no event (tokens issued before the lock stay refused).
   */
  public Identity unlock(Caller caller, IdentityId id, long expectedVersion, String reason) {
    String why = Text.required("reason", reason, 1000);
    return change(caller, "identity.unlock", id, expectedVersion, (t, current) -> {
      authz.requireUnlock(caller);
      Identity next = current.unlock(tx.clock().instant());
      Map<String, Object> d = new LinkedHashMap<>(statusDetails(current, next, "operator"));
      d.put("reason", why);
      return new Change(next, d);
    }, (t, before, after) -> lifecycleHook.statusChanged(t, caller, before, after));
  }

  private static Map<String, Object> statusDetails(Identity before, Identity after, String cause) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("before", Map.of("status", before.status().wire()));
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("status", after.status().wire());
    if (after.statusReason() != null) {
      a.put("reason", after.statusReason());
    }
    d.put("after", a);
    if (cause != null) {
      d.put("cause", cause);
    }
    return d;
  }

  public Identity transferOwnership(Caller caller, IdentityId id, long expectedVersion, Ownership ownership) {
    return change(caller, "identity.transfer_ownership", id, expectedVersion, (t, current) -> {
      authz.requireRetireOrTransfer(caller, current);
      requireLive(current);
      requireTeamsExist(t, ownership);
      Identity next = current.withOwnership(ownership, tx.clock().instant());
      return new Change(next, IdentityAudit.diff(IdentityAudit.snapshot(current), IdentityAudit.snapshot(next)));
    });
  }

  public Identity setScopes(Caller caller, IdentityId id, long expectedVersion, Set<Scope> scopes) {
    return change(caller, "identity.set_scopes", id, expectedVersion, (t, current) -> {
      authz.requireScopes(caller);
      requireLive(current);
      Identity next = current.withScopes(scopes, tx.clock().instant());
      return new Change(next, IdentityAudit.diff(IdentityAudit.snapshot(current), IdentityAudit.snapshot(next)));
    });
  }

  /** Links a federated subject to a live identity; the subject must not be linked anywhere yet. */
  public SubjectLink link(Caller caller, IdentityId id, FederatedSubject subject) {
    return tx.write(caller, "identity.link", id.value(), t -> {
      Identity current = load(t, id);
      authz.requireEditIdentity(caller, current);
      requireLive(current);
      var existing = t.identities().findLink(subject);
      if (existing.isPresent()) {
        throw new RejectedException(ErrorCode.SUBJECT_ALREADY_LINKED,
            "subject is already linked to identity " + existing.get().identityId());
      }
      SubjectLink link = new SubjectLink(subject, id, tx.clock().instant());
      try {
        t.identities().insertLink(link);
      } catch (UniqueViolation e) {
        throw new RejectedException(ErrorCode.SUBJECT_ALREADY_LINKED, "subject is already linked to an identity");
      }
      tx.record(t, caller, "identity.link", id.value(), Map.of("external_subject", subjectMap(subject)));
      return link;
    });
  }

  /**
   * Explicitly re-provisions a subject whose identity is retired: creates a new identity (new identifier)
   * that records the retired one as its predecessor, and points the subject at it. Audited on both.
   */
  public Identity reprovision(Caller caller, NewIdentity request) {
    FederatedSubject subject = request.externalSubject();
    if (subject == null) {
      throw RejectedException.missing("external_subject");
    }
    return tx.write(caller, "identity.reprovision", "", t -> {
      authz.requireReprovision(caller);
      SubjectLink link = t.identities().findLink(subject)
          .orElseThrow(() -> new RejectedException(ErrorCode.SUBJECT_NOT_FOUND, "no identity is linked to that subject"));
      Identity old = load(t, link.identityId());
      if (!old.retired()) {
        throw new RejectedException(ErrorCode.INVALID_TRANSITION,
            "subject is linked to live identity " + old.id() + "; only a retired identity's subject is re-provisioned");
      }
      Identity successor = createIn(t, caller, request, old.id()).identity();
      t.identities().relink(subject, old.id(), successor.id());
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("external_subject", subjectMap(subject));
      d.put("predecessor", old.id().value());
      d.put("successor", successor.id().value());
      tx.record(t, caller, "identity.reprovision", successor.id().value(), d);
      tx.record(t, caller, "identity.succeeded", old.id().value(), d);
      return successor;
    });
  }

  private record Change(Identity next, Map<String, Object> details) {}

  private interface ChangeFn {
    Change apply(Tx t, Identity current);
  }

  private interface AfterChange {
    void run(Tx t, Identity before, Identity after);
  }

  private Identity change(Caller caller, String action, IdentityId id, long expectedVersion, ChangeFn fn) {
    return change(caller, action, id, expectedVersion, fn, (t, before, after) -> { });
  }

  private Identity change(Caller caller, String action, IdentityId id, long expectedVersion, ChangeFn fn,
      AfterChange afterChange) {
    return tx.write(caller, action, id.value(), t -> {
      Identity current = load(t, id);
      Change c = fn.apply(t, current);
      if (current.version() != expectedVersion) {
        throw versionConflict(current);
      }
      if (!t.identities().update(c.next())) {
        throw versionConflict(current);
      }
      Map<String, Object> details = new LinkedHashMap<>(c.details());
      details.put("version", c.next().version());
      tx.record(t, caller, action, id.value(), details);
      afterChange.run(t, current, c.next());
      return c.next();
    });
  }

  private static RejectedException versionConflict(Identity current) {
    return new RejectedException(ErrorCode.VERSION_CONFLICT,
        "identity was changed by someone else; re-read it (current version " + current.version() + ")");
  }

  private static void requireLive(Identity i) {
    if (i.retired()) {
      throw new RejectedException(ErrorCode.IDENTITY_RETIRED, "identity " + i.id() + " is retired");
    }
  }

  private static void requireTeamsExist(Tx t, Ownership o) {
    if (t.teams().findById(o.owningTeam()).isEmpty()) {
      throw new RejectedException(ErrorCode.TEAM_NOT_FOUND, "owning team '" + o.owningTeam() + "' does not exist",
          "owner_team");
    }
    var b = o.backupOwner();
    if (b.type() == BackupOwner.Type.TEAM && t.teams().findById(new TeamId(b.ref())).isEmpty()) {
      throw new RejectedException(ErrorCode.TEAM_NOT_FOUND, "backup team '" + b.ref() + "' does not exist",
          "backup_owner");
    }
    if (b.type() == BackupOwner.Type.OPERATOR
        && t.operators().findById(dev.bindery.operator.OperatorId.parse(b.ref())).isEmpty()) {
      throw new RejectedException(ErrorCode.OPERATOR_NOT_FOUND, "backup operator '" + b.ref() + "' does not exist",
          "backup_owner");
    }
  }

  static Identity load(Tx t, IdentityId id) {
    return t.identities().findById(id)
        .orElseThrow(() -> new RejectedException(ErrorCode.IDENTITY_NOT_FOUND, "no identity " + id));
  }

  private static Map<String, Object> subjectMap(FederatedSubject s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("issuer", s.issuer());
    m.put("subject", s.subject());
    return m;
  }
}
