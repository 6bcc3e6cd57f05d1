package dev.bindery.operator;

import dev.bindery.identity.TeamId;
import dev.bindery.identity.Text;
import java.time.Instant;
import java.util.Objects;

/** A team that owns identities; operators are its members. */
public record Team(TeamId id, String displayName, Instant createdAt) {
  public Team {
    Objects.requireNonNull(id);
    Objects.requireNonNull(createdAt);
    displayName = Text.required("display_name", displayName, 200);
  }
}
