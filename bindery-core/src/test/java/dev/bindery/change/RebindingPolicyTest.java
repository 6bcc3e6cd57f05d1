package dev.bindery.change;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bindery.identity.Scope;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The defaults table of docs/rebinding.md, the downgrade rule, and the validation of an overriding policy. */
class RebindingPolicyTest {
  static final List<ApproverRole> OWNER = List.of(ApproverRole.OWNER);
  static final List<ApproverRole> OWNER_AND_OFFICER = List.of(ApproverRole.OWNER, ApproverRole.SECURITY_OFFICER);
  final RebindingPolicy defaults = RebindingPolicy.defaults();

  @Test
  void defaults_theTableOfTheContract() {
    assertThat(defaults.requirements(ChangeType.ROTATE, 1, false)).isEqualTo(new Requirements(true, false, List.of(),
        false));
    assertThat(defaults.requirements(ChangeType.ROTATE, 2, false)).isEqualTo(new Requirements(true, true, List.of(),
        false));
    assertThat(defaults.requirements(ChangeType.ROTATE, 3, false)).isEqualTo(new Requirements(true, false,
        OWNER_AND_OFFICER, true));
    for (ChangeType t : List.of(ChangeType.RECOVER, ChangeType.MIGRATE)) {
      assertThat(defaults.requirements(t, 1, false)).isEqualTo(new Requirements(false, false, OWNER, false));
      assertThat(defaults.requirements(t, 2, false)).isEqualTo(new Requirements(false, false, OWNER_AND_OFFICER,
          false));
      assertThat(defaults.requirements(t, 3, false)).isEqualTo(new Requirements(false, false, OWNER_AND_OFFICER,
          true));
    }
    assertThat(defaults.requestTtl()).isEqualTo(Duration.ofHours(24));
    assertThat(defaults.challengeTtl()).isEqualTo(Duration.ofMinutes(10));
    assertThat(defaults.abuse()).isEqualTo(new RebindingPolicy.AbuseLimit(3, Duration.ofHours(24)));
    assertThat(defaults.disavowTtl()).isEqualTo(Duration.ofHours(72));
    assertThat(defaults.minLevel(new Scope("anything"))).isEqualTo(1);
  }

  @Test
  void downgrade_addsTheSecurityOfficerOnceAndDropsTheAttestedKey() {
    assertThat(defaults.requirements(ChangeType.ROTATE, 2, true)).isEqualTo(new Requirements(true, true,
        List.of(ApproverRole.SECURITY_OFFICER), false));
    assertThat(defaults.requirements(ChangeType.RECOVER, 3, true)).isEqualTo(new Requirements(false, false,
        OWNER_AND_OFFICER, false));
    assertThat(defaults.withDowngradeApprovals(List.of(ApproverRole.SECURITY_OFFICER, ApproverRole.SECURITY_OFFICER))
        .requirements(ChangeType.RECOVER, 2, true).approvals())
        .containsExactly(ApproverRole.OWNER, ApproverRole.SECURITY_OFFICER, ApproverRole.SECURITY_OFFICER);
  }

  @Test
  void validation_everyTypeAndLevelPresentAndEveryRuleAsksForAProof() {
    Map<ChangeType, Map<Integer, Requirements>> rules = new EnumMap<>(defaults.rules());
    rules.remove(ChangeType.MIGRATE);
    assertThatThrownBy(() -> new RebindingPolicy(rules, defaults.downgradeApprovals(), defaults.requestTtl(),
        defaults.challengeTtl(), defaults.abuse(), Map.of(), defaults.disavowTtl()))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("rules.migrate is missing");
    Map<Integer, Requirements> twoLevels = new HashMap<>(defaults.rules().get(ChangeType.ROTATE));
    twoLevels.remove(3);
    Map<ChangeType, Map<Integer, Requirements>> partial = new EnumMap<>(defaults.rules());
    partial.put(ChangeType.ROTATE, twoLevels);
    assertThatThrownBy(() -> new RebindingPolicy(partial, defaults.downgradeApprovals(), defaults.requestTtl(),
        defaults.challengeTtl(), defaults.abuse(), Map.of(), defaults.disavowTtl()))
        .hasMessage("rules.rotate.3 is missing");
    Map<Integer, Requirements> fourLevels = new HashMap<>(defaults.rules().get(ChangeType.ROTATE));
    fourLevels.put(4, new Requirements(true, false, List.of(), false));
    partial.put(ChangeType.ROTATE, fourLevels);
    assertThatThrownBy(() -> new RebindingPolicy(partial, defaults.downgradeApprovals(), defaults.requestTtl(),
        defaults.challengeTtl(), defaults.abuse(), Map.of(), defaults.disavowTtl()))
        .hasMessageContaining("unknown level 4");
    assertThatThrownBy(() -> defaults.withRule(ChangeType.RECOVER, 1, new Requirements(false, false, List.of(),
        false))).hasMessageStartingWith("rules.recover.1 requires no proof");
  }

  @Test
  void validation_limits() {
    assertThatThrownBy(() -> defaults.withChallengeTtl(Duration.ofMinutes(11)))
        .hasMessageStartingWith("challenge_ttl must be between");
    assertThatThrownBy(() -> defaults.withRequestTtl(Duration.ofDays(31))).hasMessageStartingWith("request_ttl");
    assertThatThrownBy(() -> defaults.withDisavowTtl(Duration.ZERO)).hasMessageStartingWith("disavow_ttl");
    assertThatThrownBy(() -> new RebindingPolicy.AbuseLimit(0, Duration.ofHours(1)))
        .hasMessageStartingWith("abuse.max");
    assertThatThrownBy(() -> defaults.withDowngradeApprovals(List.of())).hasMessageStartingWith("downgrade_approvals");
    assertThatThrownBy(() -> defaults.withScopeMinLevel(Map.of(new Scope("payments.admin"), 4)))
        .hasMessage("scope_min_level.payments.admin must be 1, 2 or 3");
    assertThat(defaults.withScopeMinLevel(Map.of(new Scope("payments.admin"), 3)).minLevel(new Scope("payments.admin")))
        .isEqualTo(3);
  }
}
