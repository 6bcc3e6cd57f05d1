package dev.bindery.identity;

import dev.bindery.common.RejectedException;
import dev.bindery.operator.OperatorId;
import java.util.Objects;

/**
 * The second owner of an identity: another team or a named operator. Written as {@code team:<id>} or
 * {@code operator:<id>}.
 */
public record BackupOwner(Type type, String ref) {
  public enum Type { TEAM, OPERATOR }

  public BackupOwner {
    Objects.requireNonNull(type);
    Objects.requireNonNull(ref);
    if (type == Type.TEAM) {
      new TeamId(ref);
    } else {
      OperatorId.parse(ref);
    }
  }

  public static BackupOwner team(TeamId team) {
    return new BackupOwner(Type.TEAM, team.value());
  }

  public static BackupOwner operator(OperatorId operator) {
    return new BackupOwner(Type.OPERATOR, operator.value());
  }

  public static BackupOwner parse(String field, String text) {
    if (text != null) {
      int colon = text.indexOf(':');
      if (colon > 0) {
        String kind = text.substring(0, colon);
        String ref = text.substring(colon + 1);
        try {
          if (kind.equals("team")) {
            return team(new TeamId(ref));
          }
          if (kind.equals("operator")) {
            return operator(OperatorId.parse(ref));
          }
        } catch (RejectedException e) {
          // fall through to the precise message below
        }
      }
    }
    throw RejectedException.invalid(field, "'" + field + "' must be 'team:<team id>' or 'operator:<operator id>'");
  }

  public String wire() {
    return (type == Type.TEAM ? "team:" : "operator:") + ref;
  }

  @Override
  public String toString() {
    return wire();
  }
}
