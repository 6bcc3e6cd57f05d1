package dev.bindery.support;

import dev.bindery.common.Page;
import dev.bindery.operator.OperatorId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Storage port of support actions ({@code support_actions}, with their approvals). Actions are never deleted.
 *
 * <p>At most one open ({@code pending} or {@code approved}) action exists per target (kind and id): an insert or an
 * update that would make a second one throws {@link dev.bindery.store.UniqueViolation}, so two concurrent actions on
 * one target cannot both be stored.
 *
 * <p>The counting methods count actions in any state, by their creation time ({@code since} inclusive), except where
 * they say otherwise.
 */
public interface SupportActionRepository {
  /** Inserts a new action; {@link dev.bindery.store.UniqueViolation} for a taken id or a second open action. */
  void insert(SupportAction action);

  Optional<SupportAction> findById(SupportActionId id);

  /** The action, locked until the end of the transaction ({@code SELECT ... FOR UPDATE}). */
  Optional<SupportAction> findForUpdate(SupportActionId id);

  /**
   * Replaces the stored action with {@code next} if the stored version equals {@code next.version() - 1}; returns
   * false (and changes nothing) otherwise. Approvals are only ever added: {@code next} holds every stored approval.
   */
  boolean update(SupportAction next);

  /** The open action of {@code target}, if any. */
  Optional<SupportAction> findOpenForTarget(SupportTarget target);

  /** Actions matching {@code query}, in id order. */
  Page<SupportAction> list(SupportActionQuery query);

  /** How many actions {@code agent} made since {@code since}. */
  long countByAgentSince(OperatorId agent, Instant since);

  /** How many distinct targets {@code agent} made actions on since {@code since}. */
  long countDistinctTargetsOfAgentSince(OperatorId agent, Instant since);

  /** How many actions of {@code types} were made on {@code target} since {@code since}. */
  long countForTargetSince(SupportTarget target, Set<SupportActionType> types, Instant since);

  /** The applied actions of {@code types} on {@code target} that were applied at or after {@code since}. */
  List<SupportAction> appliedForTargetSince(SupportTarget target, Set<SupportActionType> types, Instant since);

  /** How many applied, unreviewed actions were applied before {@code appliedBefore}. */
  long countUnreviewedAppliedBefore(Instant appliedBefore);

  /** Actions made since {@code since}, counted per agent (agents with none are absent). */
  Map<OperatorId, Long> countPerAgentSince(Instant since);

  /** Actions made since {@code since}, counted per target. */
  Map<SupportTarget, Long> countPerTargetSince(Instant since);

  /** Actions made since {@code since}, counted per type. */
  Map<SupportActionType, Long> countPerTypeSince(Instant since);
}
