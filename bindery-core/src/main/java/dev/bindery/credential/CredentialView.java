package dev.bindery.credential;

import java.util.Objects;

/**
 * A credential as the API shows it: the stored credential and whether it is usable now, which depends on its
 * identity's status and the clock (see {@link Credential#usable}).
 */
public record CredentialView(Credential credential, boolean usable) {
  public CredentialView {
    Objects.requireNonNull(credential);
  }
}
