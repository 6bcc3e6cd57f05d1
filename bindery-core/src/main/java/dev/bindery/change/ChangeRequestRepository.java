package dev.bindery.change;

import dev.bindery.common.Page;
import dev.bindery.identity.IdentityId;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Storage port of change requests and their approvals. Requests are never deleted: a terminal one stays as the
 * record of what was asked, by whom, and what was done.
 *
 * <p>At most one open ({@code pending} or {@code approved}) request exists per target identity: an insert or an
 * update that would make a second one throws {@link dev.bindery.store.UniqueViolation}, so two concurrent requests
 * for one identity cannot both be stored.
 */
public interface ChangeRequestRepository {
  /** Inserts a new request; {@link dev.bindery.store.UniqueViolation} for a taken id or a second open request. */
  void insert(ChangeRequest request);

  Optional<ChangeRequest> findById(ChangeRequestId id);

  /**
   * The request, locked until the end of the transaction ({@code SELECT ... FOR UPDATE}): a concurrent
   * {@code findForUpdate} of the same request waits, so two applies of one request run one after the other.
   */
  Optional<ChangeRequest> findForUpdate(ChangeRequestId id);

  /**
   * Replaces the stored request with {@code next} if the stored version equals {@code next.version() - 1}; returns
   * false (and changes nothing) otherwise. Approvals are only ever added: {@code next} holds every stored approval.
   */
  boolean update(ChangeRequest next);

  /** The open request of {@code target}, if any. */
  Optional<ChangeRequest> findOpenForIdentity(IdentityId target);

  /** How many requests of these types were made for {@code target} at or after {@code since}, in any state. */
  long countByTypesSince(IdentityId target, Set<ChangeType> types, Instant since);

  Page<ChangeRequest> list(ChangeRequestQuery query);
}
