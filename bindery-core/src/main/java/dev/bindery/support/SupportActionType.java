package dev.bindery.support;

import dev.bindery.common.RejectedException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The support actions of docs/support-desk.md, with their wire names, the kind of target each acts on, the
 * parameters each accepts and its {@link SupportRisk}.
 */
public enum SupportActionType {
  /** Revokes the identity's active credentials and issues a temporary enrolment code to its owners. */
  CREDENTIAL_RESET(SupportTarget.Kind.IDENTITY, Set.of(SupportActionType.P_REVOCATION_REASON,
      SupportActionType.P_TEMPORARY_TTL)),
  /** Removes an operator's TOTP factor and issues a temporary TOTP enrolment. */
  FACTOR_REENROL(SupportTarget.Kind.OPERATOR, Set.of(SupportActionType.P_TEMPORARY_TTL)),
  /** Replaces the identity's recovery codes, delivered to its owners. */
  RECOVERY_CODES_ISSUE(SupportTarget.Kind.IDENTITY, Set.of()),
  /** Changes the identity's second notification channel (its backup owner, or its contact address). */
  RECOVERY_CONTACT_CHANGE(SupportTarget.Kind.IDENTITY, Set.of(SupportActionType.P_BACKUP_OWNER)),
  /** Moves the identity to another owning team when its owning team is gone. */
  OWNER_RESET(SupportTarget.Kind.IDENTITY, Set.of(SupportActionType.P_OWNING_TEAM)),
  /** Revokes every token of the identity issued until now. */
  TOKEN_REISSUE(SupportTarget.Kind.IDENTITY, Set.of()),
  /** Changes the identity's assurance level. */
  PROFILE_EDIT(SupportTarget.Kind.IDENTITY, Set.of(SupportActionType.P_ASSURANCE_LEVEL));

  public static final String P_REVOCATION_REASON = "revocation_reason";
  public static final String P_TEMPORARY_TTL = "temporary_ttl_seconds";
  public static final String P_BACKUP_OWNER = "backup_owner";
  public static final String P_OWNING_TEAM = "owning_team";
  public static final String P_ASSURANCE_LEVEL = "assurance_level";

  private final SupportTarget.Kind targetKind;
  private final Set<String> parameters;

  SupportActionType(SupportTarget.Kind targetKind, Set<String> parameters) {
    this.targetKind = targetKind;
    this.parameters = parameters;
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** What the action acts on: an identity, or (for {@code factor_reenrol}) an operator account. */
  public SupportTarget.Kind targetKind() {
    return targetKind;
  }

  /** The names of the {@code parameters} members this type accepts; any other is {@code unknown_field}. */
  public Set<String> parameters() {
    return parameters;
  }

  public SupportRisk risk() {
    return SupportRisk.of(this);
  }

  /**
   * True for the actions that reset a secret or a token of the target (the "repeated resets of one identity"
   * alert counts these).
   */
  public boolean reset() {
    return this == CREDENTIAL_RESET || this == FACTOR_REENROL || this == RECOVERY_CODES_ISSUE
        || this == TOKEN_REISSUE;
  }

  public static SupportActionType parse(String field, String value) {
    if (value == null || value.isBlank()) {
      throw RejectedException.missing(field);
    }
    for (SupportActionType t : values()) {
      if (t.wire().equals(value)) {
        return t;
      }
    }
    throw RejectedException.invalid(field, "'" + field + "' must be one of "
        + Arrays.stream(values()).map(SupportActionType::wire).collect(Collectors.joining(", ")));
  }
}
