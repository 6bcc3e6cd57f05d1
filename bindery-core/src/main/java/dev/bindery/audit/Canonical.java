package dev.bindery.audit;

import dev.bindery.common.JsonStrings;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * The canonical text of audit details: JSON with object keys sorted by UTF-16 code unit, no insignificant
 * white space, integers in plain decimal, strings with the minimal JSON escapes and every other control
 * character as a lowercase six-character escape (backslash, u, four hex digits). Supported values: null, Boolean, Integer, Long, BigDecimal
 * (plain notation), String, Collection, Map with String keys. Anything else is a programming error.
 */
public final class Canonical {
  private Canonical() {}

  public static String json(Object value) {
    StringBuilder out = new StringBuilder();
    write(out, value);
    return out.toString();
  }

  private static void write(StringBuilder out, Object v) {
    if (v == null) {
      out.append("null");
    } else if (v instanceof Boolean b) {
      out.append(b.booleanValue());
    } else if (v instanceof Integer || v instanceof Long) {
      out.append(v);
    } else if (v instanceof BigDecimal d) {
      out.append(d.toPlainString());
    } else if (v instanceof String s) {
      JsonStrings.append(out, s);
    } else if (v instanceof Map<?, ?> m) {
      TreeMap<String, Object> sorted = new TreeMap<>();
      m.forEach((k, val) -> {
        if (!(k instanceof String key)) {
          throw new IllegalArgumentException("not a canonical object key: " + (k == null ? "null" : k.getClass().getName()));
        }
        sorted.put(key, val);
      });
      out.append('{');
      boolean first = true;
      for (Map.Entry<String, Object> e : sorted.entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        JsonStrings.append(out, e.getKey());
        out.append(':');
        write(out, e.getValue());
      }
      out.append('}');
    } else if (v instanceof Collection<?> c) {
      out.append('[');
      boolean first = true;
      for (Object o : c) {
        if (!first) {
          out.append(',');
        }
        first = false;
        write(out, o);
      }
      out.append(']');
    } else {
      throw new IllegalArgumentException("not a canonical value: " + v.getClass().getName());
    }
  }
}
