package dev.bindery.server.bootstrap;

import dev.bindery.credential.CredentialId;
import dev.bindery.credential.EnrolmentCode;
import dev.bindery.identity.IdentityId;
import dev.bindery.store.Tx;
import dev.bindery.support.SupportActionId;
import dev.bindery.support.SupportEnrolmentListener;
import dev.bindery.support.SupportService;
import java.time.Instant;
import java.util.Objects;

/**
 * The enrolment side of the support desk's "new credential from an unusual source" alert (docs/support-desk.md,
 * "Review queue and alerts"): told of every enrolment made with a support desk's temporary code, in the enrolment's
 * transaction, it hands the enrolment's source to {@link SupportService#credentialEnrolledInTransaction}, which alerts
 * when the source was never seen for the identity and a reset was applied shortly before.
 *
 * <p>"Seen" covers every earlier enrolment of the identity, not only the support desk's: the sources recorded with the
 * identity's other used enrolment codes are recorded as sightings first (each at its own time; a source already
 * recorded keeps its first sighting). The code being redeemed, already marked used in this transaction, is not one of
 * them. An enrolment whose source is unknown (an in-process one) is not compared.
 */
final class SupportEnrolmentSources implements SupportEnrolmentListener {
  private final SupportService support;

  SupportEnrolmentSources(SupportService support) {
    this.support = Objects.requireNonNull(support);
  }

  @Override
  public void enrolled(Tx t, SupportActionId action, IdentityId identity, CredentialId credential, String source,
      Instant at) {
    if (source == null || source.isBlank()) {
      return;
    }
    for (EnrolmentCode earlier : t.enrolmentCodes().listForIdentity(identity)) {
      if (earlier.usedFrom() != null && !credential.equals(earlier.credentialId())) {
        t.supportAlerts().recordEnrolmentSource(identity, earlier.usedFrom(), earlier.usedAt());
      }
    }
    support.credentialEnrolledInTransaction(t, identity, source, at);
  }
}
