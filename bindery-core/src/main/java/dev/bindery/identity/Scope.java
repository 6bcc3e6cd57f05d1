package dev.bindery.identity;

import dev.bindery.common.RejectedException;
import java.util.Set;
import java.util.TreeSet;

/** An OAuth scope token (RFC 6749 section 3.3: %x21 / %x23-5B / %x5D-7E), at most 128 characters. */
public record Scope(String value) implements Comparable<Scope> {
  public Scope {
    if (value == null || value.isEmpty() || value.length() > 128) {
      throw RejectedException.invalid("scopes", "a scope is 1-128 characters");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x21 || c == 0x22 || c == 0x5c || c > 0x7e) {
        throw RejectedException.invalid("scopes", "scope contains a character RFC 6749 does not allow");
      }
    }
  }

  /** Parses a set; at most 100 scopes. */
  public static Set<Scope> parseAll(Iterable<String> values) {
    Set<Scope> out = new TreeSet<>();
    for (String v : values) {
      out.add(new Scope(v));
    }
    if (out.size() > 100) {
      throw RejectedException.invalid("scopes", "at most 100 scopes");
    }
    return Set.copyOf(out);
  }

  @Override
  public int compareTo(Scope o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
