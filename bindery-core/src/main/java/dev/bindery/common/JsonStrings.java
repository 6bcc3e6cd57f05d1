package dev.bindery.common;

/**
 * A JSON string literal (RFC 8259 section 7) with the minimal escapes: {@code "} and {@code \} escaped, the
 * control characters with their short escapes or as a lowercase six-character escape (backslash, u, four hex
 * digits), every other character as is. The audit log's canonical text depends on exactly this output.
 */
public final class JsonStrings {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private JsonStrings() {}

  /** Appends {@code s} as a quoted, escaped JSON string. */
  public static void append(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20) {
            out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
