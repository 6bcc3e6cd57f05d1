package dev.bindery.token;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.bindery.common.JsonStrings;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;

/**
 * The JSON text of a JWT claims set: the members and values of {@link JWTClaimsSet#toJSONObject()} (dates as
 * NumericDate seconds, a single audience as a string), written directly instead of through Nimbus's general JSON
 * writer, which cost a few percent of a token's server CPU. Strings are escaped as RFC 8259 section 7 requires
 * ({@code "}, {@code \} and the control characters; everything else as is, in UTF-8). A claims set holding a value
 * of any other type than strings, integral numbers, booleans, null, lists and string-keyed maps of these is written
 * by Nimbus as before.
 */
final class ClaimsJson {
  private ClaimsJson() {}

  static String write(JWTClaimsSet claims) {
    StringBuilder out = new StringBuilder(512);
    return value(out, claims.toJSONObject()) ? out.toString() : claims.toString();
  }

  /** Appends {@code v}; false if it holds a type this writer does not know. */
  private static boolean value(StringBuilder out, Object v) {
    if (v == null) {
      out.append("null");
    } else if (v instanceof String s) {
      JsonStrings.append(out, s);
    } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte
        || v instanceof BigInteger) {
      out.append(v);
    } else if (v instanceof Boolean b) {
      out.append(b.booleanValue());
    } else if (v instanceof Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String key)) {
          return false;
        }
        if (!first) {
          out.append(',');
        }
        first = false;
        JsonStrings.append(out, key);
        out.append(':');
        if (!value(out, e.getValue())) {
          return false;
        }
      }
      out.append('}');
    } else if (v instanceof Collection<?> list) {
      out.append('[');
      boolean first = true;
      for (Object item : list) {
        if (!first) {
          out.append(',');
        }
        first = false;
        if (!value(out, item)) {
          return false;
        }
      }
      out.append(']');
    } else {
      return false;
    }
    return true;
  }
}
