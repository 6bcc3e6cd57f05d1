package dev.bindery.pki;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import java.util.Locale;

/** RFC 5280 CRLReason codes accepted for revocation (removeFromCRL and certificateHold are not offered). */
public enum RevocationReason {
  UNSPECIFIED(0), KEY_COMPROMISE(1), CA_COMPROMISE(2), AFFILIATION_CHANGED(3), SUPERSEDED(4),
  CESSATION_OF_OPERATION(5), PRIVILEGE_WITHDRAWN(9);

  private final int code;

  RevocationReason(int code) {
    this.code = code;
  }

  /** The RFC 5280 reason code. */
  public int code() {
    return code;
  }

  /** The API name, for example {@code key_compromise}. */
  public String apiName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static RevocationReason parse(String name) {
    for (RevocationReason r : values()) {
      if (r.apiName().equals(name)) {
        return r;
      }
    }
    throw new RejectedException(ErrorCode.INVALID_FIELD, "reason must be one of unspecified, key_compromise, "
        + "ca_compromise, affiliation_changed, superseded, cessation_of_operation, privilege_withdrawn", "reason");
  }
}
