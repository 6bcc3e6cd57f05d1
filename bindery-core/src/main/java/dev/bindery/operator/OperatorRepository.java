package dev.bindery.operator;

import dev.bindery.common.Page;
import dev.bindery.identity.TeamId;
import java.util.Optional;

/** Storage port for operators. */
public interface OperatorRepository {
  void insert(Operator operator);

  /** Optimistic update: succeeds only if the stored version is {@code next.version() - 1}. */
  boolean update(Operator next);

  Optional<Operator> findById(OperatorId id);

  /** Operators ordered by id, after the given id (exclusive), at most {@code limit}. */
  Page<Operator> list(OperatorId after, int limit);

  long count();

  /** True if any operator is a member of the team. */
  boolean anyMemberOf(TeamId team);
}
