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
  TOTP_REPLAYED("totp_replayed", Category.FORBIDDEN);

  /** What kind of rejection a code is; the edge maps each to one status. */
  public enum Category {
    INVALID, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, CONFLICT, PRECONDITION_REQUIRED, TOO_LARGE,
    UNSUPPORTED_MEDIA
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
