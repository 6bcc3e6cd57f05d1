package dev.bindery.support;

import dev.bindery.common.RejectedException;
import dev.bindery.identity.IdentityId;
import dev.bindery.operator.OperatorId;
import java.util.Locale;
import java.util.Objects;

/** What a support action acts on: an identity (most actions) or an operator account ({@code factor_reenrol}). */
public record SupportTarget(Kind kind, String id) {
  public enum Kind {
    IDENTITY, OPERATOR;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public SupportTarget {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(id, "id");
    // validates the id's shape (400 invalid_identifier)
    if (kind == Kind.IDENTITY) {
      IdentityId.parse(id);
    } else {
      OperatorId.parse(id);
    }
  }

  public static SupportTarget identity(IdentityId id) {
    return new SupportTarget(Kind.IDENTITY, id.value());
  }

  public static SupportTarget operator(OperatorId id) {
    return new SupportTarget(Kind.OPERATOR, id.value());
  }

  public IdentityId identityId() {
    if (kind != Kind.IDENTITY) {
      throw new IllegalStateException("target is an operator");
    }
    return IdentityId.parse(id);
  }

  public OperatorId operatorId() {
    if (kind != Kind.OPERATOR) {
      throw new IllegalStateException("target is an identity");
    }
    return OperatorId.parse(id);
  }

  /** Parses the wire forms {@code identity:<id>} / {@code operator:<id>}, or a bare id by its prefix. */
  public static SupportTarget parse(String field, String value) {
    if (value == null || value.isBlank()) {
      throw RejectedException.missing(field);
    }
    String v = value.startsWith("identity:") ? value.substring(9) : value.startsWith("operator:") ? value.substring(9)
        : value;
    boolean operator = value.startsWith("operator:") || (!value.startsWith("identity:") && v.startsWith("op_"));
    return operator ? new SupportTarget(Kind.OPERATOR, v) : new SupportTarget(Kind.IDENTITY, v);
  }
}
