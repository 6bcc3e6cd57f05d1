package dev.bindery.credential;

import dev.bindery.identity.IdentityId;
import java.util.List;
import java.util.Objects;

/**
 * The answer to a leak report. {@code matched} is false, and both lists empty, for a value that matches no
 * credential: nothing else is said about it.
 *
 * @param revoked the credentials this report revoked (reason key compromise)
 * @param alreadyRevoked matching credentials that were revoked before (left as they were)
 */
public record LeakReport(boolean matched, List<Match> revoked, List<Match> alreadyRevoked) {
  public LeakReport {
    revoked = List.copyOf(revoked);
    alreadyRevoked = List.copyOf(alreadyRevoked);
    if (!matched && !(revoked.isEmpty() && alreadyRevoked.isEmpty())) {
      throw new IllegalArgumentException("an unmatched report names no credential");
    }
  }

  public static LeakReport noMatch() {
    return new LeakReport(false, List.of(), List.of());
  }

  /** One matching credential. */
  public record Match(CredentialId credentialId, IdentityId identityId, CredentialType type) {
    public Match {
      Objects.requireNonNull(credentialId);
      Objects.requireNonNull(identityId);
      Objects.requireNonNull(type);
    }

    static Match of(Credential c) {
      return new Match(c.id(), c.identityId(), c.type());
    }
  }
}
