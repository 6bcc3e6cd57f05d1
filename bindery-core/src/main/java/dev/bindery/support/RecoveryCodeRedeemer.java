package dev.bindery.support;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import dev.bindery.identity.IdentityId;
import dev.bindery.store.Tx;
import java.time.Instant;

/**
 * Port from the change-request engine to recovery codes: a recovery code as the continuity proof of a re-binding
 * change request ({@code POST /api/v1/change-requests/{id}/continuity {recovery_code}}, method
 * {@code recovery_code}).
 */
@FunctionalInterface
public interface RecoveryCodeRedeemer {
  /** Accepts no code ({@code recovery_code_invalid}): a deployment without the support desk. */
  RecoveryCodeRedeemer NONE = (t, identity, code, usedFor, actor, requestId, now) -> {
    throw new RejectedException(ErrorCode.RECOVERY_CODE_INVALID, "recovery codes are not accepted here");
  };

  /**
   * Uses {@code code} of {@code identity} for the change request {@code usedFor}, inside {@code t}: marks it used,
   * issues one replacement delivered (sealed) to the owners in a {@code recovery_code.used} notification, and audits
   * the use (references only). Returns the used code's reference (hash prefix).
   *
   * @throws RejectedException {@code recovery_code_invalid} for a malformed, unknown, used or invalidated code, or a
   *     code of another identity (the message says which, never the code); {@code no_delivery_channel} when the owners
   *     have no webhook (a code is used only where its use can be told to them). Nothing is consumed then.
   */
  String redeem(Tx t, IdentityId identity, String code, String usedFor, String actor, String requestId, Instant now);
}
