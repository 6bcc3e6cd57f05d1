package dev.bindery.identity;

import dev.bindery.common.RejectedException;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Label validation: at most 64 labels, keys {@code [a-z0-9][a-z0-9._/-]{0,62}}, values up to 255 characters. */
public final class Labels {
  private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9._/-]{0,62}");

  private Labels() {}

  public static Map<String, String> validate(Map<String, String> labels) {
    if (labels == null) {
      return Map.of();
    }
    if (labels.size() > 64) {
      throw RejectedException.invalid("labels", "at most 64 labels");
    }
    Map<String, String> out = new TreeMap<>();
    labels.forEach((k, v) -> {
      if (k == null || !KEY.matcher(k).matches()) {
        throw RejectedException.invalid("labels", "label key must match [a-z0-9][a-z0-9._/-]{0,62}");
      }
      if (v == null || v.length() > 255 || v.chars().anyMatch(c -> c < 0x20)) {
        throw RejectedException.invalid("labels", "label value must be at most 255 printable characters");
      }
      out.put(k, v);
    });
    return java.util.Collections.unmodifiableMap(out);
  }
}
