package dev.bindery.cli.rebind;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bindery.cli.output.Columns;
import dev.bindery.cli.output.Printer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * How a change request reads in a table: each approval on a line of its own ({@code role:operator at TIME
 * (step-up TIME), comment: ...}), the requester as {@code kind:id}, and the fields of the nested objects separated by
 * spaces so that a list inside one ({@code approvals=owner,security_officer}) stays one value. In a list of requests,
 * the approvals are a {@code role:operator} list. JSON output is the server's answer, unchanged.
 */
final class ChangeRequestOutput {
  static final Columns LIST = new Columns(List.of("id", "type", "target", "state", "missing", "approvals",
      "requester", "expires_at"))
      .withCell("approvals", ChangeRequestOutput::approvers)
      .withCell("requester", ChangeRequestOutput::requester);

  static final Map<String, Function<JsonNode, List<String>>> LINES = lines();

  private ChangeRequestOutput() {}

  private static Map<String, Function<JsonNode, List<String>>> lines() {
    Map<String, Function<JsonNode, List<String>>> lines = new LinkedHashMap<>();
    lines.put("requester", v -> List.of(requester(v)));
    lines.put("approvals", ChangeRequestOutput::approvals);
    for (String object : List.of("proposed", "required", "continuity", "result")) {
      lines.put(object, v -> List.of(fields(v)));
    }
    return Map.copyOf(lines);
  }

  /** One line per approval, in the order given; none: no line (shown as "-"). */
  static List<String> approvals(JsonNode approvals) {
    List<String> lines = new ArrayList<>();
    for (JsonNode a : approvals) {
      StringBuilder line = new StringBuilder(roleAndOperator(a)).append(" at ").append(Printer.cell(a.path("at")))
          .append(" (step-up ").append(Printer.cell(a.path("step_up_at"))).append(')');
      if (a.path("comment").isTextual()) {
        line.append(", comment: ").append(a.path("comment").asText());
      }
      lines.add(line.toString());
    }
    return lines;
  }

  /** {@code owner:op_...,security_officer:op_...}, or "-". */
  static String approvers(JsonNode approvals) {
    List<String> parts = new ArrayList<>();
    approvals.forEach(a -> parts.add(roleAndOperator(a)));
    return parts.isEmpty() ? "-" : String.join(",", parts);
  }

  private static String roleAndOperator(JsonNode approval) {
    return Printer.cell(approval.path("role")) + ":" + Printer.cell(approval.path("operator"));
  }

  /** {@code operator:op_...} or {@code workload:nhi_...}. */
  static String requester(JsonNode requester) {
    if (!requester.isObject()) {
      return Printer.cell(requester);
    }
    return Printer.cell(requester.path("kind")) + ":" + Printer.cell(requester.path("id"));
  }

  /** An object's fields as {@code key=value} separated by spaces (lists comma-joined); not an object: its cell. */
  static String fields(JsonNode object) {
    if (!object.isObject() || object.isEmpty()) {
      return Printer.cell(object);
    }
    List<String> parts = new ArrayList<>();
    object.properties().forEach(f -> parts.add(f.getKey() + "=" + Printer.cell(f.getValue())));
    return String.join(" ", parts);
  }
}
