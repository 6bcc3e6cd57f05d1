package dev.bindery.notify;

import dev.bindery.identity.IdentityId;
import dev.bindery.operator.OperatorId;
import java.util.Objects;

/**
 * A followed "this was not us" link: the request it disavowed — a change request ({@code chg_...}) or a support
 * action ({@code sup_...}) — and the identity or the operator (exactly one) concerned.
 */
public record Disavowal(String changeRequestId, IdentityId identityId, OperatorId operatorId) {
  /** The prefix of the support actions' ids ({@code dev.bindery.support.SupportActionId}). */
  public static final String SUPPORT_ACTION_PREFIX = "sup_";

  public Disavowal {
    Objects.requireNonNull(changeRequestId);
    if ((identityId == null) == (operatorId == null)) {
      throw new IllegalArgumentException("a disavowal concerns one identity or one operator");
    }
  }

  /** A disavowed change request of an identity. */
  public Disavowal(String changeRequestId, IdentityId identityId) {
    this(changeRequestId, Objects.requireNonNull(identityId), null);
  }

  static Disavowal of(DisavowToken token) {
    return new Disavowal(token.changeRequestId(), token.identityId(), token.operatorId());
  }

  /** True if the link disavows a support action rather than a change request. */
  public boolean supportAction() {
    return changeRequestId.startsWith(SUPPORT_ACTION_PREFIX);
  }
}
