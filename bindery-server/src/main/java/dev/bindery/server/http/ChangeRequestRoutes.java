package dev.bindery.server.http;

import static dev.bindery.server.http.BodySpec.Type.ANY_OBJECT;
import static dev.bindery.server.http.BodySpec.Type.BOOLEAN;
import static dev.bindery.server.http.BodySpec.Type.STRING;
import static dev.bindery.server.http.BodySpec.Type.STRING_ARRAY;
import static dev.bindery.server.http.BodySpec.optional;
import static dev.bindery.server.http.BodySpec.required;

import dev.bindery.change.AppliedChange;
import dev.bindery.change.ApproverRole;
import dev.bindery.change.ChangeRequest;
import dev.bindery.change.ChangeRequestId;
import dev.bindery.change.ChangeRequestQuery;
import dev.bindery.change.ChangeRequestService;
import dev.bindery.change.ChangeRequestView;
import dev.bindery.change.ChangeState;
import dev.bindery.change.ChangeType;
import dev.bindery.change.ContinuityChallengeId;
import dev.bindery.change.NewChangeRequest;
import dev.bindery.common.ErrorCode;
import dev.bindery.common.Page;
import dev.bindery.common.RejectedException;
import dev.bindery.credential.AuthenticatedCredential;
import dev.bindery.credential.CredentialId;
import dev.bindery.credential.CredentialService;
import dev.bindery.identity.IdentityId;
import dev.bindery.server.tls.ClientCertificates;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Re-binding (docs/api.md, "Re-binding"; docs/rebinding.md): change requests made by operators
 * ({@code /api/v1/change-requests}) and by workloads over mutual TLS ({@code /api/v1/workload/change-requests}),
 * their continuity challenges and proofs, approvals, rejection, cancellation and apply, and the bindings history of
 * an identity. Every rule is the engine's ({@link ChangeRequestService}); this edge only turns HTTP into its typed
 * requests and its results into JSON. No answer echoes a CSR, a JWK or an attestation chain: a request shows the
 * proposed key by its thumbprint.
 */
public final class ChangeRequestRoutes {
  static final String BASE = "/api/v1/change-requests";
  static final String WORKLOAD_BASE = "/api/v1/workload/change-requests";
  private static final String TAG = "rebinding";
  private static final BodySpec.Field[] PROPOSED = {
      optional("csr", STRING, "PEM PKCS#10 request for a new X.509-SVID (exactly one of csr and jwk)"),
      optional("jwk", ANY_OBJECT, "a public JWK to register instead of a certificate (with expires_at)"),
      optional("expires_at", STRING, "RFC 3339 expiry of the public key (jwk only); within the rotation policy"),
      optional("attestation", STRING, "PEM attestation chain of the new key, attestation certificate first: "
          + "proves the key is hardware-held (credential level 3)")};
  private static final BodySpec CREATE = BodySpec.of(
      required("type", STRING, "rotate, recover or migrate"),
      required("target", STRING, "the identity to re-bind (nhi_...)"),
      required("reason", STRING, "why, at most 1000 characters; approvers see it"),
      required("replaces", STRING_ARRAY, "1 to 20 active credentials of the target, revoked when applied"),
      optional("downgrade", BOOLEAN, "true to bind a credential below the identity's assurance level (needs the "
          + "policy's downgrade approvals; the identity's level drops to the credential's)"))
      .with(PROPOSED).assignsId();
  private static final BodySpec WORKLOAD_CREATE = BodySpec.of(
      required("reason", STRING, "why, at most 1000 characters"),
      optional("replaces", STRING_ARRAY, "credentials of this identity revoked when applied (default: the "
          + "certificate presented)"))
      .with(PROPOSED).assignsId();
  private static final BodySpec COMMENT = BodySpec.of(optional("comment", STRING, "at most 1000 characters"));

  private final ChangeRequestService changes;
  private final CredentialService credentials;
  private final ClientCertificates clientCertificates;
  private final Clock clock;

  /**
   * @param credentials authenticates the certificate a workload presents
   * @param clientCertificates how the workload routes read that certificate (TLS, or a trusted proxy's header)
   */
  public ChangeRequestRoutes(ChangeRequestService changes, CredentialService credentials,
      ClientCertificates clientCertificates, Clock clock) {
    this.changes = Objects.requireNonNull(changes);
    this.credentials = Objects.requireNonNull(credentials);
    this.clientCertificates = Objects.requireNonNull(clientCertificates);
    this.clock = Objects.requireNonNull(clock);
  }

