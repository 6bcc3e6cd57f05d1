package dev.bindery.notify;

import dev.bindery.identity.IdentityId;
import java.util.Objects;

/** A followed "this was not us" link: the change request it disavowed and the identity concerned. */
public record Disavowal(String changeRequestId, IdentityId identityId) {
  public Disavowal {
    Objects.requireNonNull(changeRequestId);
    Objects.requireNonNull(identityId);
  }
}
