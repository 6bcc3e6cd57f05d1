package dev.bindery.token;

import dev.bindery.identity.Text;
import java.time.Instant;
import java.util.Objects;

/**
 * A resource server registered to receive access tokens: its {@link Audience} (the {@code aud} of the tokens
 * issued for it, and the RFC 8707 {@code resource} value that asks for them) and a display name.
 */
public record ResourceServer(Audience audience, String name, String createdBy, Instant createdAt) {
  public ResourceServer {
    Objects.requireNonNull(audience, "audience");
    Objects.requireNonNull(createdBy, "createdBy");
    Objects.requireNonNull(createdAt, "createdAt");
    name = Text.required("name", name, 200);
  }
}
