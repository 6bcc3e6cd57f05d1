package dev.bindery.credential;

import dev.bindery.identity.IdentityId;
import java.util.List;
import java.util.Objects;

/**
 * The answer to a leak report. {@code matched} is false, both lists empty and {@code accessToken} null, for a value
 * that matches nothing: nothing else is said about it.
 *
 * @param revoked the credentials this report revoked (reason key compromise)
 * @param alreadyRevoked matching credentials that were revoked before (left as they were)
 * @param accessToken for a reported access token of this server, what became of it; otherwise null
 */
public record LeakReport(boolean matched, List<Match> revoked, List<Match> alreadyRevoked,
    TokenMatch accessToken) {
  public LeakReport {
    revoked = List.copyOf(revoked);
    alreadyRevoked = List.copyOf(alreadyRevoked);
    if (!matched && !(revoked.isEmpty() && alreadyRevoked.isEmpty() && accessToken == null)) {
      throw new IllegalArgumentException("an unmatched report names no credential and no token");
    }
  }

  /** A report of credentials only. */
  public LeakReport(boolean matched, List<Match> revoked, List<Match> alreadyRevoked) {
    this(matched, revoked, alreadyRevoked, null);
  }

  /** What a leak report did to a reported access token. */
  public enum TokenOutcome {
    /** This report revoked it (a {@code token} event for its jti). */
    REVOKED,
    /** It was revoked before; nothing was written for it. */
    ALREADY_REVOKED,
    /** It has expired: no verifier accepts it any more, so nothing was written for it. */
    EXPIRED;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** A reported access token: its id, the identity it was issued to, and the outcome. */
  public record TokenMatch(String jti, IdentityId identityId, TokenOutcome outcome) {
    public TokenMatch {
      Objects.requireNonNull(jti);
      Objects.requireNonNull(identityId);
      Objects.requireNonNull(outcome);
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
