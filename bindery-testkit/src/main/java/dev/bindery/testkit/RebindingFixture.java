package dev.bindery.testkit;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import dev.bindery.change.ApproverRole;
import dev.bindery.change.AttestationVerifier;
import dev.bindery.change.ChangeEvent;
import dev.bindery.change.ChangeNotifier;
import dev.bindery.change.ChangeRequest;
import dev.bindery.change.ChangeRequestId;
import dev.bindery.change.ChangeRequestService;
import dev.bindery.change.ChangeState;
import dev.bindery.change.ChangeType;
import dev.bindery.change.ContinuityProofs;
import dev.bindery.change.IssuedChallenge;
import dev.bindery.change.NewChangeRequest;
import dev.bindery.change.RebindingPolicy;
import dev.bindery.credential.Assurance;
import dev.bindery.credential.Credential;
import dev.bindery.credential.CredentialEvents;
import dev.bindery.credential.CredentialId;
import dev.bindery.credential.CredentialKeys;
import dev.bindery.credential.CredentialService;
import dev.bindery.credential.IssuedSvid;
import dev.bindery.credential.Thumbprint;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.TeamId;
import dev.bindery.operator.Role;
import dev.bindery.pki.CertificateAuthority;
import dev.bindery.pki.CertificateStatus;
import dev.bindery.pki.IssuedCertificate;
import dev.bindery.pki.Pem;
import dev.bindery.pki.RevokedCertificate;
import dev.bindery.pki.VerifiedCsr;
import dev.bindery.security.Caller;
import dev.bindery.store.Tx;
import dev.bindery.support.SupportCredentialDelivery;
import dev.bindery.testkit.pki.TestCsr;
import dev.bindery.testkit.pki.TestKeys;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * A Bindery with the re-binding engine ({@link ChangeRequestService}) and the cast its rules are about: an admin, two owners (members of the owning
 * team payments), a backup owner (member of the backup team platform, not of the owning team), two security
 * officers, a supervisor, an outsider and an auditor. The engine issues through a CA that a test can make fail, tells
 * a recording notifier, asks a fake attestation verifier that attests exactly the keys a test marks, and accepts the
 * recovery codes of the support desk ({@link #support}).
 */
public final class RebindingFixture {
  public static final String REQUEST_ID = TestBindery.REQUEST_ID;

  public final TestBindery b;
  public final TeamId payments;
  public final TeamId platform;
  public final TeamId other;
  public final TestOperator admin;
  public final TestOperator owner;
  public final TestOperator owner2;
  public final TestOperator backupMember;
  public final TestOperator securityOfficer;
  public final TestOperator securityOfficer2;
  public final TestOperator supervisor;
  public final TestOperator outsider;
  public final TestOperator auditor;
  public final SwitchableCa ca;
  public final CredentialService credentials;
  public final RecordingNotifier notifier = new RecordingNotifier();
  public final FakeAttestation attestation = new FakeAttestation();
  /**
   * The support desk's temporary credentials over the fixture's credential service and {@link TestBindery}'s
   * notification outbox; also the engine's recovery-code redeemer.
   */
  public final SupportCredentialDelivery support;
  public final ChangeRequestService service;

  public RebindingFixture() {
    this(TestBindery.inMemory(), RebindingPolicy.defaults());
  }

  public RebindingFixture(RebindingPolicy policy) {
    this(TestBindery.inMemory(), policy);
  }

  public RebindingFixture(TestBindery bindery, RebindingPolicy policy) {
    this.b = bindery;
    payments = b.team("payments");
    platform = b.team("platform");
    other = b.team("other");
    admin = b.admin();
    owner = b.operator("owner", Set.of(), Set.of(payments));
    owner2 = b.operator("owner two", Set.of(), Set.of(payments));
    backupMember = b.operator("backup", Set.of(), Set.of(platform));
    securityOfficer = b.operator("security officer", EnumSet.of(Role.SECURITY_OFFICER), Set.of());
    securityOfficer2 = b.operator("security officer two", EnumSet.of(Role.SECURITY_OFFICER), Set.of());
    supervisor = b.operator("supervisor", EnumSet.of(Role.SUPERVISOR), Set.of());
    outsider = b.operator("outsider", Set.of(), Set.of(other));
    auditor = b.operator("auditor", EnumSet.of(Role.AUDITOR), Set.of());
    ca = new SwitchableCa(b.pki().ca());
    credentials = new CredentialService(b.auditedTransactor(), b.authorizer(), new SecureRandom(), ca,
        new CredentialEvents() { });
    support = new SupportCredentialDelivery(b.auditedTransactor(), b.notifications(), credentials, new SecureRandom());
    service = new ChangeRequestService(b.auditedTransactor(), b.authorizer(), new SecureRandom(), ca, credentials,
        b.identities(), policy, attestation, notifier, support);
    warm();
  }

  /**
   * Authenticates every operator once, so that the token use it records (at most once a minute) is not written
   * during a test's "nothing was written" window; call again after moving the clock.
   */
  public void warm() {
    for (TestOperator op : List.of(admin, owner, owner2, backupMember, securityOfficer, securityOfficer2, supervisor,
        outsider, auditor)) {
      caller(op);
    }
  }

  // ---- callers ------------------------------------------------------------------------------------------

  public Caller caller(TestOperator op) {
    return b.caller(op);
  }

  /** The operator's caller right after a fresh TOTP step-up. */
  public Caller steppedUp(TestOperator op) {
    return b.steppedUp(op);
  }

  // ---- identities and credentials ----------------------------------------------------------------------

  /** A workload owned by payments (backup team platform) at assurance level {@code level}, with scopes. */
  public Identity workload(int level, String... scopes) {
    return b.identities().create(caller(admin), TestIdentities.workload().owner(payments).backupTeam(platform)
        .scope(scopes).assuranceLevel(level).build()).identity();
  }

  /** A workload key and its enrolled generation-1 certificate. */
  public record Enrolled(KeyPair key, IssuedSvid issued) {
    public Credential credential() {
      return issued.credential().credential();
    }

    public CredentialId id() {
      return credential().id();
    }

    public X509Certificate certificate() {
      return issued.certificate();
    }
  }

  public Enrolled enrol(IdentityId identity) {
    KeyPair key = TestKeys.ecP256();
    String code = b.credentials().createEnrolmentCode(caller(admin), identity, null).code().reveal();
    return new Enrolled(key, b.credentials().enrol(code, TestCsr.forKey(key).pem(), REQUEST_ID));
  }

  public Identity identity(IdentityId id) {
    return b.store().read(t -> t.identities().findById(id)).orElseThrow();
  }

  public Credential credential(CredentialId id) {
    return b.store().read(t -> t.credentials().findById(id)).orElseThrow();
  }

  public ChangeRequest stored(ChangeRequestId id) {
    return b.store().read(t -> t.changeRequests().findById(id)).orElseThrow();
  }

  public List<Credential> credentialsOf(IdentityId id) {
    return b.store().read(t -> t.credentials().listForIdentity(id));
  }

  public Instant now() {
    return b.clock().instant();
  }

  public void advance(Duration d) {
    b.clock().advance(d);
  }

  // ---- requests -----------------------------------------------------------------------------------------

  /** A request to bind an X.509-SVID for {@code newKey} in place of {@code replaces}. */
  public static NewChangeRequest csrRequest(ChangeType type, IdentityId target, KeyPair newKey,
      CredentialId... replaces) {
    return NewChangeRequest.forCsr(type, target, type.wire() + " after an incident", TestCsr.forKey(newKey).pem(),
        null, List.of(replaces), false);
  }

  /** As {@link #csrRequest}, with the attestation chain the fake verifier accepts for attested keys. */
  public NewChangeRequest attestedCsrRequest(ChangeType type, IdentityId target, KeyPair newKey,
      CredentialId... replaces) {
    return NewChangeRequest.forCsr(type, target, type.wire() + " to a hardware key", TestCsr.forKey(newKey).pem(),
        attestationPem(), List.of(replaces), false);
  }

  /** Any PEM certificate chain: the fake verifier decides by key, not by chain. */
  public String attestationPem() {
    return Pem.certificate(b.pki().ca().root());
  }

  /** Creates a request as {@code op} (stepped up if {@code stepUp}). */
  public ChangeRequest create(TestOperator op, NewChangeRequest request) {
    return service.create(caller(op), request);
  }

  /** Approves as {@code op} in {@code role}, after a fresh step-up. */
  public ChangeRequest approve(TestOperator op, ChangeRequestId id, ApproverRole role) {
    return service.approve(steppedUp(op), id, role, "looks right");
  }

  // ---- continuity proofs --------------------------------------------------------------------------------

  /** A proof of {@code challenge} signed (ES256) with {@code key}, naming {@code kid}, issued now. */
  public String proof(KeyPair key, Thumbprint kid, IssuedChallenge challenge) {
    return proof(key, kid.value(), challenge.signingInput(), now(), ContinuityProofs.TYPE);
  }

  /** A proof by an enrolled certificate's key, naming its x5t#S256. */
  public String proof(Enrolled holder, IssuedChallenge challenge) {
    return proof(holder.key(), holder.credential().thumbprint(), challenge);
  }

  public static String proof(KeyPair key, String kid, Map<String, Object> claims, Instant iat, String type) {
    try {
      Map<String, Object> payload = new LinkedHashMap<>(claims);
      payload.put("iat", iat.getEpochSecond());
      JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(kid)
          .type(type == null ? null : new JOSEObjectType(type)).build(), new Payload(payload));
      jws.sign(new ECDSASigner((ECPrivateKey) key.getPrivate()));
      return jws.serialize();
    } catch (com.nimbusds.jose.JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Challenge, proof by {@code holder}, submission, as the requesting {@code op}. */
  public ChangeRequest proveContinuity(TestOperator op, ChangeRequestId id, Enrolled holder) {
    IssuedChallenge challenge = service.challenge(caller(op), id);
    return service.submitContinuity(caller(op), id, challenge.id(), proof(holder, challenge));
  }

  // ---- fakes --------------------------------------------------------------------------------------------

  /** A CA that issues through a real one until a test makes it fail (a crash between revoke and bind). */
  public static final class SwitchableCa implements CertificateAuthority {
    private final CertificateAuthority delegate;
    public final AtomicBoolean failIssue = new AtomicBoolean();

    SwitchableCa(CertificateAuthority delegate) {
      this.delegate = delegate;
    }

    @Override
    public String trustDomain() {
      return delegate.trustDomain();
    }

    @Override
    public IssuedCertificate issue(VerifiedCsr csr, IdentityId identity, Duration validity, Instant now) {
      if (failIssue.get()) {
        throw new IllegalStateException("the CA's signing key is unavailable");
      }
      return delegate.issue(csr, identity, validity, now);
    }

    @Override
    public List<X509Certificate> chain() {
      return delegate.chain();
    }

    @Override
    public X509Certificate root() {
      return delegate.root();
    }

    @Override
    public byte[] crl(List<RevokedCertificate> revoked, BigInteger crlNumber, Instant thisUpdate, Instant nextUpdate) {
      return delegate.crl(revoked, crlNumber, thisUpdate, nextUpdate);
    }

    @Override
    public byte[] ocsp(byte[] requestDer, Function<BigInteger, CertificateStatus> status, Instant now) {
      return delegate.ocsp(requestDer, status, now);
    }
  }

  /** Records every notification queued, with the request's state; can fail for one event. */
  public static final class RecordingNotifier implements ChangeNotifier {
    public record Queued(ChangeRequestId request, ChangeEvent event, ChangeState state) {}

    public final List<Queued> queued = new CopyOnWriteArrayList<>();
    public volatile ChangeEvent failOn;

    @Override
    public Optional<String> queued(Tx tx, ChangeRequest request, ChangeEvent event, Instant at) {
      if (event == failOn) {
        throw new IllegalStateException("the outbox is unavailable");
      }
      queued.add(new Queued(request.id(), event, request.state()));
      return event.disavowable() ? Optional.of("dl_" + queued.size()) : Optional.empty();
    }

    public List<ChangeEvent> events() {
      return queued.stream().map(Queued::event).toList();
    }
  }

  /** Attests exactly the keys marked with {@link #attest}, when a chain is given. */
  public static final class FakeAttestation implements AttestationVerifier {
    private final Set<Thumbprint> attested = java.util.concurrent.ConcurrentHashMap.newKeySet();
    public final List<PublicKey> asked = new CopyOnWriteArrayList<>();

    public KeyPair attest(KeyPair key) {
      attested.add(CredentialKeys.fingerprint(key.getPublic()));
      return key;
    }

    public void revoke(KeyPair key) {
      attested.remove(CredentialKeys.fingerprint(key.getPublic()));
    }

    @Override
    public Assurance verify(PublicKey key, List<X509Certificate> chain) {
      asked.add(key);
      return !chain.isEmpty() && attested.contains(CredentialKeys.fingerprint(key)) ? Assurance.HARDWARE
          : Assurance.SOFTWARE;
    }
  }
}
