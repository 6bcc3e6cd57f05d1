package dev.bindery.server.store;

import dev.bindery.change.Approval;
import dev.bindery.change.ApproverRole;
import dev.bindery.operator.OperatorId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/**
 * The approvals of one kind of request in their own table ({@code change_approvals} of change requests,
 * {@code support_approvals} of support actions): one row per operator and request, only ever appended, with
 * {@code approval_position} keeping the list's order. The table and its request column are fixed names from this
 * package, never input.
 */
final class JdbcApprovals {
  private final Handle h;
  private final String table;
  private final String requestColumn;

  JdbcApprovals(Handle h, String table, String requestColumn) {
    this.h = h;
    this.table = table;
    this.requestColumn = requestColumn;
  }

  /** Inserts the approvals of a new request, in order. */
  void insert(String requestId, List<Approval> approvals) {
    insertAt(requestId, approvals, 0);
  }

  /**
   * Stores the approvals of {@code all} that are not stored yet, after the stored ones (called once the request's row
   * was updated). {@code all} must hold every stored approval, first and in their order.
   *
   * @throws IllegalArgumentException if {@code all} drops or reorders a stored approval
   */
  void append(String requestId, List<Approval> all) {
    Set<OperatorId> stored = new HashSet<>(h.createQuery(
            "SELECT operator_id FROM " + table + " WHERE " + requestColumn + " = :id")
        .bind("id", requestId)
        .map((rs, ctx) -> new OperatorId(rs.getString("operator_id")))
        .list());
    if (!all.stream().map(Approval::operator).collect(Collectors.toSet()).containsAll(stored)) {
      throw new IllegalArgumentException("approvals are only ever added");
    }
    List<Approval> added = all.subList(stored.size(), all.size());
    if (added.stream().anyMatch(a -> stored.contains(a.operator()))) {
      throw new IllegalArgumentException("approvals are only ever appended");
    }
    insertAt(requestId, added, stored.size());
  }

  /** Inserts approvals at positions {@code first}, {@code first + 1}...: the position keeps the list's order. */
  private void insertAt(String requestId, List<Approval> approvals, int first) {
    for (int i = 0; i < approvals.size(); i++) {
      Approval a = approvals.get(i);
      int position = first + i;
      Sql.insertUnique("approval of " + requestId + " by " + a.operator(), () -> h.createUpdate("INSERT INTO " + table
              + " (" + requestColumn + ", operator_id, approval_position, approver_role, approved_at, step_up_at, "
              + "approval_comment) VALUES (:id, :operator, :position, :role, :at, :step_up_at, :comment)")
          .bind("id", requestId)
          .bind("position", position)
          .bind("operator", a.operator().value())
          .bind("role", a.role().wire())
          .bind("at", Sql.micros(a.at()))
          .bind("step_up_at", Sql.micros(a.stepUpAt()))
          .bind("comment", a.comment())
          .execute());
    }
  }

  /** The approvals of these requests by request id, each list in approval order; a request without any is absent. */
  Map<String, List<Approval>> of(List<String> requestIds) {
    Map<String, List<Approval>> out = new LinkedHashMap<>();
    if (requestIds.isEmpty()) {
      return out;
    }
    h.createQuery("SELECT * FROM " + table + " WHERE " + requestColumn + " IN (<ids>) "
            + "ORDER BY " + requestColumn + ", approval_position")
        .bindList("ids", requestIds)
        .map((rs, ctx) -> Map.entry(rs.getString(requestColumn), new Approval(
            new OperatorId(rs.getString("operator_id")), ApproverRole.parse("approver_role",
                rs.getString("approver_role")), Sql.instant(rs.getLong("approved_at")),
            Sql.instant(rs.getLong("step_up_at")), rs.getString("approval_comment"))))
        .forEach(e -> out.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
    return out;
  }
}
