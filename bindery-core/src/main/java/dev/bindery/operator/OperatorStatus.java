package dev.bindery.operator;

/** An operator is active or disabled; a disabled operator's tokens stop working. */
public enum OperatorStatus {
  ACTIVE, DISABLED;

  public String wire() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
