package dev.bindery.change;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a change request needs before it may be applied, computed from the {@link RebindingPolicy} when the request
 * is made and stored with it (a later policy change does not alter an open request).
 *
 * @param continuity a continuity proof by a currently bound, active credential of the target
 * @param stepUpOrOwner the requesting operator's fresh step-up (at request or apply time) or an owner approval
 * @param approvals the approvals needed, one per entry (a role listed twice needs two approvers in that role)
 * @param attestedKey the new credential's key must be attested as hardware-held
 */
public record Requirements(boolean continuity, boolean stepUpOrOwner, List<ApproverRole> approvals,
    boolean attestedKey) {
  public Requirements {
    approvals = approvals == null ? List.of() : List.copyOf(approvals);
  }

  /** True if these requirements ask for no proof at all (a policy must never allow that). */
  public boolean empty() {
    return !continuity && !stepUpOrOwner && approvals.isEmpty();
  }

  /** These requirements plus the given approvals (a downgrade's). */
  public Requirements plusApprovals(List<ApproverRole> more) {
    List<ApproverRole> all = new ArrayList<>(approvals);
    for (ApproverRole r : more) {
      // a role is added only as often as it is missing: downgrade's security officer is the same person a level-2
      // recover already needs, not a second one
      if (count(all, r) < count(more, r)) {
        all.add(r);
      }
    }
    return new Requirements(continuity, stepUpOrOwner, all, attestedKey);
  }

  public Requirements withoutAttestedKey() {
    return new Requirements(continuity, stepUpOrOwner, approvals, false);
  }

  /** How many approvals each role needs. */
  public Map<ApproverRole, Integer> approvalCounts() {
    Map<ApproverRole, Integer> m = new EnumMap<>(ApproverRole.class);
    for (ApproverRole r : approvals) {
      m.merge(r, 1, Integer::sum);
    }
    return m;
  }

  /**
   * {@code approval:<role>} once for each approval still missing once {@code given} are counted, in role order: the
   * approvals part of what a request still needs.
   */
  public List<String> missingApprovals(List<Approval> given) {
    Map<ApproverRole, Integer> counted = new EnumMap<>(ApproverRole.class);
    given.forEach(a -> counted.merge(a.role(), 1, Integer::sum));
    List<String> out = new ArrayList<>();
    approvalCounts().forEach((role, n) -> {
      for (int i = counted.getOrDefault(role, 0); i < n; i++) {
        out.add("approval:" + role.wire());
      }
    });
    return out;
  }

  private static long count(List<ApproverRole> roles, ApproverRole r) {
    return roles.stream().filter(x -> Objects.equals(x, r)).count();
  }
}
