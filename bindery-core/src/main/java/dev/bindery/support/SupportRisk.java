package dev.bindery.support;

import java.util.Locale;

/**
 * How much a support action can hurt if it was obtained by social engineering (docs/support-desk.md, "Actions"). An
 * action that changes control over a credential, a token or the recovery chain is {@code high}: it needs the agent's
 * fresh TOTP step-up. Every action type offered today is high risk; the classification is this one function so that
 * a future low-risk action is one line.
 */
public enum SupportRisk {
  LOW, HIGH;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The risk of {@code type}. */
  public static SupportRisk of(SupportActionType type) {
    return switch (type) {
      // each changes control over a credential (reset, re-enrolment), a token (reissue) or the recovery chain
      // (recovery codes, recovery contact, owners, assurance level)
      case CREDENTIAL_RESET, FACTOR_REENROL, RECOVERY_CODES_ISSUE, RECOVERY_CONTACT_CHANGE, OWNER_RESET,
          TOKEN_REISSUE, PROFILE_EDIT -> HIGH;
    };
  }
}
