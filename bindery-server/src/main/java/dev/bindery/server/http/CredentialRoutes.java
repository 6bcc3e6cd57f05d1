package dev.bindery.server.http;

import static dev.bindery.server.http.BodySpec.Type.ANY_OBJECT;
import static dev.bindery.server.http.BodySpec.Type.BOOLEAN;
import static dev.bindery.server.http.BodySpec.Type.INTEGER;
import static dev.bindery.server.http.BodySpec.Type.STRING;
import static dev.bindery.server.http.BodySpec.optional;
import static dev.bindery.server.http.BodySpec.required;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import dev.bindery.credential.CredentialId;
import dev.bindery.credential.CredentialService;
import dev.bindery.credential.CredentialStatus;
import dev.bindery.credential.CredentialType;
import dev.bindery.credential.CredentialView;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.IdentityKind;
import dev.bindery.pki.RevocationReason;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The operators' side of credentials (docs/api.md, "Credentials and the CA"): enrolment codes, registered public
 * keys and self-signed certificates, API keys, reading and revoking credentials, rotation policies, reports and
 * leak reports. The workloads' side (enrolment, renewal) is {@link WorkloadRoutes}.
 */
public final class CredentialRoutes {
  private static final String TAG = "credentials";
  private static final String IDENTITY = IdentityRoutes.BASE + "/{id}";
  private static final String REPORTS = "/api/v1/reports/credentials";
  private static final BodySpec REVOKE = BodySpec.of(required("reason", STRING,
      "RFC 5280 reason: unspecified, key_compromise, ca_compromise, affiliation_changed, superseded, "
          + "cessation_of_operation or privilege_withdrawn"));

  private final CredentialService credentials;

  public CredentialRoutes(CredentialService credentials) {
    this.credentials = Objects.requireNonNull(credentials);
  }

  public List<Route> routes() {
    return List.of(
        Route.post(IDENTITY + "/enrolment-codes", "createEnrolmentCode").tag(TAG).access(Access.IDENTITY_OWNER)
            .status(201).summary("A one-time enrolment code for the identity; shown once, stored hashed")
            .body(BodySpec.of(optional("ttl_seconds", INTEGER, "1-600, default 600"))).handle(this::enrolmentCode),
        Route.get(IDENTITY + "/credentials", "listIdentityCredentials").tag(TAG)
            .summary("The identity's credentials, every one ever bound")
            .query("status", "string", "active, superseded, revoked or quarantined").handle(this::list),
        Route.post(IDENTITY + "/public-keys", "registerPublicKey").tag(TAG).access(Access.IDENTITY_OWNER).status(201)
            .summary("Register a public JWK (private members are refused)")
            .body(BodySpec.of(required("jwk", ANY_OBJECT, "the public JWK (RFC 7517)"),
                required("expires_at", STRING, "RFC 3339 time; within the rotation policy")))
            .handle(this::publicKey),
        Route.post(IDENTITY + "/self-signed-certificates", "registerSelfSignedCertificate").tag(TAG)
            .access(Access.IDENTITY_OWNER).status(201)
            .summary("Register a self-signed certificate; its expiry is its notAfter")
            .body(BodySpec.of(required("certificate_pem", STRING, "one PEM certificate, self-signed")))
            .handle(this::selfSigned),
        Route.post(IDENTITY + "/api-keys", "createApiKey").tag(TAG).access(Access.IDENTITY_OWNER).status(201)
            .summary("Create an API key; the key is shown once, stored hashed")
            .body(BodySpec.of(required("expires_at", STRING, "RFC 3339 time (mandatory); within the rotation policy")))
            .handle(this::apiKey),
        Route.get("/api/v1/credentials/{cred_id}", "getCredential").tag(TAG).summary("Read a credential")
            .handle(this::get),
        Route.post("/api/v1/credentials/{cred_id}/revoke", "revokeCredential").tag(TAG)
            .access(Access.IDENTITY_OWNER_OR_SECURITY_OFFICER).summary("Revoke a credential").body(REVOKE)
            .handle(this::revoke),
        Route.post("/api/v1/certificates/{serial_hex}/revoke", "revokeCertificate").tag(TAG)
            .access(Access.IDENTITY_OWNER_OR_SECURITY_OFFICER)
            .summary("Revoke an X.509-SVID by serial (lowercase hex without leading zeros)").body(REVOKE)
            .handle(this::revokeBySerial),
        Route.get("/api/v1/policies/rotation", "listRotationPolicies").tag(TAG)
            .summary("The rotation policy of every identity kind and credential type").handle(this::policies),
        Route.put("/api/v1/policies/rotation/{identity_kind}/{credential_type}", "setRotationPolicy").tag(TAG)
            .access(Access.ADMIN_OR_SECURITY_OFFICER).summary("Set the rotation policy of one kind and type")
            .body(BodySpec.of(required("max_lifetime_seconds", INTEGER, "longest lifetime of a new credential"),
                required("rotate_after_seconds", INTEGER, "age after which it is overdue for rotation")))
            .handle(this::setPolicy),
        Route.get(REPORTS + "/expiring", "reportExpiringCredentials").tag(TAG)
            .summary("Active credentials expiring within N days").query("days", "integer", "1-3650 (required)")
            .handle(c -> c.json(Views.items(credentials.expiring(c.caller(), days(c)), Views::credential))),
        Route.get(REPORTS + "/overdue", "reportOverdueCredentials").tag(TAG)
            .summary("Active credentials older than their policy's rotate-after age")
            .handle(c -> c.json(Views.items(credentials.overdueForRotation(c.caller()), Views::credential))),
        Route.get(REPORTS + "/never-used", "reportNeverUsedCredentials").tag(TAG)
            .summary("Active credentials never used")
            .handle(c -> c.json(Views.items(credentials.neverUsed(c.caller()), Views::credential))),
        Route.get(REPORTS + "/unused", "reportUnusedCredentials").tag(TAG)
            .summary("Active credentials not used for N days").query("days", "integer", "1-3650 (required)")
            .handle(c -> c.json(Views.items(credentials.unused(c.caller(), days(c)), Views::credential))),
        Route.get("/api/v1/reports/identities/without-credentials", "reportIdentitiesWithoutCredentials").tag(TAG)
            .summary("Identities, not retired, with no active credential")
            .handle(c -> c.json(Views.items(credentials.identitiesWithoutCredential(c.caller()), Views::identity))),
        Route.post("/api/v1/leaks", "reportLeak").tag(TAG).access(Access.LEAK_REPORT)
            .summary("Report a leaked value: what it matches is revoked (key_compromise; an access token by its jti)")
            .body(BodySpec.of(required("value", STRING,
                "an API key, a certificate PEM, a public key PEM, a JWK, or an access token of this server"),
                optional("revoke_bound_credential", BOOLEAN,
                    "access tokens only: also revoke the credential the token is bound to (default false)")))
            .handle(this::reportLeak));
  }

