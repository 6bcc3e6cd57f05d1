package dev.bindery.server.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.bindery.change.ApproverRole;
import dev.bindery.change.ChangeType;
import dev.bindery.change.RebindingPolicy;
import dev.bindery.change.Requirements;
import dev.bindery.common.RejectedException;
import dev.bindery.identity.Scope;
import dev.bindery.server.http.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The re-binding policy file ({@code bindery.rebinding.policy-file}, docs/rebinding.md "Policy"): JSON overriding the
 * shipped defaults ({@link RebindingPolicy#defaults()}) key by key. Validated at start-up: an unknown key, type,
 * level or role, a value of the wrong JSON type, a duplicate key, or a value outside its limits fails with a
 * {@link ConfigException} whose message names the key ({@code rules.recover.2.approvals[1]}).
 *
 * <pre>{@code
 * {
 *   "rules": {
 *     "recover": {"1": {"approvals": ["owner", "security_officer"]}},
 *     "rotate": {"2": {"continuity": true, "approvals": ["owner"]}}
 *   },
 *   "downgrade_approvals": ["security_officer", "supervisor"],
 *   "request_ttl": "PT12H",
 *   "challenge_ttl": "PT5M",
 *   "abuse": {"max": 2, "window": "PT24H"},
 *   "scope_min_level": {"payments.admin": 3},
 *   "disavow_ttl": "PT72H"
 * }
 * }</pre>
 *
 * A type given in {@code rules} overrides only the levels it names; a level given replaces that level's default rule
 * entirely ({@code continuity}, {@code step_up_or_owner}, {@code attested_key} default to false and
 * {@code approvals} to none); durations are ISO-8601 ({@code PT24H}).
 */
public final class RebindingPolicyFile {
  private static final Set<String> TOP_KEYS = Set.of("rules", "downgrade_approvals", "request_ttl", "challenge_ttl",
      "abuse", "scope_min_level", "disavow_ttl");
  private static final Set<String> RULE_KEYS = Set.of("continuity", "step_up_or_owner", "approvals", "attested_key");
  private static final Set<String> ABUSE_KEYS = Set.of("max", "window");
  /** The largest policy file read; a real one is well under a kilobyte. */
  static final int MAX_BYTES = 64 * 1024;

  private RebindingPolicyFile() {}

  /** Reads and validates the policy file; {@code null} means no file: the defaults. */
  public static RebindingPolicy load(Path file) {
    if (file == null) {
      return RebindingPolicy.defaults();
    }
    byte[] bytes;
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new ConfigException(BinderyConfig.REBINDING_POLICY_FILE + ": " + file + " is larger than " + MAX_BYTES + " bytes");
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ConfigException("bindery.rebinding.policy-file: cannot read " + file + ": " + e.getMessage(), e);
    }
    return parse(bytes, BinderyConfig.REBINDING_POLICY_FILE + ": " + file);
  }

  /** Validates a policy document; {@code source} names it in messages. */
  public static RebindingPolicy parse(byte[] json, String source) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(json);
    } catch (IOException e) {
      String detail = e instanceof JsonProcessingException p ? p.getOriginalMessage() : e.getMessage();
      throw new ConfigException(source + ": not valid JSON: " + detail);
    }
    if (root == null || !root.isObject()) {
      throw new ConfigException(source + ": the policy must be a JSON object");
    }
    try {
      return policy(root, source);
    } catch (IllegalArgumentException | RejectedException e) {
      throw new ConfigException(source + ": " + e.getMessage());
    }
  }

  private static RebindingPolicy policy(JsonNode root, String source) {
    requireKnownKeys(root, TOP_KEYS, "", source);
    RebindingPolicy p = RebindingPolicy.defaults();
    if (root.has("rules")) {
      JsonNode rules = object(root.get("rules"), "rules", source);
      for (Iterator<Map.Entry<String, JsonNode>> it = rules.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> type = it.next();
        ChangeType changeType = changeType(type.getKey(), source);
        JsonNode levels = object(type.getValue(), "rules." + type.getKey(), source);
        for (Iterator<Map.Entry<String, JsonNode>> lv = levels.fields(); lv.hasNext(); ) {
          Map.Entry<String, JsonNode> level = lv.next();
          String name = "rules." + type.getKey() + "." + level.getKey();
          p = p.withRule(changeType, level(level.getKey(), name, source), rule(level.getValue(), name, source));
        }
      }
    }
    if (root.has("downgrade_approvals")) {
      p = p.withDowngradeApprovals(roles(root.get("downgrade_approvals"), "downgrade_approvals", source));
    }
    if (root.has("request_ttl")) {
      p = p.withRequestTtl(duration(root.get("request_ttl"), "request_ttl", source));
    }
    if (root.has("challenge_ttl")) {
      p = p.withChallengeTtl(duration(root.get("challenge_ttl"), "challenge_ttl", source));
    }
    if (root.has("disavow_ttl")) {
      p = p.withDisavowTtl(duration(root.get("disavow_ttl"), "disavow_ttl", source));
    }
    if (root.has("abuse")) {
      JsonNode abuse = object(root.get("abuse"), "abuse", source);
      requireKnownKeys(abuse, ABUSE_KEYS, "abuse.", source);
      int max = abuse.has("max") ? integer(abuse.get("max"), "abuse.max", source) : p.abuse().max();
      Duration window = abuse.has("window") ? duration(abuse.get("window"), "abuse.window", source)
          : p.abuse().window();
      p = p.withAbuse(new RebindingPolicy.AbuseLimit(max, window));
    }
    if (root.has("scope_min_level")) {
      JsonNode scopes = object(root.get("scope_min_level"), "scope_min_level", source);
      Map<Scope, Integer> levels = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = scopes.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String name = "scope_min_level." + e.getKey();
        Scope scope;
        try {
          scope = new Scope(e.getKey());
        } catch (RejectedException bad) {
          throw new ConfigException(source + ": " + name + ": not a scope token");
        }
        levels.put(scope, integer(e.getValue(), name, source));
      }
      p = p.withScopeMinLevel(levels);
    }
    return p;
  }

  private static Requirements rule(JsonNode node, String name, String source) {
    object(node, name, source);
    requireKnownKeys(node, RULE_KEYS, name + ".", source);
    return new Requirements(bool(node, "continuity", name, source), bool(node, "step_up_or_owner", name, source),
        node.has("approvals") ? roles(node.get("approvals"), name + ".approvals", source) : List.of(),
        bool(node, "attested_key", name, source));
  }

  private static ChangeType changeType(String value, String source) {
    for (ChangeType t : ChangeType.values()) {
      if (t.wire().equals(value)) {
        return t;
      }
    }
    throw new ConfigException(source + ": rules." + value + ": unknown change type; types are rotate, recover, "
        + "migrate");
  }

  private static int level(String value, String name, String source) {
    if (!value.matches("[1-3]")) {
      throw new ConfigException(source + ": " + name + ": unknown level '" + value + "'; levels are 1, 2, 3");
    }
    return Integer.parseInt(value);
  }

  private static List<ApproverRole> roles(JsonNode node, String name, String source) {
    if (!node.isArray()) {
      throw new ConfigException(source + ": " + name + " must be an array of roles");
    }
    List<ApproverRole> out = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode role = node.get(i);
      String at = name + "[" + i + "]";
      if (!role.isTextual()) {
        throw new ConfigException(source + ": " + at + " must be a role name");
      }
      try {
        out.add(ApproverRole.parse(at, role.asText()));
      } catch (RejectedException e) {
        throw new ConfigException(source + ": " + at + ": unknown role '" + role.asText()
            + "'; roles are owner, security_officer, supervisor");
      }
    }
    return out;
  }

  private static boolean bool(JsonNode rule, String key, String name, String source) {
    if (!rule.has(key)) {
      return false;
    }
    JsonNode v = rule.get(key);
    if (!v.isBoolean()) {
      throw new ConfigException(source + ": " + name + "." + key + " must be true or false");
    }
    return v.booleanValue();
  }

  private static int integer(JsonNode node, String name, String source) {
    if (!node.isIntegralNumber() || !node.canConvertToInt()) {
      throw new ConfigException(source + ": " + name + " must be an integer");
    }
    return node.intValue();
  }

  private static Duration duration(JsonNode node, String name, String source) {
    if (!node.isTextual()) {
      throw new ConfigException(source + ": " + name + " must be an ISO-8601 duration such as \"PT24H\"");
    }
    try {
      return Duration.parse(node.asText());
    } catch (DateTimeParseException e) {
      throw new ConfigException(source + ": " + name + " must be an ISO-8601 duration such as \"PT24H\"");
    }
  }

  private static JsonNode object(JsonNode node, String name, String source) {
    if (!node.isObject()) {
      throw new ConfigException(source + ": " + name + " must be a JSON object");
    }
    return node;
  }

  private static void requireKnownKeys(JsonNode node, Set<String> known, String prefix, String source) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!known.contains(key)) {
        throw new ConfigException(source + ": " + prefix + key + ": unknown key; known keys are "
            + String.join(", ", known.stream().sorted().toList()));
      }
    }
  }
}
