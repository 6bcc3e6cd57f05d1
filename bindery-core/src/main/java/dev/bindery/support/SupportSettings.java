package dev.bindery.support;

import dev.bindery.identity.Scope;
import dev.bindery.operator.OperatorId;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The support desk's settings ({@code bindery.support.*}, docs/support-desk.md). Validated at construction: a bad
 * value fails start-up with an {@link IllegalArgumentException} naming the setting.
 *
 * @param ticketPattern {@code ticket-pattern}: what a ticket reference looks like (whole-string match)
 * @param evidenceMaxAge {@code evidence-max-age}: the oldest out-of-band verification accepted (1 minute to 7 days)
 * @param temporaryTtl {@code temporary-ttl}: how long a temporary enrolment code or TOTP enrolment is valid when the
 *     action does not say (at most {@code temporaryTtlCap})
 * @param temporaryTtlCap {@code temporary-ttl-cap}: the longest a temporary credential may be valid (at most
 *     {@link #MAX_TEMPORARY_TTL}, the issue's 10 minutes)
 * @param requestTtl {@code request-ttl}: how long a pending action waits for its approval (1 minute to 7 days)
 * @param privilegedScopes {@code privileged-scopes}: an identity holding one of these is a privileged target
 * @param resetsPerIdentity {@code alerts.resets-per-identity}: more resets of one target than this within the window
 *     raise an alert
 * @param identitiesPerAgent {@code alerts.identities-per-agent}: one agent acting on more distinct targets than this
 *     within the window raises an alert
 * @param unusualSourceWindow {@code alerts.unusual-source-window}: a credential enrolled from a source address never
 *     seen for the identity within this time after an applied reset raises an alert
 * @param agentHours {@code alerts.agent-hours}: each agent's usual hours; an action outside them raises an alert
 *     (agents not listed have none)
 */
public record SupportSettings(
    Pattern ticketPattern,
    Duration evidenceMaxAge,
    Duration temporaryTtl,
    Duration temporaryTtlCap,
    Duration requestTtl,
    Set<Scope> privilegedScopes,
    Threshold resetsPerIdentity,
    Threshold identitiesPerAgent,
    Duration unusualSourceWindow,
    Map<OperatorId, WorkingHours> agentHours) {

  public static final String DEFAULT_TICKET_PATTERN = "^[A-Z][A-Z0-9]{1,15}-[0-9]{1,10}$";
  /** The issue's bound on a temporary recovery credential. */
  public static final Duration MAX_TEMPORARY_TTL = Duration.ofMinutes(10);

  public static final SupportSettings DEFAULT = new SupportSettings(Pattern.compile(DEFAULT_TICKET_PATTERN),
      Duration.ofHours(24), MAX_TEMPORARY_TTL, MAX_TEMPORARY_TTL, Duration.ofHours(4), Set.of(),
      new Threshold(3, Duration.ofHours(24)), new Threshold(10, Duration.ofHours(1)), Duration.ofHours(1), Map.of());

  /**
   * An anomaly threshold: more than {@code max} events within {@code window} cross it.
   *
   * @param max at least 1
   * @param window 1 minute to 30 days
   */
  public record Threshold(int max, Duration window) {
    public Threshold {
      Objects.requireNonNull(window, "window");
      if (max < 1) {
        throw new IllegalArgumentException("an alert threshold's max is at least 1");
      }
      if (window.compareTo(Duration.ofMinutes(1)) < 0 || window.compareTo(Duration.ofDays(30)) > 0) {
        throw new IllegalArgumentException("an alert threshold's window is between 1 minute and 30 days");
      }
    }
  }

  /**
   * An agent's usual hours, every day, in their zone: from {@code start} (inclusive) to {@code end} (exclusive); a
   * window with {@code end} before {@code start} runs over midnight.
   */
  public record WorkingHours(LocalTime start, LocalTime end, ZoneId zone) {
    public WorkingHours {
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(end, "end");
      Objects.requireNonNull(zone, "zone");
      if (start.equals(end)) {
        throw new IllegalArgumentException("working hours start and end at different times");
      }
    }

    /** Parses {@code HH:mm-HH:mm@Zone}, e.g. {@code 08:00-18:00@Europe/Berlin}. */
    public static WorkingHours parse(String text) {
      try {
        int at = text.indexOf('@');
        String[] range = text.substring(0, at).split("-");
        if (range.length != 2) {
          throw new IllegalArgumentException("bad range");
        }
        return new WorkingHours(LocalTime.parse(range[0].strip()), LocalTime.parse(range[1].strip()),
            ZoneId.of(text.substring(at + 1).strip()));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("working hours are written HH:mm-HH:mm@Zone, e.g. 08:00-18:00@UTC");
      }
    }

    public boolean contains(Instant at) {
      LocalTime t = ZonedDateTime.ofInstant(at, zone).toLocalTime();
      return start.isBefore(end) ? !t.isBefore(start) && t.isBefore(end) : !t.isBefore(start) || t.isBefore(end);
    }

    public String wire() {
      return start + "-" + end + "@" + zone.getId();
    }
  }

  public SupportSettings {
    Objects.requireNonNull(ticketPattern, "ticket-pattern");
    Objects.requireNonNull(resetsPerIdentity, "alerts.resets-per-identity");
    Objects.requireNonNull(identitiesPerAgent, "alerts.identities-per-agent");
    requireBetween("evidence-max-age", evidenceMaxAge, Duration.ofMinutes(1), Duration.ofDays(7));
    requireBetween("temporary-ttl-cap", temporaryTtlCap, Duration.ofSeconds(30), MAX_TEMPORARY_TTL);
    requireBetween("temporary-ttl", temporaryTtl, Duration.ofSeconds(30), temporaryTtlCap);
    requireBetween("request-ttl", requestTtl, Duration.ofMinutes(1), Duration.ofDays(7));
    requireBetween("alerts.unusual-source-window", unusualSourceWindow, Duration.ofMinutes(1), Duration.ofDays(7));
    privilegedScopes = Set.copyOf(Objects.requireNonNull(privilegedScopes, "privileged-scopes"));
    agentHours = Map.copyOf(Objects.requireNonNull(agentHours, "alerts.agent-hours"));
  }

  /** Compiles a ticket pattern from configuration, naming the setting if it is not a regular expression. */
  public static Pattern ticketPattern(String regex) {
    try {
      return Pattern.compile(Objects.requireNonNull(regex, "ticket-pattern"));
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("bindery.support.ticket-pattern is not a regular expression: "
          + e.getDescription());
    }
  }

  public SupportSettings withTicketPattern(String regex) {
    return new SupportSettings(ticketPattern(regex), evidenceMaxAge, temporaryTtl, temporaryTtlCap, requestTtl,
        privilegedScopes, resetsPerIdentity, identitiesPerAgent, unusualSourceWindow, agentHours);
  }

  public SupportSettings withPrivilegedScopes(Set<Scope> scopes) {
    return new SupportSettings(ticketPattern, evidenceMaxAge, temporaryTtl, temporaryTtlCap, requestTtl, scopes,
        resetsPerIdentity, identitiesPerAgent, unusualSourceWindow, agentHours);
  }

  public SupportSettings withThresholds(Threshold resets, Threshold identities) {
    return new SupportSettings(ticketPattern, evidenceMaxAge, temporaryTtl, temporaryTtlCap, requestTtl,
        privilegedScopes, resets, identities, unusualSourceWindow, agentHours);
  }

  public SupportSettings withAgentHours(Map<OperatorId, WorkingHours> hours) {
    return new SupportSettings(ticketPattern, evidenceMaxAge, temporaryTtl, temporaryTtlCap, requestTtl,
        privilegedScopes, resetsPerIdentity, identitiesPerAgent, unusualSourceWindow, hours);
  }

  public SupportSettings withRequestTtl(Duration ttl) {
    return new SupportSettings(ticketPattern, evidenceMaxAge, temporaryTtl, temporaryTtlCap, ttl, privilegedScopes,
        resetsPerIdentity, identitiesPerAgent, unusualSourceWindow, agentHours);
  }

  private static void requireBetween(String setting, Duration value, Duration min, Duration max) {
    if (value == null) {
      throw new IllegalArgumentException("bindery.support." + setting + " is required");
    }
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new IllegalArgumentException("bindery.support." + setting + " must be between " + min + " and " + max
          + ", not " + value);
    }
  }
}