  private void reportLeak(Call call) {
    Body b = call.body();
    Boolean revokeBound = b.bool("revoke_bound_credential");
    call.json(Views.leakReport(credentials.reportLeak(call.caller(), b.string("value"),
        Boolean.TRUE.equals(revokeBound))));
  }

  private static IdentityId identity(Call call) {
    return IdentityId.parse(call.path("id"));
  }

  private static CredentialId credentialId(Call call) {
    return CredentialId.parse(call.path("cred_id"));
  }

  private void enrolmentCode(Call call) {
    IdentityId id = identity(call);
    Long ttl = call.body().integer("ttl_seconds");
    // the service checks the bounds (1 to 600 seconds) and names the field
    Duration lifetime = ttl == null ? null : Duration.ofSeconds(ttl);
    call.json(201, Views.issuedEnrolmentCode(credentials.createEnrolmentCode(call.caller(), id, lifetime)));
  }

  private void list(Call call) {
    IdentityId id = identity(call);
    CredentialStatus status = call.query("status", v -> CredentialStatus.parse("status", v));
    call.json(Views.items(credentials.listForIdentity(call.caller(), id, status), Views::credential));
  }

  private void publicKey(Call call) {
    IdentityId id = identity(call);
    Body b = call.body();
    CredentialView view = credentials.registerPublicKey(call.caller(), id, b.objectJson("jwk"), b.time("expires_at"));
    created(call, view);
  }

  private void selfSigned(Call call) {
    IdentityId id = identity(call);
    created(call, credentials.registerSelfSignedCertificate(call.caller(), id, call.body().string("certificate_pem")));
  }

  private void apiKey(Call call) {
    IdentityId id = identity(call);
    var issued = credentials.createApiKey(call.caller(), id, call.body().time("expires_at"));
    call.ctx().header("Location", "/api/v1/credentials/" + issued.credential().credential().id().value());
    call.json(201, Views.issuedApiKey(issued));
  }

  private static void created(Call call, CredentialView view) {
    call.ctx().header("Location", "/api/v1/credentials/" + view.credential().id().value());
    call.json(201, Views.credential(view));
  }

  private void get(Call call) {
    call.json(Views.credential(credentials.get(call.caller(), credentialId(call))));
  }

  private void revoke(Call call) {
    CredentialId id = credentialId(call);
    RevocationReason reason = RevocationReason.parse(call.body().string("reason"));
    call.json(Views.credential(credentials.revoke(call.caller(), id, reason)));
  }

  private void revokeBySerial(Call call) {
    var serial = CredentialService.parseSerial(call.path("serial_hex"));
    RevocationReason reason = RevocationReason.parse(call.body().string("reason"));
    call.json(Views.credential(credentials.revokeBySerial(call.caller(), serial, reason)));
  }

  private void policies(Call call) {
    call.json(Views.items(credentials.rotationPolicies(call.caller()), Views::rotationPolicy));
  }

  private void setPolicy(Call call) {
    IdentityKind kind = IdentityKind.parse("identity_kind", call.path("identity_kind"));
    CredentialType type = CredentialType.parse("credential_type", call.path("credential_type"));
    Body b = call.body();
    call.json(Views.rotationPolicy(credentials.setRotationPolicy(call.caller(), kind, type,
        seconds(b, "max_lifetime_seconds"), seconds(b, "rotate_after_seconds"))));
  }

  /** A whole number of seconds; the policy itself checks the bounds and names the field. */
  private static Duration seconds(Body b, String field) {
    return Duration.ofSeconds(b.integer(field));
  }

  /** The required {@code days} of a report: a whole number; the service checks its range. */
  private static int days(Call call) {
    Integer days = call.query("days", v -> {
      try {
        return Integer.valueOf(v);
      } catch (NumberFormatException e) {
        throw new RejectedException(ErrorCode.INVALID_QUERY, "days must be a whole number of days", "days");
      }
    });
    if (days == null) {
      throw new RejectedException(ErrorCode.INVALID_QUERY, "days is required, for example ?days=7", "days");
    }
    return days;
  }
}
