package dev.bindery.server.http;

/**
 * Who may call a route, as documented in the OpenAPI document ({@code x-bindery-access}). The rule itself is
 * enforced by the core's {@link dev.bindery.security.Authorizer}; the edge only authenticates (every route but
 * {@link #PUBLIC} needs an operator token).
 */
public enum Access {
  PUBLIC("no authentication"),
  AUTHENTICATED("any authenticated operator"),
  SELF("the calling operator, for their own account"),
  SELF_OR_ADMIN("the operator concerned, or an admin"),
  IDENTITY_CREATE("an admin, or a member of the owning team"),
  IDENTITY_OWNER("an admin, or an owner of the identity"),
  IDENTITY_OWNER_OR_SECURITY_OFFICER("an admin, a security officer, or an owner of the identity"),
  IDENTITY_OWNER_STEP_UP("an admin or an owner of the identity, with a fresh TOTP step-up"),
  ADMIN_OR_SECURITY_OFFICER("an admin or a security officer"),
  ADMIN("an admin"),
  ADMIN_STEP_UP("an admin, with a fresh TOTP step-up"),
  AUDIT_READ("an admin, a security officer or an auditor");

  private final String description;

  Access(String description) {
    this.description = description;
  }

  public String description() {
    return description;
  }

  public boolean authenticated() {
    return this != PUBLIC;
  }
}
