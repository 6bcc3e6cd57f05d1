package dev.bindery.server.config;

import dev.bindery.common.RejectedException;
import dev.bindery.identity.Scope;
import dev.bindery.operator.OperatorId;
import dev.bindery.support.SupportSettings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The support desk's settings ({@code bindery.support.*}, docs/support-desk.md and docs/api.md "Support desk"): the
 * rules of {@link SupportSettings} and what the Prometheus gauges report. Durations are written with a unit,
 * {@code 90s}, {@code 10m}, {@code 4h} or {@code 1d}; a threshold is {@code <max>/<window>}, such as {@code 3/24h}.
 * Every value is checked at start and a bad one fails it with a {@link ConfigException} naming the key.
 *
 * @param metricsReviewAge the gauge of unreviewed actions counts applied actions unreviewed for longer than this
 * @param metricsWindow the per-type gauges count actions made within this window
 */
public record SupportConfig(SupportSettings settings, Duration metricsReviewAge, Duration metricsWindow) {
  public static final String TICKET_PATTERN = "bindery.support.ticket-pattern";
  public static final String EVIDENCE_MAX_AGE = "bindery.support.evidence-max-age";
  public static final String TEMPORARY_TTL = "bindery.support.temporary-ttl";
  public static final String TEMPORARY_TTL_CAP = "bindery.support.temporary-ttl-cap";
  public static final String REQUEST_TTL = "bindery.support.request-ttl";
  public static final String PRIVILEGED_SCOPES = "bindery.support.privileged-scopes";
  public static final String RESETS_PER_IDENTITY = "bindery.support.alerts.resets-per-identity";
  public static final String IDENTITIES_PER_AGENT = "bindery.support.alerts.identities-per-agent";
  public static final String UNUSUAL_SOURCE_WINDOW = "bindery.support.alerts.unusual-source-window";
  public static final String AGENT_HOURS = "bindery.support.alerts.agent-hours";
  public static final String METRICS_REVIEW_AGE = "bindery.support.metrics.review-age";
  public static final String METRICS_WINDOW = "bindery.support.metrics.window";

  /** Every support key, in documentation order. */
  public static final List<String> KEYS = List.of(TICKET_PATTERN, EVIDENCE_MAX_AGE, TEMPORARY_TTL, TEMPORARY_TTL_CAP,
      REQUEST_TTL, PRIVILEGED_SCOPES, RESETS_PER_IDENTITY, IDENTITIES_PER_AGENT, UNUSUAL_SOURCE_WINDOW, AGENT_HOURS,
      METRICS_REVIEW_AGE, METRICS_WINDOW);

  public static final SupportConfig DEFAULT = new SupportConfig(SupportSettings.DEFAULT, Duration.ofHours(24),
      Duration.ofHours(24));

