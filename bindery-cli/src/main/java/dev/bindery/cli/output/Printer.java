package dev.bindery.cli.output;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bindery.cli.output.OutputFormat;
import dev.bindery.cli.http.Json;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Shows server answers in the chosen {@link OutputFormat}: {@code json} prints the server's JSON
 * pretty-printed and nothing else on stdout; {@code table} prints aligned columns. Notes and warnings go to
 * stderr in both formats so that stdout stays parseable. Control characters in server values are escaped
 * in tables so that a stored name cannot drive the terminal.
 */
public final class Printer {
  private final PrintWriter out;
  private final PrintWriter err;
  private final OutputFormat format;

  public Printer(PrintWriter out, PrintWriter err, OutputFormat format) {
    this.out = out;
    this.err = err;
    this.format = format;
  }

  public boolean isJson() {
    return format == OutputFormat.json;
  }

  /** One resource: in a table, one {@code field  value} row per top-level field. */
  public void resource(JsonNode resource) {
    if (isJson()) {
      out.println(Json.pretty(resource));
      return;
    }
    Table table = new Table();
    for (Map.Entry<String, JsonNode> field : resource.properties()) {
      table.add(List.of(sanitize(field.getKey()), cell(field.getValue())));
    }
    table.print(out);
  }

  /**
   * One resource as {@link #resource(JsonNode)} shows it, except the fields named in {@code lines}: each of those is
   * shown as the lines its function makes of the field's value, one table row per line, the field name on the first
   * (for a list of entries that one comma-joined cell would run together, such as a change request's approvals).
   */
  public void resource(JsonNode resource, Map<String, Function<JsonNode, List<String>>> lines) {
    if (isJson()) {
      out.println(Json.pretty(resource));
      return;
    }
    Table table = new Table();
    for (Map.Entry<String, JsonNode> field : resource.properties()) {
      Function<JsonNode, List<String>> render = lines.get(field.getKey());
      List<String> values = render == null ? List.of(cell(field.getValue())) : render.apply(field.getValue());
      String name = sanitize(field.getKey());
      for (String value : values.isEmpty() ? List.of("-") : values) {
        table.add(List.of(name, sanitize(value)));
        name = "";
      }
    }
    table.print(out);
  }

  /**
   * A list answer {@code {"items":[...], "next_cursor":...}}: in a table, a header row of the column names
   * in upper case, one row per item, and a hint on stderr when there is a next page.
   */
  public void list(JsonNode page, Columns columns) {
    if (isJson()) {
      out.println(Json.pretty(page));
      return;
    }
    rows(page.path("items"), columns);
    JsonNode next = page.path("next_cursor");
    if (next.isTextual() && !next.asText().isEmpty()) {
      note("more results: repeat with --cursor " + sanitize(next.asText()));
    }
  }

  /**
   * A table of the items of a JSON array (table mode only): a header row of the column names in upper case
   * and one row per item. A dotted column name is a member of an object field: {@code review.state} shows the
   * item's {@code review.state} under the header {@code REVIEW_STATE}.
   */
  public void rows(JsonNode items, Columns columns) {
    Table table = new Table();
    List<String> header = new ArrayList<>();
    for (String name : columns.fields()) {
      header.add(name.toUpperCase(Locale.ROOT).replace('.', '_'));
    }
    table.add(header);
    for (JsonNode item : items) {
      List<String> row = new ArrayList<>();
      for (String name : columns.fields()) {
        JsonNode value = item;
        for (String part : name.split("\\.")) {
          value = value.path(part);
        }
        Function<JsonNode, String> render = columns.cells().get(name);
        row.add(render == null ? cell(value) : sanitize(render.apply(value)));
      }
      table.add(row);
    }
    table.print(out);
  }

  /** Prints the JSON answer in json mode, or the given sentence in table mode. */
  public void outcome(JsonNode answer, String sentence) {
    if (isJson()) {
      out.println(Json.pretty(answer));
    } else {
      out.println(sanitize(sentence));
    }
  }

  /** A sentence on stdout in table mode only (for answers without a body, such as 204). */
  public void done(String sentence) {
    if (!isJson()) {
      out.println(sanitize(sentence));
    }
  }

  /** A raw line on stdout, unchanged (audit export lines). */
  public void raw(String line) {
    out.println(line);
  }

  /** Information for a human on stderr. */
  public void note(String message) {
    err.println(message);
  }

  public void warn(String message) {
    err.println("warning: " + message);
  }

  /** The text of a JSON value for a table cell: null as "-", arrays comma-joined, objects as k=v. */
  public static String cell(JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return "-";
    }
    if (value.isArray()) {
      List<String> parts = new ArrayList<>();
      value.forEach(v -> parts.add(cell(v)));
      return parts.isEmpty() ? "-" : String.join(",", parts);
    }
    if (value.isObject()) {
      List<String> parts = new ArrayList<>();
      value.properties().forEach(f -> parts.add(sanitize(f.getKey()) + "=" + cell(f.getValue())));
      return parts.isEmpty() ? "-" : String.join(",", parts);
    }
    if (value.isValueNode() && !value.isTextual()) {
      return value.toString();
    }
    return sanitize(value.asText());
  }

  /** Escapes C0/C1 control characters (and DEL) as backslash-u sequences. */
  static String sanitize(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
