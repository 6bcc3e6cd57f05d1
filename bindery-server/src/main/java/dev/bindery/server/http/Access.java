package dev.bindery.server.http;

/**
 * Who may call a route, as documented in the OpenAPI document ({@code x-bindery-access}). The rule itself is
 * enforced by the core's {@link dev.bindery.security.Authorizer}; the edge only authenticates: every route that
 * {@link #operatorToken() takes an operator token} needs one before its handler runs. The two routes of workloads
 * take none: {@link #ENROLMENT_CODE} (the code in the body is the authentication) and
 * {@link #WORKLOAD_CERTIFICATE} (the X.509-SVID presented in the TLS handshake is); neither does the OAuth token
 * endpoint ({@link #OAUTH_CLIENT}: the client authenticates as RFC 8705 says), nor the "this was not us" link
 * ({@link #DISAVOW_TOKEN}: the one-time token in the path is the authentication).
 */
public enum Access {
  PUBLIC("no authentication"),
  ENROLMENT_CODE("no operator token: the one-time enrolment code in the body authenticates the workload"),
  WORKLOAD_CERTIFICATE("no operator token: mutual TLS with the workload's current X.509-SVID (the workload change "
      + "request routes also take a registered self-signed certificate)"),
  OAUTH_CLIENT("no operator token: OAuth client authentication by mutual TLS (tls_client_auth, "
      + "self_signed_tls_client_auth)"),
  DISAVOW_TOKEN("no operator token: the one-time disavow token in the path, delivered in a notification, is the "
      + "authentication"),
  RESOURCE_SERVER("an operator token (any operator but a leak reporter), or mutual TLS with a certificate of an "
      + "identity holding the introspect scope; the handler authenticates"),
  AUTHENTICATED("any authenticated operator but a leak reporter"),
  LEAK_REPORT("any authenticated operator but an auditor (read-only), including a leak reporter"),
  SELF("the calling operator, for their own account"),
  SELF_OR_ADMIN("the operator concerned, or an admin"),
  IDENTITY_CREATE("an admin, or a member of the owning team"),
  IDENTITY_OWNER("an admin, or an owner of the identity"),
  IDENTITY_OWNER_OR_SECURITY_OFFICER("an admin, a security officer, or an owner of the identity"),
  IDENTITY_OWNER_STEP_UP("an admin or an owner of the identity, with a fresh TOTP step-up"),
  ADMIN_OR_SECURITY_OFFICER("an admin or a security officer"),
  ADMIN("an admin"),
  ADMIN_STEP_UP("an admin, with a fresh TOTP step-up"),
  AUDIT_READ("an admin, a security officer or an auditor"),
  TEAM_WEBHOOK_MANAGE("an admin or a member of the team, with a fresh TOTP step-up"),
  TEAM_WEBHOOK_READ("an admin, a security officer, an auditor, or a member of the team"),
  NOTIFICATION_READ("an admin, a security officer or an auditor; an owner of the identity (identity=); a member "
      + "of the team (team=)"),
  IDENTITY_ASSURANCE("raising the level: an admin or an owner of the identity; lowering it: a security officer, "
      + "with a fresh TOTP step-up"),
  SECURITY_OFFICER_STEP_UP("a security officer, with a fresh TOTP step-up"),
  CHANGE_REQUEST_HOLDER("the requester of the change request, an admin, or an owner of its target identity"),
  CHANGE_REQUEST_APPROVER("an operator other than the requester who holds the role approved in (owner: a member "
      + "of the target's owning team; security_officer; supervisor), with a fresh TOTP step-up"),
  CHANGE_REQUEST_REJECT("an admin, a security officer, or an operator who could approve the request"),
  CHANGE_REQUEST_CANCEL("the requester, an admin, a security officer, or an owner of the target identity"),
  CHANGE_REQUEST_APPLY("the requester of the change request, or an admin"),
  SUPPORT_AGENT("a service_desk agent, with a fresh TOTP step-up for a high-risk action (every action type today); "
      + "never on an identity their own team owns nor on their own operator account"),
  SUPPORT_READ("a service_desk agent, a supervisor, a security officer, an admin or an auditor"),
  SUPPORT_OVERSIGHT("a supervisor, a security officer, an admin or an auditor"),
  SUPPORT_APPROVER("a supervisor other than the agent, with a fresh TOTP step-up"),
  SUPPORT_REJECT("a supervisor, a security officer or an admin"),
  SUPPORT_CANCEL("the agent, a supervisor, a security officer or an admin"),
  SUPPORT_APPLY("the agent of the support action, or an admin"),
  SUPPORT_REVIEW("a security officer who is neither the agent nor an approver of the support action"),
  SUPPORT_ALERT_CLEAR("a security officer other than the agent the alert is about, with a fresh TOTP step-up");

  private final String description;

  Access(String description) {
    this.description = description;
  }

  public String description() {
    return description;
  }

  /** True if the route needs an operator token ({@code Authorization: Bearer bnd_op_...}). */
  public boolean operatorToken() {
    return this != PUBLIC && this != ENROLMENT_CODE && this != WORKLOAD_CERTIFICATE && this != OAUTH_CLIENT
        && this != RESOURCE_SERVER && this != DISAVOW_TOKEN;
  }
}
