package dev.bindery.support;

import dev.bindery.identity.IdentityId;
import dev.bindery.operator.OperatorId;
import dev.bindery.store.Tx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Port between the support desk ({@code SupportService}) and the temporary credentials it issues
 * (docs/support-desk.md, "Implementation contract"). Every method runs inside the support action's transaction
 * ({@code t}) and writes its rows, audit events and outbox notifications there. A secret it creates (an enrolment
 * code, recovery codes) is sealed into the outbox rows of the target's owners' webhooks and never returned, logged or
 * audited: the return values carry references only.
 *
 * <p>Each {@code issue...} method refuses with {@code 422 no_delivery_channel} (and writes nothing) when the target
 * has no active owner webhook to deliver to, so a support action never issues a secret nobody can receive.
 */
public interface SupportDelivery {
  /**
   * A single-use enrolment code for {@code identity}, valid {@code ttl} (at most 10 minutes), usable only at
   * {@code POST /api/v1/enrol} for one new credential of that identity; delivered in a {@code support.enrolment_code}
   * notification to the identity's owners' webhooks.
   */
  IssuedItem issueEnrolmentCode(Tx t, String actor, String requestId, IdentityId identity, Duration ttl,
      SupportActionId action, Instant now);

  /**
   * Removes {@code operator}'s TOTP factor, forgets every step-up recorded with their tokens (one proved with the old
   * factor no longer counts), and issues a single-use TOTP enrolment code, valid {@code ttl};
   * delivered to the webhooks of the operator's teams; redeemed by that operator, authenticated with their own token,
   * to enrol one new factor.
   */
  IssuedItem issueTotpEnrolment(Tx t, String actor, String requestId, OperatorId operator, Duration ttl,
      SupportActionId action, Instant now);

  /**
   * Replaces {@code identity}'s recovery codes with a new set (the old set stops working), stored as hashes,
   * delivered to the owners' webhooks.
   */
  IssuedItem issueRecoveryCodes(Tx t, String actor, String requestId, IdentityId identity, SupportActionId action,
      Instant now);

  /**
   * Revokes what {@code action} issued (a flagged review): an unused code is invalidated; a credential enrolled with
   * the action's enrolment code is revoked for key compromise (its feed event makes its tokens die); the recovery
   * code set is invalidated. Returns what was revoked (references and credential ids), for the audit record.
   */
  List<String> revokeIssued(Tx t, String actor, String requestId, SupportActionId action, Instant now);
}
