package dev.bindery.credential;

import dev.bindery.common.RejectedException;
import dev.bindery.identity.IdentityKind;
import java.time.Duration;
import java.util.Objects;

/**
 * How long one type of credential of one kind of identity may live, and after what age it should be rotated.
 * A new credential whose lifetime exceeds {@code maxLifetime} is refused ({@code lifetime_exceeds_policy}); an
 * issued X.509-SVID gets exactly {@code maxLifetime}. A credential older than {@code rotateAfter} appears in the
 * overdue-rotation report.
 *
 * <p>Bounds: {@code 1 s <= rotateAfter <= maxLifetime <= } {@link #hardLimit} of the type.
 */
public record RotationPolicy(IdentityKind identityKind, CredentialType credentialType, Duration maxLifetime,
    Duration rotateAfter) {

  public RotationPolicy {
    Objects.requireNonNull(identityKind);
    Objects.requireNonNull(credentialType);
    Objects.requireNonNull(maxLifetime);
    Objects.requireNonNull(rotateAfter);
    Duration limit = hardLimit(credentialType);
    if (maxLifetime.compareTo(Duration.ofSeconds(1)) < 0 || maxLifetime.compareTo(limit) > 0) {
      throw RejectedException.invalid("max_lifetime_seconds", "max lifetime of a " + credentialType.wire()
          + " must be between 1 second and " + limit.toSeconds() + " seconds");
    }
    if (rotateAfter.compareTo(Duration.ofSeconds(1)) < 0 || rotateAfter.compareTo(maxLifetime) > 0) {
      throw RejectedException.invalid("rotate_after_seconds",
          "rotate-after must be between 1 second and the max lifetime");
    }
    if (maxLifetime.getNano() != 0 || rotateAfter.getNano() != 0) {
      throw new IllegalArgumentException("policy durations are whole seconds");
    }
  }

  /**
   * The most any policy may allow: X.509-SVIDs are short-lived by design (30 days); registered keys and API
   * keys two years.
   */
  public static Duration hardLimit(CredentialType type) {
    return type == CredentialType.X509_SVID ? Duration.ofDays(30) : Duration.ofDays(730);
  }

  /**
   * The policy in force when none is stored for (kind, type): X.509-SVIDs live 24 hours and are renewed after
   * 12 (half their life, as SPIFFE agents do); API keys at most 90 days, rotated after 30; registered public keys
   * and self-signed certificates at most 365 days, rotated after 90.
   */
  public static RotationPolicy defaultFor(IdentityKind kind, CredentialType type) {
    return switch (type) {
      case X509_SVID -> new RotationPolicy(kind, type, Duration.ofHours(24), Duration.ofHours(12));
      case API_KEY -> new RotationPolicy(kind, type, Duration.ofDays(90), Duration.ofDays(30));
      case PUBLIC_KEY, SELF_SIGNED_CERTIFICATE -> new RotationPolicy(kind, type, Duration.ofDays(365),
          Duration.ofDays(90));
    };
  }
}
