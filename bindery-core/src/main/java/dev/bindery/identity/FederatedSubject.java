package dev.bindery.identity;

import dev.bindery.common.RejectedException;

/**
 * An external (issuer, subject) pair, such as a cloud workload identity or a CI provider's subject claim.
 * Unique across the whole registry, retired identities included; maps to exactly one immutable identifier.
 */
public record FederatedSubject(String issuer, String subject) {
  public FederatedSubject {
    if (issuer == null || issuer.isBlank()) {
      throw RejectedException.missing("issuer");
    }
    if (subject == null || subject.isBlank()) {
      throw RejectedException.missing("subject");
    }
    if (issuer.length() > 512 || hasControlOrSpace(issuer)) {
      throw RejectedException.invalid("issuer", "issuer must be at most 512 printable characters without spaces");
    }
    if (subject.length() > 512 || hasControl(subject)) {
      throw RejectedException.invalid("subject", "subject must be at most 512 printable characters");
    }
  }

  private static boolean hasControlOrSpace(String s) {
    return s.chars().anyMatch(c -> c <= 0x20 || c == 0x7f);
  }

  private static boolean hasControl(String s) {
    return s.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
  }
}
