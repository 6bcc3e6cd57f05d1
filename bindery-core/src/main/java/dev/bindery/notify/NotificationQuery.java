package dev.bindery.notify;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.TeamId;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The notifications of one identity or of one team (exactly one of the two), newest first (creation time, then
 * identifier, both descending), paged by keyset: {@code after} is the position of the last item of the previous
 * page.
 */
public record NotificationQuery(IdentityId identity, TeamId team, Position after, int limit) {
  public static final int MAX_LIMIT = 500;

  public NotificationQuery {
    if ((identity == null) == (team == null)) {
      throw new IllegalArgumentException("a notification query is about one identity or one team");
    }
    if (limit < 1 || limit > MAX_LIMIT + 1) {
      throw new RejectedException(ErrorCode.INVALID_QUERY, "limit must be between 1 and " + MAX_LIMIT, "limit");
    }
  }

  public static NotificationQuery forIdentity(IdentityId identity, int limit) {
    return new NotificationQuery(Objects.requireNonNull(identity), null, null, limit);
  }

  public static NotificationQuery forTeam(TeamId team, int limit) {
    return new NotificationQuery(null, Objects.requireNonNull(team), null, limit);
  }

  public NotificationQuery after(Position position) {
    return new NotificationQuery(identity, team, position, limit);
  }

  public NotificationQuery withLimit(int n) {
    return new NotificationQuery(identity, team, after, n);
  }

  /** True if {@code n} comes after {@code after} in this query's order (or there is no {@code after}). */
  public boolean follows(Notification n) {
    if (after == null) {
      return true;
    }
    int c = n.createdAt().compareTo(after.createdAt());
    return c < 0 || (c == 0 && n.id().value().compareTo(after.id().value()) < 0);
  }

  /** A notification's place in the order, written {@code <epoch seconds>.<nanos>.<id>}. */
  public record Position(Instant createdAt, NotificationId id) {
    private static final Pattern WIRE = Pattern.compile("(-?[0-9]{1,19})\\.([0-9]{9})\\.(ntf_[a-z2-7]{26})");

    public Position {
      Objects.requireNonNull(createdAt);
      Objects.requireNonNull(id);
    }

    public static Position of(Notification n) {
      return new Position(n.createdAt(), n.id());
    }

    public String wire() {
      return createdAt.getEpochSecond() + "." + String.format(java.util.Locale.ROOT, "%09d", createdAt.getNano())
          + "." + id.value();
    }

    /** Null if {@code text} is not a position this class wrote. */
    public static Position parse(String text) {
      Matcher m = text == null ? null : WIRE.matcher(text);
      if (m == null || !m.matches()) {
        return null;
      }
      try {
        return new Position(Instant.ofEpochSecond(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))),
            new NotificationId(m.group(3)));
      } catch (RuntimeException e) {
        return null;
      }
    }
  }
}
