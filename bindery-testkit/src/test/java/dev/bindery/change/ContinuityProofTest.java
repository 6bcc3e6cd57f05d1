package dev.bindery.change;

import static dev.bindery.testkit.RebindingFixture.csrRequest;
import static dev.bindery.testkit.BinderyAssertions.assertOnlyDenied;
import static dev.bindery.testkit.BinderyAssertions.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.util.Base64URL;
import dev.bindery.audit.AuditEvent;
import dev.bindery.audit.Canonical;
import dev.bindery.common.ErrorCode;
import dev.bindery.common.Hashing;
import dev.bindery.common.Secret;
import dev.bindery.credential.CredentialKeys;
import dev.bindery.credential.CredentialView;
import dev.bindery.credential.SecretHash;
import dev.bindery.credential.Thumbprint;
import dev.bindery.identity.Identity;
import dev.bindery.pki.RevocationReason;
import dev.bindery.security.Caller;
import dev.bindery.testkit.RebindingFixture;
import dev.bindery.testkit.StoreState;
import dev.bindery.testkit.pki.TestCsr;
import dev.bindery.testkit.pki.TestKeys;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Continuity proofs: a single-use challenge, valid at most 10 minutes, bound to one request; a JWS over it and the
 * request digest, signed by a currently bound, active credential of the target. Every refused proof is
 * {@code continuity_proof_invalid}, audited as denied, and leaves everything else (the challenge included) as it was.
 */
class ContinuityProofTest {
  final RebindingFixture f = new RebindingFixture();
  final Identity id = f.workload(1);
  final RebindingFixture.Enrolled current = f.enrol(id.id());
  final ChangeRequest request = f.create(f.owner, csrRequest(ChangeType.ROTATE, id.id(), TestKeys.ecP256(),
      current.id()));
  final Caller owner = f.caller(f.owner);

  /** Submits {@code proof} and asserts the refusal, its reason, and that only the denied event was written. */
  void assertProofRefused(IssuedChallenge challenge, String proof, String reason) {
    StoreState before = f.b.state();
    var e = assertRejected(() -> f.service.submitContinuity(owner, request.id(), challenge.id(), proof),
        ErrorCode.CONTINUITY_PROOF_INVALID);
    assertThat(e.getMessage()).contains(reason);
    AuditEvent denied = assertOnlyDenied(f.b, before, "change_request.continuity", f.owner.id().value(),
        request.id().value(), ErrorCode.CONTINUITY_PROOF_INVALID);
    assertThat(Canonical.json(denied.details())).doesNotContain(challenge.nonce());
  }

  @Test
  void challenge_256RandomBitsValidTenMinutesOnlyItsHashStoredAndAuditedWithoutTheNonce() {
    long seq = f.b.auditHead().seq();

    IssuedChallenge c = f.service.challenge(owner, request.id());

    assertThat(c.id().value()).matches("chl_[a-z2-7]{26}");
    assertThat(Base64.getUrlDecoder().decode(c.nonce())).hasSize(32);
    assertThat(c.expiresAt()).isEqualTo(f.now().plus(Duration.ofMinutes(10)));
    assertThat(c.requestDigest()).isEqualTo(request.digest());
    assertThat(c.signingInput()).containsExactly(Map.entry("chg", request.id().value()), Map.entry("nonce", c.nonce()),
        Map.entry("req", request.digest()));
    ContinuityChallenge stored = f.b.store().read(t -> t.continuityChallenges().findById(c.id())).orElseThrow();
    assertThat(stored.nonceHash()).isEqualTo(SecretHash.of(Secret.of(c.nonce())));
    assertThat(stored.changeRequestId()).isEqualTo(request.id());
    assertThat(stored.used()).isFalse();
    List<AuditEvent> events = f.b.auditSince(seq);
    assertThat(events).extracting(AuditEvent::action).containsExactly("change_request.challenge");
    assertThat(Canonical.json(events.get(0).details())).doesNotContain(c.nonce());
    assertThat(f.service.challenge(owner, request.id()).nonce()).as("fresh each time").isNotEqualTo(c.nonce());
  }

  @Test
  void challenge_requestExpiringSooner_validOnlyUntilTheRequestExpires() {
    f.advance(Duration.ofHours(24).minusMinutes(3));

    IssuedChallenge c = f.service.challenge(f.caller(f.owner), request.id());

    assertThat(c.expiresAt()).isEqualTo(request.expiresAt());
  }

