package dev.bindery.credential;

import dev.bindery.common.Secret;
import java.util.Objects;

/** A new API key: its credential and the key itself, shown once in the response that creates it. */
public record IssuedApiKey(CredentialView credential, Secret value) {
  public IssuedApiKey {
    Objects.requireNonNull(credential);
    Objects.requireNonNull(value);
  }
}
