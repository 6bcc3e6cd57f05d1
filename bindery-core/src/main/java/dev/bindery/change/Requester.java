package dev.bindery.change;

import dev.bindery.identity.IdentityId;
import dev.bindery.operator.OperatorId;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Who made a change request: an operator (by operator id) or a workload (by its identity id, over mutual TLS with
 * its current certificate).
 */
public record Requester(Kind kind, String id) {
  /** The kinds of requester. */
  public enum Kind {
    OPERATOR, WORKLOAD;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Kind parse(String value) {
      for (Kind k : values()) {
        if (k.wire().equals(value)) {
          return k;
        }
      }
      throw new IllegalArgumentException("unknown requester kind " + value);
    }
  }

  public Requester {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(id, "id");
    if (kind == Kind.OPERATOR) {
      OperatorId.parse(id);
    } else {
      IdentityId.parse(id);
    }
  }

  public static Requester operator(OperatorId operator) {
    return new Requester(Kind.OPERATOR, operator.value());
  }

  public static Requester workload(IdentityId identity) {
    return new Requester(Kind.WORKLOAD, identity.value());
  }

  /** The requesting operator, if an operator made the request. */
  public Optional<OperatorId> operatorId() {
    return kind == Kind.OPERATOR ? Optional.of(OperatorId.parse(id)) : Optional.empty();
  }

  /** True if {@code operator} made this request. */
  public boolean is(OperatorId operator) {
    return operator != null && kind == Kind.OPERATOR && id.equals(operator.value());
  }
}
