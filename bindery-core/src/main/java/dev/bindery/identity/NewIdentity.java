package dev.bindery.identity;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A validated create request. There is no identifier field: the server assigns it. {@code externalSubject}
 * makes the create idempotent for that subject.
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
    FederatedSubject externalSubject) {
  public NewIdentity {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(ownership, "ownership");
    name = Text.required("name", name, 200);
    labels = Labels.validate(labels);
    scopes = scopes == null ? Set.of() : Set.copyOf(scopes);
  }
}
