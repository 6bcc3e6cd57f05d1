package dev.bindery.change;

import java.util.Locale;

/** Through which channel a change request was made: re-binding (issue 5) or the support desk (issue 6). */
public enum Channel {
  REBINDING, SUPPORT_DESK;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Channel parse(String value) {
    for (Channel c : values()) {
      if (c.wire().equals(value)) {
        return c;
      }
    }
    throw new IllegalArgumentException("unknown channel " + value);
  }
}
