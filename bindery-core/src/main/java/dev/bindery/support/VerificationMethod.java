package dev.bindery.support;

import java.util.Locale;
import java.util.Optional;

/** How the requester of a support action was verified out of band (docs/support-desk.md, "Evidence"). */
public enum VerificationMethod {
  /** A call back to a contact registered for the target before the request. */
  CALLBACK,
  /** Confirmation by the manager of the owning team. */
  MANAGER_CONFIRMATION,
  /** The requester proved possession of another credential that Bindery verified. */
  VERIFIED_CREDENTIAL,
  /** The requester was seen in person, with an identity document. */
  IN_PERSON;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The method with this wire name, or empty. */
  public static Optional<VerificationMethod> find(String value) {
    for (VerificationMethod m : values()) {
      if (m.wire().equals(value)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }
}
