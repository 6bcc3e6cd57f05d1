package dev.bindery.identity;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A validated create request. There is no identifier field: the server assigns it. {@code externalSubject}
 * makes the create idempotent for that subject. {@code assuranceLevel} is 1 to 3 (default
 * {@link Identity#DEFAULT_ASSURANCE_LEVEL}).
 */
public record NewIdentity(
    IdentityKind kind,
    String name,
    String description,
    String tenant,
    String contact,
    Map<String, String> labels,
    Ownership ownership,
    Set<Scope> scopes,
    FederatedSubject externalSubject,
    int assuranceLevel) {
  public NewIdentity {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(ownership, "ownership");
    name = Text.required("name", name, 200);
    labels = Labels.validate(labels);
    scopes = scopes == null ? Set.of() : Set.copyOf(scopes);
    Identity.requireAssuranceLevel(assuranceLevel);
  }

  /** A request at the default assurance level. */
  public NewIdentity(IdentityKind kind, String name, String description, String tenant, String contact,
      Map<String, String> labels, Ownership ownership, Set<Scope> scopes, FederatedSubject externalSubject) {
    this(kind, name, description, tenant, contact, labels, ownership, scopes, externalSubject,
        Identity.DEFAULT_ASSURANCE_LEVEL);
  }

  public NewIdentity withAssuranceLevel(int level) {
    return new NewIdentity(kind, name, description, tenant, contact, labels, ownership, scopes, externalSubject, level);
  }
}
