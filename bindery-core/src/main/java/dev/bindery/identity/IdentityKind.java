package dev.bindery.identity;

import dev.bindery.common.RejectedException;
import java.util.Arrays;
import java.util.stream.Collectors;

/** What a machine identity stands for. */
public enum IdentityKind {
  SERVICE_ACCOUNT, WORKLOAD, PIPELINE, DEVICE, AGENT, INTEGRATION;

  public String wire() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static IdentityKind parse(String field, String value) {
    for (IdentityKind k : values()) {
      if (k.wire().equals(value)) {
        return k;
      }
    }
    throw RejectedException.invalid(field, "'" + field + "' must be one of "
        + Arrays.stream(values()).map(IdentityKind::wire).collect(Collectors.joining(", ")));
  }
}
