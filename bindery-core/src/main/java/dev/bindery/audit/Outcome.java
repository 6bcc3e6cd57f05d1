package dev.bindery.audit;

/** How the audited request ended. */
public enum Outcome {
  SUCCESS, DENIED, FAILED;

  public String wire() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static Outcome parse(String s) {
    return valueOf(s.toUpperCase(java.util.Locale.ROOT));
  }
}
