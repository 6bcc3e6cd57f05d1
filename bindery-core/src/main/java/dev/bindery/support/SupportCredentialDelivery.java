package dev.bindery.support;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.Hashing;
import dev.bindery.common.RejectedException;
import dev.bindery.common.Secret;
import dev.bindery.credential.Credential;
import dev.bindery.credential.CredentialService;
import dev.bindery.credential.EnrolmentCode;
import dev.bindery.credential.EnrolmentCodes;
import dev.bindery.credential.SecretHash;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityId;
import dev.bindery.notify.NotificationService;
import dev.bindery.notify.SecretKind;
import dev.bindery.notify.SecretPayload;
import dev.bindery.notify.Webhook;
import dev.bindery.operator.OperatorId;
import dev.bindery.operator.TotpReset;
import dev.bindery.operator.TotpResets;
import dev.bindery.pki.RevocationReason;
import dev.bindery.store.AuditedTransactor;
import dev.bindery.store.Tx;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The temporary credentials of the support desk and their delivery (docs/support-desk.md, "Temporary recovery
 * credential", "Implementation contract"): the {@link SupportDelivery} the support service calls inside its action's
 * transaction, and the {@link RecoveryCodeRedeemer} the change-request engine calls for a recovery code.
 *
 * <p>Every secret is generated here, stored only as its SHA-256, and handed to the owners only sealed in outbox rows
 * of their webhooks ({@link NotificationService#queueForIdentity} with a {@link SecretPayload}): it is never returned,
 * logged or audited; return values and audit details carry references (hash prefixes). With no webhook to deliver to,
 * an issue is refused with {@code 422 no_delivery_channel} before anything is written.
 *
 * <ul>
 *   <li>{@link #issueEnrolmentCode}: a {@code bnd_enr_} enrolment code linked to the action, valid at most 10 minutes,
 *       redeemed at {@code POST /api/v1/enrol} only (the credential enrolled with it is found through the code);
 *       earlier unused support codes of the identity are revoked. Event {@value #EVENT_ENROLMENT_CODE}.
 *   <li>{@link #issueTotpEnrolment}: removes the operator's TOTP factor and forgets the step-ups proved with it (every
 *       token of the operator needs a new step-up, with the new factor), revokes earlier unused resets, stores a
 *       {@code bnd_tre_} code ({@link TotpReset}) for the webhooks of the operator's teams. Event
 *       {@value #EVENT_TOTP_ENROLMENT}.
 *   <li>{@link #issueRecoveryCodes}: {@value RecoveryCodes#SET_SIZE} {@code bnd_rc_} codes replacing the identity's
 *       unused ones. Event {@value #EVENT_RECOVERY_CODES}.
 *   <li>{@link #revokeIssued}: what a flagged action issued stops working (a factor enrolled with its code is removed
 *       and the step-ups proved with it are forgotten).
 *   <li>{@link #redeem}: a recovery code used once as a continuity proof; one replacement is delivered in a
 *       {@value #EVENT_RECOVERY_CODE_USED} notification.
 * </ul>
 */
public final class SupportCredentialDelivery implements SupportDelivery, RecoveryCodeRedeemer {
  public static final String EVENT_ENROLMENT_CODE = "support.enrolment_code";
  public static final String EVENT_TOTP_ENROLMENT = "support.totp_enrolment";
  public static final String EVENT_RECOVERY_CODES = "support.recovery_codes";
  public static final String EVENT_RECOVERY_CODE_USED = "recovery_code.used";
  /** The longest a temporary credential lives, whatever the policy says. */
  public static final Duration MAX_TTL = Duration.ofMinutes(10);
  static final String ACTION_ENROLMENT_CODE = "support.enrolment_code.issue";
  static final String ACTION_TOTP_ENROLMENT = "support.totp_enrolment.issue";
  static final String ACTION_RECOVERY_CODES = "support.recovery_codes.issue";
  static final String ACTION_REVOKE = "support.issued.revoke";
  static final String ACTION_RECOVERY_CODE_USE = "recovery_code.use";

  private final AuditedTransactor tx;
  private final NotificationService notifications;
  private final CredentialService credentials;
  private final SecureRandom random;

  /**
   * @param credentials revokes the credential a flagged action's enrolment code enrolled (feed event included)
   */
  public SupportCredentialDelivery(AuditedTransactor tx, NotificationService notifications,
      CredentialService credentials, SecureRandom random) {
    this.tx = Objects.requireNonNull(tx);
    this.notifications = Objects.requireNonNull(notifications);
    this.credentials = Objects.requireNonNull(credentials);
    this.random = Objects.requireNonNull(random);
  }

  // ---- issue ------------------------------------------------------------------------------------------------

  /**
   * {@inheritDoc}
   *
   * <p>Refused: {@code ttl} under one second or over {@link #MAX_TTL} ({@code invalid_field}
   * {@code temporary_ttl_seconds}); unknown identity ({@code identity_not_found}); retired
   * ({@code identity_retired}); no owner webhook ({@code no_delivery_channel}). Nothing is written then.
   */
  @Override
  public IssuedItem issueEnrolmentCode(Tx t, String actor, String requestId, IdentityId identity, Duration ttl,
      SupportActionId action, Instant now) {
    Objects.requireNonNull(action, "action");
    Duration lifetime = checkTtl(ttl);
    Identity target = loadIdentity(t, identity);
    requireChannel(notifications.ownerWebhooks(t, identity), "identity " + identity);
    // one temporary credential at a time: an earlier support code of the identity stops working
    int superseded = 0;
    for (EnrolmentCode c : t.enrolmentCodes().listForIdentity(identity)) {
      if (c.supportActionId() != null && !c.used() && !c.revoked() && t.enrolmentCodes().markRevoked(c.hash(), now)) {
        superseded++;
      }
    }
    Secret code = EnrolmentCodes.generate(random);
    SecretPayload payload = SecretPayload.of(SecretKind.ENROLMENT_CODE, code);
    try {
      Instant expires = now.plus(lifetime);
      EnrolmentCode stored = new EnrolmentCode(SecretHash.of(code), target.id(), actor, now, expires, null, null,
          action, null, null);
      t.enrolmentCodes().insert(stored);
      Map<String, String> facts = new LinkedHashMap<>();
      facts.put("code_ref", stored.ref());
      facts.put("expires_at", expires.toString());
      facts.put("redeem", "POST /api/v1/enrol");
      int rows = notifications.queueForIdentity(t, identity, EVENT_ENROLMENT_CODE, facts, now, action.value(), false,
          payload).rows();
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("support_action_id", action.value());
      d.put("code_ref", stored.ref());
      d.put("expires_at", expires.toString());
      d.put("superseded", superseded);
      d.put("notifications", rows);
      tx.record(t, actor, requestId, ACTION_ENROLMENT_CODE, identity.value(), d);
      return new IssuedItem(IssuedItem.Kind.ENROLMENT_CODE, stored.ref());
    } finally {
      payload.destroy();
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Refused: a bad {@code ttl} as for {@link #issueEnrolmentCode}; unknown operator ({@code operator_not_found});
   * no webhook on the operator's teams ({@code no_delivery_channel}). Nothing is written then (the factor stays).
   */
  @Override
  public IssuedItem issueTotpEnrolment(Tx t, String actor, String requestId, OperatorId operator, Duration ttl,
      SupportActionId action, Instant now) {
    Objects.requireNonNull(action, "action");
    Duration lifetime = checkTtl(ttl);
    if (t.operators().findById(operator).isEmpty()) {
      throw new RejectedException(ErrorCode.OPERATOR_NOT_FOUND, "no operator " + operator);
    }
    requireChannel(notifications.operatorWebhooks(t, operator), "operator " + operator);
    int superseded = 0;
    for (TotpReset r : t.totpResets().listForOperator(operator)) {
      if (!r.used() && !r.revoked() && t.totpResets().markRevoked(r.hash(), now)) {
        superseded++;
      }
    }
    boolean factorRemoved = t.totp().find(operator).isPresent();
    if (factorRemoved) {
      t.totp().delete(operator);
    }
    // a step-up proved with the old factor (a stolen device's) stops counting now, not when its window ends
    int stepUpsCleared = t.operatorTokens().clearStepUps(operator);
    Secret code = TotpResets.generate(random);
    SecretPayload payload = SecretPayload.of(SecretKind.TOTP_ENROLMENT_CODE, code);
    try {
      Instant expires = now.plus(lifetime);
      TotpReset reset = new TotpReset(SecretHash.of(code), operator, action, actor, now, expires, null, null);
      t.totpResets().insert(reset);
      Map<String, String> facts = new LinkedHashMap<>();
      facts.put("code_ref", reset.ref());
      facts.put("expires_at", expires.toString());
      facts.put("redeem", "POST /api/v1/operators/me/totp/recover");
      int rows = notifications.queueForOperator(t, operator, EVENT_TOTP_ENROLMENT, facts, now, action.value(), false,
          payload).rows();
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("support_action_id", action.value());
      d.put("code_ref", reset.ref());
      d.put("expires_at", expires.toString());
      d.put("factor_removed", factorRemoved);
      d.put("step_ups_cleared", stepUpsCleared);
      d.put("superseded", superseded);
      d.put("notifications", rows);
      tx.record(t, actor, requestId, ACTION_TOTP_ENROLMENT, operator.value(), d);
      return new IssuedItem(IssuedItem.Kind.TOTP_ENROLMENT, reset.ref());
    } finally {
      payload.destroy();
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>The set's reference is the first 12 hex characters of the SHA-256 of its codes' hashes (in order). Refused:
   * unknown identity, retired identity, no owner webhook, as for {@link #issueEnrolmentCode}.
   */
  @Override
  public IssuedItem issueRecoveryCodes(Tx t, String actor, String requestId, IdentityId identity,
      SupportActionId action, Instant now) {
    Objects.requireNonNull(action, "action");
    loadIdentity(t, identity);
    requireChannel(notifications.ownerWebhooks(t, identity), "identity " + identity);
    int replaced = t.recoveryCodes().invalidateForIdentity(identity, now);
    List<Secret> codes = new ArrayList<>();
    StringBuilder hashes = new StringBuilder();
    for (int i = 0; i < RecoveryCodes.SET_SIZE; i++) {
      Secret code = RecoveryCodes.generate(random);
      codes.add(code);
      SecretHash hash = SecretHash.of(code);
      t.recoveryCodes().insert(RecoveryCode.issued(hash, identity, action, now));
      hashes.append(hash.hex());
    }
    SecretPayload payload = SecretPayload.of(SecretKind.RECOVERY_CODES, codes);
    try {
      String setRef = Hashing.sha256Hex(hashes.toString()).substring(0, 12);
      Map<String, String> facts = new LinkedHashMap<>();
      facts.put("set_ref", setRef);
      facts.put("count", Integer.toString(RecoveryCodes.SET_SIZE));
      facts.put("replaced", Integer.toString(replaced));
      int rows = notifications.queueForIdentity(t, identity, EVENT_RECOVERY_CODES, facts, now, action.value(), false,
          payload).rows();
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("support_action_id", action.value());
      d.put("set_ref", setRef);
      d.put("count", RecoveryCodes.SET_SIZE);
      d.put("replaced", replaced);
      d.put("notifications", rows);
      tx.record(t, actor, requestId, ACTION_RECOVERY_CODES, identity.value(), d);
      return new IssuedItem(IssuedItem.Kind.RECOVERY_CODES, setRef);
    } finally {
      payload.destroy();
    }
  }

  // ---- revoke -------------------------------------------------------------------------------------------

  /**
   * {@inheritDoc}
   *
   * <p>Each returned entry is {@code kind:reference}: {@code enrolment_code:<ref>} (revoked unused),
   * {@code credential:<id>} (the credential enrolled with the code, revoked for key compromise),
   * {@code totp_enrolment:<ref>} (revoked unused), {@code totp_factor:<operator>} (the factor enrolled with the
   * action's code, removed, when no later reset replaced it; the operator then needs a new support action),
   * {@code recovery_codes:<n>} (unused codes of the action's set invalidated). Audited {@value #ACTION_REVOKE} with
   * that list. An action that issued nothing, or whose items are all spent already, returns an empty list.
   */
  @Override
  public List<String> revokeIssued(Tx t, String actor, String requestId, SupportActionId action, Instant now) {
    Objects.requireNonNull(action, "action");
    List<String> revoked = new ArrayList<>();
    for (EnrolmentCode c : t.enrolmentCodes().listForSupportAction(action)) {
      if (c.used()) {
        Credential enrolled = t.credentials().findById(c.credentialId()).orElseThrow(() ->
            new IllegalStateException("enrolment code " + c.ref() + " names no stored credential"));
        if (!enrolled.revoked()) {
          credentials.revokeForSupport(t, actor, requestId, enrolled, RevocationReason.KEY_COMPROMISE, action);
          revoked.add("credential:" + enrolled.id().value());
        }
      } else if (!c.revoked() && t.enrolmentCodes().markRevoked(c.hash(), now)) {
        revoked.add("enrolment_code:" + c.ref());
      }
    }
    for (TotpReset r : t.totpResets().listForSupportAction(action)) {
      if (r.used()) {
        List<TotpReset> ofOperator = t.totpResets().listForOperator(r.operatorId());
        boolean latest = ofOperator.get(ofOperator.size() - 1).hash().equals(r.hash());
        if (latest && t.totp().find(r.operatorId()).isPresent()) {
          t.totp().delete(r.operatorId());
          t.operatorTokens().clearStepUps(r.operatorId());
          revoked.add("totp_factor:" + r.operatorId().value());
        }
      } else if (!r.revoked() && t.totpResets().markRevoked(r.hash(), now)) {
        revoked.add("totp_enrolment:" + r.ref());
      }
    }
    int codes = t.recoveryCodes().invalidateForSupportAction(action, now);
    if (codes > 0) {
      revoked.add("recovery_codes:" + codes);
    }
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("support_action_id", action.value());
    d.put("revoked", new ArrayList<Object>(revoked));
    tx.record(t, actor, requestId, ACTION_REVOKE, action.value(), d);
    return List.copyOf(revoked);
  }

  // ---- recovery codes as continuity proofs ------------------------------------------------------------------

  @Override
  public String redeem(Tx t, IdentityId identity, String code, String usedFor, String actor, String requestId,
      Instant now) {
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(usedFor, "usedFor");
    if (!RecoveryCodes.wellFormed(code)) {
      throw invalidRecoveryCode("the recovery code is malformed");
    }
    SecretHash hash = SecretHash.of(Secret.of(code));
    RecoveryCode stored = t.recoveryCodes().findByHash(hash).filter(found -> found.hash().matches(hash))
        .orElseThrow(() -> invalidRecoveryCode("the recovery code is unknown"));
    if (!stored.identityId().equals(identity)) {
      throw invalidRecoveryCode("recovery code " + stored.ref() + " belongs to another identity");
    }
    if (stored.used()) {
      throw invalidRecoveryCode("recovery code " + stored.ref() + " was already used");
    }
    if (stored.invalidated()) {
      throw invalidRecoveryCode("recovery code " + stored.ref() + " was replaced or revoked");
    }
    requireChannel(notifications.ownerWebhooks(t, identity), "identity " + identity);
    if (!t.recoveryCodes().markUsed(hash, now, usedFor)) {
      throw invalidRecoveryCode("recovery code " + stored.ref() + " was already used");
    }
    Secret replacement = RecoveryCodes.generate(random);
    SecretPayload payload = SecretPayload.of(SecretKind.RECOVERY_CODE, replacement);
    try {
      RecoveryCode next = RecoveryCode.issued(SecretHash.of(replacement), identity, stored.supportActionId(), now);
      t.recoveryCodes().insert(next);
      Map<String, String> facts = new LinkedHashMap<>();
      facts.put("code_ref", stored.ref());
      facts.put("replacement_ref", next.ref());
      facts.put("used_by", actor);
      int rows = notifications.queueForIdentity(t, identity, EVENT_RECOVERY_CODE_USED, facts, now, usedFor, false,
          payload).rows();
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("code_ref", stored.ref());
      d.put("change_request_id", usedFor);
      d.put("support_action_id", stored.supportActionId().value());
      d.put("replacement_ref", next.ref());
      d.put("notifications", rows);
      tx.record(t, actor, requestId, ACTION_RECOVERY_CODE_USE, identity.value(), d);
      return stored.ref();
    } finally {
      payload.destroy();
    }
  }

  private static RejectedException invalidRecoveryCode(String reason) {
    return new RejectedException(ErrorCode.RECOVERY_CODE_INVALID, reason);
  }

  // ---- helpers ------------------------------------------------------------------------------------------

  private static Duration checkTtl(Duration ttl) {
    Duration lifetime = ttl == null ? MAX_TTL : ttl;
    if (lifetime.compareTo(Duration.ofSeconds(1)) < 0 || lifetime.compareTo(MAX_TTL) > 0) {
      throw RejectedException.invalid("temporary_ttl_seconds",
          "temporary_ttl_seconds must be between 1 and " + MAX_TTL.toSeconds());
    }
    return lifetime;
  }

  private static Identity loadIdentity(Tx t, IdentityId identity) {
    Identity i = t.identities().findById(identity).orElseThrow(() -> new RejectedException(
        ErrorCode.IDENTITY_NOT_FOUND, "identity " + identity + " does not exist"));
    if (i.retired()) {
      throw new RejectedException(ErrorCode.IDENTITY_RETIRED, "identity " + identity + " is retired");
    }
    return i;
  }

  private static void requireChannel(List<Webhook> hooks, String target) {
    if (hooks.isEmpty()) {
      throw new RejectedException(ErrorCode.NO_DELIVERY_CHANNEL, target + " has no owner webhook to deliver to; "
          + "its owners must register one (POST /api/v1/teams/{team}/webhooks) first");
    }
  }
}
