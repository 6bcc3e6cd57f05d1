package dev.bindery.credential;

import dev.bindery.identity.IdentityId;
import dev.bindery.store.Tx;
import dev.bindery.support.SupportActionId;
import java.time.Instant;

/**
 * Told of every credential enrolled with an enrolment code ({@code POST /api/v1/enrol}), an owner's or admin's code
 * as well as a support desk's temporary one, inside the enrolment's transaction, after the credential, the used code
 * and the {@code credential.enrol} audit event are written. The support desk uses it for its "new credential from an
 * unusual source" alert (docs/support-desk.md, "Review queue and alerts"). An exception rolls the enrolment back.
 */
@FunctionalInterface
public interface EnrolmentListener {
  EnrolmentListener NONE = (t, identity, credential, supportAction, source, at, requestId) -> { };

  /**
   * @param credential the credential just enrolled
   * @param supportAction the support action whose temporary code was used, or null (an owner's or admin's code)
   * @param source the enrolment's remote address as recorded on the code (at most
   *     {@link EnrolmentCode#MAX_SOURCE_LENGTH} characters), or null when none is known (an enrolment made in this
   *     process, {@link CredentialService#IN_PROCESS_SOURCE})
   * @param requestId the enrolment request's id, for the audit events the listener writes
   */
  void enrolled(Tx t, IdentityId identity, CredentialId credential, SupportActionId supportAction, String source,
      Instant at, String requestId);
}
