package dev.bindery.identity;

import dev.bindery.common.RejectedException;
import java.util.regex.Pattern;

/**
 * A team's key: a lowercase slug chosen at creation and never changed (teams are not renamed; their display
 * name is free text). Owning teams and team membership refer to it.
 */
public record TeamId(String value) {
  private static final Pattern FORMAT = Pattern.compile("[a-z0-9][a-z0-9-]{1,62}");

  public TeamId {
    if (value == null || !FORMAT.matcher(value).matches()) {
      throw RejectedException.invalid("team", "team must be 2-63 characters of a-z, 0-9 and '-'");
    }
  }

  public static TeamId parse(String field, String value) {
    if (value == null || !FORMAT.matcher(value).matches()) {
      throw RejectedException.invalid(field, "'" + field + "' must be a team id: 2-63 characters of a-z, 0-9 and '-'");
    }
    return new TeamId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
