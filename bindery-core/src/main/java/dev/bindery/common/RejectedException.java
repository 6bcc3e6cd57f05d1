package dev.bindery.common;

import java.util.Objects;

/**
 * A request that Bindery refuses. Carries a stable {@link ErrorCode} and a lowercase message that is safe to
 * show the caller (it never contains secrets or internal details). Authority failures are other exceptions.
 */
public class RejectedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final ErrorCode code;
  private final String field;

  public RejectedException(ErrorCode code, String message) {
    this(code, message, null);
  }

  public RejectedException(ErrorCode code, String message, String field) {
    super(Objects.requireNonNull(message), null, false, false);
    this.code = Objects.requireNonNull(code);
    this.field = field;
  }

  public ErrorCode code() {
    return code;
  }

  /** The request field the rejection is about, or null. */
  public String field() {
    return field;
  }

  public static RejectedException invalid(String field, String message) {
    return new RejectedException(ErrorCode.INVALID_FIELD, message, field);
  }

  public static RejectedException missing(String field) {
    return new RejectedException(ErrorCode.MISSING_FIELD, "missing required field '" + field + "'", field);
  }

  /** True for rejections the audit log records even though nothing changed. */
  public boolean securityRelevant() {
    var c = code.category();
    return c == ErrorCode.Category.FORBIDDEN || c == ErrorCode.Category.UNAUTHENTICATED;
  }
}