  public List<Route> routes() {
    String one = BASE + "/{id}";
    return List.of(
        Route.post(BASE, "createChangeRequest").tag(TAG).access(Access.IDENTITY_OWNER_OR_SECURITY_OFFICER)
            .status(201).summary("Request the re-binding of an identity to a new key (rotate, recover, migrate)")
            .body(CREATE).handle(this::create),
        Route.get(BASE, "listChangeRequests").tag(TAG).summary("List change requests, in id order")
            .query("target", "string", "only requests for this identity")
            .query("state", "string", "pending, approved, applied, rejected, expired or cancelled (the stored state)")
            .query("type", "string", "rotate, recover or migrate")
            .query("limit", "integer", "1-500, default 50").query("cursor", "string", "next_cursor of the previous page")
            .handle(this::list),
        Route.get(one, "getChangeRequest").tag(TAG).summary("Read a change request and what it still needs")
            .handle(c -> c.json(Views.changeRequest(changes.get(c.caller(), id(c))))),
        Route.post(one + "/challenges", "createContinuityChallenge").tag(TAG).access(Access.CHANGE_REQUEST_HOLDER)
            .status(201).summary("A single-use continuity challenge (at most 10 minutes) to sign with a current key")
            .body(BodySpec.empty()).handle(this::challenge),
        Route.post(one + "/continuity", "submitContinuityProof").tag(TAG).access(Access.CHANGE_REQUEST_HOLDER)
            .summary("Submit the continuity proof: a JWS over the challenge signed with a current credential's key, "
                + "or a recovery code of the target (used once; a replacement goes to the owners)")
            .body(BodySpec.of(optional("challenge_id", STRING, "the challenge signed (chl_...); with proof"),
                optional("proof", STRING, "compact JWS, typ bindery-continuity+jwt, kid = the credential's thumbprint"),
                optional("recovery_code", STRING, "a recovery code of the target (bnd_rc_...), instead of "
                    + "challenge_id and proof")))
            .handle(this::continuity),
        Route.post(one + "/approvals", "approveChangeRequest").tag(TAG).access(Access.CHANGE_REQUEST_APPROVER)
            .summary("Approve in a role the request needs (owner, security_officer, supervisor)")
            .body(BodySpec.of(required("role", STRING, "owner, security_officer or supervisor"),
                optional("comment", STRING, "at most 1000 characters")))
            .handle(this::approve),
        Route.post(one + "/reject", "rejectChangeRequest").tag(TAG).access(Access.CHANGE_REQUEST_REJECT)
            .summary("Reject an open request (terminal)").body(COMMENT)
            .handle(c -> respond(c, changes.reject(c.caller(), id(c), c.body().string("comment")))),
        Route.post(one + "/cancel", "cancelChangeRequest").tag(TAG).access(Access.CHANGE_REQUEST_CANCEL)
            .summary("Cancel an open request (terminal)").body(COMMENT)
            .handle(c -> respond(c, changes.cancel(c.caller(), id(c), c.body().string("comment")))),
        Route.post(one + "/apply", "applyChangeRequest").tag(TAG).access(Access.CHANGE_REQUEST_APPLY)
            .summary("Apply an approved request: revoke the replaced credentials, then bind the new one, atomically")
            .body(BodySpec.empty()).handle(this::apply),
        Route.get(IdentityRoutes.BASE + "/{id}/bindings", "listIdentityBindings").tag(TAG)
            .summary("Every credential ever bound to the identity, oldest first, with what replaced it")
            .handle(c -> c.json(Views.items(changes.bindings(c.caller(), IdentityId.parse(c.path("id"))),
                Views::binding))),
        Route.post(WORKLOAD_BASE, "createWorkloadChangeRequest").tag(TAG).access(Access.WORKLOAD_CERTIFICATE)
            .status(201).summary("A workload requests the rotation of its own credentials over mutual TLS with its "
                + "current certificate (the presentation is the continuity proof)")
            .body(WORKLOAD_CREATE).handle(this::createByWorkload),
        Route.post(WORKLOAD_BASE + "/{id}/apply", "applyWorkloadChangeRequest").tag(TAG)
            .access(Access.WORKLOAD_CERTIFICATE)
            .summary("A workload applies an approved request it made, over mutual TLS with a still-usable certificate")
            .body(BodySpec.empty()).handle(this::applyByWorkload));
  }

  private static ChangeRequestId id(Call call) {
    return ChangeRequestId.parse(call.path("id"));
  }

  private void create(Call call) {
    Body b = call.body();
    IdentityId target = field("target", () -> IdentityId.parse(b.string("target")));
    NewChangeRequest request = newRequest(b, ChangeType.parse("type", b.string("type")), target,
        credentialIds(b.strings("replaces")), Boolean.TRUE.equals(b.bool("downgrade")));
    ChangeRequest created = changes.create(call.caller(), request);
    created(call, created);
  }

