package dev.bindery.history;

import dev.bindery.audit.AuditEvent;
import dev.bindery.audit.AuditQuery;
import dev.bindery.change.ChangeRequestId;
import dev.bindery.change.ChangeRequestQuery;
import dev.bindery.common.ErrorCode;
import dev.bindery.common.Page;
import dev.bindery.common.RejectedException;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityId;
import dev.bindery.security.Authorizer;
import dev.bindery.security.Caller;
import dev.bindery.store.AuditedTransactor;
import dev.bindery.store.Tx;
import dev.bindery.support.SupportActionId;
import dev.bindery.support.SupportActionQuery;
import dev.bindery.support.SupportService;
import dev.bindery.support.SupportTarget;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * An identity's history ({@code GET /api/v1/identities/{id}/history}): the audit events that target the identity,
 * merged in sequence order with those of its change requests (re-bindings, docs/rebinding.md) and of the support
 * actions made on it (docs/support-desk.md), whose events target the request's or the action's id ({@code chg_...},
 * {@code sup_...}: created, challenged, proven, approved, rejected, cancelled, expired, applied, disavowed, reviewed,
 * and the refusals of actions on them). It lives outside {@code dev.bindery.identity} because it reads the change and
 * support aggregates, which depend on identities.
 *
 * <p>Who reads what: any authenticated operator reads the identity's own events and its change requests' (as the
 * identity itself). The events of its support actions carry the support desk's evidence (ticket, claimed requester,
 * verification), which only those who may read support actions see ({@link SupportService#READERS}:
 * {@code service_desk}, {@code supervisor}, {@code security_officer}, {@code admin}, {@code auditor}) and the
 * identity's owners, who are told of every support
 * action anyway; for anyone else they are left out of the history, never refused.
 */
public final class IdentityHistory {
  private final AuditedTransactor tx;
  private final Authorizer authz;

  public IdentityHistory(AuditedTransactor tx, Authorizer authz) {
    this.tx = Objects.requireNonNull(tx);
    this.authz = Objects.requireNonNull(authz);
  }

  /**
   * A page of the identity's history, oldest first: at most {@code limit} events with a sequence number above
   * {@code afterSeq} (the previous page's last event's; 0 for the start). A page shorter than {@code limit} is the
   * last. Unknown identity: {@code identity_not_found}.
   */
  public List<AuditEvent> history(Caller caller, IdentityId id, long afterSeq, int limit) {
    authz.requireAuthenticated(caller);
    return tx.transactor().read(t -> {
      Identity identity = t.identities().findById(id)
          .orElseThrow(() -> new RejectedException(ErrorCode.IDENTITY_NOT_FOUND, "no identity " + id));
      List<String> targets = new ArrayList<>();
      targets.add(id.value());
      targets.addAll(changeRequestIds(t, id));
      if (maySeeSupportActions(caller, identity)) {
        targets.addAll(supportActionIds(t, id));
      }
      // each target's first page after the cursor holds every event of the merged page that targets it
      List<AuditEvent> events = new ArrayList<>();
      for (String target : targets) {
        events.addAll(t.audit().query(AuditQuery.forTarget(target, limit).afterSeq(afterSeq)));
      }
      events.sort(Comparator.comparingLong(AuditEvent::seq));
      return List.copyOf(events.subList(0, Math.min(limit, events.size())));
    });
  }

  /** The readers of support actions ({@link SupportService#READERS}) and the identity's owners. */
  private static boolean maySeeSupportActions(Caller caller, Identity identity) {
    return SupportService.READERS.stream().anyMatch(caller::has) || Authorizer.isOwner(caller, identity);
  }

  /** The ids of every change request ever made for the identity, in any state. */
  private static List<String> changeRequestIds(Tx t, IdentityId id) {
    ChangeRequestQuery query = ChangeRequestQuery.all(ChangeRequestQuery.MAX_LIMIT).withTarget(id);
    return allIds(last -> t.changeRequests().list(last == null ? query : query.after(ChangeRequestId.parse(last))),
        r -> r.id().value());
  }

  /** The ids of every support action ever made on the identity, in any state. */
  private static List<String> supportActionIds(Tx t, IdentityId id) {
    SupportActionQuery query = SupportActionQuery.all(SupportActionQuery.MAX_LIMIT)
        .withTarget(SupportTarget.identity(id));
    return allIds(last -> t.supportActions().list(last == null ? query : query.after(SupportActionId.parse(last))),
        a -> a.id().value());
  }

  /** Every id of a keyset-paged list: {@code pageAfter} answers the page after an id (null for the first). */
  private static <T> List<String> allIds(Function<String, Page<T>> pageAfter, Function<T, String> idOf) {
    List<String> ids = new ArrayList<>();
    String last = null;
    while (true) {
      Page<T> page = pageAfter.apply(last);
      page.items().forEach(item -> ids.add(idOf.apply(item)));
      if (page.nextCursor() == null || page.items().isEmpty()) {
        return ids;
      }
      last = ids.get(ids.size() - 1);
    }
  }
}
