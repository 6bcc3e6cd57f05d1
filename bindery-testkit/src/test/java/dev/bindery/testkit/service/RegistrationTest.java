package dev.bindery.testkit.service;

import static dev.bindery.testkit.BinderyAssertions.assertAuditedSince;
import static dev.bindery.testkit.BinderyAssertions.assertNothingWritten;
import static dev.bindery.testkit.BinderyAssertions.assertOnlyDenied;
import static dev.bindery.testkit.BinderyAssertions.assertRejected;
import static dev.bindery.testkit.service.CredentialFixture.REQUEST_ID;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import dev.bindery.common.ErrorCode;
import dev.bindery.credential.BindMethod;
import dev.bindery.credential.Credential;
import dev.bindery.credential.CredentialKeys;
import dev.bindery.credential.CredentialStatus;
import dev.bindery.credential.CredentialType;
import dev.bindery.credential.CredentialView;
import dev.bindery.credential.PublicKeyDer;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityKind;
import dev.bindery.store.Tx;
import dev.bindery.testkit.StoreState;
import dev.bindery.testkit.TestOperator;
import dev.bindery.testkit.pki.TestKeys;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistrationTest {
  /** RFC 7638 section 3.1: the example RSA key and its SHA-256 JWK thumbprint. */
  static final String RFC7638_JWK = "{\"kty\":\"RSA\",\"n\":\"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4"
      + "cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4"
      + "QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh"
      + "6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw\",\"e\":\"AQAB\",\"alg\":\"RS256\","
      + "\"kid\":\"2011-04-29\"}";
  static final String RFC7638_THUMBPRINT = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";

  private final CredentialFixture f = new CredentialFixture();

  static String ecJwk(KeyPair key) {
    return new ECKey.Builder(Curve.P_256, (ECPublicKey) key.getPublic()).keyID("k1").build().toJSONString();
  }

  static String ed25519Jwk(KeyPair key) {
    byte[] spki = key.getPublic().getEncoded();
    return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(Arrays.copyOfRange(spki, spki.length - 32,
        spki.length))).build().toJSONString();
  }

  private Instant inDays(int days) {
    return f.now().plus(Duration.ofDays(days));
  }

  // ---- public keys --------------------------------------------------------------------------------------

  @Test
  void registerPublicKey_rfc7638ExampleKey_thumbprintIsTheRfcValue() {
    Identity identity = f.workload();
    long seq = f.b.auditHead().seq();

    CredentialView view = f.service.registerPublicKey(f.caller(f.owner), identity.id(), RFC7638_JWK, inDays(30));

    Credential c = view.credential();
    assertThat(c.thumbprint().value()).isEqualTo(RFC7638_THUMBPRINT);
    assertThat(c.type()).isEqualTo(CredentialType.PUBLIC_KEY);
    assertThat(c.keyType()).isEqualTo("RSA 2048");
    assertThat(c.bindMethod()).isEqualTo(BindMethod.REGISTRATION);
    assertThat(c.boundBy()).isEqualTo(f.owner.id().value());
    assertThat(c.notBefore()).isEqualTo(f.now());
    assertThat(c.notAfter()).isEqualTo(inDays(30));
    assertThat(view.usable()).isTrue();
    assertThat(f.b.store().read((Tx t) -> t.credentials().findById(c.id()))).contains(c);
    assertThat(assertAuditedSince(f.b, seq, "credential.register").get(0).details())
        .containsEntry("thumbprint", RFC7638_THUMBPRINT).containsEntry("type", "public_key");
  }

  @Test
  void registerPublicKey_ecRsaAndEd25519_storeTheirSpkiAndKeyType() {
    Identity identity = f.workload();
    KeyPair ec = TestKeys.ecP256();
    KeyPair ed = TestKeys.ed25519();
    KeyPair rsa = TestKeys.rsa(3072);

    Credential ecCred = f.service.registerPublicKey(f.caller(f.owner), identity.id(), ecJwk(ec), inDays(1)).credential();
    Credential edCred = f.service.registerPublicKey(f.caller(f.owner), identity.id(), ed25519Jwk(ed), inDays(1))
        .credential();
    Map<String, Object> rsaMembers = new RSAKey.Builder((RSAPublicKey) rsa.getPublic()).build().toJSONObject();
    Credential rsaCred = f.service.registerPublicKey(f.caller(f.owner), identity.id(), rsaMembers, inDays(1))
        .credential();

    assertThat(ecCred.keyType()).isEqualTo("EC P-256");
    assertThat(ecCred.publicKey()).isEqualTo(PublicKeyDer.ofDer(ec.getPublic().getEncoded()));
    assertThat(edCred.keyType()).isEqualTo("Ed25519");
    assertThat(edCred.publicKey().der()).isEqualTo(ed.getPublic().getEncoded());
    assertThat(rsaCred.keyType()).isEqualTo("RSA 3072");
    assertThat(rsaCred.publicKey().toPublicKey("RSA")).isEqualTo(rsa.getPublic());
  }

  @Test
  void registerPublicKey_privateJwks_privateKeyNotAcceptedAndNothingWritten() {
    Identity identity = f.workload();
    KeyPair ec = TestKeys.ecP256();
    String privateEc = new ECKey.Builder(Curve.P_256, (ECPublicKey) ec.getPublic())
        .privateKey((ECPrivateKey) ec.getPrivate()).build().toJSONString();
    String symmetric = new OctetSequenceKey.Builder(new byte[32]).build().toJSONString();
    String rsaWithPrimeOnly = RFC7638_JWK.replace("\"e\":\"AQAB\"", "\"e\":\"AQAB\",\"p\":\"AQAB\"");
    var caller = f.caller(f.owner);
    StoreState before = f.b.state();

    for (String jwk : List.of(privateEc, symmetric, rsaWithPrimeOnly)) {
      var e = assertRejected(() -> f.service.registerPublicKey(caller, identity.id(), jwk, inDays(1)),
          ErrorCode.PRIVATE_KEY_NOT_ACCEPTED);
      assertThat(e.getMessage()).doesNotContain(((ECPrivateKey) ec.getPrivate()).getS().toString(16));
    }

    assertNothingWritten(f.b, before);
  }

  @Test
  void registerPublicKey_unacceptedKeys_keyCodesAndNothingWritten() {
    Identity identity = f.workload();
    var caller = f.caller(f.owner);
    String weakRsa = new RSAKey.Builder((RSAPublicKey) TestKeys.rsa(1024).getPublic()).build().toJSONString();
    String p521 = new ECKey.Builder(Curve.P_521, (ECPublicKey) TestKeys.ecP521().getPublic()).build().toJSONString();
    String x25519 = "{\"kty\":\"OKP\",\"crv\":\"X25519\",\"x\":\"" + Base64URL.encode(new byte[32]) + "\"}";
    StoreState before = f.b.state();

    assertRejected(() -> f.service.registerPublicKey(caller, identity.id(), weakRsa, inDays(1)), ErrorCode.KEY_TOO_WEAK);
    assertRejected(() -> f.service.registerPublicKey(caller, identity.id(), p521, inDays(1)), ErrorCode.KEY_UNSUPPORTED);
    assertRejected(() -> f.service.registerPublicKey(caller, identity.id(), x25519, inDays(1)),
        ErrorCode.KEY_UNSUPPORTED);
    for (String garbage : List.of("not json", "[1,2]", "{\"kty\":\"EC\"}", "{\"kty\":\"XYZ\",\"x\":\"AA\"}")) {
      var e = assertRejected(() -> f.service.registerPublicKey(caller, identity.id(), garbage, inDays(1)),
          ErrorCode.INVALID_FIELD);
      assertThat(e.field()).isEqualTo("jwk");
    }

    assertNothingWritten(f.b, before);
  }

  @Test
  void registerPublicKey_lifetimeBeyondPolicyOrInThePast_refusedAndNothingWritten() {
    Identity identity = f.workload();
    var caller = f.caller(f.owner);
    String jwk = ecJwk(TestKeys.ecP256());
    StoreState before = f.b.state();

    var tooLong = assertRejected(() -> f.service.registerPublicKey(caller, identity.id(), jwk,
        f.now().plus(Duration.ofDays(365)).plusSeconds(1)), ErrorCode.LIFETIME_EXCEEDS_POLICY);
    assertThat(tooLong.field()).isEqualTo("expires_at");
    assertRejected(() -> f.service.registerPublicKey(caller, identity.id(), jwk, f.now()), ErrorCode.INVALID_FIELD);
    assertRejected(() -> f.service.registerPublicKey(caller, identity.id(), jwk, null), ErrorCode.MISSING_FIELD);

    assertNothingWritten(f.b, before);
    assertThat(f.service.registerPublicKey(caller, identity.id(), jwk, f.now().plus(Duration.ofDays(365)))
        .usable()).isTrue();
  }

  @Test
  void registerPublicKey_sameKeyTwiceEvenForAnotherIdentity_credentialExistsAndNothingWritten() {
    Identity first = f.workload();
    Identity second = f.workload();
    String jwk = ecJwk(TestKeys.ecP256());
    f.service.registerPublicKey(f.caller(f.owner), first.id(), jwk, inDays(1));
    var caller = f.caller(f.owner);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.registerPublicKey(caller, second.id(), jwk, inDays(1)), ErrorCode.CREDENTIAL_EXISTS);

    assertNothingWritten(f.b, before);
  }

  @Test
  void registerPublicKey_notOwnerNorAdmin_forbiddenDeniedAndNothingWritten() {
    Identity identity = f.workload();
    String jwk = ecJwk(TestKeys.ecP256());
    for (TestOperator op : List.of(f.outsider, f.auditor, f.securityOfficer, f.leakReporter)) {
      var caller = f.caller(op);
      StoreState before = f.b.state();

      assertRejected(() -> f.service.registerPublicKey(caller, identity.id(), jwk, inDays(1)), ErrorCode.FORBIDDEN);

      assertOnlyDenied(f.b, before, "credential.register", op.id().value(), identity.id().value(), ErrorCode.FORBIDDEN);
    }
    assertThat(f.service.registerPublicKey(f.caller(f.admin), identity.id(), jwk, inDays(1)).usable()).isTrue();
  }

  @Test
  void registerPublicKey_policyOfTheKind_appliesPerIdentityKind() {
    Identity agent = f.identity(IdentityKind.AGENT);
    f.service.setRotationPolicy(f.caller(f.admin), IdentityKind.AGENT, CredentialType.PUBLIC_KEY, Duration.ofDays(7),
        Duration.ofDays(3));
    var caller = f.caller(f.owner);

    assertRejected(() -> f.service.registerPublicKey(caller, agent.id(), ecJwk(TestKeys.ecP256()), inDays(8)),
        ErrorCode.LIFETIME_EXCEEDS_POLICY);
    assertThat(f.service.registerPublicKey(caller, f.workload().id(), ecJwk(TestKeys.ecP256()), inDays(8)).usable())
        .isTrue();
  }

  // ---- self-signed certificates ---------------------------------------------------------------------------

  @Test
  void registerSelfSignedCertificate_valid_storesX5tS256AndExpiryAndAuthenticates() {
    Identity identity = f.workload();
    KeyPair key = TestKeys.ed25519();
    X509Certificate cert = CredentialFixture.selfSigned(key, f.now().minus(Duration.ofDays(1)), inDays(200));

    Credential c = f.service.registerSelfSignedCertificate(f.caller(f.owner), identity.id(),
        CredentialFixture.pem(cert)).credential();

    assertThat(c.type()).isEqualTo(CredentialType.SELF_SIGNED_CERTIFICATE);
    assertThat(c.thumbprint()).isEqualTo(CredentialKeys.x5tS256(cert));
    assertThat(c.keyType()).isEqualTo("Ed25519");
    assertThat(c.notBefore()).isEqualTo(f.now().minus(Duration.ofDays(1)));
    assertThat(c.notAfter()).isEqualTo(inDays(200));
    assertThat(c.serial()).isNull();
    assertThat(f.service.authenticateCertificate(cert, f.now(), REQUEST_ID).credential().id()).isEqualTo(c.id());
  }

  @Test
  void registerSelfSignedCertificate_badCertificates_certificateMalformedAndNothingWritten() {
    Identity identity = f.workload();
    var caller = f.caller(f.owner);
    KeyPair key = TestKeys.ecP256();
    X509Certificate expired = CredentialFixture.selfSigned(key, f.now().minus(Duration.ofDays(10)),
        f.now().minus(Duration.ofDays(1)));
    X509Certificate notSelfSigned = CredentialFixture.signed(key, TestKeys.ecP256(), "CN=leaf", "CN=issuer",
        f.now(), inDays(10));
    X509Certificate badSignature = CredentialFixture.signed(key, TestKeys.ecP256(), "CN=same", "CN=same",
        f.now(), inDays(10));
    String valid = CredentialFixture.pem(CredentialFixture.selfSigned(key, f.now(), inDays(10)));
    String truncated = valid.substring(0, valid.length() / 2) + "\n-----END CERTIFICATE-----\n";
    String csr = CredentialFixture.csr();
    StoreState before = f.b.state();

    for (String pem : List.of(CredentialFixture.pem(expired), CredentialFixture.pem(notSelfSigned),
        CredentialFixture.pem(badSignature), truncated, "garbage", csr, valid + valid)) {
      assertRejected(() -> f.service.registerSelfSignedCertificate(caller, identity.id(), pem),
          ErrorCode.CERTIFICATE_MALFORMED);
    }

    assertNothingWritten(f.b, before);
  }

  @Test
  void registerSelfSignedCertificate_weakKeyOrLongLifetime_refusedAndNothingWritten() {
    Identity identity = f.workload();
    var caller = f.caller(f.owner);
    KeyPair weak = TestKeys.rsa(1024);
    String weakPem = CredentialFixture.pem(CredentialFixture.selfSigned(weak, f.now(), inDays(10)));
    String longPem = CredentialFixture.pem(CredentialFixture.selfSigned(TestKeys.ecP256(), f.now(), inDays(366)));
    StoreState before = f.b.state();

    assertRejected(() -> f.service.registerSelfSignedCertificate(caller, identity.id(), weakPem), ErrorCode.KEY_TOO_WEAK);
    assertRejected(() -> f.service.registerSelfSignedCertificate(caller, identity.id(), longPem),
        ErrorCode.LIFETIME_EXCEEDS_POLICY);

    assertNothingWritten(f.b, before);
  }

  @Test
  void registerSelfSignedCertificate_expiresWhileRegistered_authenticationRefusedAsExpired() {
    Identity identity = f.workload();
    X509Certificate cert = CredentialFixture.selfSigned(TestKeys.ecP256(), f.now(), inDays(2));
    CredentialView view = f.service.registerSelfSignedCertificate(f.caller(f.owner), identity.id(),
        CredentialFixture.pem(cert));
    f.advance(Duration.ofDays(2));

    assertRejected(() -> f.service.authenticateCertificate(cert, f.now(), REQUEST_ID), ErrorCode.CREDENTIAL_EXPIRED);
    CredentialView now = f.service.get(f.caller(f.auditor), view.credential().id());
    assertThat(now.usable()).isFalse();
    assertThat(now.credential().status()).isEqualTo(CredentialStatus.ACTIVE);
  }
}
