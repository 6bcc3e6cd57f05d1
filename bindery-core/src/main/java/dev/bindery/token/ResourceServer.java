package dev.bindery.token;

import dev.bindery.identity.IdentityId;
import dev.bindery.identity.Text;
import java.time.Instant;
import java.util.Objects;

/**
 * A resource server registered to receive access tokens: its {@link Audience} (the {@code aud} of the tokens
 * issued for it, and the RFC 8707 {@code resource} value that asks for them), a display name, and optionally the
 * identity it acts as when it calls Bindery (introspection with the {@code introspect} scope answers that identity
 * only for tokens whose {@code aud} names one of the resource servers linked to it).
 *
 * @param identityId the identity of the resource server, or null when none is linked
 */
public record ResourceServer(Audience audience, String name, String createdBy, Instant createdAt,
    IdentityId identityId) {
  public ResourceServer {
    Objects.requireNonNull(audience, "audience");
    Objects.requireNonNull(createdBy, "createdBy");
    Objects.requireNonNull(createdAt, "createdAt");
    name = Text.required("name", name, 200);
  }

  /** A resource server linked to no identity. */
  public ResourceServer(Audience audience, String name, String createdBy, Instant createdAt) {
    this(audience, name, createdBy, createdAt, null);
  }
}
