package dev.bindery.common;

/**
 * Stable, lowercase error codes shown to callers. Each code belongs to one {@link Category}; the edge maps
 * the category to a transport status in exactly one place. Codes never change meaning once released.
 */
public enum ErrorCode {
  // malformed or invalid input
  MALFORMED_JSON("malformed_json", Category.INVALID),
  UNKNOWN_FIELD("unknown_field", Category.INVALID),
  MISSING_FIELD("missing_field", Category.INVALID),
  INVALID_FIELD("invalid_field", Category.INVALID),
  INVALID_IDENTIFIER("invalid_identifier", Category.INVALID),
  IDENTIFIER_NOT_ACCEPTED("identifier_not_accepted", Category.INVALID),
  INVALID_QUERY("invalid_query", Category.INVALID),
  INVALID_CURSOR("invalid_cursor", Category.INVALID),
  INVALID_TRANSITION("invalid_transition", Category.CONFLICT),
  BODY_TOO_LARGE("body_too_large", Category.TOO_LARGE),
  UNSUPPORTED_MEDIA_TYPE("unsupported_media_type", Category.UNSUPPORTED_MEDIA),
  // not found
  NOT_FOUND("not_found", Category.NOT_FOUND),
  IDENTITY_NOT_FOUND("identity_not_found", Category.NOT_FOUND),
  OPERATOR_NOT_FOUND("operator_not_found", Category.NOT_FOUND),
  TEAM_NOT_FOUND("team_not_found", Category.NOT_FOUND),
  TOKEN_NOT_FOUND("token_not_found", Category.NOT_FOUND),
  SUBJECT_NOT_FOUND("subject_not_found", Category.NOT_FOUND),
  // conflicts and state
  VERSION_CONFLICT("version_conflict", Category.CONFLICT),
  VERSION_REQUIRED("version_required", Category.PRECONDITION_REQUIRED),
  SUBJECT_ALREADY_LINKED("subject_already_linked", Category.CONFLICT),
  SUBJECT_LINKED_TO_RETIRED_IDENTITY("subject_linked_to_retired_identity", Category.CONFLICT),
  IDENTITY_RETIRED("identity_retired", Category.CONFLICT),
  TEAM_EXISTS("team_exists", Category.CONFLICT),
  TOTP_ALREADY_ENROLLED("totp_already_enrolled", Category.CONFLICT),
  TOTP_NOT_ENROLLED("totp_not_enrolled", Category.CONFLICT),
  // authentication and authorization
  UNAUTHENTICATED("unauthenticated", Category.UNAUTHENTICATED),
  TOKEN_INVALID("token_invalid", Category.UNAUTHENTICATED),
  TOKEN_EXPIRED("token_expired", Category.UNAUTHENTICATED),
  TOKEN_REVOKED("token_revoked", Category.UNAUTHENTICATED),
  OPERATOR_DISABLED("operator_disabled", Category.UNAUTHENTICATED),
  FORBIDDEN("forbidden", Category.FORBIDDEN),
  STEP_UP_REQUIRED("step_up_required", Category.FORBIDDEN),
  TOTP_INVALID("totp_invalid", Category.FORBIDDEN),
  TOTP_REPLAYED("totp_replayed", Category.FORBIDDEN),
  TOTP_LOCKED("totp_locked", Category.FORBIDDEN),
  // credentials and the CA (issue 3)
  CSR_MALFORMED("csr_malformed", Category.INVALID),
  CSR_SIGNATURE_INVALID("csr_signature_invalid", Category.INVALID),
  CSR_NOT_PERMITTED("csr_not_permitted", Category.INVALID),
  KEY_UNSUPPORTED("key_unsupported", Category.INVALID),
  KEY_TOO_WEAK("key_too_weak", Category.INVALID),
  PRIVATE_KEY_NOT_ACCEPTED("private_key_not_accepted", Category.INVALID),
  CERTIFICATE_MALFORMED("certificate_malformed", Category.INVALID),
  LIFETIME_EXCEEDS_POLICY("lifetime_exceeds_policy", Category.INVALID),
  CREDENTIAL_NOT_FOUND("credential_not_found", Category.NOT_FOUND),
  CREDENTIAL_ALREADY_REVOKED("credential_already_revoked", Category.CONFLICT),
  CREDENTIAL_EXISTS("credential_exists", Category.CONFLICT),
  ENROLMENT_CODE_INVALID("enrolment_code_invalid", Category.UNAUTHENTICATED),
  ENROLMENT_CODE_USED("enrolment_code_used", Category.UNAUTHENTICATED),
  ENROLMENT_CODE_EXPIRED("enrolment_code_expired", Category.UNAUTHENTICATED),
  CLIENT_CERTIFICATE_REQUIRED("client_certificate_required", Category.UNAUTHENTICATED),
  // a client certificate forwarded by a trusted proxy that the TLS handshake would not have accepted
  CLIENT_CERTIFICATE_UNTRUSTED("client_certificate_untrusted", Category.UNAUTHENTICATED),
  CREDENTIAL_UNKNOWN("credential_unknown", Category.UNAUTHENTICATED),
  CREDENTIAL_REVOKED("credential_revoked", Category.UNAUTHENTICATED),
  CREDENTIAL_EXPIRED("credential_expired", Category.UNAUTHENTICATED),
  CREDENTIAL_SUPERSEDED("credential_superseded", Category.UNAUTHENTICATED),
  CREDENTIAL_QUARANTINED("credential_quarantined", Category.UNAUTHENTICATED),
  IDENTITY_NOT_ACTIVE("identity_not_active", Category.UNAUTHENTICATED),
  // too many refused attempts from one source (see RateLimitedException)
  RATE_LIMITED("rate_limited", Category.TOO_MANY_REQUESTS),
  // tokens (issue 4)
  RESOURCE_SERVER_EXISTS("resource_server_exists", Category.CONFLICT),
  // re-binding (issue 5): a key attestation chain that was presented and does not prove hardware custody
  ATTESTATION_INVALID("attestation_invalid", Category.INVALID),
  // re-binding (issue 5): change requests, approvals, continuity proofs, assurance, locked identities
  IDENTITY_LOCKED("identity_locked", Category.CONFLICT),
  CHANGE_REQUEST_NOT_FOUND("change_request_not_found", Category.NOT_FOUND),
  CHANGE_REQUEST_CONFLICT("change_request_conflict", Category.CONFLICT),
  CHANGE_REQUEST_EXPIRED("change_request_expired", Category.CONFLICT),
  APPROVAL_REQUIRED("approval_required", Category.CONFLICT),
  ALREADY_APPROVED("already_approved", Category.CONFLICT),
  SELF_APPROVAL("self_approval", Category.FORBIDDEN),
  APPROVER_NOT_ENTITLED("approver_not_entitled", Category.FORBIDDEN),
  CONTINUITY_PROOF_INVALID("continuity_proof_invalid", Category.UNPROCESSABLE),
  ASSURANCE_TOO_LOW("assurance_too_low", Category.UNPROCESSABLE),
  REBINDING_RATE_EXCEEDED("rebinding_rate_exceeded", Category.TOO_MANY_REQUESTS),
  /** A leak report's access token whose signature does not verify with a signing key of this server. */
  ACCESS_TOKEN_SIGNATURE_INVALID("access_token_signature_invalid", Category.INVALID),
  // notifications (issue 5)
  WEBHOOK_NOT_FOUND("webhook_not_found", Category.NOT_FOUND),
  WEBHOOK_LIMIT_REACHED("webhook_limit_reached", Category.CONFLICT),
  DISAVOW_LINK_INVALID("disavow_link_invalid", Category.NOT_FOUND),
  // support desk (issue 6)
  /** A support action without its ticket or out-of-band verification evidence; the message names every gap. */
  EVIDENCE_MISSING("evidence_missing", Category.UNPROCESSABLE),
  /** An agent acting on an identity their own team owns, or on their own operator account. */
  SUPPORT_CONFLICT_OF_INTEREST("support_conflict_of_interest", Category.FORBIDDEN),
  SUPPORT_ACTION_NOT_FOUND("support_action_not_found", Category.NOT_FOUND),
  /** The target has no owner webhook to deliver a temporary credential or recovery codes to. */
  NO_DELIVERY_CHANNEL("no_delivery_channel", Category.UNPROCESSABLE),
  SUPPORT_ALERT_NOT_FOUND("support_alert_not_found", Category.NOT_FOUND),
  /** A recovery code that is unknown, used, replaced or of another identity. */
  RECOVERY_CODE_INVALID("recovery_code_invalid", Category.UNAUTHENTICATED),
  /** A temporary TOTP enrolment code that is unknown, used, expired or of another operator. */
  TOTP_ENROLMENT_CODE_INVALID("totp_enrolment_code_invalid", Category.UNAUTHENTICATED),
  /**
   * An ordinary TOTP enrolment by an operator whose factor the support desk removed: the new factor is enrolled only
   * with the temporary code delivered to the operator's teams.
   */
  TOTP_RECOVERY_REQUIRED("totp_recovery_required", Category.FORBIDDEN);

  /**
   * What kind of rejection a code is; the edge maps each to one status. {@code UNPROCESSABLE} is a well-formed
   * request whose content Bindery cannot accept (a proof that does not verify, a key weaker than the identity's
   * assurance), as opposed to {@code INVALID}, a malformed one.
   */
  public enum Category {
    INVALID, UNPROCESSABLE, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, CONFLICT, PRECONDITION_REQUIRED, TOO_LARGE,
    UNSUPPORTED_MEDIA, TOO_MANY_REQUESTS
  }

  private final String code;
  private final Category category;

  ErrorCode(String code, Category category) {
    this.code = code;
    this.category = category;
  }

  public String code() {
    return code;
  }

  public Category category() {
    return category;
  }
}
