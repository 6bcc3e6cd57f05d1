package dev.bindery.change;

import dev.bindery.identity.Identity;
import dev.bindery.identity.Scope;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a re-binding needs at each assurance level, and the limits around it (docs/rebinding.md "Policy"). Shipped
 * defaults ({@link #defaults()}), overridable by a validated policy file. Every rule asks for some proof: a rule
 * with neither a continuity proof, nor a step-up, nor an approval is refused, so a policy file cannot open
 * re-binding to anyone who may make a request.
 *
 * <table>
 *   <caption>Defaults</caption>
 *   <tr><th>type</th><th>level 1</th><th>level 2</th><th>level 3</th></tr>
 *   <tr><td>rotate</td><td>continuity</td><td>continuity + (requester step-up or owner approval)</td>
 *       <td>continuity + owner + security_officer + attested key</td></tr>
 *   <tr><td>recover, migrate</td><td>owner</td><td>owner + security_officer</td>
 *       <td>owner + security_officer + attested key</td></tr>
 * </table>
 *
 * @param rules per type, per level 1..3, what a request needs
 * @param downgradeApprovals what a downgrade ({@code "downgrade": true}) needs in addition
 * @param requestTtl how long a request stays open (default 24 h, at most 30 days)
 * @param challengeTtl how long a continuity challenge is valid (default and at most 10 minutes, NIST SP 800-63B)
 * @param abuse recover and migrate requests allowed per identity in a window; the next one locks the identity
 * @param scopeMinLevel scopes granted only to identities of at least this level
 * @param disavowTtl how long a "this was not us" link works (default 72 h)
 */
public record RebindingPolicy(
    Map<ChangeType, Map<Integer, Requirements>> rules,
    List<ApproverRole> downgradeApprovals,
    Duration requestTtl,
    Duration challengeTtl,
    AbuseLimit abuse,
    Map<Scope, Integer> scopeMinLevel,
    Duration disavowTtl) {

  public static final Duration MAX_REQUEST_TTL = Duration.ofDays(30);
  public static final Duration MAX_CHALLENGE_TTL = Duration.ofMinutes(10);
  public static final Duration MAX_DISAVOW_TTL = Duration.ofDays(30);
  public static final int MAX_ABUSE_REQUESTS = 1000;

  /**
   * At most {@code max} recover and migrate requests per identity within {@code window}; the next one is refused
   * and locks the identity.
   */
  public record AbuseLimit(int max, Duration window) {
    public AbuseLimit {
      Objects.requireNonNull(window, "abuse.window");
      if (max < 1 || max > MAX_ABUSE_REQUESTS) {
        throw new IllegalArgumentException("abuse.max must be between 1 and " + MAX_ABUSE_REQUESTS);
      }
      within("abuse.window", window, Duration.ofMinutes(1), Duration.ofDays(365));
    }
  }

  public RebindingPolicy {
    Objects.requireNonNull(rules, "rules");
    Objects.requireNonNull(abuse, "abuse");
    Map<ChangeType, Map<Integer, Requirements>> copy = new EnumMap<>(ChangeType.class);
    for (ChangeType type : ChangeType.values()) {
      Map<Integer, Requirements> byLevel = rules.get(type);
      if (byLevel == null) {
        throw new IllegalArgumentException("rules." + type.wire() + " is missing");
      }
      for (Integer level : byLevel.keySet()) {
        if (level == null || level < Identity.MIN_ASSURANCE_LEVEL || level > Identity.MAX_ASSURANCE_LEVEL) {
          throw new IllegalArgumentException("rules." + type.wire() + ": unknown level " + level + "; levels are 1, 2, 3");
        }
      }
      Map<Integer, Requirements> levels = new TreeMap<>();
      for (int level = Identity.MIN_ASSURANCE_LEVEL; level <= Identity.MAX_ASSURANCE_LEVEL; level++) {
        Requirements r = byLevel.get(level);
        String name = "rules." + type.wire() + "." + level;
        if (r == null) {
          throw new IllegalArgumentException(name + " is missing");
        }
        if (r.empty()) {
          throw new IllegalArgumentException(name + " requires no proof; every rule needs a continuity proof, a "
              + "step-up or an approval");
        }
        levels.put(level, r);
      }
      copy.put(type, Map.copyOf(levels));
    }
    rules = Map.copyOf(copy);
    downgradeApprovals = List.copyOf(Objects.requireNonNull(downgradeApprovals, "downgrade_approvals"));
    if (downgradeApprovals.isEmpty()) {
      throw new IllegalArgumentException("downgrade_approvals must name at least one approval");
    }
    within("request_ttl", requestTtl, Duration.ofMinutes(1), MAX_REQUEST_TTL);
    within("challenge_ttl", challengeTtl, Duration.ofSeconds(30), MAX_CHALLENGE_TTL);
    within("disavow_ttl", disavowTtl, Duration.ofMinutes(1), MAX_DISAVOW_TTL);
    scopeMinLevel = Map.copyOf(Objects.requireNonNull(scopeMinLevel, "scope_min_level"));
    scopeMinLevel.forEach((scope, level) -> {
      if (level == null || level < Identity.MIN_ASSURANCE_LEVEL || level > Identity.MAX_ASSURANCE_LEVEL) {
        throw new IllegalArgumentException("scope_min_level." + scope.value() + " must be 1, 2 or 3");
      }
    });
  }

  private static void within(String name, Duration d, Duration min, Duration max) {
    Objects.requireNonNull(d, name);
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw new IllegalArgumentException(name + " must be between " + min.toSeconds() + " and " + max.toSeconds()
          + " seconds");
    }
  }

  /** The shipped defaults of docs/rebinding.md. */
  public static RebindingPolicy defaults() {
    List<ApproverRole> ownerAndOfficer = List.of(ApproverRole.OWNER, ApproverRole.SECURITY_OFFICER);
    Map<ChangeType, Map<Integer, Requirements>> rules = new EnumMap<>(ChangeType.class);
    rules.put(ChangeType.ROTATE, Map.of(
        1, new Requirements(true, false, List.of(), false),
        2, new Requirements(true, true, List.of(), false),
        3, new Requirements(true, false, ownerAndOfficer, true)));
    Map<Integer, Requirements> approvals = Map.of(
        1, new Requirements(false, false, List.of(ApproverRole.OWNER), false),
        2, new Requirements(false, false, ownerAndOfficer, false),
        3, new Requirements(false, false, ownerAndOfficer, true));
    rules.put(ChangeType.RECOVER, approvals);
    rules.put(ChangeType.MIGRATE, approvals);
    return new RebindingPolicy(rules, List.of(ApproverRole.SECURITY_OFFICER), Duration.ofHours(24),
        Duration.ofMinutes(10), new AbuseLimit(3, Duration.ofHours(24)), Map.of(), Duration.ofHours(72));
  }

  /**
   * What a request of {@code type} for an identity at {@code identityLevel} needs. The requirement of the identity's
   * level applies whatever the new credential's level (never weaker than the NIST rule's {@code min(identity,
   * credential)}); a downgrade adds {@link #downgradeApprovals} and drops the attested-key requirement (the new
   * credential is weaker by definition, and the identity's level drops to it on apply).
   */
  public Requirements requirements(ChangeType type, int identityLevel, boolean downgrade) {
    Requirements r = rules.get(type).get(Identity.requireAssuranceLevel(identityLevel));
    return downgrade ? r.plusApprovals(downgradeApprovals).withoutAttestedKey() : r;
  }

  /** The lowest identity level at which {@code scope} may be granted (1 unless the policy says otherwise). */
  public int minLevel(Scope scope) {
    return scopeMinLevel.getOrDefault(scope, Identity.MIN_ASSURANCE_LEVEL);
  }

  public RebindingPolicy withRule(ChangeType type, int level, Requirements requirements) {
    Map<ChangeType, Map<Integer, Requirements>> next = new EnumMap<>(rules);
    Map<Integer, Requirements> levels = new TreeMap<>(rules.get(type));
    levels.put(level, requirements);
    next.put(type, levels);
    return new RebindingPolicy(next, downgradeApprovals, requestTtl, challengeTtl, abuse, scopeMinLevel, disavowTtl);
  }

  public RebindingPolicy withDowngradeApprovals(List<ApproverRole> value) {
    return new RebindingPolicy(rules, value, requestTtl, challengeTtl, abuse, scopeMinLevel, disavowTtl);
  }

  public RebindingPolicy withRequestTtl(Duration value) {
    return new RebindingPolicy(rules, downgradeApprovals, value, challengeTtl, abuse, scopeMinLevel, disavowTtl);
  }

  public RebindingPolicy withChallengeTtl(Duration value) {
    return new RebindingPolicy(rules, downgradeApprovals, requestTtl, value, abuse, scopeMinLevel, disavowTtl);
  }

  public RebindingPolicy withAbuse(AbuseLimit value) {
    return new RebindingPolicy(rules, downgradeApprovals, requestTtl, challengeTtl, value, scopeMinLevel, disavowTtl);
  }

  public RebindingPolicy withScopeMinLevel(Map<Scope, Integer> value) {
    return new RebindingPolicy(rules, downgradeApprovals, requestTtl, challengeTtl, abuse, value, disavowTtl);
  }

  public RebindingPolicy withDisavowTtl(Duration value) {
    return new RebindingPolicy(rules, downgradeApprovals, requestTtl, challengeTtl, abuse, scopeMinLevel, value);
  }
}
