package dev.bindery.change;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.Page;
import dev.bindery.common.RejectedException;
import dev.bindery.common.Secret;
import dev.bindery.credential.Assurance;
import dev.bindery.credential.AuthenticatedCredential;
import dev.bindery.credential.Credential;
import dev.bindery.credential.CredentialId;
import dev.bindery.credential.CredentialKeys;
import dev.bindery.credential.CredentialService;
import dev.bindery.credential.CredentialStatus;
import dev.bindery.credential.CredentialType;
import dev.bindery.credential.CredentialView;
import dev.bindery.credential.IssuedSvid;
import dev.bindery.credential.SecretHash;
import dev.bindery.credential.Thumbprint;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.IdentityService;
import dev.bindery.identity.IdentityStatus;
import dev.bindery.identity.Text;
import dev.bindery.operator.Operator;
import dev.bindery.operator.OperatorStatus;
import dev.bindery.operator.Role;
import dev.bindery.pki.CertificateAuthority;
import dev.bindery.pki.Csrs;
import dev.bindery.pki.Pem;
import dev.bindery.pki.VerifiedCsr;
import dev.bindery.security.Authorizer;
import dev.bindery.security.Caller;
import dev.bindery.store.AuditedTransactor;
import dev.bindery.store.Tx;
import dev.bindery.store.UniqueViolation;
import dev.bindery.support.RecoveryCodeRedeemer;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The change request engine of re-binding (docs/rebinding.md): requests, continuity challenges and proofs, approvals,
 * rejection, cancellation, expiry, and the apply that revokes the replaced credentials and binds the new one in one
 * transaction. Every state change and its audit event (and the owners' notification, through {@link ChangeNotifier})
 * commit in one transaction; every refusal that is not plain bad input ({@code forbidden}, {@code step_up_required},
 * {@code self_approval}, {@code already_approved}, {@code approver_not_entitled}, {@code change_request_conflict},
 * {@code change_request_expired}, {@code continuity_proof_invalid}, {@code assurance_too_low}...) is audited as a
 * {@code denied} event of the action, in a transaction of its own, and nothing else is written.
 *
 * <p>Rules: the requester never approves their own request ({@code self_approval}); one operator gives at most one
 * approval per request ({@code already_approved}); an approver holds the role they act in ({@code owner}: a member of
 * the target's owning team; {@code security_officer}, {@code supervisor}: that operator role) when approving and again
 * at apply ({@code approver_not_entitled}); every approval needs a fresh TOTP step-up ({@code step_up_required}); one
 * open request per identity ({@code change_request_conflict}); any action on an open request past its expiry moves it
 * to {@code expired} (audited) and is refused ({@code change_request_expired}); a new credential weaker than the
 * identity's assurance level is refused unless the request asks to downgrade ({@code assurance_too_low}); more than
 * the policy's recover and migrate requests in its window lock the identity ({@code rebinding_rate_exceeded}).
 */
public final class ChangeRequestService {
  private static final Set<ChangeType> ABUSE_TYPES = Set.of(ChangeType.RECOVER, ChangeType.MIGRATE);

  private final AuditedTransactor tx;
  private final Authorizer authz;
  private final SecureRandom random;
  private final CertificateAuthority ca;
  private final CredentialService credentials;
  private final IdentityService identities;
  private final RebindingPolicy policy;
  private final AttestationVerifier attestation;
  private final ChangeNotifier notifier;
  private final RecoveryCodeRedeemer recoveryCodes;

  /**
   * An engine that accepts no recovery code as a continuity proof ({@link RecoveryCodeRedeemer#NONE}).
   *
   * @param ca the CA whose SPIFFE ids a proposed CSR may name (the credential service issues through its own)
   * @param credentials revokes the replaced credentials and binds the new one (its revocation path appends the
   *     revocation feed events)
   * @param identities locks identities (abuse limit, "this was not us") and runs their lifecycle hook
   */
  public ChangeRequestService(AuditedTransactor tx, Authorizer authz, SecureRandom random, CertificateAuthority ca,
      CredentialService credentials, IdentityService identities, RebindingPolicy policy,
      AttestationVerifier attestation, ChangeNotifier notifier) {
    this(tx, authz, random, ca, credentials, identities, policy, attestation, notifier, RecoveryCodeRedeemer.NONE);
  }

  /**
   * As the other constructor, with {@code recoveryCodes} checking and consuming the recovery codes submitted as
   * continuity proofs ({@link #submitRecoveryCode}).
   */
  public ChangeRequestService(AuditedTransactor tx, Authorizer authz, SecureRandom random, CertificateAuthority ca,
      CredentialService credentials, IdentityService identities, RebindingPolicy policy,
      AttestationVerifier attestation, ChangeNotifier notifier, RecoveryCodeRedeemer recoveryCodes) {
    this.tx = Objects.requireNonNull(tx);
    this.authz = Objects.requireNonNull(authz);
    this.random = Objects.requireNonNull(random);
    this.ca = Objects.requireNonNull(ca);
    this.credentials = Objects.requireNonNull(credentials);
    this.identities = Objects.requireNonNull(identities);
    this.policy = Objects.requireNonNull(policy);
    this.attestation = Objects.requireNonNull(attestation);
    this.notifier = Objects.requireNonNull(notifier);
    this.recoveryCodes = Objects.requireNonNull(recoveryCodes);
  }

  public RebindingPolicy policy() {
    return policy;
  }

  /** Who acts: an operator ({@link #caller} set) or a workload over mutual TLS ({@link #workload} set). */
  private record Actor(String id, String requestId, Caller caller, AuthenticatedCredential workload) {
    static Actor of(Caller caller) {
      if (caller == null) {
        throw new RejectedException(ErrorCode.UNAUTHENTICATED, "authentication required");
      }
      return new Actor(caller.actor(), caller.requestId(), caller, null);
    }

    static Actor of(AuthenticatedCredential presenter, String requestId) {
      Objects.requireNonNull(presenter, "presenter");
      return new Actor(presenter.identity().id().value(), requestId == null ? "" : requestId, null, presenter);
    }
  }

  // ---- create -------------------------------------------------------------------------------------------

  /**
   * Makes a change request (an admin, a security officer or an owner of the target). The proposed credential is
   * verified (a CSR as for enrolment, naming at most the target's SPIFFE id; a public JWK; an attestation chain
   * through the {@link AttestationVerifier}) and its level computed; the policy's requirements at the target's
   * level are computed and stored. The requesting operator's fresh step-up, if any, is recorded (it meets a
   * {@code step_up_or_owner} requirement).
   *
   * <p>Refused: a retired ({@code identity_retired}) or locked ({@code identity_locked}) target; a replaced
   * credential unknown or of another identity ({@code credential_not_found}) or not active
   * ({@code credential_already_revoked}); a key bound to any credential before ({@code credential_exists}); a new
   * credential below the target's level without {@code downgrade} ({@code assurance_too_low}), or a downgrade that is
   * none ({@code invalid_field}); a level-3 requirement without an attested key ({@code assurance_too_low}); the abuse
   * limit ({@code rebinding_rate_exceeded}, and the identity is locked, in the same transaction); a second open
   * request ({@code change_request_conflict}).
   */
  public ChangeRequest create(Caller caller, NewChangeRequest request) {
    Objects.requireNonNull(request, "request");
    Actor actor = Actor.of(caller);
    return run(actor, "change_request.create", request.target().value(), t -> {
      authz.requireAuthenticated(caller);
      if (caller.isSystem()) {
        throw forbidden("change requests are made by operators or workloads, not by the system");
      }
      Identity identity = loadIdentity(t, request.target());
      authz.requireRequestChange(caller, identity);
      Instant stepUp = authz.hasFreshStepUp(caller) ? caller.stepUpAt() : null;
      return createIn(t, actor, identity, request, Requester.operator(caller.operatorId()), null, stepUp);
    });
  }

  /**
   * Makes a {@code rotate} request for the presenter's own identity, from a workload authenticated over mutual TLS
   * with its current certificate ({@code POST /api/v1/workload/change-requests}): the presentation is recorded as
   * the continuity proof (method {@code mutual_tls}). Any other type, another target, a downgrade or a presenter that
   * is not a certificate is {@code forbidden}; a presenter no longer usable is refused with its credential code.
   * Otherwise as {@link #create}.
   */
  public ChangeRequest createByWorkload(AuthenticatedCredential presenter, NewChangeRequest request,
      String requestId) {
    Objects.requireNonNull(request, "request");
    Actor actor = Actor.of(presenter, requestId);
    return run(actor, "change_request.create", request.target().value(), t -> {
      Credential presented = presenter.credential();
      if (presented.type() != CredentialType.X509_SVID && presented.type() != CredentialType.SELF_SIGNED_CERTIFICATE) {
        throw forbidden("a workload requests a change over mutual tls with its current certificate");
      }
      if (request.type() != ChangeType.ROTATE || !request.target().equals(presenter.identity().id())) {
        throw forbidden("a workload may only request the rotation of its own credentials");
      }
      if (request.downgrade()) {
        throw forbidden("a workload may not request a downgrade; an operator must");
      }
      Identity identity = loadIdentity(t, request.target());
      Credential current = requireStillUsable(t, presented, identity);
      ContinuityProof proof = new ContinuityProof(ContinuityProof.Method.MUTUAL_TLS, current.id(),
          tx.clock().instant());
      return createIn(t, actor, identity, request, Requester.workload(identity.id()), proof, null);
    });
  }

  private ChangeRequest createIn(Tx t, Actor actor, Identity identity, NewChangeRequest request, Requester requester,
      ContinuityProof continuity, Instant requesterStepUp) {
    requireBindable(identity);
    Instant now = tx.clock().instant();
    for (CredentialId id : request.replaces()) {
      requireReplaceable(t, identity, id);
    }
    ProposedCredential proposed = verifyProposal(t, identity, request);
    int level = proposed.level();
    if (request.downgrade() && level >= identity.assuranceLevel()) {
      throw RejectedException.invalid("downgrade", "a downgrade needs a new credential below the identity's "
          + "assurance level " + identity.assuranceLevel() + "; this one is level " + level);
    }
    if (!request.downgrade() && level < identity.assuranceLevel()) {
      throw new RejectedException(ErrorCode.ASSURANCE_TOO_LOW, "the new credential is level " + level
          + ", below the identity's assurance level " + identity.assuranceLevel()
          + "; a weaker credential is bound only by an explicit downgrade");
    }
    Requirements required = policy.requirements(request.type(), identity.assuranceLevel(), request.downgrade());
    if (required.attestedKey() && proposed.assurance() != Assurance.HARDWARE) {
      throw new RejectedException(ErrorCode.ASSURANCE_TOO_LOW, "an identity at assurance level "
          + identity.assuranceLevel() + " is re-bound only to a key attested as hardware-held");
    }
    if (request.type().abuseLimited()) {
      RebindingPolicy.AbuseLimit abuse = policy.abuse();
      long recent = t.changeRequests().countByTypesSince(identity.id(), ABUSE_TYPES, now.minus(abuse.window()));
      if (recent >= abuse.max()) {
        lockForAbuse(t, actor, identity, abuse, recent);
      }
    }
    Optional<ChangeRequest> open = t.changeRequests().findOpenForIdentity(identity.id());
    if (open.isPresent()) {
      if (!open.get().expiredAt(now)) {
        throw conflict(open.get());
      }
      expireIn(t, actor, open.get());
    }
    ChangeRequest created = ChangeRequest.open(ChangeRequestId.generate(random), request.type(), Channel.REBINDING,
        identity.id(), identity.version(), requester, request.reason(), proposed, request.replaces(),
        request.downgrade(), required, continuity, requesterStepUp, now, now.plus(policy.requestTtl()));
    try {
      t.changeRequests().insert(created);
    } catch (UniqueViolation e) {
      throw new RejectedException(ErrorCode.CHANGE_REQUEST_CONFLICT,
          "identity " + identity.id() + " already has an open change request");
    }
    Map<String, Object> d = describe(created);
    notify(t, created, ChangeEvent.CREATED, now).ifPresent(link -> d.put("disavow_link_id", link));
    tx.record(t, actor.id(), actor.requestId(), "change_request.create", created.id().value(), d);
    return created;
  }

  /**
   * Refuses the request that goes over the abuse limit and locks the identity, committing the lock and the denied
   * event together (the refusal is thrown after the commit).
   */
  private void lockForAbuse(Tx t, Actor actor, Identity identity, RebindingPolicy.AbuseLimit abuse, long recent) {
    RejectedException refused = new RejectedException(ErrorCode.REBINDING_RATE_EXCEEDED, "the identity had " + recent
        + " recover or migrate requests within " + abuse.window().toMinutes() + " minutes, the most allowed; it is "
        + "now locked for security review");
    identities.lockInTransaction(t, Caller.SYSTEM_ACTOR, actor.requestId(), identity.id(),
        "re-binding abuse limit: more than " + abuse.max() + " recover or migrate requests within "
            + abuse.window().toMinutes() + " minutes", "rebinding_rate_exceeded");
    tx.recordDenied(t, actor.id(), actor.requestId(), "change_request.create", identity.id().value(), refused);
    throw new AuditedTransactor.CommitThenRefuse(refused);
  }

  private static void requireReplaceable(Tx t, Identity identity, CredentialId id) {
    Credential c = t.credentials().findById(id).filter(found -> found.identityId().equals(identity.id()))
        .orElseThrow(() -> new RejectedException(ErrorCode.CREDENTIAL_NOT_FOUND,
            "identity " + identity.id() + " has no credential " + id, "replaces"));
    if (c.revoked()) {
      throw new RejectedException(ErrorCode.CREDENTIAL_ALREADY_REVOKED,
          "credential " + id + " is already " + c.status().wire() + "; only active credentials are replaced",
          "replaces");
    }
  }

  /** Verifies the proposed key (and attestation), and that it was never bound: the stored proposal. */
  private ProposedCredential verifyProposal(Tx t, Identity identity, NewChangeRequest request) {
    Key key = proposedKey(request.csrPem(), request.jwk(), identity.id());
    if (request.jwk() != null) {
      credentials.checkPublicKeyLifetime(t, identity, request.expiresAt());
    }
    requireNeverBound(t, key);
    Assurance assurance = request.attestationPem() == null ? Assurance.SOFTWARE
        : attestation.verify(key.publicKey(), attestationChain(request.attestationPem()));
    return new ProposedCredential(request.proposedType(), request.csrPem(), key.jwk() == null ? null
        : key.jwk().json(), key.jkt(), key.keyType(), assurance, assurance == Assurance.HARDWARE
        ? request.attestationPem() : null, request.expiresAt());
  }

  /** A proposed key, parsed and accepted: from a CSR, or from a JWK (then {@code jwk} is set). */
  private record Key(PublicKey publicKey, String keyType, Thumbprint jkt, Thumbprint spkiFingerprint,
      VerifiedCsr csr, Jwk jwk) {}

  /** A proposed public JWK as verified, and its canonical public JSON (what is stored). */
  private record Jwk(CredentialKeys.RegisteredJwk registered, String json) {}

  private Key proposedKey(String csrPem, String jwkJson, IdentityId target) {
    if (csrPem != null) {
      VerifiedCsr csr = Csrs.verify(csrPem, ca.spiffeId(target));
      return new Key(csr.publicKey(), csr.keyType(), CredentialKeys.jwkThumbprint(csr.publicKey(), "csr"),
          CredentialKeys.fingerprint(csr.publicKey()), csr, null);
    }
    CredentialKeys.RegisteredJwk registered = CredentialKeys.publicJwk(jwkJson);
    PublicKey key = registered.key().der().toPublicKey(registered.key().jcaAlgorithm());
    return new Key(key, registered.key().keyType(), registered.thumbprint(), registered.key().der().fingerprint(),
        null, new Jwk(registered, jwkJson));
  }

  private static void requireNeverBound(Tx t, Key key) {
    boolean bound = !t.credentials().findByPublicKey(key.spkiFingerprint()).isEmpty()
        || t.credentials().findByThumbprint(CredentialType.PUBLIC_KEY, key.jkt()).isPresent();
    if (bound) {
      throw new RejectedException(ErrorCode.CREDENTIAL_EXISTS,
          "this key was bound to a credential before; a re-binding needs a new key", "proposed");
    }
  }

  private static List<X509Certificate> attestationChain(String pem) {
    try {
      return Pem.parseCertificates(pem);
    } catch (IllegalArgumentException e) {
      throw RejectedException.invalid("attestation", "'attestation' must be pem certificates, leaf first");
    }
  }

  // ---- continuity ---------------------------------------------------------------------------------------

  /**
   * Issues a continuity challenge for a request that needs a continuity proof and has none yet (the requester, an
   * admin or an owner): 256 random bits, single use, valid for the policy's challenge lifetime (at most 10 minutes,
   * never beyond the request's expiry). Only the nonce's SHA-256 is stored; the nonce is returned once. Audited
   * {@code change_request.challenge} (without the nonce).
   */
  public IssuedChallenge challenge(Caller caller, ChangeRequestId id) {
    Actor actor = Actor.of(caller);
    return run(actor, "change_request.challenge", id.value(), t -> {
      ChangeRequest r = loadForUpdate(t, id);
      Identity target = loadIdentity(t, r.target());
      requireRequesterOrOwner(caller, r, target, "ask for a continuity challenge");
      touch(t, actor, r, "change_request.challenge");
      requireOpen(r);
      requireContinuityMissing(r);
      Instant now = tx.clock().instant();
      byte[] bytes = new byte[32];
      random.nextBytes(bytes);
      String nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      Duration ttl = policy.challengeTtl();
      Instant expires = now.plus(ttl).isAfter(r.expiresAt()) ? r.expiresAt() : now.plus(ttl);
      ContinuityChallenge challenge = new ContinuityChallenge(ContinuityChallengeId.generate(random), r.id(),
          SecretHash.of(Secret.of(nonce)), now, expires, null);
      t.continuityChallenges().insert(challenge);
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("challenge_id", challenge.id().value());
      d.put("expires_at", expires.toString());
      tx.record(t, actor.id(), actor.requestId(), "change_request.challenge", r.id().value(), d);
      return new IssuedChallenge(challenge.id(), r.id(), nonce, expires, r.digest());
    });
  }

  /**
   * Records a continuity proof (the requester, an admin or an owner submits it): a compact JWS over the challenge
   * ({@link ContinuityProofs}) signed with the key of a currently bound, active, unexpired credential of the target.
   * The challenge is then used up. Refused with {@code continuity_proof_invalid} and a reason (audited as denied,
   * nothing written, the challenge stays unused): an unknown, foreign, used or expired challenge; a malformed proof;
   * a proof naming another request, another nonce or another request digest, or out of time; a credential that is
   * unknown, of another identity, not active or expired; a signature that does not verify with that credential's key.
   */
  public ChangeRequest submitContinuity(Caller caller, ChangeRequestId id, ContinuityChallengeId challengeId,
      String proof) {
    Objects.requireNonNull(challengeId, "challengeId");
    Actor actor = Actor.of(caller);
    return run(actor, "change_request.continuity", id.value(), t -> {
      ChangeRequest r = loadForUpdate(t, id);
      Identity target = loadIdentity(t, r.target());
      requireRequesterOrOwner(caller, r, target, "submit a continuity proof");
      touch(t, actor, r, "change_request.continuity");
      requireOpen(r);
      Instant now = tx.clock().instant();
      // the challenge first: a replayed proof is refused as a replay even once the request has its proof
      ContinuityChallenge challenge = t.continuityChallenges().findById(challengeId)
          .orElseThrow(() -> ContinuityProofs.invalid("unknown challenge"));
      if (!challenge.changeRequestId().equals(r.id())) {
        throw ContinuityProofs.invalid("the challenge was issued for another change request");
      }
      if (challenge.used()) {
        throw ContinuityProofs.invalid("the challenge was already used");
      }
      if (challenge.expiredAt(now)) {
        throw ContinuityProofs.invalid("the challenge expired");
      }
      requireContinuityMissing(r);
      ContinuityProofs.Parsed parsed = ContinuityProofs.parse(proof);
      if (!ContinuityProofs.same(parsed.chg(), r.id().value())) {
        throw ContinuityProofs.invalid("the proof names another change request");
      }
      if (!SecretHash.of(Secret.of(parsed.nonce())).matches(challenge.nonceHash())) {
        throw ContinuityProofs.invalid("the proof does not carry the challenge's nonce");
      }
      if (!ContinuityProofs.same(parsed.req(), r.digest())) {
        throw ContinuityProofs.invalid("the proof's request digest does not match this request");
      }
      ContinuityProofs.checkIssuedAt(parsed, challenge.createdAt(), now);
      Credential signer = signingCredential(t, parsed.kid())
          .orElseThrow(() -> ContinuityProofs.invalid("no credential has the thumbprint named by kid"));
      if (!signer.identityId().equals(r.target())) {
        throw ContinuityProofs.invalid("the signing credential belongs to another identity");
      }
      if (signer.status() != CredentialStatus.ACTIVE) {
        throw ContinuityProofs.invalid("the signing credential is " + signer.status().wire());
      }
      if (signer.expiredAt(now)) {
        throw ContinuityProofs.invalid("the signing credential is expired");
      }
      if (!ContinuityProofs.signedBy(parsed, signer)) {
        throw ContinuityProofs.invalid("the signature does not verify with the named credential's key");
      }
      if (!t.continuityChallenges().markUsed(challenge.id(), now)) {
        throw ContinuityProofs.invalid("the challenge was already used");
      }
      ChangeRequest next = r.withContinuity(new ContinuityProof(ContinuityProof.Method.CHALLENGE_SIGNATURE,
          signer.id(), now));
      save(t, next);
      Map<String, Object> d = ChangeRequest.stateChange(r, next);
      d.put("method", ContinuityProof.Method.CHALLENGE_SIGNATURE.wire());
      d.put("credential_id", signer.id().value());
      d.put("challenge_id", challenge.id().value());
      d.put("missing", new ArrayList<Object>(next.missing()));
      tx.record(t, actor.id(), actor.requestId(), "change_request.continuity", r.id().value(), d);
      return next;
    });
  }

  /**
   * Proves continuity with a recovery code of the target (docs/support-desk.md, "Redemption"): by the requester, an
   * admin or an owner, on an open request that needs its proof. The code is used (it never works again), one
   * replacement is delivered to the owners and they are told ({@code recovery_code.used}), and the request records
   * the proof with method {@code recovery_code}, all in one transaction. Refused with {@code recovery_code_invalid}
   * (malformed, unknown, used, replaced or revoked, or another identity's code; audited as denied with the reason,
   * never the code) or {@code no_delivery_channel} (the owners have no webhook to be told through); nothing is
   * consumed then.
   */
  public ChangeRequest submitRecoveryCode(Caller caller, ChangeRequestId id, String recoveryCode) {
    Actor actor = Actor.of(caller);
    return run(actor, "change_request.continuity", id.value(), t -> {
      ChangeRequest r = loadForUpdate(t, id);
      Identity target = loadIdentity(t, r.target());
      requireRequesterOrOwner(caller, r, target, "submit a continuity proof");
      touch(t, actor, r, "change_request.continuity");
      requireOpen(r);
      requireContinuityMissing(r);
      Instant now = tx.clock().instant();
      String codeRef = recoveryCodes.redeem(t, r.target(), recoveryCode, r.id().value(), actor.id(),
          actor.requestId(), now);
      ChangeRequest next = r.withContinuity(new ContinuityProof(ContinuityProof.Method.RECOVERY_CODE, null, now));
      save(t, next);
      Map<String, Object> d = ChangeRequest.stateChange(r, next);
      d.put("method", ContinuityProof.Method.RECOVERY_CODE.wire());
      d.put("recovery_code_ref", codeRef);
      d.put("missing", new ArrayList<Object>(next.missing()));
      tx.record(t, actor.id(), actor.requestId(), "change_request.continuity", r.id().value(), d);
      return next;
    });
  }

  /** The key-bearing credential whose thumbprint (x5t#S256 of a certificate, or jkt of a key) is {@code kid}. */
  private static Optional<Credential> signingCredential(Tx t, Thumbprint kid) {
    return t.credentials().findByThumbprint(CredentialType.X509_SVID, kid)
        .or(() -> t.credentials().findByThumbprint(CredentialType.SELF_SIGNED_CERTIFICATE, kid))
        .or(() -> t.credentials().findByThumbprint(CredentialType.PUBLIC_KEY, kid));
  }

  private static void requireContinuityMissing(ChangeRequest r) {
    if (!r.required().continuity()) {
      throw new RejectedException(ErrorCode.INVALID_TRANSITION, "change request " + r.id()
          + " needs no continuity proof");
    }
    if (r.continuity() != null) {
      throw new RejectedException(ErrorCode.INVALID_TRANSITION, "change request " + r.id()
          + " already has its continuity proof");
    }
  }

  // ---- approve, reject, cancel --------------------------------------------------------------------------

  /**
   * Approves a pending request, acting in {@code role}. Refused, in this order: a terminal request
   * ({@code invalid_transition}, {@code change_request_expired}); the requester ({@code self_approval}); an operator
   * who already approved it ({@code already_approved}); an operator not holding the role
   * ({@code approver_not_entitled}); no fresh step-up ({@code step_up_required}); a role the request needs no more
   * approvals in ({@code invalid_transition}). The request becomes {@code approved} when nothing more is missing.
   * Audited {@code change_request.approve} with the role and the state before and after.
   */
  public ChangeRequest approve(Caller caller, ChangeRequestId id, ApproverRole role, String comment) {
    if (role == null) {
      throw RejectedException.missing("role");
    }
    String note = Text.optional("comment", comment, Approval.MAX_COMMENT);
    Actor actor = Actor.of(caller);
    return run(actor, "change_request.approve", id.value(), t -> {
      authz.requireAuthenticated(caller);
      if (caller.isSystem()) {
        throw forbidden("approvals are given by operators, not by the system");
      }
      ChangeRequest r = loadForUpdate(t, id);
      touch(t, actor, r, "change_request.approve");
      requireOpen(r);
      if (r.requester().is(caller.operatorId())) {
        throw new RejectedException(ErrorCode.SELF_APPROVAL, "the requester never approves their own request");
      }
      if (r.approvals().stream().anyMatch(a -> a.operator().equals(caller.operatorId()))) {
        throw new RejectedException(ErrorCode.ALREADY_APPROVED, "you already approved change request " + r.id());
      }
      Identity target = loadIdentity(t, r.target());
      if (!holds(caller, role, target)) {
        throw notEntitled(caller.actor(), role, target);
      }
      authz.requireStepUp(caller);
      if (!r.needsApprovalAs(role)) {
        throw new RejectedException(ErrorCode.INVALID_TRANSITION, "change request " + r.id()
            + " needs no approval as " + role.wire() + " (still missing: " + String.join(", ", r.missing()) + ")");
      }
      Instant now = tx.clock().instant();
      ChangeRequest next = r.withApproval(new Approval(caller.operatorId(), role, now, caller.stepUpAt(), note));
      save(t, next);
      Map<String, Object> d = ChangeRequest.stateChange(r, next);
      d.put("role", role.wire());
      if (note != null) {
        d.put("comment", note);
      }
      d.put("missing", new ArrayList<Object>(next.missing()));
      notify(t, next, ChangeEvent.APPROVAL, now);
      tx.record(t, actor.id(), actor.requestId(), "change_request.approve", r.id().value(), d);
      return next;
    });
  }

  /**
   * Rejects an open request (an admin, a security officer, or an operator who could approve it in one of its
   * required roles). Terminal; audited {@code change_request.reject}.
   */
  public ChangeRequest reject(Caller caller, ChangeRequestId id, String comment) {
    String note = Text.optional("comment", comment, Approval.MAX_COMMENT);
    Actor actor = Actor.of(caller);
    return resolve(actor, id, "change_request.reject", ChangeState.REJECTED, ChangeEvent.REJECTED, note,
        (t, r, target) -> {
          authz.requireAuthenticated(caller);
          boolean approver = r.required().approvals().stream().anyMatch(role -> holds(caller, role, target))
              || (r.required().stepUpOrOwner() && holds(caller, ApproverRole.OWNER, target));
          if (!(caller.has(Role.ADMIN) || caller.has(Role.SECURITY_OFFICER) || approver)) {
            throw forbidden("only an admin, a security officer or an approver of the request may reject it");
          }
        });
  }

  /**
   * Cancels an open request (the requester, an admin, a security officer or an owner of the target). Terminal;
   * audited {@code change_request.cancel}.
   */
  public ChangeRequest cancel(Caller caller, ChangeRequestId id, String comment) {
    String note = Text.optional("comment", comment, Approval.MAX_COMMENT);
    Actor actor = Actor.of(caller);
    return resolve(actor, id, "change_request.cancel", ChangeState.CANCELLED, ChangeEvent.CANCELLED, note,
        (t, r, target) -> {
          authz.requireAuthenticated(caller);
          if (!(r.requester().is(caller.operatorId()) || caller.has(Role.ADMIN) || caller.has(Role.SECURITY_OFFICER)
              || Authorizer.isOwner(caller, target))) {
            throw forbidden("only the requester, an admin, a security officer or an owner may cancel the request");
          }
        });
  }

  private interface Check {
    void run(Tx t, ChangeRequest request, Identity target);
  }

  private ChangeRequest resolve(Actor actor, ChangeRequestId id, String action, ChangeState terminal,
      ChangeEvent event, String note, Check check) {
    return run(actor, action, id.value(), t -> {
      ChangeRequest r = loadForUpdate(t, id);
      check.run(t, r, loadIdentity(t, r.target()));
      touch(t, actor, r, action);
      requireOpen(r);
      Instant now = tx.clock().instant();
      ChangeRequest next = r.resolved(terminal, actor.id(), now);
      save(t, next);
      Map<String, Object> d = ChangeRequest.stateChange(r, next);
      if (note != null) {
        d.put("comment", note);
      }
      notify(t, next, event, now);
      tx.record(t, actor.id(), actor.requestId(), action, r.id().value(), d);
      return next;
    });
  }

  // ---- apply --------------------------------------------------------------------------------------------

  /**
   * Applies an approved request (the requester or an admin), in one transaction: the request is read and locked; it
   * must be open and unexpired; a {@code pending} request whose only missing piece is {@code step_up_or_owner} is
   * approved by the requester's own fresh step-up now; every approver must still hold the role they acted in
   * ({@code approver_not_entitled}); the target's version must be the one the request was made against
   * ({@code version_conflict}); every replaced credential must still be active ({@code credential_already_revoked});
   * the proposed key is verified again. Then the replaced credentials are revoked ({@code superseded} for rotate and
   * migrate, {@code keyCompromise} for recover; their revocation feed events make their tokens die), the new
   * credential is issued or registered with bind method {@code rebinding} (a rotated certificate continues its
   * lineage), a downgrade lowers the identity's level, the request becomes {@code applied}, and everything is
   * audited and notified. Any failure rolls all of it back. A second apply is {@code invalid_transition}; a request
   * that still needs something is {@code approval_required}.
   */
  public AppliedChange apply(Caller caller, ChangeRequestId id) {
    Actor actor = Actor.of(caller);
    return run(actor, "change_request.apply", id.value(), t -> {
      authz.requireAuthenticated(caller);
      ChangeRequest r = loadForUpdate(t, id);
      if (!(r.requester().is(caller.operatorId()) || caller.has(Role.ADMIN))) {
        throw forbidden("only the requester or an admin may apply a change request");
      }
      touch(t, actor, r, "change_request.apply");
      requireOpen(r);
      if (r.state() == ChangeState.PENDING && r.missing().equals(List.of("step_up_or_owner"))
          && r.requester().is(caller.operatorId()) && authz.hasFreshStepUp(caller)) {
        r = r.withRequesterStepUp(caller.stepUpAt());
        save(t, r);
      }
      return applyIn(t, actor, r);
    });
  }

  /**
   * Applies an approved request that the presenting workload made for itself ({@link #createByWorkload}), over
   * mutual TLS with a still-usable certificate; otherwise as {@link #apply}. Another requester's request is
   * {@code forbidden}.
   */
  public AppliedChange applyByWorkload(AuthenticatedCredential presenter, ChangeRequestId id, String requestId) {
    Actor actor = Actor.of(presenter, requestId);
    return run(actor, "change_request.apply", id.value(), t -> {
      ChangeRequest r = loadForUpdate(t, id);
      if (!r.requester().equals(Requester.workload(presenter.identity().id()))) {
        throw forbidden("a workload applies only the change requests it made");
      }
      requireStillUsable(t, presenter.credential(), loadIdentity(t, r.target()));
      touch(t, actor, r, "change_request.apply");
      requireOpen(r);
      return applyIn(t, actor, r);
    });
  }

  private AppliedChange applyIn(Tx t, Actor actor, ChangeRequest r) {
    if (r.state() != ChangeState.APPROVED) {
      throw new RejectedException(ErrorCode.APPROVAL_REQUIRED, "change request " + r.id() + " still needs: "
          + String.join(", ", r.missing()));
    }
    Identity identity = loadIdentity(t, r.target());
    for (Approval a : r.approvals()) {
      Operator approver = t.operators().findById(a.operator()).orElse(null);
      if (approver == null || approver.status() != OperatorStatus.ACTIVE || !holds(approver, a.role(), identity)) {
        throw notEntitled(a.operator().value(), a.role(), identity);
      }
    }
    requireBindable(identity);
    if (identity.version() != r.targetVersion()) {
      throw new RejectedException(ErrorCode.VERSION_CONFLICT, "identity " + identity.id() + " changed since the "
          + "request was made (version " + r.targetVersion() + ", now " + identity.version() + "); make a new request");
    }
    List<Credential> replaced = new ArrayList<>();
    for (CredentialId id : r.replaces()) {
      Credential c = t.credentials().findById(id).orElseThrow();
      if (c.revoked()) {
        throw new RejectedException(ErrorCode.CREDENTIAL_ALREADY_REVOKED, "credential " + id + " was "
            + c.status().wire() + " since the request was made; make a new request");
      }
      replaced.add(c);
    }
    ProposedCredential p = r.proposed();
    Key key = proposedKey(p.csrPem(), p.publicJwk(), identity.id());
    requireNeverBound(t, key);
    if (p.assurance() == Assurance.HARDWARE
        && attestation.verify(key.publicKey(), attestationChain(p.attestationPem())) != Assurance.HARDWARE) {
      throw new RejectedException(ErrorCode.ASSURANCE_TOO_LOW,
          "the key's hardware attestation no longer verifies; make a new request");
    }
    Instant now = tx.clock().instant();
    Credential continuing = lineageToContinue(t, r, replaced);
    List<CredentialId> revoked = new ArrayList<>();
    for (Credential c : replaced) {
      if (c != continuing) {
        credentials.revokeForChange(t, actor.id(), actor.requestId(), c, r.type().revocationReason(), r.id());
        revoked.add(c.id());
      }
    }
    CredentialView bound;
    IssuedSvid svid = null;
    if (key.csr() != null) {
      svid = credentials.issueForChange(t, actor.id(), actor.requestId(), identity, key.csr(), p.assurance(), r.id(),
          continuing);
      bound = svid.credential();
      if (continuing != null) {
        revoked.add(continuing.id());
      }
    } else {
      bound = credentials.registerKeyForChange(t, actor.id(), actor.requestId(), identity, key.jwk().registered(),
          p.expiresAt(), p.assurance(), r.id());
    }
    if (r.downgrade() && p.level() < identity.assuranceLevel()) {
      Identity lowered = identity.withAssuranceLevel(p.level(), now);
      if (!t.identities().update(lowered)) {
        throw new RejectedException(ErrorCode.VERSION_CONFLICT, "identity " + identity.id() + " changed concurrently");
      }
      Map<String, Object> d = IdentityService.assuranceDetails(identity, lowered, "rebinding_downgrade");
      d.put("change_request_id", r.id().value());
      d.put("version", lowered.version());
      tx.record(t, actor.id(), actor.requestId(), "identity.assurance.lower", identity.id().value(), d);
    }
    ChangeRequest applied = r.applied(new ChangeResult(bound.credential().id(), revoked), actor.id(), now);
    save(t, applied);
    Map<String, Object> d = ChangeRequest.stateChange(r, applied);
    d.put("credential_id", bound.credential().id().value());
    d.put("thumbprint", bound.credential().thumbprint().value());
    d.put("revoked", revoked.stream().map(c -> (Object) c.value()).toList());
    d.put("downgrade", r.downgrade());
    notify(t, applied, ChangeEvent.APPLIED, now).ifPresent(link -> d.put("disavow_link_id", link));
    tx.record(t, actor.id(), actor.requestId(), "change_request.apply", r.id().value(), d);
    return new AppliedChange(applied, bound, svid, revoked);
  }

  /**
   * The X.509-SVID whose lineage a rotate continues: a rotate to a new certificate that replaces exactly one
   * certificate issued by Bindery, the current generation of a lineage that is not quarantined. Null otherwise (the
   * new certificate starts a lineage).
   */
  private static Credential lineageToContinue(Tx t, ChangeRequest r, List<Credential> replaced) {
    if (r.type() != ChangeType.ROTATE || r.proposed().type() != CredentialType.X509_SVID) {
      return null;
    }
    List<Credential> certificates = replaced.stream().filter(c -> c.type() == CredentialType.X509_SVID).toList();
    if (certificates.size() != 1) {
      return null;
    }
    Credential c = certificates.get(0);
    return t.lineages().findById(c.lineageId())
        .filter(l -> !l.quarantined() && l.currentCredential().equals(c.id()))
        .map(l -> c)
        .orElse(null);
  }

  // ---- "this was not us" ---------------------------------------------------------------------------------

  /**
   * What following a valid "this was not us" link does, inside the caller's transaction (the notification adapter
   * checks the link first): an open request is cancelled; an applied request's new credential, if still active, is
   * revoked for key compromise (feed event); in every case the identity is locked (unless retired). Audited
   * {@code change_request.disavow} by {@code actor}.
   */
  public DisavowOutcome disavowInTransaction(Tx t, ChangeRequestId id, String actor, String requestId) {
    Objects.requireNonNull(actor, "actor");
    Instant now = tx.clock().instant();
    ChangeRequest r = loadForUpdate(t, id);
    ChangeRequest after = r;
    CredentialId revoked = null;
    if (r.open()) {
      after = r.resolved(ChangeState.CANCELLED, actor, now);
      save(t, after);
    } else if (r.state() == ChangeState.APPLIED) {
      Credential bound = t.credentials().findById(r.result().credentialId()).orElseThrow();
      if (!bound.revoked()) {
        credentials.revokeForChange(t, actor, requestId, bound, dev.bindery.pki.RevocationReason.KEY_COMPROMISE,
            r.id());
        revoked = bound.id();
      }
    }
    Identity identity = identities.lockInTransaction(t, actor, requestId, r.target(),
        "change request " + r.id() + " disavowed through a 'this was not us' link", "disavowed");
    Map<String, Object> d = ChangeRequest.stateChange(r, after);
    if (revoked != null) {
      d.put("revoked", revoked.value());
    }
    d.put("identity_status", identity.status().wire());
    notify(t, after, ChangeEvent.DISAVOWED, now);
    tx.record(t, actor, requestId, "change_request.disavow", r.id().value(), d);
    return new DisavowOutcome(after, revoked, identity);
  }

  // ---- reads --------------------------------------------------------------------------------------------

  /** A request with its state now and what it still needs (any operator but a leak reporter). */
  public ChangeRequestView get(Caller caller, ChangeRequestId id) {
    authz.requireAuthenticated(caller);
    return tx.transactor().read(t -> view(t.changeRequests().findById(id).orElseThrow(() -> notFound(id)),
        tx.clock().instant()));
  }

  /** Requests matching {@code query}, in id order (any operator but a leak reporter). */
  public Page<ChangeRequestView> list(Caller caller, ChangeRequestQuery query) {
    authz.requireAuthenticated(caller);
    Objects.requireNonNull(query, "query");
    return tx.transactor().read(t -> {
      Instant now = tx.clock().instant();
      Page<ChangeRequest> page = t.changeRequests().list(query);
      return new Page<>(page.items().stream().map(r -> view(r, now)).toList(), page.nextCursor());
    });
  }

  /**
   * Every credential ever bound to the identity, oldest first (bound time, then id), each with its successor and
   * the applied change request that replaced it, if any (any operator but a leak reporter). Nothing is deleted, so
   * this is the identity's whole binding history.
   */
  public List<Binding> bindings(Caller caller, IdentityId identity) {
    authz.requireAuthenticated(caller);
    return tx.transactor().read(t -> {
      Identity i = loadIdentity(t, identity);
      Instant now = tx.clock().instant();
      Map<CredentialId, ChangeRequest> replacedBy = new HashMap<>();
      ChangeRequestQuery q = new ChangeRequestQuery(identity, Set.of(ChangeState.APPLIED), null, null, null,
          ChangeRequestQuery.MAX_LIMIT);
      while (true) {
        Page<ChangeRequest> page = t.changeRequests().list(q);
        page.items().forEach(r -> r.result().revoked().forEach(c -> replacedBy.put(c, r)));
        if (page.nextCursor() == null || page.items().isEmpty()) {
          break;
        }
        q = q.after(page.items().get(page.items().size() - 1).id());
      }
      List<Binding> out = new ArrayList<>();
      for (Credential c : t.credentials().listForIdentity(identity)) {
        ChangeRequest replacing = replacedBy.get(c.id());
        CredentialId successor = c.supersededBy() != null ? c.supersededBy()
            : replacing == null ? null : replacing.result().credentialId();
        out.add(new Binding(new CredentialView(c, c.usable(i.status(), now)), successor,
            replacing == null ? null : replacing.id()));
      }
      return out;
    });
  }

  private static ChangeRequestView view(ChangeRequest r, Instant now) {
    return ChangeRequestView.at(r, now);
  }

  // ---- helpers ------------------------------------------------------------------------------------------

  /**
   * Runs {@code work} in one transaction; a refusal is audited as denied unless it is plain bad input or a lookup
   * miss ({@link AuditedTransactor#writeRecordingRefusals}).
   */
  private <T> T run(Actor actor, String action, String target, Function<Tx, T> work) {
    return tx.writeRecordingRefusals(actor.id(), actor.requestId(), action, target, work);
  }

  /**
   * Expiry on touch: an open request past its expiry becomes {@code expired} (audited by the system, notified), the
   * action is audited as denied, and both commit before {@code change_request_expired} is thrown.
   */
  private void touch(Tx t, Actor actor, ChangeRequest r, String action) {
    if (!r.expiredAt(tx.clock().instant())) {
      return;
    }
    expireIn(t, actor, r);
    RejectedException expired = new RejectedException(ErrorCode.CHANGE_REQUEST_EXPIRED,
        "change request " + r.id() + " expired at " + r.expiresAt());
    tx.recordDenied(t, actor.id(), actor.requestId(), action, r.id().value(), expired);
    throw new AuditedTransactor.CommitThenRefuse(expired);
  }

  private void expireIn(Tx t, Actor actor, ChangeRequest r) {
    Instant now = tx.clock().instant();
    ChangeRequest expired = r.resolved(ChangeState.EXPIRED, Caller.SYSTEM_ACTOR, now);
    save(t, expired);
    Map<String, Object> d = ChangeRequest.stateChange(r, expired);
    d.put("expires_at", r.expiresAt().toString());
    notify(t, expired, ChangeEvent.EXPIRED, now);
    tx.record(t, Caller.SYSTEM_ACTOR, actor.requestId(), "change_request.expire", r.id().value(), d);
  }

  private Optional<String> notify(Tx t, ChangeRequest r, ChangeEvent event, Instant at) {
    return Objects.requireNonNull(notifier.queued(t, r, event, at), "notifier answered null");
  }

  private static void save(Tx t, ChangeRequest next) {
    if (!t.changeRequests().update(next)) {
      throw new RejectedException(ErrorCode.INVALID_TRANSITION, "change request " + next.id()
          + " was changed concurrently");
    }
  }

  private static ChangeRequest loadForUpdate(Tx t, ChangeRequestId id) {
    return t.changeRequests().findForUpdate(id).orElseThrow(() -> notFound(id));
  }

  private static RejectedException notFound(ChangeRequestId id) {
    return new RejectedException(ErrorCode.CHANGE_REQUEST_NOT_FOUND, "no change request " + id);
  }

  private static void requireOpen(ChangeRequest r) {
    if (r.state() == ChangeState.EXPIRED) {
      throw new RejectedException(ErrorCode.CHANGE_REQUEST_EXPIRED, "change request " + r.id() + " expired");
    }
    if (!r.open()) {
      throw new RejectedException(ErrorCode.INVALID_TRANSITION, "change request " + r.id() + " is "
          + r.state().wire());
    }
  }

  private static RejectedException conflict(ChangeRequest open) {
    return new RejectedException(ErrorCode.CHANGE_REQUEST_CONFLICT, "identity " + open.target()
        + " already has an open change request " + open.id() + "; it must be resolved first");
  }

  private static void requireBindable(Identity identity) {
    if (identity.retired()) {
      throw new RejectedException(ErrorCode.IDENTITY_RETIRED, "identity " + identity.id() + " is retired");
    }
    if (identity.status() == IdentityStatus.LOCKED) {
      throw new RejectedException(ErrorCode.IDENTITY_LOCKED, "identity " + identity.id()
          + " is locked for security review; a security officer must unlock it first");
    }
  }

  /** The presenter's credential as stored now, still active, unexpired, and of an active identity. */
  private Credential requireStillUsable(Tx t, Credential presented, Identity identity) {
    Credential current = t.credentials().findById(presented.id()).orElseThrow();
    if (current.revoked()) {
      throw new RejectedException(ErrorCode.CREDENTIAL_REVOKED, "credential is " + current.status().wire());
    }
    if (current.expiredAt(tx.clock().instant())) {
      throw new RejectedException(ErrorCode.CREDENTIAL_EXPIRED, "credential is expired");
    }
    if (identity.status() != IdentityStatus.ACTIVE) {
      throw new RejectedException(ErrorCode.IDENTITY_NOT_ACTIVE, "identity is " + identity.status().wire());
    }
    return current;
  }

  private static void requireRequesterOrOwner(Caller caller, ChangeRequest r, Identity target, String what) {
    if (caller.has(Role.LEAK_REPORTER) || caller.has(Role.AUDITOR)) {
      throw forbidden("only the requester, an admin or an owner may " + what);
    }
    if (!(r.requester().is(caller.operatorId()) || caller.has(Role.ADMIN) || Authorizer.isOwner(caller, target))) {
      throw forbidden("only the requester, an admin or an owner may " + what);
    }
  }

  /** Whether the caller holds {@code role} for {@code target} now (from its authenticated token). */
  private static boolean holds(Caller caller, ApproverRole role, Identity target) {
    if (caller.isSystem()) {
      return false;
    }
    return switch (role) {
      case OWNER -> caller.memberOf(target.ownership().owningTeam());
      case SECURITY_OFFICER -> caller.has(Role.SECURITY_OFFICER);
      case SUPERVISOR -> caller.has(Role.SUPERVISOR);
    };
  }

  /** Whether the stored operator holds {@code role} for {@code target} (the re-check at apply). */
  private static boolean holds(Operator operator, ApproverRole role, Identity target) {
    return switch (role) {
      case OWNER -> operator.teams().contains(target.ownership().owningTeam());
      case SECURITY_OFFICER -> operator.has(Role.SECURITY_OFFICER);
      case SUPERVISOR -> operator.has(Role.SUPERVISOR);
    };
  }

  private static RejectedException notEntitled(String operator, ApproverRole role, Identity target) {
    String need = role == ApproverRole.OWNER ? "membership of the owning team " + target.ownership().owningTeam()
        : "the " + role.wire() + " role";
    return new RejectedException(ErrorCode.APPROVER_NOT_ENTITLED, "approver " + operator + " does not hold "
        + need + " for this request");
  }

  private static RejectedException forbidden(String message) {
    return new RejectedException(ErrorCode.FORBIDDEN, message);
  }

  private static Identity loadIdentity(Tx t, IdentityId id) {
    return t.identities().findById(id)
        .orElseThrow(() -> new RejectedException(ErrorCode.IDENTITY_NOT_FOUND, "no identity " + id));
  }

  /** The audit record of a new request: everything an approver sees, and no key material. */
  private static Map<String, Object> describe(ChangeRequest r) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("type", r.type().wire());
    d.put("channel", r.channel().wire());
    d.put("target", r.target().value());
    d.put("target_version", r.targetVersion());
    d.put("requester", Map.of("kind", r.requester().kind().wire(), "id", r.requester().id()));
    d.put("reason", r.reason());
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("type", r.proposed().type().wire());
    p.put("key_thumbprint", r.proposed().keyThumbprint().value());
    p.put("key_type", r.proposed().keyType());
    p.put("credential_level", (long) r.proposed().level());
    p.put("assurance", r.proposed().assurance().wire());
    if (r.proposed().expiresAt() != null) {
      p.put("expires_at", r.proposed().expiresAt().toString());
    }
    d.put("proposed", p);
    d.put("replaces", r.replaces().stream().map(c -> (Object) c.value()).toList());
    d.put("downgrade", r.downgrade());
    Map<String, Object> q = new LinkedHashMap<>();
    q.put("continuity", r.required().continuity());
    q.put("step_up_or_owner", r.required().stepUpOrOwner());
    q.put("approvals", r.required().approvals().stream().map(a -> (Object) a.wire()).toList());
    q.put("attested_key", r.required().attestedKey());
    d.put("required", q);
    if (r.continuity() != null) {
      d.put("continuity", Map.of("method", r.continuity().method().wire(), "credential_id",
          r.continuity().credentialId().value()));
    }
    d.put("requester_step_up", r.requesterStepUpAt() != null);
    d.put("state", r.state().wire());
    d.put("expires_at", r.expiresAt().toString());
    return d;
  }
}
