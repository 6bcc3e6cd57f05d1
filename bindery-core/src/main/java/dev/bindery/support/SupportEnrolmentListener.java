package dev.bindery.support;

import dev.bindery.credential.CredentialId;
import dev.bindery.identity.IdentityId;
import dev.bindery.store.Tx;
import java.time.Instant;

/**
 * Told of every enrolment made with a temporary enrolment code of the support desk ({@code credential_reset}), inside
 * the enrolment's transaction, so that the support desk can raise its "new credential from an unusual source" alert
 * with the enrolment (docs/support-desk.md, "Review queue and alerts"). The sources seen before for the identity are
 * the {@code usedFrom} of its earlier enrolment codes ({@code t.enrolmentCodes().listForIdentity(identity)}). An
 * exception rolls the enrolment back.
 */
@FunctionalInterface
public interface SupportEnrolmentListener {
  SupportEnrolmentListener NONE = (t, action, identity, credential, source, at) -> { };

  /**
   * @param source the enrolment's remote address as recorded (at most 100 characters), or null if none was known
   */
  void enrolled(Tx t, SupportActionId action, IdentityId identity, CredentialId credential, String source,
      Instant at);
}
