package dev.bindery.identity;

import dev.bindery.common.RejectedException;
import java.util.Objects;

/** Every identity has an owning team and a backup owner that is not that same team. */
public record Ownership(TeamId owningTeam, BackupOwner backupOwner) {
  public Ownership {
    Objects.requireNonNull(owningTeam);
    Objects.requireNonNull(backupOwner);
    if (backupOwner.type() == BackupOwner.Type.TEAM && backupOwner.ref().equals(owningTeam.value())) {
      throw RejectedException.invalid("backup_owner", "backup owner must differ from the owning team");
    }
  }
}
