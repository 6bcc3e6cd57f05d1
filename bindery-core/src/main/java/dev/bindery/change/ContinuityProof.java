package dev.bindery.change;

import dev.bindery.credential.CredentialId;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * A recorded proof that the requester holds a currently bound credential of the target.
 *
 * @param credentialId the credential whose key proved continuity (null only for a recovery code)
 */
public record ContinuityProof(Method method, CredentialId credentialId, Instant at) {
  /** How continuity was proven. */
  public enum Method {
    /** A JWS over a single-use challenge and the request digest, signed with the credential's key. */
    CHALLENGE_SIGNATURE,
    /** The workload presented the credential's certificate over mutual TLS when it made the request. */
    MUTUAL_TLS,
    /** A recovery code issued by the support desk (issue 6). */
    RECOVERY_CODE;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Method parse(String value) {
      for (Method m : values()) {
        if (m.wire().equals(value)) {
          return m;
        }
      }
      throw new IllegalArgumentException("unknown continuity method " + value);
    }
  }

  public ContinuityProof {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(at, "at");
    if ((method == Method.RECOVERY_CODE) != (credentialId == null)) {
      throw new IllegalArgumentException("a credential proves continuity exactly unless a recovery code does");
    }
  }
}