  private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})([smhd])");
  private static final Pattern THRESHOLD = Pattern.compile("([0-9]{1,9})/(.+)");

  public SupportConfig {
    if (settings == null || metricsReviewAge == null || metricsWindow == null) {
      throw new NullPointerException("support settings");
    }
  }

  /** The settings from the merged configuration values, defaults for the keys not given. */
  static SupportConfig from(Map<String, String> v) {
    SupportSettings d = SupportSettings.DEFAULT;
    Pattern ticket;
    try {
      ticket = SupportSettings.ticketPattern(v.getOrDefault(TICKET_PATTERN, SupportSettings.DEFAULT_TICKET_PATTERN));
    } catch (IllegalArgumentException e) {
      // the message names the key
      throw new ConfigException(e.getMessage(), e);
    }
    Duration cap = duration(v, TEMPORARY_TTL_CAP, d.temporaryTtlCap());
    Duration ttl = duration(v, TEMPORARY_TTL, v.containsKey(TEMPORARY_TTL_CAP) && cap.compareTo(d.temporaryTtl()) < 0
        ? cap : d.temporaryTtl());
    SupportSettings settings;
    try {
      settings = new SupportSettings(ticket, duration(v, EVIDENCE_MAX_AGE, d.evidenceMaxAge()), ttl, cap,
          duration(v, REQUEST_TTL, d.requestTtl()), scopes(v), threshold(v, RESETS_PER_IDENTITY, d.resetsPerIdentity()),
          threshold(v, IDENTITIES_PER_AGENT, d.identitiesPerAgent()),
          duration(v, UNUSUAL_SOURCE_WINDOW, d.unusualSourceWindow()), agentHours(v));
    } catch (IllegalArgumentException e) {
      // the settings name the setting (bindery.support.<name>) in their message
      throw new ConfigException(e.getMessage(), e);
    }
    Duration reviewAge = duration(v, METRICS_REVIEW_AGE, DEFAULT.metricsReviewAge());
    Duration window = duration(v, METRICS_WINDOW, DEFAULT.metricsWindow());
    requireBetween(METRICS_REVIEW_AGE, reviewAge, Duration.ofDays(365));
    requireBetween(METRICS_WINDOW, window, Duration.ofDays(366));
    return new SupportConfig(settings, reviewAge, window);
  }

  /** {@code <n>s}, {@code <n>m}, {@code <n>h} or {@code <n>d}. */
  static Duration duration(Map<String, String> v, String key, Duration def) {
    String s = v.get(key);
    if (s == null) {
      return def;
    }
    Duration d = parseDuration(s);
    if (d == null) {
      throw new ConfigException(key + ": must be a duration with a unit, such as 90s, 10m, 4h or 1d, not '" + s + "'");
    }
    return d;
  }

  private static Duration parseDuration(String s) {
    Matcher m = DURATION.matcher(s.strip().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      return null;
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  private static void requireBetween(String key, Duration d, Duration max) {
    if (d.compareTo(Duration.ofMinutes(1)) < 0 || d.compareTo(max) > 0) {
      throw new ConfigException(key + ": must be between 1m and " + max.toDays() + "d");
    }
  }

  /** {@code <max>/<window>}, such as {@code 3/24h}. */
  private static SupportSettings.Threshold threshold(Map<String, String> v, String key,
      SupportSettings.Threshold def) {
    String s = v.get(key);
    if (s == null) {
      return def;
    }
    Matcher m = THRESHOLD.matcher(s.strip());
    Duration window = m.matches() ? parseDuration(m.group(2)) : null;
    if (window == null) {
      throw new ConfigException(key + ": must be <count>/<window>, such as 3/24h or 10/1h, not '" + s + "'");
    }
    try {
      return new SupportSettings.Threshold(Integer.parseInt(m.group(1)), window);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key + ": " + e.getMessage(), e);
    }
  }

  /** A comma-separated list of scopes; empty or absent: none is privileged. */
  private static Set<Scope> scopes(Map<String, String> v) {
    String s = v.getOrDefault(PRIVILEGED_SCOPES, "");
    Set<Scope> out = new LinkedHashSet<>();
    if (s.isBlank()) {
      return out;
    }
    for (String entry : s.split(",", -1)) {
      try {
        out.add(new Scope(entry.strip()));
      } catch (RejectedException | IllegalArgumentException e) {
        throw new ConfigException(PRIVILEGED_SCOPES + ": '" + entry.strip() + "' is not a scope; write scopes "
            + "separated by commas, for example billing.admin,payments.write", e);
      }
    }
    return out;
  }

  /** {@code <op_id>=HH:mm-HH:mm@Zone}, comma-separated; empty or absent: no agent has hours. */
  private static Map<OperatorId, SupportSettings.WorkingHours> agentHours(Map<String, String> v) {
    String s = v.getOrDefault(AGENT_HOURS, "");
    Map<OperatorId, SupportSettings.WorkingHours> out = new LinkedHashMap<>();
    if (s.isBlank()) {
      return out;
    }
    for (String entry : s.split(",", -1)) {
      int eq = entry.indexOf('=');
      String example = "; write <operator id>=HH:mm-HH:mm@Zone separated by commas, for example "
          + "op_abc=08:00-18:00@Europe/Berlin";
      if (eq < 0) {
        throw new ConfigException(AGENT_HOURS + ": '" + entry.strip() + "' names no operator" + example);
      }
      OperatorId op;
      try {
        op = OperatorId.parse(entry.substring(0, eq).strip());
      } catch (RejectedException e) {
        throw new ConfigException(AGENT_HOURS + ": '" + entry.substring(0, eq).strip() + "' is not an operator id"
            + example, e);
      }
      try {
        if (out.put(op, SupportSettings.WorkingHours.parse(entry.substring(eq + 1).strip())) != null) {
          throw new ConfigException(AGENT_HOURS + ": operator " + op.value() + " is listed twice");
        }
      } catch (IllegalArgumentException e) {
        throw new ConfigException(AGENT_HOURS + ": " + op.value() + ": " + e.getMessage(), e);
      }
    }
    return out;
  }
}
