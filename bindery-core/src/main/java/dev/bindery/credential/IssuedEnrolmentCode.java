package dev.bindery.credential;

import dev.bindery.common.Secret;
import dev.bindery.identity.IdentityId;
import java.time.Instant;
import java.util.Objects;

/** A new one-time enrolment code, shown once: the code, its identity and when it expires. */
public record IssuedEnrolmentCode(Secret code, IdentityId identityId, Instant expiresAt) {
  public IssuedEnrolmentCode {
    Objects.requireNonNull(code);
    Objects.requireNonNull(identityId);
    Objects.requireNonNull(expiresAt);
  }
}