  @Test
  void challenge_byOutsider_forbiddenAndOnlyTheDenialWritten() {
    Caller outsider = f.caller(f.outsider);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.challenge(outsider, request.id()), ErrorCode.FORBIDDEN);

    assertOnlyDenied(f.b, before, "change_request.challenge", f.outsider.id().value(), request.id().value(),
        ErrorCode.FORBIDDEN);
  }

  @Test
  void submit_validProofByTheCurrentCertificate_recordsContinuityApprovesAndUsesTheChallenge() {
    IssuedChallenge c = f.service.challenge(owner, request.id());
    long seq = f.b.auditHead().seq();

    ChangeRequest next = f.service.submitContinuity(owner, request.id(), c.id(), f.proof(current, c));

    assertThat(next.continuity()).isEqualTo(new ContinuityProof(ContinuityProof.Method.CHALLENGE_SIGNATURE,
        current.id(), f.now()));
    assertThat(next.state()).isEqualTo(ChangeState.APPROVED);
    assertThat(next.version()).isEqualTo(request.version() + 1);
    assertThat(f.stored(request.id())).isEqualTo(next);
    assertThat(f.b.store().read(t -> t.continuityChallenges().findById(c.id())).orElseThrow().usedAt())
        .isEqualTo(f.now());
    List<AuditEvent> events = f.b.auditSince(seq);
    assertThat(events).extracting(AuditEvent::action).containsExactly("change_request.continuity");
    assertThat(events.get(0).details()).containsEntry("credential_id", current.id().value())
        .containsEntry("after", Map.of("state", "approved"));
  }

  @Test
  void submit_replayedChallenge_refusedAsUsed() {
    IssuedChallenge c = f.service.challenge(owner, request.id());
    String proof = f.proof(current, c);
    f.service.submitContinuity(owner, request.id(), c.id(), proof);

    assertProofRefused(c, proof, "already used");
  }

  @Test
  void submit_expiredChallenge_refused() {
    IssuedChallenge c = f.service.challenge(owner, request.id());
    f.advance(Duration.ofMinutes(10));
    f.warm();

    assertProofRefused(c, f.proof(current, c), "expired");
  }

  @Test
  void submit_challengeOfAnotherRequest_refused() {
    Identity otherId = f.workload(1);
    var otherCurrent = f.enrol(otherId.id());
    ChangeRequest other = f.create(f.owner, csrRequest(ChangeType.ROTATE, otherId.id(), TestKeys.ecP256(),
        otherCurrent.id()));
    IssuedChallenge foreign = f.service.challenge(owner, other.id());

    assertProofRefused(foreign, f.proof(otherCurrent, foreign), "another change request");
  }

  @Test
  void submit_unknownChallenge_refused() {
    IssuedChallenge real = f.service.challenge(owner, request.id());
    IssuedChallenge unknown = new IssuedChallenge(ContinuityChallengeId.generate(new java.security.SecureRandom()),
        request.id(), real.nonce(), real.expiresAt(), real.requestDigest());

    assertProofRefused(unknown, f.proof(current, real), "unknown challenge");
  }

  @Test
  void submit_proofSignedByARevokedCredential_refused() {
    var second = f.enrol(id.id());
    IssuedChallenge c = f.service.challenge(owner, request.id());
    f.b.credentials().revoke(f.caller(f.admin), second.id(), RevocationReason.KEY_COMPROMISE);

    assertProofRefused(c, f.proof(second, c), "is revoked");
  }

  @Test
  void submit_proofSignedByAnExpiredCredential_refused() {
    f.b.credentials().setRotationPolicy(f.caller(f.admin), dev.bindery.identity.IdentityKind.WORKLOAD,
        dev.bindery.credential.CredentialType.X509_SVID, Duration.ofHours(1), Duration.ofMinutes(40));
    var shortLived = f.enrol(id.id());
    f.advance(Duration.between(f.now(), shortLived.credential().notAfter()).minusMinutes(5));
    f.warm();
    IssuedChallenge c = f.service.challenge(owner, request.id());
    f.advance(Duration.ofMinutes(5));
    f.warm();

    // the challenge lasts 10 minutes; the certificate expired 5 minutes into it
    assertProofRefused(c, f.proof(shortLived, c), "expired");
  }

  @Test
  void submit_proofByACredentialOfAnotherIdentity_refused() {
    var foreign = f.enrol(f.workload(1).id());
    IssuedChallenge c = f.service.challenge(owner, request.id());

    assertProofRefused(c, f.proof(foreign, c), "another identity");
  }

  @Test
  void submit_signatureByAnotherKeyThanTheNamedCredential_refused() {
    IssuedChallenge c = f.service.challenge(owner, request.id());

    assertProofRefused(c, f.proof(TestKeys.ecP256(), current.credential().thumbprint(), c), "does not verify");
  }

  @Test
  void submit_kidOfNoCredential_refused() {
    IssuedChallenge c = f.service.challenge(owner, request.id());

    assertProofRefused(c, f.proof(current.key(), Thumbprint.sha256(new byte[] {1}), c), "no credential");
  }

  @Test
  void submit_wrongNonceDigestOrRequest_refused() {
    IssuedChallenge c = f.service.challenge(owner, request.id());
    Map<String, Object> wrongNonce = new LinkedHashMap<>(c.signingInput());
    wrongNonce.put("nonce", Base64URL.encode(new byte[32]).toString());
    Map<String, Object> wrongDigest = new LinkedHashMap<>(c.signingInput());
    wrongDigest.put("req", Base64URL.encode(Hashing.sha256("another request".getBytes(StandardCharsets.UTF_8)))
        .toString());
    Map<String, Object> wrongRequest = new LinkedHashMap<>(c.signingInput());
    wrongRequest.put("chg", ChangeRequestId.generate(new java.security.SecureRandom()).value());
    String kid = current.credential().thumbprint().value();

    assertProofRefused(c, RebindingFixture.proof(current.key(), kid, wrongNonce, f.now(), ContinuityProofs.TYPE),
        "nonce");
    assertProofRefused(c, RebindingFixture.proof(current.key(), kid, wrongDigest, f.now(), ContinuityProofs.TYPE),
        "request digest");
    assertProofRefused(c, RebindingFixture.proof(current.key(), kid, wrongRequest, f.now(), ContinuityProofs.TYPE),
        "another change request");
  }

  @Test
  void submit_badHeaderOrTime_refused() {
    IssuedChallenge c = f.service.challenge(owner, request.id());
    String kid = current.credential().thumbprint().value();

    assertProofRefused(c, RebindingFixture.proof(current.key(), kid, c.signingInput(), f.now(), "JWT"), "typ");
    assertProofRefused(c, RebindingFixture.proof(current.key(), kid, c.signingInput(), f.now(), null), "typ");
    assertProofRefused(c, RebindingFixture.proof(current.key(), kid, c.signingInput(), f.now().plusSeconds(61),
        ContinuityProofs.TYPE), "iat");
    assertProofRefused(c, RebindingFixture.proof(current.key(), kid, c.signingInput(), f.now().minusSeconds(61),
        ContinuityProofs.TYPE), "iat");
    assertProofRefused(c, "not.a.jws", "compact jws");
    assertProofRefused(c, RebindingFixture.proof(current.key(), "not a thumbprint", c.signingInput(), f.now(),
        ContinuityProofs.TYPE), "kid");
  }

  @Test
  void submit_hmacOrUnsecuredProof_refused() throws Exception {
    IssuedChallenge c = f.service.challenge(owner, request.id());
    Map<String, Object> claims = new LinkedHashMap<>(c.signingInput());
    claims.put("iat", f.now().getEpochSecond());
    JWSObject hmac = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(current.credential().thumbprint()
        .value()).type(new JOSEObjectType(ContinuityProofs.TYPE)).build(), new Payload(claims));
    hmac.sign(new MACSigner(new byte[32]));
    String header = Base64URL.encode("{\"alg\":\"none\",\"typ\":\"" + ContinuityProofs.TYPE + "\",\"kid\":\""
        + current.credential().thumbprint().value() + "\"}").toString();
    String unsecured = header + "." + Base64URL.encode(new Payload(claims).toBytes()) + ".";

    assertProofRefused(c, hmac.serialize(), "does not verify");
    assertProofRefused(c, unsecured, "compact jws");
  }

  @Test
  void submit_es384SignatureForAP256Key_refused() throws Exception {
    IssuedChallenge c = f.service.challenge(owner, request.id());
    Map<String, Object> claims = new LinkedHashMap<>(c.signingInput());
    claims.put("iat", f.now().getEpochSecond());
    JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.ES384).keyID(current.credential().thumbprint()
        .value()).type(new JOSEObjectType(ContinuityProofs.TYPE)).build(), new Payload(claims));
    // an ES256 signature under an ES384 header: the algorithm must fit the key, whatever the signature
    byte[] input = jws.getSigningInput();
    Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
    signer.initSign(current.key().getPrivate());
    signer.update(input);
    String forged = new String(input, StandardCharsets.US_ASCII) + "." + Base64URL.encode(signer.sign());

    assertProofRefused(c, forged, "does not verify");
  }

  @Test
  void submit_proofByARegisteredPublicKey_acceptedByItsJwkThumbprint() {
    KeyPair key = TestKeys.ecP256();
    Map<String, Object> jwk = new ECKey.Builder(Curve.P_256, (ECPublicKey) key.getPublic()).build().toJSONObject();
    CredentialView registered = f.b.credentials().registerPublicKey(f.caller(f.owner), id.id(), jwk,
        f.now().plus(Duration.ofDays(1)));
    IssuedChallenge c = f.service.challenge(owner, request.id());

    ChangeRequest next = f.service.submitContinuity(owner, request.id(), c.id(),
        f.proof(key, registered.credential().thumbprint(), c));

    assertThat(next.continuity().credentialId()).isEqualTo(registered.credential().id());
  }

  @Test
  void submit_ed25519CertificateSignsEdDsa_accepted() throws Exception {
    KeyPair ed = TestKeys.ed25519();
    String code = f.b.credentials().createEnrolmentCode(f.caller(f.admin), id.id(), null).code().reveal();
    var issued = f.b.credentials().enrol(code, TestCsr.forKey(ed).pem(), "req");
    IssuedChallenge c = f.service.challenge(owner, request.id());
    Map<String, Object> claims = new LinkedHashMap<>(c.signingInput());
    claims.put("iat", f.now().getEpochSecond());
    JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.EdDSA)
        .keyID(issued.credential().credential().thumbprint().value())
        .type(new JOSEObjectType(ContinuityProofs.TYPE)).build(), new Payload(claims));
    Signature signer = Signature.getInstance("Ed25519");
    signer.initSign(ed.getPrivate());
    signer.update(jws.getSigningInput());
    String proof = new String(jws.getSigningInput(), StandardCharsets.US_ASCII) + "." + Base64URL.encode(signer.sign());

    ChangeRequest next = f.service.submitContinuity(owner, request.id(), c.id(), proof);

    assertThat(next.continuity().credentialId()).isEqualTo(issued.credential().credential().id());
  }

  @Test
  void submit_requestNeedingNoContinuity_invalidTransition() {
    Identity other = f.workload(1);
    var holder = f.enrol(other.id());
    ChangeRequest recover = f.create(f.owner, csrRequest(ChangeType.RECOVER, other.id(), TestKeys.ecP256(),
        holder.id()));
    StoreState before = f.b.state();

    assertRejected(() -> f.service.challenge(owner, recover.id()), ErrorCode.INVALID_TRANSITION);

    assertOnlyDenied(f.b, before, "change_request.challenge", f.owner.id().value(), recover.id().value(),
        ErrorCode.INVALID_TRANSITION);
  }

  @Test
  void digest_isTheSha256OfTheCanonicalForm() {
    String replaces = request.replaces().get(0).value();
    String canonical = request.id().value() + "\nrotate\n" + id.id().value() + "\n"
        + request.proposed().keyThumbprint().value() + "\n" + replaces;

    assertThat(request.digest()).isEqualTo(Base64.getUrlEncoder().withoutPadding()
        .encodeToString(Hashing.sha256(canonical.getBytes(StandardCharsets.UTF_8))));
    assertThat(request.proposed().keyThumbprint()).isEqualTo(CredentialKeys.jwkThumbprint(
        dev.bindery.pki.Csrs.verify(request.proposed().csrPem()).publicKey(), "csr"));
  }
}