  private void createByWorkload(Call call) {
    // authenticate before reading the body: a caller without a usable certificate learns nothing else
    AuthenticatedCredential presenter = presenter(call);
    Body b = call.body();
    List<String> replaces = b.strings("replaces");
    NewChangeRequest request = newRequest(b, ChangeType.ROTATE, presenter.identity().id(),
        replaces == null ? List.of(presenter.credential().id()) : credentialIds(replaces), false);
    created(call, changes.createByWorkload(presenter, request, call.requestId()));
  }

  private static NewChangeRequest newRequest(Body b, ChangeType type, IdentityId target, List<CredentialId> replaces,
      boolean downgrade) {
    return new NewChangeRequest(type, target, b.string("reason"), b.string("csr"), b.objectJson("jwk"),
        b.time("expires_at"), b.string("attestation"), replaces, downgrade);
  }

  private void created(Call call, ChangeRequest created) {
    call.ctx().header("Location", BASE + "/" + created.id().value());
    call.json(201, view(created));
  }

  private void list(Call call) {
    String cursor = Cursors.decode(call.query("cursor"));
    ChangeState state = call.query("state", v -> ChangeState.parse("state", v));
    ChangeRequestQuery q = new ChangeRequestQuery(
        call.query("target", IdentityId::parse),
        state == null ? Set.of() : Set.of(state),
        call.query("type", v -> ChangeType.parse("type", v)),
        null,
        cursor == null ? null : cursorId(cursor),
        call.limit(50, ChangeRequestQuery.MAX_LIMIT));
    Page<ChangeRequestView> page = changes.list(call.caller(), q);
    call.json(Views.page(page.items(), Views::changeRequest, Cursors.encode(page.nextCursor())));
  }

  private static ChangeRequestId cursorId(String position) {
    try {
      return ChangeRequestId.parse(position);
    } catch (RejectedException e) {
      throw new RejectedException(ErrorCode.INVALID_CURSOR, "cursor is not one this server returned", "cursor");
    }
  }

  private void challenge(Call call) {
    ChangeRequestId id = id(call);
    call.body();
    call.json(201, Views.challenge(changes.challenge(call.caller(), id)));
  }

  private void continuity(Call call) {
    ChangeRequestId id = id(call);
    Body b = call.body();
    if (b.has("recovery_code")) {
      if (b.has("challenge_id") || b.has("proof")) {
        throw RejectedException.invalid("recovery_code",
            "give either recovery_code or challenge_id and proof, not both");
      }
      String code = b.string("recovery_code");
      if (code == null || code.isEmpty()) {
        throw RejectedException.missing("recovery_code");
      }
      respond(call, changes.submitRecoveryCode(call.caller(), id, code));
      return;
    }
    if (!b.has("challenge_id")) {
      throw RejectedException.missing("challenge_id");
    }
    if (!b.has("proof")) {
      throw RejectedException.missing("proof");
    }
    ContinuityChallengeId challenge = field("challenge_id", () -> ContinuityChallengeId.parse(b.string("challenge_id")));
    respond(call, changes.submitContinuity(call.caller(), id, challenge, b.string("proof")));
  }

  private void approve(Call call) {
    ChangeRequestId id = id(call);
    Body b = call.body();
    ApproverRole role = ApproverRole.parse("role", b.string("role"));
    respond(call, changes.approve(call.caller(), id, role, b.string("comment")));
  }

  private void apply(Call call) {
    ChangeRequestId id = id(call);
    call.body();
    AppliedChange applied = changes.apply(call.caller(), id);
    call.json(Views.appliedChange(applied, clock.instant()));
  }

  private void applyByWorkload(Call call) {
    AuthenticatedCredential presenter = presenter(call);
    ChangeRequestId id = id(call);
    call.body();
    AppliedChange applied = changes.applyByWorkload(presenter, id, call.requestId());
    call.json(Views.appliedChange(applied, clock.instant()));
  }

  private AuthenticatedCredential presenter(Call call) {
    return credentials.authenticateCertificate(clientCertificates.leaf(call.ctx().req()), clock.instant(),
        call.requestId());
  }

  private void respond(Call call, ChangeRequest request) {
    call.json(view(request));
  }

  private Object view(ChangeRequest request) {
    return Views.changeRequest(ChangeRequestView.at(request, clock.instant()));
  }

  private static List<CredentialId> credentialIds(List<String> values) {
    return values.stream().map(v -> field("replaces", () -> CredentialId.parse(v))).toList();
  }

  /** An identifier in a body field: a malformed one is {@code invalid_field} naming the field. */
  private static <T> T field(String name, Supplier<T> parse) {
    try {
      return parse.get();
    } catch (RejectedException e) {
      throw RejectedException.invalid(name, "'" + name + "' is not a well-formed identifier: " + e.getMessage());
    }
  }
}
