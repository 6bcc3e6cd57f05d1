package dev.bindery.support;

import dev.bindery.credential.CredentialId;
import dev.bindery.credential.CredentialService;
import dev.bindery.credential.EnrolmentCode;
import dev.bindery.credential.EnrolmentListener;
import dev.bindery.identity.IdentityId;
import dev.bindery.store.Tx;
import java.time.Instant;
import java.util.Objects;

/**
 * The enrolment side of the support desk's "new credential from an unusual source" alert (docs/support-desk.md,
 * "Review queue and alerts"): told of every enrolment with a code ({@code POST /api/v1/enrol}), the support desk's
 * temporary code or an owner's or admin's ordinary one, in the enrolment's transaction, it hands the enrolment's
 * source to {@link SupportService#credentialEnrolledInTransaction}, which records it for the identity and alerts when
 * it was never seen for the identity and a {@code credential_reset} of it was applied shortly before. An attacker who
 * talked the desk into a reset may enrol with any code they get hold of, so the kind of code does not matter.
 *
 * <p>"Seen" covers every earlier enrolment of the identity: the sources recorded with the identity's other used
 * enrolment codes (those used before every enrolment was recorded) are recorded as sightings first, each at its own
 * time (a source already recorded keeps its first sighting). The code being redeemed, already marked used in this
 * transaction, is not one of them. An enrolment whose source is unknown (one made in this process) is neither
 * recorded nor compared.
 */
public final class SupportEnrolmentSources implements EnrolmentListener {
  private final SupportService support;

  public SupportEnrolmentSources(SupportService support) {
    this.support = Objects.requireNonNull(support);
  }

  @Override
  public void enrolled(Tx t, IdentityId identity, CredentialId credential, SupportActionId supportAction,
      String source, Instant at, String requestId) {
    if (source == null || source.isBlank()) {
      return;
    }
    for (EnrolmentCode earlier : t.enrolmentCodes().listForIdentity(identity)) {
      if (earlier.usedFrom() != null && !CredentialService.IN_PROCESS_SOURCE.equals(earlier.usedFrom())
          && !credential.equals(earlier.credentialId())) {
        t.supportAlerts().recordEnrolmentSource(identity, earlier.usedFrom(), earlier.usedAt());
      }
    }
    support.credentialEnrolledInTransaction(t, identity, source, at, requestId);
  }
}
