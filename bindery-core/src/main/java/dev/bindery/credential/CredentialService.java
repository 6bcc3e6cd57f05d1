package dev.bindery.credential;

import dev.bindery.audit.AuditRecord;
import dev.bindery.audit.Outcome;
import dev.bindery.change.ChangeRequestId;
import dev.bindery.common.ErrorCode;
import dev.bindery.common.RateLimitedException;
import dev.bindery.common.RejectedException;
import dev.bindery.common.Secret;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.IdentityKind;
import dev.bindery.identity.IdentityLifecycleHook;
import dev.bindery.identity.IdentityStatus;
import dev.bindery.pki.CertificateAuthority;
import dev.bindery.pki.Csrs;
import dev.bindery.pki.RevocationReason;
import dev.bindery.pki.VerifiedCsr;
import dev.bindery.revocation.RevocationEventType;
import dev.bindery.security.Authorizer;
import dev.bindery.security.Caller;
import dev.bindery.security.RefusalLimiter;
import dev.bindery.store.AuditedTransactor;
import dev.bindery.store.StampedCache;
import dev.bindery.store.StoreChanges;
import dev.bindery.store.Tx;
import dev.bindery.store.UniqueViolation;
import dev.bindery.support.SupportActionId;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The credentials of identities: enrolment and renewal of X.509-SVIDs, registered public keys and self-signed
 * certificates, API keys, revocation, rotation policies and reports, leak response, and the cascade of an
 * identity's retirement. Every change and its audit event commit in one transaction.
 *
 * <p>Authentication of a credential ({@link #authenticateCertificate}, {@link #authenticatePublicKey},
 * {@link #verifyApiKey}) refuses, with the
 * contract's codes: an unknown credential ({@code credential_unknown}, not audited, so guessing cannot fill the
 * audit log), a revoked one ({@code credential_revoked}), one of a quarantined lineage
 * ({@code credential_quarantined}), an expired or not yet valid one ({@code credential_expired}), a superseded
 * generation ({@code credential_superseded}: its lineage is quarantined), and one whose identity is not active
 * ({@code identity_not_active}). Every refusal of a known credential is audited as denied.
 */
public final class CredentialService {
  /** The audit action of a leak report. */
  public static final String LEAK_REPORT_ACTION = "credential.leak.report";
  /** At most this many items in one report. */
  public static final int REPORT_LIMIT = 1000;
  /** The window of the {@code bindery_credentials_expiring} gauge. */
  public static final Duration GAUGE_EXPIRING_WINDOW = Duration.ofDays(7);
  /** The idle time of the {@code bindery_credentials_unused} gauge. */
  public static final Duration GAUGE_UNUSED_WINDOW = Duration.ofDays(30);
  /** A use is recorded at most once per this interval per credential, to keep authentication cheap. */
  static final Duration LAST_USED_GRANULARITY = Duration.ofMinutes(1);
  private static final int MAX_REPORT_DAYS = 3650;
  /** The audit actor of a request made without an operator (enrolment with a code). */
  private static final String ANONYMOUS = "anonymous";
  /** Refused enrolment attempts one source may make per {@link #ENROLMENT_REFUSAL_WINDOW}. */
  public static final int ENROLMENT_REFUSALS_PER_WINDOW = 10;
  public static final Duration ENROLMENT_REFUSAL_WINDOW = Duration.ofMinutes(1);
  /** Sources whose refused enrolments are counted at once; see {@link RefusalLimiter}. */
  static final int ENROLMENT_TRACKED_SOURCES = 10_000;
  /** Certificate authentications kept at most (the whole cache is dropped when it is full). */
  static final int AUTHENTICATION_CACHE_SIZE = 10_000;
  /** The source of enrolments made in this process rather than over the network. */
  public static final String IN_PROCESS_SOURCE = "in-process";

  private final AuditedTransactor tx;
  private final Authorizer authz;
  private final SecureRandom random;
  private final CertificateAuthority ca;
  private final CredentialEvents events;
  private final LeakedAccessTokens leakedTokens;
  private final RefusalLimiter enrolmentRefusals;
  /** Told of every enrolment with a code, in its transaction (bound once at wiring). */
  private final java.util.concurrent.atomic.AtomicReference<EnrolmentListener> enrolments =
      new java.util.concurrent.atomic.AtomicReference<>(EnrolmentListener.NONE);
  /**
   * Successful certificate authentications by x5t#S256, reused only while the store is unchanged since they were
   * read ({@link StoreChanges}): any committed change on this node, or one seen on another node, drops them all.
   * A hit is still checked for expiry at the request's time, and goes to the store when a use is due to be
   * recorded. Refusals are never cached.
   */
  private final StampedCache<Thumbprint, AuthenticatedCredential> certificateAuthentications;

  /** A credential service whose leak reports recognise no access token ({@link LeakedAccessTokens#NONE}). */
  public CredentialService(AuditedTransactor tx, Authorizer authz, SecureRandom random, CertificateAuthority ca,
      CredentialEvents events) {
    this(tx, authz, random, ca, events, LeakedAccessTokens.NONE);
  }

  /**
   * @param ca issues the X.509-SVIDs
   * @param events told of lineage quarantines after they commit (metrics)
   * @param leakedTokens recognises the access tokens of this deployment's authorization server in leak reports
   */
  public CredentialService(AuditedTransactor tx, Authorizer authz, SecureRandom random, CertificateAuthority ca,
      CredentialEvents events, LeakedAccessTokens leakedTokens) {
    this.tx = Objects.requireNonNull(tx);
    this.authz = Objects.requireNonNull(authz);
    this.random = Objects.requireNonNull(random);
    this.ca = Objects.requireNonNull(ca);
    this.events = Objects.requireNonNull(events);
    this.leakedTokens = Objects.requireNonNull(leakedTokens);
    this.certificateAuthentications = new StampedCache<>(tx.transactor().changes(), AUTHENTICATION_CACHE_SIZE);
    this.enrolmentRefusals = new RefusalLimiter(tx.clock(), ENROLMENT_REFUSALS_PER_WINDOW, ENROLMENT_REFUSAL_WINDOW,
        ENROLMENT_TRACKED_SOURCES);
  }

  /**
   * Tells {@code listener} of every enrolment made with an enrolment code (an owner's, an admin's or the support
   * desk's), inside the enrolment's transaction (the support desk's "new credential from an unusual source" alert).
   * Bound once, at wiring.
   */
  public void onEnrolment(EnrolmentListener listener) {
    enrolments.set(Objects.requireNonNull(listener));
  }

  // ---- enrolment ----------------------------------------------------------------------------------------

  /**
   * Creates a one-time enrolment code for {@code identity} (an owner or an admin). {@code ttl} null means
   * {@link EnrolmentCodes#DEFAULT_TTL}; at most {@link EnrolmentCodes#MAX_TTL}. The code is returned once and
   * only its hash is stored. A retired identity gets none ({@code identity_retired}); a suspended one may, but
   * the code works only after it is resumed.
   */
  public IssuedEnrolmentCode createEnrolmentCode(Caller caller, IdentityId identity, Duration ttl) {
    Duration lifetime = ttl == null ? EnrolmentCodes.DEFAULT_TTL : ttl;
    if (lifetime.compareTo(Duration.ofSeconds(1)) < 0 || lifetime.compareTo(EnrolmentCodes.MAX_TTL) > 0) {
      throw RejectedException.invalid("ttl_seconds",
          "ttl_seconds must be between 1 and " + EnrolmentCodes.MAX_TTL.toSeconds());
    }
    return tx.write(caller, "credential.enrolment_code.create", identity.value(), t -> {
      Identity i = loadIdentity(t, identity);
      authz.requireManageCredentials(caller, i);
      requireNotRetired(i);
      Instant now = tx.clock().instant();
      Secret code = EnrolmentCodes.generate(random);
      SecretHash hash = SecretHash.of(code);
      t.enrolmentCodes().insert(new EnrolmentCode(hash, identity, caller.actor(), now, now.plus(lifetime), null, null));
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("code_ref", codeRef(hash));
      d.put("expires_at", now.plus(lifetime).toString());
      tx.record(t, caller, "credential.enrolment_code.create", identity.value(), d);
      return new IssuedEnrolmentCode(code, identity, now.plus(lifetime));
    });
  }

  /**
   * Redeems an enrolment code with a CSR: issues generation 1 of a new lineage for the code's identity and marks
   * the code used, in one transaction. The code is the authentication (no operator). Refusals: unknown or
   * malformed code {@code enrolment_code_invalid}, used {@code enrolment_code_used}, expired
   * {@code enrolment_code_expired}, identity suspended or retired {@code identity_not_active} (all audited as
   * denied); CSR errors as {@link Csrs#verify(String, String)} (not audited, and the code stays unused). The
   * CSR may name the identity's own SPIFFE id as its only SAN, nothing else. The {@link EnrolmentListener} bound with
   * {@link #onEnrolment} is told of every enrolment, in its transaction (an in-process one has no source).
   */
  public IssuedSvid enrol(String code, String csrPem, String requestId) {
    return enrol(code, csrPem, IN_PROCESS_SOURCE, requestId);
  }

  /**
   * {@link #enrol(String, String, String)} for a request from {@code source} (the remote address), limited to
   * {@link #ENROLMENT_REFUSALS_PER_WINDOW} refused attempts per {@link #ENROLMENT_REFUSAL_WINDOW} per source:
   * over that, every attempt is refused with {@code rate_limited} ({@link RateLimitedException}, with the time
   * until the window ends) before the code is looked at, and only the first of them in a window is audited. A
   * refusal that counts is one the audit log records (unknown, used or expired code, identity not active); a
   * successful enrolment or a CSR error does not count.
   */
  public IssuedSvid enrol(String code, String csrPem, String source, String requestId) {
    Objects.requireNonNull(source, "source");
    // every unauthenticated refusal of an enrolment is audited: those are what the limit counts
    return enrolmentRefusals.attempt(source, "too many refused enrolment attempts from this address; try again later",
        e -> e.code().category() == ErrorCode.Category.UNAUTHENTICATED,
        limited -> tx.recordRateLimited(ANONYMOUS, "credential.enrol", source, limited, requestId),
        () -> redeem(code, csrPem, source, requestId));
  }

  private IssuedSvid redeem(String code, String csrPem, String source, String requestId) {
    String action = "credential.enrol";
    if (!EnrolmentCodes.wellFormed(code)) {
      throw tx.recordedRefusal(ANONYMOUS, action, "",
          new RejectedException(ErrorCode.ENROLMENT_CODE_INVALID, "enrolment code is not valid"), requestId);
    }
    SecretHash hash = SecretHash.of(Secret.of(code));
    return refusing(action, requestId, t -> {
      Instant now = tx.clock().instant();
      EnrolmentCode stored = t.enrolmentCodes().findByHash(hash).filter(found -> found.hash().matches(hash))
          .orElseThrow(() -> new Refusal(ANONYMOUS, "",
              new RejectedException(ErrorCode.ENROLMENT_CODE_INVALID, "enrolment code is not valid")));
      String target = stored.identityId().value();
      if (stored.used()) {
        throw new Refusal(ANONYMOUS, target,
            new RejectedException(ErrorCode.ENROLMENT_CODE_USED, "enrolment code was already used"));
      }
      if (stored.revoked()) {
        throw new Refusal(ANONYMOUS, target,
            new RejectedException(ErrorCode.ENROLMENT_CODE_INVALID, "enrolment code was revoked"));
      }
      if (stored.expiredAt(now)) {
        throw new Refusal(ANONYMOUS, target,
            new RejectedException(ErrorCode.ENROLMENT_CODE_EXPIRED, "enrolment code expired"));
      }
      Identity identity = loadIdentity(t, stored.identityId());
      if (identity.status() != IdentityStatus.ACTIVE) {
        throw new Refusal(ANONYMOUS, target, notActive(identity));
      }
      VerifiedCsr csr = Csrs.verify(csrPem, ca.spiffeId(identity.id()));
      CredentialId id = CredentialId.generate(random);
      LineageId lineage = LineageId.generate(random);
      IssuedSvid issued = issue(t, identity, csr, id, lineage, 1, BindMethod.ENROLMENT, stored.createdBy(), now);
      t.lineages().insert(Lineage.start(lineage, identity.id(), id, now));
      String usedFrom = EnrolmentCode.source(source);
      if (!t.enrolmentCodes().markUsed(hash, now, id, usedFrom)) {
        // a concurrent enrolment redeemed (or a flagged review revoked) the code first: this one's writes roll back
        throw new Refusal(ANONYMOUS, target,
            new RejectedException(ErrorCode.ENROLMENT_CODE_USED, "enrolment code was already used"));
      }
      Map<String, Object> d = details(issued.credential().credential());
      d.put("code_ref", codeRef(hash));
      d.put("code_created_by", stored.createdBy());
      if (stored.supportActionId() != null) {
        // the support desk's temporary recovery credential: the credential is linked to the action through the code
        d.put("support_action_id", stored.supportActionId().value());
        d.put("source", usedFrom == null ? "" : usedFrom);
      }
      append(t, identity.id().value(), action, identity.id().value(), d, requestId, now);
      // every enrolment, whoever made the code: a reset's attacker may as well enrol with an owner's code
      enrolments.get().enrolled(t, identity.id(), id, stored.supportActionId(), IN_PROCESS_SOURCE.equals(usedFrom)
          ? null : usedFrom, now, requestId);
      return issued;
    });
  }

  // ---- authentication of credentials ----------------------------------------------------------------------

  /**
   * Authenticates a certificate presented over mutual TLS: an X.509-SVID issued by Bindery, or a registered
   * self-signed certificate, found by its x5t#S256. The chain was already checked by the TLS layer; this is the
   * one place that checks the credential behind it. A superseded generation quarantines its lineage (its
   * current certificate is revoked with key compromise, audited as {@code credential.lineage.quarantined},
   * reported to {@link CredentialEvents}) and is refused; other lineages of the identity keep working.
   */
  public AuthenticatedCredential authenticateCertificate(X509Certificate leaf, Instant now, String requestId) {
    return authenticateCertificate(leaf, now, requestId, RefusalAudit.AUDITED);
  }

  /** Whether a refused authentication of a known credential is written to the audit log. */
  public enum RefusalAudit {
    /** Each refusal is a {@code denied} audit event (enrolment, renewal: rare, operator-visible requests). */
    AUDITED,
    /**
     * Refusals are not written (the caller counts them in a metric): for endpoints a holder of a revoked key could
     * call in a loop, such as the OAuth token endpoint, where one audit write per attempt would let anyone holding
     * such a key fill the audit log. A lineage quarantine is a state change and is audited either way.
     */
    NOT_AUDITED
  }

  /**
   * As {@link #authenticateCertificate(X509Certificate, Instant, String)}, with the refusals of a known credential
   * audited or not ({@link RefusalAudit}). The checks, their codes and the quarantine are the same.
   */
  public AuthenticatedCredential authenticateCertificate(X509Certificate leaf, Instant now, String requestId,
      RefusalAudit refusals) {
    Objects.requireNonNull(now);
    Objects.requireNonNull(refusals);
    if (leaf == null) {
      throw new RejectedException(ErrorCode.CLIENT_CERTIFICATE_REQUIRED, "a client certificate is required");
    }
    Thumbprint thumbprint = CredentialKeys.x5tS256(leaf);
    AuthenticatedCredential cached = certificateAuthentications.get(thumbprint);
    if (cached != null && !cached.credential().expiredAt(now) && !useDue(cached.credential(), now)) {
      return new AuthenticatedCredential(cached.credential(), cached.identity(), now);
    }
    long stamp = certificateAuthentications.stamp();
    AuthenticatedCredential authenticated = authenticate(requestId, now, refusals,
        t -> t.credentials().findByThumbprint(CredentialType.X509_SVID, thumbprint)
            .or(() -> t.credentials().findByThumbprint(CredentialType.SELF_SIGNED_CERTIFICATE, thumbprint)), NO_STEP);
    certificateAuthentications.put(thumbprint, authenticated, stamp);
    return authenticated;
  }

  /**
   * Authenticates a registered public key ({@code public_key} credential) whose possession the caller has already
   * proved (for example the signature of a {@code private_key_jwt} client assertion, verified with the stored key):
   * the same checks and codes as {@link #authenticateCertificate}, on the credential as stored now (a key revoked
   * since the caller read it is refused). {@code alsoInTransaction} runs in the same transaction once the credential
   * is found usable and before its use is recorded; if it throws, the transaction rolls back and nothing is written
   * (the token endpoint consumes the assertion's {@code jti} there, so a refused key consumes nothing and a replay
   * records no use).
   *
   * @throws RejectedException {@code credential_unknown} if {@code id} is not a public key credential
   */
  public AuthenticatedCredential authenticatePublicKey(CredentialId id, Instant now, String requestId,
      RefusalAudit refusals, Consumer<Tx> alsoInTransaction) {
    Objects.requireNonNull(id);
    Objects.requireNonNull(now);
    Objects.requireNonNull(refusals);
    Objects.requireNonNull(alsoInTransaction);
    return authenticate(requestId, now, refusals, t -> t.credentials().findById(id)
        .filter(c -> c.type() == CredentialType.PUBLIC_KEY), alsoInTransaction);
  }

  /** Whether a use of {@code c} at {@code now} is to be recorded ({@link #LAST_USED_GRANULARITY}). */
  private static boolean useDue(Credential c, Instant now) {
    return c.lastUsedAt() == null || c.lastUsedAt().plus(LAST_USED_GRANULARITY).isBefore(now);
  }

  /**
   * Verifies a presented API key. A value that is not an API key or whose checksum does not match is refused
   * before any lookup ({@code credential_unknown}); the lookup is by hash and the found hash is compared in
   * constant time.
   */
  public AuthenticatedCredential verifyApiKey(String value, String requestId) {
    if (!ApiKeys.valid(value)) {
      throw new RejectedException(ErrorCode.CREDENTIAL_UNKNOWN, "api key is malformed or unknown");
    }
    SecretHash hash = SecretHash.of(Secret.of(value));
    return authenticate(requestId, tx.clock().instant(), RefusalAudit.AUDITED, t -> t.credentials()
        .findBySecretHash(hash)
        .filter(found -> found.secretHash().matches(hash)), NO_STEP);
  }

  private static final Consumer<Tx> NO_STEP = t -> { };

  private AuthenticatedCredential authenticate(String requestId, Instant now, RefusalAudit refusals,
      Function<Tx, Optional<Credential>> lookup, Consumer<Tx> alsoInTransaction) {
    Object outcome = tx.transactor().inTransaction(t -> {
      Credential c = lookup.apply(t).orElse(null);
      if (c == null) {
        return null;
      }
      Identity identity = loadIdentity(t, c.identityId());
      Refusal refusal = checkUsable(t, c, identity, now, requestId);
      if (refusal != null) {
        return refusal; // returned, not thrown: a quarantine made by the check must commit
      }
      alsoInTransaction.accept(t);
      if (useDue(c, now)) {
        t.credentials().recordUse(c.id(), now);
        c = c.withLastUsedAt(now);
      }
      return new AuthenticatedCredential(c, identity, now);
    });
    if (outcome == null) {
      throw new RejectedException(ErrorCode.CREDENTIAL_UNKNOWN, "credential is not known to bindery");
    }
    if (outcome instanceof Refusal r) {
      // recorded after the lookup transaction committed, so a quarantine made there is kept
      if (r.quarantined != null) {
        events.lineageQuarantined(r.quarantined);
      }
      if (refusals == RefusalAudit.NOT_AUDITED) {
        throw r.rejection;
      }
      throw tx.recordedRefusal(r.actor, "credential.authenticate", r.target, r.rejection, requestId);
    }
    return (AuthenticatedCredential) outcome;
  }

  /** Null if {@code c} is usable; otherwise the refusal (and, for a superseded generation, the quarantine). */
  private Refusal checkUsable(Tx t, Credential c, Identity identity, Instant now, String requestId) {
    String actor = identity.id().value();
    if (c.status() == CredentialStatus.REVOKED) {
      return new Refusal(actor, actor, new RejectedException(ErrorCode.CREDENTIAL_REVOKED, "credential was revoked"));
    }
    if (c.status() == CredentialStatus.QUARANTINED) {
      return new Refusal(actor, actor, new RejectedException(ErrorCode.CREDENTIAL_QUARANTINED,
          "credential belongs to a quarantined lineage; enrol again"));
    }
    if (c.expiredAt(now)) {
      return new Refusal(actor, actor, new RejectedException(ErrorCode.CREDENTIAL_EXPIRED,
          "credential is expired or not yet valid"));
    }
    if (c.status() == CredentialStatus.SUPERSEDED) {
      return new Refusal(actor, actor, new RejectedException(ErrorCode.CREDENTIAL_SUPERSEDED,
          "credential was superseded by a renewal; its lineage is quarantined"), quarantine(t, c, now, requestId));
    }
    if (identity.status() != IdentityStatus.ACTIVE) {
      return new Refusal(actor, actor, notActive(identity));
    }
    return null;
  }

  /**
   * Quarantines the lineage of a superseded credential that was presented, unless it already is: revokes its
   * current certificate (key compromise) and marks the lineage. Returns the quarantined lineage, or null.
   */
  private Lineage quarantine(Tx t, Credential presented, Instant now, String requestId) {
    Lineage lineage = t.lineages().findById(presented.lineageId()).orElseThrow();
    if (lineage.quarantined()) {
      return null;
    }
    Lineage next = lineage.quarantine(now);
    if (!t.lineages().update(next)) {
      return null; // a concurrent presentation quarantined it
    }
    Credential current = t.credentials().findById(lineage.currentCredential()).orElseThrow();
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("lineage_id", lineage.id().value());
    d.put("presented_credential_id", presented.id().value());
    d.put("presented_generation", (long) presented.generation());
    d.put("presented_serial", presented.serialHex());
    d.put("current_generation", (long) lineage.currentGeneration());
    d.put("current_credential_id", current.id().value());
    if (current.status() == CredentialStatus.ACTIVE) {
      if (!t.credentials().update(current.quarantine(now))) {
        throw new IllegalStateException("credential " + current.id() + " changed during quarantine");
      }
      d.put("revoked_serial", current.serialHex());
      d.put("revocation_reason", RevocationReason.KEY_COMPROMISE.apiName());
    }
    append(t, Caller.SYSTEM_ACTOR, "credential.lineage.quarantined", lineage.identityId().value(), d, requestId, now);
    // every unexpired certificate of the lineage (the presented one, the current one, older generations) is
    // announced, so resource servers refuse the tokens bound to any of them
    for (Credential c : t.credentials().listForIdentity(lineage.identityId())) {
      if (lineage.id().equals(c.lineageId()) && !c.notAfter().isBefore(now)) {
        announceRevoked(t, c, now);
      }
    }
    return next;
  }

  // ---- renewal ------------------------------------------------------------------------------------------

  /**
   * Renews the lineage of an authenticated X.509-SVID: issues generation n+1 from the CSR (same or new key) and
   * supersedes generation n (CRL reason superseded), in one transaction. The presenter must be the current
   * generation of a lineage that is not quarantined; a certificate that stopped being so since it was
   * authenticated is refused with the matching code.
   */
  public IssuedSvid renew(AuthenticatedCredential presenter, String csrPem, String requestId) {
    Objects.requireNonNull(presenter);
    String action = "credential.renew";
    String actor = presenter.identity().id().value();
    if (presenter.credential().type() != CredentialType.X509_SVID) {
      throw tx.recordedRefusal(actor, action, actor, new RejectedException(ErrorCode.CREDENTIAL_UNKNOWN,
          "renewal needs a certificate issued by bindery"), requestId);
    }
    return refusing(action, requestId, t -> {
      Instant now = tx.clock().instant();
      Credential current = t.credentials().findById(presenter.credential().id()).orElseThrow();
      Identity identity = loadIdentity(t, current.identityId());
      Lineage lineage = t.lineages().findById(current.lineageId()).orElseThrow();
      RejectedException stale = null;
      if (lineage.quarantined()) {
        stale = new RejectedException(ErrorCode.CREDENTIAL_QUARANTINED, "lineage is quarantined; enrol again");
      } else if (current.status() == CredentialStatus.SUPERSEDED || !lineage.currentCredential().equals(current.id())) {
        stale = new RejectedException(ErrorCode.CREDENTIAL_SUPERSEDED, "credential was already renewed");
      } else if (current.revoked()) {
        stale = new RejectedException(ErrorCode.CREDENTIAL_REVOKED, "credential was revoked");
      } else if (current.expiredAt(now)) {
        stale = new RejectedException(ErrorCode.CREDENTIAL_EXPIRED, "credential is expired; enrol again");
      } else if (identity.status() != IdentityStatus.ACTIVE) {
        stale = notActive(identity);
      }
      if (stale != null) {
        throw new Refusal(actor, actor, stale);
      }
      VerifiedCsr csr = Csrs.verify(csrPem, ca.spiffeId(identity.id()));
      CredentialId id = CredentialId.generate(random);
      int generation = current.generation() + 1;
      IssuedSvid issued = issue(t, identity, csr, id, lineage.id(), generation, BindMethod.RENEWAL, actor, now);
      if (!t.credentials().update(current.supersede(id, now)) || !t.lineages().update(lineage.renewed(id, now))) {
        throw new Refusal(actor, actor, new RejectedException(ErrorCode.CREDENTIAL_SUPERSEDED,
            "credential was renewed concurrently"));
      }
      announceRevoked(t, current, now);
      Map<String, Object> d = details(issued.credential().credential());
      d.put("superseded_credential_id", current.id().value());
      d.put("superseded_serial", current.serialHex());
      append(t, actor, action, actor, d, requestId, now);
      return issued;
    });
  }

  private IssuedSvid issue(Tx t, Identity identity, VerifiedCsr csr, CredentialId id, LineageId lineage,
      int generation, BindMethod method, String boundBy, Instant now) {
    return issue(t, identity, csr, id, lineage, generation, method, boundBy, now, Assurance.SOFTWARE, null);
  }

  private IssuedSvid issue(Tx t, Identity identity, VerifiedCsr csr, CredentialId id, LineageId lineage,
      int generation, BindMethod method, String boundBy, Instant now, Assurance assurance, ChangeRequestId change) {
    RotationPolicy policy = policy(t, identity.kind(), CredentialType.X509_SVID);
    dev.bindery.pki.IssuedCertificate cert = ca.issue(csr, identity.id(), policy.maxLifetime(), now);
    CredentialKeys.KeyInfo key = CredentialKeys.describe(csr.publicKey(), "csr");
    Credential c = new Credential(id, identity.id(), CredentialType.X509_SVID, CredentialStatus.ACTIVE, lineage,
        generation, cert.serial(), new Thumbprint(cert.thumbprint()), key.der(), null, null, csr.keyType(),
        cert.notBefore(), cert.notAfter(), boundBy, now, method, assurance, null, null, null, null, change, 1);
    insert(t, c);
    return new IssuedSvid(new CredentialView(c, c.usable(identity.status(), now)), ca.spiffeId(identity.id()),
        cert.certificate(), ca.chain());
  }

  // ---- registration ------------------------------------------------------------------------------------

  /** Registers a public JWK given as JSON text; see {@link #registerPublicKey(Caller, IdentityId, Map, Instant)}. */
  public CredentialView registerPublicKey(Caller caller, IdentityId identity, String jwkJson, Instant expiresAt) {
    return registerKey(caller, identity, CredentialKeys.publicJwk(jwkJson), expiresAt);
  }

  /**
   * Registers a public key (JWK, RFC 7517) for the identity, until {@code expiresAt} (an owner or an admin). A
   * JWK with private members is refused ({@code private_key_not_accepted}); the key must be of an accepted type;
   * the lifetime must fit the rotation policy ({@code lifetime_exceeds_policy}); a key registered before, to any
   * identity, is refused ({@code credential_exists}). The thumbprint is the RFC 7638 SHA-256 JWK thumbprint.
   */
  public CredentialView registerPublicKey(Caller caller, IdentityId identity, Map<String, Object> jwk,
      Instant expiresAt) {
    return registerKey(caller, identity, CredentialKeys.publicJwk(jwk), expiresAt);
  }

  private CredentialView registerKey(Caller caller, IdentityId identity, CredentialKeys.RegisteredJwk jwk,
      Instant expiresAt) {
    return register(caller, identity, CredentialType.PUBLIC_KEY, (t, i, now) -> {
      checkLifetime(policy(t, i.kind(), CredentialType.PUBLIC_KEY), now, expiresAt, "expires_at");
      return new Credential(CredentialId.generate(random), i.id(), CredentialType.PUBLIC_KEY, CredentialStatus.ACTIVE,
          null, 0, null, jwk.thumbprint(), jwk.key().der(), null, null, jwk.key().keyType(), now, expiresAt,
          caller.actor(), now, BindMethod.REGISTRATION, Assurance.SOFTWARE, null, null, null, null, null, 1);
    });
  }

  /**
   * Registers a self-signed certificate (PEM) for {@code self_signed_tls_client_auth}: it must be one
   * certificate whose issuer is its subject and whose signature verifies with its own accepted key, not expired
   * ({@code certificate_malformed} otherwise). Its expiry is its notAfter, which must be within the rotation
   * policy's max lifetime from now ({@code lifetime_exceeds_policy}). The thumbprint is its x5t#S256.
   */
  public CredentialView registerSelfSignedCertificate(Caller caller, IdentityId identity, String pem) {
    CredentialKeys.SelfSigned cert = CredentialKeys.selfSigned(pem, tx.clock().instant());
    return register(caller, identity, CredentialType.SELF_SIGNED_CERTIFICATE, (t, i, now) -> {
      Instant notAfter = cert.certificate().getNotAfter().toInstant();
      checkLifetime(policy(t, i.kind(), CredentialType.SELF_SIGNED_CERTIFICATE), now, notAfter, "certificate_pem");
      return new Credential(CredentialId.generate(random), i.id(), CredentialType.SELF_SIGNED_CERTIFICATE,
          CredentialStatus.ACTIVE, null, 0, null, cert.thumbprint(), cert.key().der(), null, null,
          cert.key().keyType(), cert.certificate().getNotBefore().toInstant(), notAfter, caller.actor(), now,
          BindMethod.REGISTRATION, Assurance.SOFTWARE, null, null, null, null, null, 1);
    });
  }

  /**
   * Creates an API key for the identity (an owner or an admin), expiring at {@code expiresAt} (mandatory, within
   * the rotation policy). The key is returned once; only its SHA-256 is stored.
   */
  public IssuedApiKey createApiKey(Caller caller, IdentityId identity, Instant expiresAt) {
    Secret[] value = new Secret[1];
    CredentialView view = register(caller, identity, CredentialType.API_KEY, (t, i, now) -> {
      checkLifetime(policy(t, i.kind(), CredentialType.API_KEY), now, expiresAt, "expires_at");
      value[0] = ApiKeys.generate(random);
      return new Credential(CredentialId.generate(random), i.id(), CredentialType.API_KEY, CredentialStatus.ACTIVE,
          null, 0, null, null, null, SecretHash.of(value[0]), ApiKeys.displayPrefix(value[0].reveal()), null, now,
          expiresAt, caller.actor(), now, BindMethod.REGISTRATION, Assurance.SOFTWARE, null, null, null, null, null, 1);
    });
    return new IssuedApiKey(view, value[0]);
  }

  private interface NewCredential {
    Credential build(Tx t, Identity identity, Instant now);
  }

  private CredentialView register(Caller caller, IdentityId identity, CredentialType type, NewCredential build) {
    String action = "credential.register";
    return tx.write(caller, action, identity.value(), t -> {
      Identity i = loadIdentity(t, identity);
      authz.requireManageCredentials(caller, i);
      requireNotRetired(i);
      Instant now = tx.clock().instant();
      Credential c = build.build(t, i, now);
      if (c.thumbprint() != null && t.credentials().findByThumbprint(type, c.thumbprint()).isPresent()) {
        throw new RejectedException(ErrorCode.CREDENTIAL_EXISTS,
            "this " + type.wire() + " is already registered; a key is bound at most once, ever");
      }
      insert(t, c);
      tx.record(t, caller, action, identity.value(), details(c));
      return new CredentialView(c, c.usable(i.status(), now));
    });
  }

  private static void insert(Tx t, Credential c) {
    try {
      t.credentials().insert(c);
    } catch (UniqueViolation e) {
      throw new RejectedException(ErrorCode.CREDENTIAL_EXISTS, "this " + c.type().wire() + " is already registered");
    }
  }

  private static void checkLifetime(RotationPolicy policy, Instant now, Instant expiresAt, String field) {
    if (expiresAt == null) {
      throw RejectedException.missing(field);
    }
    if (!expiresAt.isAfter(now)) {
      throw RejectedException.invalid(field, "'" + field + "' must be in the future");
    }
    if (Duration.between(now, expiresAt).compareTo(policy.maxLifetime()) > 0) {
      throw new RejectedException(ErrorCode.LIFETIME_EXCEEDS_POLICY, "the rotation policy of "
          + policy.identityKind().wire() + " " + policy.credentialType().wire() + " allows at most "
          + policy.maxLifetime().toSeconds() + " seconds from now", field);
    }
  }

  // ---- revocation ---------------------------------------------------------------------------------------

  /** Revokes a credential (an owner, an admin or a security officer); see {@link #revokeBySerial}. */
  public CredentialView revoke(Caller caller, CredentialId id, RevocationReason reason) {
    Objects.requireNonNull(reason);
    return revokeFound(caller, id.value(), reason, t -> t.credentials().findById(id));
  }

  /**
   * Revokes the X.509-SVID with this serial. Unknown: {@code credential_not_found}; already revoked, superseded
   * or quarantined: {@code credential_already_revoked}. The CRL and OCSP reflect it at once.
   */
  public CredentialView revokeBySerial(Caller caller, BigInteger serial, RevocationReason reason) {
    Objects.requireNonNull(reason);
    return revokeFound(caller, serial.toString(16), reason, t -> t.credentials().findBySerial(serial));
  }

  /** Parses a serial as the API writes it: lowercase or uppercase hex, at most 20 octets, positive. */
  public static BigInteger parseSerial(String hex) {
    if (hex == null || !hex.matches("[0-9a-fA-F]{1,40}")) {
      throw new RejectedException(ErrorCode.INVALID_IDENTIFIER, "serial must be 1 to 40 hex digits");
    }
    BigInteger serial = new BigInteger(hex, 16);
    if (serial.signum() <= 0) {
      throw new RejectedException(ErrorCode.INVALID_IDENTIFIER, "serial must be positive");
    }
    return serial;
  }

  private CredentialView revokeFound(Caller caller, String ref, RevocationReason reason,
      Function<Tx, Optional<Credential>> find) {
    String action = "credential.revoke";
    return tx.write(caller, action, ref, t -> {
      Credential c = find.apply(t).orElseThrow(() -> new RejectedException(ErrorCode.CREDENTIAL_NOT_FOUND,
          "no credential " + ref));
      Identity identity = loadIdentity(t, c.identityId());
      authz.requireRevokeCredential(caller, identity);
      if (c.revoked()) {
        throw new RejectedException(ErrorCode.CREDENTIAL_ALREADY_REVOKED, "credential is already " + c.status().wire());
      }
      Instant now = tx.clock().instant();
      Credential revoked = revokeIn(t, caller, c, reason, now, null);
      return new CredentialView(revoked, revoked.usable(identity.status(), now));
    });
  }

  private Credential revokeIn(Tx t, Caller caller, Credential c, RevocationReason reason, Instant now, String cause) {
    return revokeIn(t, caller.actor(), caller.requestId(), c, reason, now, cause, null, null);
  }

  /** @param causeKey and {@code causeId}: the detail naming what caused it (a change request, a support action) */
  private Credential revokeIn(Tx t, String actor, String requestId, Credential c, RevocationReason reason,
      Instant now, String cause, String causeKey, String causeId) {
    Credential next = c.revoke(reason, now);
    if (!t.credentials().update(next)) {
      throw new RejectedException(ErrorCode.CREDENTIAL_ALREADY_REVOKED, "credential was changed concurrently");
    }
    announceRevoked(t, next, now);
    Map<String, Object> d = details(next);
    d.put("before", Map.of("status", c.status().wire()));
    if (cause != null) {
      d.put("cause", cause);
    }
    if (causeKey != null) {
      d.put(causeKey, causeId);
    }
    tx.record(t, actor, requestId, "credential.revoke", c.identityId().value(), d);
    return next;
  }

  // ---- re-binding (docs/rebinding.md "Apply"), inside the change engine's transaction ------------------

  /**
   * Revokes an active credential that a change request replaces, in the caller's transaction: the same path as an
   * operator's revocation (audited {@code credential.revoke} with cause {@code change_request} and the request id,
   * and the revocation feed event that makes its tokens die).
   *
   * @throws RejectedException {@code credential_already_revoked} if it is not active (any more)
   */
  public Credential revokeForChange(Tx t, String actor, String requestId, Credential c, RevocationReason reason,
      ChangeRequestId change) {
    Objects.requireNonNull(change);
    if (c.revoked()) {
      throw new RejectedException(ErrorCode.CREDENTIAL_ALREADY_REVOKED, "credential " + c.id() + " is already "
          + c.status().wire());
    }
    return revokeIn(t, actor, requestId, c, reason, tx.clock().instant(), "change_request", "change_request_id",
        change.value());
  }

  /**
   * Revokes an active credential of a support action's target ({@code credential_reset}), in the caller's transaction:
   * the same path as an operator's revocation (audited {@code credential.revoke} with cause {@code support_action}
   * and the action id, and the revocation feed event that makes its tokens die).
   *
   * @throws RejectedException {@code credential_already_revoked} if it is not active (any more)
   */
  public Credential revokeForSupport(Tx t, String actor, String requestId, Credential c, RevocationReason reason,
      SupportActionId action) {
    Objects.requireNonNull(action);
    if (c.revoked()) {
      throw new RejectedException(ErrorCode.CREDENTIAL_ALREADY_REVOKED, "credential " + c.id() + " is already "
          + c.status().wire());
    }
    return revokeIn(t, actor, requestId, c, reason, tx.clock().instant(), "support_action", "support_action_id",
        action.value());
  }

  /**
   * Issues an X.509-SVID from a verified CSR for a change request, in the caller's transaction, with bind method
   * {@code rebinding}, the request's id and the key's verified {@code assurance}. With {@code continuing} (the
   * current generation of a lineage that is not quarantined) it is that lineage's next generation and
   * {@code continuing} is superseded (CRL reason superseded, feed event), as in a renewal; otherwise it starts a new
   * lineage. Audited {@code credential.rebind}.
   */
  public IssuedSvid issueForChange(Tx t, String actor, String requestId, Identity identity, VerifiedCsr csr,
      Assurance assurance, ChangeRequestId change, Credential continuing) {
    Objects.requireNonNull(change);
    Instant now = tx.clock().instant();
    CredentialId id = CredentialId.generate(random);
    IssuedSvid issued;
    Map<String, Object> extra = new LinkedHashMap<>();
    if (continuing != null) {
      Lineage lineage = t.lineages().findById(continuing.lineageId()).orElseThrow();
      if (lineage.quarantined() || !lineage.currentCredential().equals(continuing.id()) || continuing.revoked()) {
        throw new IllegalArgumentException("only the current generation of a live lineage is continued");
      }
      issued = issue(t, identity, csr, id, lineage.id(), continuing.generation() + 1, BindMethod.REBINDING, actor,
          now, assurance, change);
      if (!t.credentials().update(continuing.supersede(id, now)) || !t.lineages().update(lineage.renewed(id, now))) {
        throw new RejectedException(ErrorCode.CREDENTIAL_SUPERSEDED, "credential was renewed concurrently");
      }
      announceRevoked(t, continuing, now);
      extra.put("superseded_credential_id", continuing.id().value());
      extra.put("superseded_serial", continuing.serialHex());
    } else {
      LineageId lineage = LineageId.generate(random);
      issued = issue(t, identity, csr, id, lineage, 1, BindMethod.REBINDING, actor, now, assurance, change);
      t.lineages().insert(Lineage.start(lineage, identity.id(), id, now));
    }
    Map<String, Object> d = rebindDetails(issued.credential().credential());
    d.putAll(extra);
    tx.record(t, actor, requestId, "credential.rebind", identity.id().value(), d);
    return issued;
  }

  /**
   * Registers a public key for a change request, in the caller's transaction, with bind method {@code rebinding},
   * the request's id and the key's verified {@code assurance}. The lifetime must fit the rotation policy
   * ({@code lifetime_exceeds_policy}); a key bound before is {@code credential_exists}. Audited
   * {@code credential.rebind}.
   */
  public CredentialView registerKeyForChange(Tx t, String actor, String requestId, Identity identity,
      CredentialKeys.RegisteredJwk jwk, Instant expiresAt, Assurance assurance, ChangeRequestId change) {
    Objects.requireNonNull(change);
    Instant now = tx.clock().instant();
    checkPublicKeyLifetime(t, identity, expiresAt);
    if (t.credentials().findByThumbprint(CredentialType.PUBLIC_KEY, jwk.thumbprint()).isPresent()) {
      throw new RejectedException(ErrorCode.CREDENTIAL_EXISTS,
          "this public_key is already registered; a key is bound at most once, ever");
    }
    Credential c = new Credential(CredentialId.generate(random), identity.id(), CredentialType.PUBLIC_KEY,
        CredentialStatus.ACTIVE, null, 0, null, jwk.thumbprint(), jwk.key().der(), null, null, jwk.key().keyType(), now,
        expiresAt, actor, now, BindMethod.REBINDING, assurance, null, null, null, null, change, 1);
    insert(t, c);
    tx.record(t, actor, requestId, "credential.rebind", identity.id().value(), rebindDetails(c));
    return new CredentialView(c, c.usable(identity.status(), now));
  }

  private static Map<String, Object> rebindDetails(Credential c) {
    Map<String, Object> d = details(c);
    d.put("assurance", c.assurance().wire());
    d.put("credential_level", (long) c.level());
    d.put("change_request_id", c.changeRequestId().value());
    return d;
  }

  /**
   * Checks a public key's expiry against the identity's rotation policy: in the future and within the policy's max
   * lifetime ({@code missing_field}, {@code invalid_field}, {@code lifetime_exceeds_policy} on {@code expires_at}).
   */
  public void checkPublicKeyLifetime(Tx t, Identity identity, Instant expiresAt) {
    checkLifetime(policy(t, identity.kind(), CredentialType.PUBLIC_KEY), tx.clock().instant(), expiresAt,
        "expires_at");
  }

  // ---- retirement and suspension -----------------------------------------------------------------------

  /**
   * The hook {@link dev.bindery.identity.IdentityService} runs in every status change: retirement revokes every
   * active credential of the identity ({@code cessation_of_operation}) in the same transaction. Suspension leaves
   * the credentials as they are: a suspended identity's credentials are unusable because {@link Credential#usable}
   * and every authentication check the identity's status; so are a locked identity's. Suspension and retirement
   * append an {@code identity} event to the revocation feed, a lock an {@code identity_locked} event (resource
   * servers then refuse the tokens issued before it); a resume or an unlock appends nothing.
   */
  public IdentityLifecycleHook lifecycleHook() {
    return (t, caller, before, after) -> {
      Instant now = tx.clock().instant();
      if (after.status() == IdentityStatus.RETIRED) {
        for (Credential c : t.credentials().listForIdentity(after.id())) {
          if (c.status() == CredentialStatus.ACTIVE) {
            revokeIn(t, caller, c, RevocationReason.CESSATION_OF_OPERATION, now, "identity.retire");
          }
        }
      }
      if (after.status() != IdentityStatus.ACTIVE && before.status() != after.status()) {
        // appended after the credentials' events: every transaction takes credential rows before the feed's
        // counter row, so concurrent revocations cannot deadlock on them
        t.revocationEvents().append(after.status() == IdentityStatus.LOCKED ? RevocationEventType.IDENTITY_LOCKED
            : RevocationEventType.IDENTITY, after.id().value(), now);
      }
    };
  }

  /**
   * Appends the revocation feed event of a credential that stopped being usable (revoked, superseded, quarantined),
   * in the transaction of that change: {@code x5t#S256} for a certificate, {@code jkt} for a registered public key.
   * An API key has no event: no access token is bound to one.
   */
  private static void announceRevoked(Tx t, Credential c, Instant now) {
    RevocationEventType type = switch (c.type()) {
      case X509_SVID, SELF_SIGNED_CERTIFICATE -> RevocationEventType.X5T_S256;
      case PUBLIC_KEY -> RevocationEventType.JKT;
      case API_KEY -> null;
    };
    if (type != null && c.thumbprint() != null) {
      t.revocationEvents().append(type, c.thumbprint().value(), now);
    }
  }

  // ---- reads --------------------------------------------------------------------------------------------

  public CredentialView get(Caller caller, CredentialId id) {
    authz.requireAuthenticated(caller);
    return tx.transactor().read(t -> {
      Credential c = t.credentials().findById(id)
          .orElseThrow(() -> new RejectedException(ErrorCode.CREDENTIAL_NOT_FOUND, "no credential " + id));
      return view(c, loadIdentity(t, c.identityId()), tx.clock().instant());
    });
  }

  /** Every credential of the identity, or only those with {@code status} if it is not null. */
  public List<CredentialView> listForIdentity(Caller caller, IdentityId identity, CredentialStatus status) {
    authz.requireAuthenticated(caller);
    return tx.transactor().read(t -> {
      Identity i = loadIdentity(t, identity);
      Instant now = tx.clock().instant();
      return t.credentials().listForIdentity(identity).stream()
          .filter(c -> status == null || c.status() == status)
          .map(c -> view(c, i, now))
          .toList();
    });
  }

  // ---- rotation policies --------------------------------------------------------------------------------

  /** The policy in force for every (identity kind, credential type): stored, or else the default. */
  public List<RotationPolicy> rotationPolicies(Caller caller) {
    authz.requireAuthenticated(caller);
    return tx.transactor().read(t -> {
      List<RotationPolicy> out = new ArrayList<>();
      for (IdentityKind kind : IdentityKind.values()) {
        for (CredentialType type : CredentialType.values()) {
          out.add(policy(t, kind, type));
        }
      }
      return out;
    });
  }

  /** Sets the policy of one (kind, type) (an admin or a security officer). Existing credentials keep their expiry. */
  public RotationPolicy setRotationPolicy(Caller caller, IdentityKind kind, CredentialType type, Duration maxLifetime,
      Duration rotateAfter) {
    RotationPolicy next = new RotationPolicy(kind, type, maxLifetime, rotateAfter);
    String target = "rotation_policy:" + kind.wire() + ":" + type.wire();
    return tx.write(caller, "policy.rotation.set", target, t -> {
      authz.requireRotationPolicyChange(caller);
      RotationPolicy before = policy(t, kind, type);
      t.rotationPolicies().put(next);
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("before", policyMap(before));
      d.put("after", policyMap(next));
      tx.record(t, caller, "policy.rotation.set", target, d);
      return next;
    });
  }

  private static RotationPolicy policy(Tx t, IdentityKind kind, CredentialType type) {
    return t.rotationPolicies().find(kind, type).orElseGet(() -> RotationPolicy.defaultFor(kind, type));
  }

  private static Map<String, Object> policyMap(RotationPolicy p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("max_lifetime_seconds", p.maxLifetime().toSeconds());
    m.put("rotate_after_seconds", p.rotateAfter().toSeconds());
    return m;
  }

  // ---- reports ------------------------------------------------------------------------------------------

  /** Active credentials that expire within {@code days} days from now (not yet expired), soonest first. */
  public List<CredentialView> expiring(Caller caller, int days) {
    Duration window = reportDays(days);
    return report(caller, (t, now) -> t.credentials()
        .search(unexpired(now).withNotAfterBefore(now.plus(window))).items(),
        Comparator.comparing(Credential::notAfter));
  }

  /** Active, unexpired credentials older than the rotate-after age of their (kind, type) policy. */
  public List<CredentialView> overdueForRotation(Caller caller) {
    return report(caller, (t, now) -> {
      List<Credential> out = new ArrayList<>();
      for (CredentialQuery q : overdueQueries(t, now)) {
        out.addAll(t.credentials().search(q).items());
      }
      return out;
    }, Comparator.comparing(Credential::boundAt));
  }

  /** Active, unexpired credentials never used since they were bound. */
  public List<CredentialView> neverUsed(Caller caller) {
    return report(caller, (t, now) -> t.credentials().search(unexpired(now).withNeverUsed(true)).items(),
        Comparator.comparing(Credential::boundAt));
  }

  /** Active, unexpired credentials not used for {@code days} days (never used ones bound that long ago too). */
  public List<CredentialView> unused(Caller caller, int days) {
    Duration window = reportDays(days);
    return report(caller, (t, now) -> t.credentials().search(unexpired(now).withIdleSince(now.minus(window))).items(),
        Comparator.comparing((Credential c) -> c.lastUsedAt() == null ? c.boundAt() : c.lastUsedAt()));
  }

  /** Identities that are not retired and have no active, unexpired credential, in id order. */
  public List<Identity> identitiesWithoutCredential(Caller caller) {
    authz.requireAuthenticated(caller);
    return tx.transactor().read(t -> t.credentials()
        .identitiesWithoutActiveCredential(tx.clock().instant(), REPORT_LIMIT).stream()
        .map(id -> loadIdentity(t, id))
        .toList());
  }

  /** The counts behind the credential gauges; for the metrics endpoint (no caller). */
  public CredentialGauges gauges() {
    return tx.transactor().read(t -> {
      Instant now = tx.clock().instant();
      long overdue = 0;
      for (CredentialQuery q : overdueQueries(t, now)) {
        overdue += t.credentials().count(q);
      }
      return new CredentialGauges(
          t.credentials().count(unexpired(now).withNotAfterBefore(now.plus(GAUGE_EXPIRING_WINDOW))),
          overdue,
          t.credentials().count(unexpired(now).withNeverUsed(true)),
          t.credentials().count(unexpired(now).withIdleSince(now.minus(GAUGE_UNUSED_WINDOW))),
          t.credentials().countIdentitiesWithoutActiveCredential(now));
    });
  }

  private static CredentialQuery unexpired(Instant now) {
    return CredentialQuery.active(REPORT_LIMIT).withUnexpiredAt(now);
  }

  private static List<CredentialQuery> overdueQueries(Tx t, Instant now) {
    List<CredentialQuery> out = new ArrayList<>();
    for (IdentityKind kind : IdentityKind.values()) {
      for (CredentialType type : CredentialType.values()) {
        RotationPolicy p = policy(t, kind, type);
        out.add(unexpired(now).withKindAndType(kind, type).withBoundBefore(now.minus(p.rotateAfter())));
      }
    }
    return out;
  }

  private static Duration reportDays(int days) {
    if (days < 1 || days > MAX_REPORT_DAYS) {
      throw new RejectedException(ErrorCode.INVALID_QUERY, "days must be between 1 and " + MAX_REPORT_DAYS, "days");
    }
    return Duration.ofDays(days);
  }

  private interface ReportQuery {
    List<Credential> run(Tx t, Instant now);
  }

  private List<CredentialView> report(Caller caller, ReportQuery query, Comparator<Credential> order) {
    authz.requireAuthenticated(caller);
    return tx.transactor().read(t -> {
      Instant now = tx.clock().instant();
      Map<IdentityId, Identity> identities = new TreeMap<>(Comparator.comparing(IdentityId::value));
      return query.run(t, now).stream()
          .sorted(order.thenComparing(c -> c.id().value()))
          .limit(REPORT_LIMIT)
          .map(c -> view(c, identities.computeIfAbsent(c.identityId(), id -> loadIdentity(t, id)), now))
          .toList();
    });
  }

  // ---- leak response ------------------------------------------------------------------------------------

  /** A leak report without {@code revoke_bound_credential}; see {@link #reportLeak(Caller, String, boolean)}. */
  public LeakReport reportLeak(Caller caller, String value) {
    return reportLeak(caller, value, false);
  }

  /**
   * Handles a reported leaked value (any operator but an auditor, who is read-only while a report revokes; or a
   * leak reporter; a refused caller is audited as denied): an API key, a certificate PEM, a public key PEM
   * (SubjectPublicKeyInfo), a JWK (public or private), or an access token of this authorization server. Every
   * credential it matches and that is not revoked yet is revoked with reason key compromise (a certificate or key
   * matches every credential bound to the same public key). The report is audited as {@value #LEAK_REPORT_ACTION}
   * with the kind of value and what was revoked; the value itself is never stored or logged. A value that matches
   * nothing (including one that is not a credential at all) answers {@link LeakReport#noMatch()}.
   *
   * <p>An access token ({@link LeakedAccessTokens}: its signature must verify with a key of this server, else
   * {@code access_token_signature_invalid} and nothing is written) is revoked by its {@code jti} (a {@code token}
   * event of the revocation feed) unless it is revoked already or expired. Its credential is left alone unless
   * {@code revokeBoundCredential}: a bound token is useless without its key, so a leaked token alone does not show
   * that the key leaked. With it, the credential of the token's identity that the token is bound to
   * ({@code cnf.x5t#S256}, or {@code cnf.jkt} of a registered public key) is treated as a leaked certificate or key.
   * The audit event's target is then the token's identity, and its details hold the jti, never the token.
   *
   * @param revokeBoundCredential for an access token only ({@code invalid_field} otherwise: a leaked credential is
   *     always revoked)
   */
  public LeakReport reportLeak(Caller caller, String value, boolean revokeBoundCredential) {
    String action = LEAK_REPORT_ACTION;
    requireLeakReport(caller, action);
    // outside the transaction: recognising a token may reload the signing keys from the store
    LeakedValue leaked = LeakedValue.classify(value, leakedTokens);
    LeakedAccessToken token = leaked instanceof LeakedValue.AccessToken a ? a.token() : null;
    if (revokeBoundCredential && token == null) {
      throw RejectedException.invalid("revoke_bound_credential",
          "revoke_bound_credential applies to a leaked access token only: a leaked credential is always revoked");
    }
    String target = token == null ? "" : token.subject().value();
    return tx.write(caller, action, target, t -> {
      Instant now = tx.clock().instant();
      List<LeakReport.Match> revoked = new ArrayList<>();
      List<LeakReport.Match> already = new ArrayList<>();
      List<Credential> matching = token == null ? matches(t, leaked)
          : revokeBoundCredential ? boundCredentials(t, token) : List.of();
      for (Credential c : matching) {
        if (c.status() == CredentialStatus.ACTIVE || c.status() == CredentialStatus.SUPERSEDED) {
          revokeIn(t, caller, c, RevocationReason.KEY_COMPROMISE, now, "leak_report");
          revoked.add(LeakReport.Match.of(c));
        } else {
          already.add(LeakReport.Match.of(c));
        }
      }
      // after the credentials' events: every transaction takes credential rows before the feed's counter row
      LeakReport.TokenMatch tokenMatch = token == null ? null
          : new LeakReport.TokenMatch(token.jti(), token.subject(), revokeLeakedToken(t, token, now));
      boolean matched = tokenMatch != null || !(revoked.isEmpty() && already.isEmpty());
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("value_kind", leaked.kind());
      d.put("matched", matched);
      d.put("revoked", revoked.stream().map(m -> (Object) m.credentialId().value()).toList());
      d.put("already_revoked", already.stream().map(m -> (Object) m.credentialId().value()).toList());
      if (tokenMatch != null) {
        Map<String, Object> at = new LinkedHashMap<>();
        at.put("jti", tokenMatch.jti());
        at.put("identity_id", tokenMatch.identityId().value());
        at.put("outcome", tokenMatch.outcome().wire());
        d.put("access_token", at);
        d.put("revoke_bound_credential", revokeBoundCredential);
      }
      tx.record(t, caller, action, target, d);
      return matched ? new LeakReport(true, revoked, already, tokenMatch) : LeakReport.noMatch();
    });
  }

  /** The authorization of a leak report, checked before the value is looked at; a refusal is audited as denied. */
  private void requireLeakReport(Caller caller, String action) {
    try {
      authz.requireLeakReport(caller);
    } catch (RejectedException e) {
      if (!e.securityRelevant()) {
        throw e;
      }
      throw tx.recordedRefusal(caller == null ? ANONYMOUS : caller.actor(), action, "", e,
          caller == null ? "" : caller.requestId());
    }
  }

  /** Appends the {@code token} event of a leaked access token unless it is revoked already or expired. */
  private static LeakReport.TokenOutcome revokeLeakedToken(Tx t, LeakedAccessToken token, Instant now) {
    if (!now.isBefore(token.expiresAt())) {
      return LeakReport.TokenOutcome.EXPIRED;
    }
    if (t.revocationEvents().latest(RevocationEventType.TOKEN, token.jti()).isPresent()) {
      return LeakReport.TokenOutcome.ALREADY_REVOKED;
    }
    t.revocationEvents().append(RevocationEventType.TOKEN, token.jti(), now);
    return LeakReport.TokenOutcome.REVOKED;
  }

  /**
   * The credentials a leaked token's binding names, handled as a leaked certificate or key: the credential of the
   * token's own identity with the {@code cnf} thumbprint, and every credential bound to its public key. An unbound
   * token, or a binding to a DPoP key that is not a registered credential of that identity, names none.
   */
  private static List<Credential> boundCredentials(Tx t, LeakedAccessToken token) {
    List<Credential> bound = new ArrayList<>();
    if (token.certificateThumbprint() != null) {
      t.credentials().findByThumbprint(CredentialType.X509_SVID, token.certificateThumbprint()).ifPresent(bound::add);
      t.credentials().findByThumbprint(CredentialType.SELF_SIGNED_CERTIFICATE, token.certificateThumbprint())
          .ifPresent(bound::add);
    } else if (token.keyThumbprint() != null) {
      t.credentials().findByThumbprint(CredentialType.PUBLIC_KEY, token.keyThumbprint()).ifPresent(bound::add);
    }
    Map<String, Credential> found = new TreeMap<>();
    for (Credential c : bound) {
      if (!c.identityId().equals(token.subject()) || c.publicKey() == null) {
        continue;
      }
      LeakedValue asLeaked = c.type() == CredentialType.PUBLIC_KEY
          ? new LeakedValue.PublicKey(c.thumbprint(), c.publicKey().fingerprint())
          : new LeakedValue.Certificate(c.thumbprint(), c.publicKey().fingerprint());
      matches(t, asLeaked).forEach(m -> found.put(m.id().value(), m));
    }
    return List.copyOf(found.values());
  }

  private static List<Credential> matches(Tx t, LeakedValue leaked) {
    Map<String, Credential> found = new TreeMap<>();
    if (leaked instanceof LeakedValue.ApiKey k) {
      t.credentials().findBySecretHash(k.hash()).filter(c -> c.secretHash().matches(k.hash()))
          .ifPresent(c -> found.put(c.id().value(), c));
    } else if (leaked instanceof LeakedValue.Certificate c) {
      t.credentials().findByThumbprint(CredentialType.X509_SVID, c.x5tS256()).ifPresent(x -> found.put(x.id().value(), x));
      t.credentials().findByThumbprint(CredentialType.SELF_SIGNED_CERTIFICATE, c.x5tS256())
          .ifPresent(x -> found.put(x.id().value(), x));
      t.credentials().findByPublicKey(c.publicKey()).forEach(x -> found.put(x.id().value(), x));
    } else if (leaked instanceof LeakedValue.PublicKey k) {
      if (k.jwkThumbprint() != null) {
        t.credentials().findByThumbprint(CredentialType.PUBLIC_KEY, k.jwkThumbprint())
            .ifPresent(x -> found.put(x.id().value(), x));
      }
      t.credentials().findByPublicKey(k.publicKey()).forEach(x -> found.put(x.id().value(), x));
    }
    return List.copyOf(found.values());
  }

  // ---- helpers ------------------------------------------------------------------------------------------

  private static CredentialView view(Credential c, Identity identity, Instant now) {
    return new CredentialView(c, c.usable(identity.status(), now));
  }

  private static Identity loadIdentity(Tx t, IdentityId id) {
    return t.identities().findById(id)
        .orElseThrow(() -> new RejectedException(ErrorCode.IDENTITY_NOT_FOUND, "no identity " + id));
  }

  private static void requireNotRetired(Identity i) {
    if (i.retired()) {
      throw new RejectedException(ErrorCode.IDENTITY_RETIRED, "identity " + i.id() + " is retired");
    }
  }

  private static RejectedException notActive(Identity identity) {
    return new RejectedException(ErrorCode.IDENTITY_NOT_ACTIVE, "identity is " + identity.status().wire());
  }

  /** A short, non-secret reference to an enrolment code for the audit log: 8 hex digits of its hash. */
  private static String codeRef(SecretHash hash) {
    return hash.hex().substring(0, 8);
  }

  private static Map<String, Object> details(Credential c) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("credential_id", c.id().value());
    d.put("type", c.type().wire());
    d.put("status", c.status().wire());
    if (c.lineageId() != null) {
      d.put("lineage_id", c.lineageId().value());
      d.put("generation", (long) c.generation());
      d.put("serial", c.serialHex());
    }
    if (c.thumbprint() != null) {
      d.put("thumbprint", c.thumbprint().value());
    }
    if (c.keyType() != null) {
      d.put("key_type", c.keyType());
    }
    if (c.displayPrefix() != null) {
      d.put("display_prefix", c.displayPrefix());
    }
    d.put("not_after", c.notAfter().toString());
    d.put("bind_method", c.bindMethod().wire());
    if (c.revocationReason() != null) {
      d.put("revocation_reason", c.revocationReason().apiName());
    }
    return d;
  }

  private void append(Tx t, String actor, String action, String target, Map<String, Object> details,
      String requestId, Instant at) {
    t.audit().append(new AuditRecord(actor, action, target, details, Outcome.SUCCESS, requestId), at);
  }

  /** Runs work that may refuse with a {@link Refusal}: its writes roll back and the refusal is audited. */
  private <T> T refusing(String action, String requestId, Function<Tx, T> work) {
    try {
      return tx.transactor().inTransaction(work);
    } catch (Refusal r) {
      throw tx.recordedRefusal(r.actor, action, r.target, r.rejection, requestId);
    }
  }

  /**
   * A security-relevant refusal whose actor and target are known only inside the transaction; for a presented
   * superseded certificate, also the lineage that was quarantined (reported once the transaction committed).
   */
  private static final class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String actor;
    final String target;
    final RejectedException rejection;
    final transient Lineage quarantined;

    Refusal(String actor, String target, RejectedException rejection) {
      this(actor, target, rejection, null);
    }

    Refusal(String actor, String target, RejectedException rejection, Lineage quarantined) {
      super(rejection.getMessage(), null, false, false);
      this.actor = actor;
      this.target = target;
      this.rejection = rejection;
      this.quarantined = quarantined;
    }
  }
}
