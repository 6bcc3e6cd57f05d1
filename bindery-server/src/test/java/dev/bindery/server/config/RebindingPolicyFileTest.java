package dev.bindery.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bindery.change.ApproverRole;
import dev.bindery.change.ChangeType;
import dev.bindery.change.RebindingPolicy;
import dev.bindery.change.Requirements;
import dev.bindery.identity.Scope;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The re-binding policy file: overrides merge onto the defaults, and anything unknown or out of range fails start. */
class RebindingPolicyFileTest {
  static RebindingPolicy parse(String json) {
    return RebindingPolicyFile.parse(json.getBytes(StandardCharsets.UTF_8), "policy.json");
  }

  @Test
  void noFileOrEmptyObject_theDefaults() {
    assertThat(RebindingPolicyFile.load(null)).isEqualTo(RebindingPolicy.defaults());
    assertThat(parse("{}")).isEqualTo(RebindingPolicy.defaults());
  }

  @Test
  void everyKey_overridesOnlyWhatItNames(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("rebinding.json");
    Files.writeString(file, """
        {
          "rules": {
            "recover": {"1": {"approvals": ["owner", "security_officer"]}},
            "rotate": {"2": {"continuity": true, "approvals": ["owner"]}}
          },
          "downgrade_approvals": ["security_officer", "supervisor"],
          "request_ttl": "PT12H",
          "challenge_ttl": "PT5M",
          "abuse": {"max": 2},
          "scope_min_level": {"payments.admin": 3},
          "disavow_ttl": "PT48H"
        }
        """);

    RebindingPolicy p = RebindingPolicyFile.load(file);

    RebindingPolicy d = RebindingPolicy.defaults();
    assertThat(p.requirements(ChangeType.RECOVER, 1, false)).isEqualTo(new Requirements(false, false,
        List.of(ApproverRole.OWNER, ApproverRole.SECURITY_OFFICER), false));
    assertThat(p.requirements(ChangeType.RECOVER, 2, false)).isEqualTo(d.requirements(ChangeType.RECOVER, 2, false));
    assertThat(p.requirements(ChangeType.ROTATE, 2, false)).isEqualTo(new Requirements(true, false,
        List.of(ApproverRole.OWNER), false));
    assertThat(p.requirements(ChangeType.ROTATE, 1, false)).isEqualTo(d.requirements(ChangeType.ROTATE, 1, false));
    assertThat(p.rules().get(ChangeType.MIGRATE)).isEqualTo(d.rules().get(ChangeType.MIGRATE));
    assertThat(p.downgradeApprovals()).containsExactly(ApproverRole.SECURITY_OFFICER, ApproverRole.SUPERVISOR);
    assertThat(p.requestTtl()).isEqualTo(Duration.ofHours(12));
    assertThat(p.challengeTtl()).isEqualTo(Duration.ofMinutes(5));
    assertThat(p.abuse()).isEqualTo(new RebindingPolicy.AbuseLimit(2, Duration.ofHours(24)));
    assertThat(p.minLevel(new Scope("payments.admin"))).isEqualTo(3);
    assertThat(p.disavowTtl()).isEqualTo(Duration.ofHours(48));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"rule\": {}}                                              | rule: unknown key",
      "{\"rules\": {\"renew\": {}}}                                | rules.renew: unknown change type",
      "{\"rules\": {\"rotate\": {\"4\": {\"continuity\": true}}}}  | rules.rotate.4: unknown level '4'",
      "{\"rules\": {\"rotate\": {\"1\": {\"continuity\": \"yes\"}}}} | rules.rotate.1.continuity must be true or false",
      "{\"rules\": {\"rotate\": {\"1\": {\"continuity\": true, \"quorum\": 2}}}} | rules.rotate.1.quorum: unknown key",
      "{\"rules\": {\"recover\": {\"2\": {\"approvals\": [\"owner\", \"ceo\"]}}}} | rules.recover.2.approvals[1]: unknown role 'ceo'",
      "{\"rules\": {\"recover\": {\"1\": {}}}}                     | rules.recover.1 requires no proof",
      "{\"challenge_ttl\": \"PT11M\"}                              | challenge_ttl must be between",
      "{\"request_ttl\": 86400}                                    | request_ttl must be an ISO-8601 duration",
      "{\"abuse\": {\"max\": 0}}                                   | abuse.max must be between",
      "{\"abuse\": {\"limit\": 3}}                                 | abuse.limit: unknown key",
      "{\"scope_min_level\": {\"payments.admin\": 5}}              | scope_min_level.payments.admin must be 1, 2 or 3",
      "{\"scope_min_level\": {\"two words\": 2}}                   | scope_min_level.two words: not a scope token",
      "{\"downgrade_approvals\": []}                               | downgrade_approvals must name at least one",
      "{\"request_ttl\": \"PT1H\", \"request_ttl\": \"PT2H\"}      | not valid JSON",
      "[]                                                          | must be a JSON object",
  })
  void invalid_failsWithAMessageNamingTheKey(String json, String message) {
    assertThatThrownBy(() -> parse(json)).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("policy.json: ").hasMessageContaining(message);
  }

  @Test
  void unreadableFile_namesTheSetting(@TempDir Path dir) {
    assertThatThrownBy(() -> RebindingPolicyFile.load(dir.resolve("missing.json"))).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("bindery.rebinding.policy-file: cannot read");
  }
}
