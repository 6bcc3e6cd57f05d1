package dev.bindery.operator;

import dev.bindery.identity.TeamId;
import java.util.List;
import java.util.Optional;

/** Storage port for teams. */
public interface TeamRepository {
  /** Throws {@link dev.bindery.store.UniqueViolation} if the team id exists. */
  void insert(Team team);

  Optional<Team> findById(TeamId id);

  List<Team> list();
}
