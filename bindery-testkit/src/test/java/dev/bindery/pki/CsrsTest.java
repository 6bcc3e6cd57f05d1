package dev.bindery.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.Hashing;
import dev.bindery.common.RejectedException;
import dev.bindery.testkit.pki.TestCsr;
import dev.bindery.testkit.pki.TestKeys;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CsrsTest {
  private static final String OWN_ID = "spiffe://bindery.test/nhi/nhi_aaaaaaaaaaaaaaaaaaaaaaaaaa";

  static Stream<Arguments> acceptedKeys() {
    return Stream.of(
        Arguments.of("EC P-256", (Supplier<KeyPair>) TestKeys::ecP256, "SHA256withECDSA"),
        Arguments.of("EC P-256", (Supplier<KeyPair>) TestKeys::ecP256, "SHA512withECDSA"),
        Arguments.of("EC P-384", (Supplier<KeyPair>) TestKeys::ecP384, "SHA384withECDSA"),
        Arguments.of("Ed25519", (Supplier<KeyPair>) TestKeys::ed25519, "Ed25519"),
        Arguments.of("RSA 2048", (Supplier<KeyPair>) () -> TestKeys.rsa(2048), "SHA256withRSA"),
        Arguments.of("RSA 2048", (Supplier<KeyPair>) () -> TestKeys.rsa(2048), "SHA256withRSAandMGF1"),
        Arguments.of("RSA 3072", (Supplier<KeyPair>) () -> TestKeys.rsa(3072), "SHA384withRSA"));
  }

  @ParameterizedTest(name = "{0} signed {2}")
  @MethodSource("acceptedKeys")
  void verify_acceptedKey_returnsKeyTypeAndSpkiFingerprint(String label, Supplier<KeyPair> keys, String alg) {
    KeyPair key = keys.get();
    VerifiedCsr csr = Csrs.verify(TestCsr.forKey(key).signatureAlgorithm(alg).pem());

    assertThat(csr.keyType()).isEqualTo(label);
    assertThat(csr.publicKey().getEncoded()).isEqualTo(key.getPublic().getEncoded());
    assertThat(csr.publicKeyFingerprint()).isEqualTo(
        Base64.getUrlEncoder().withoutPadding().encodeToString(Hashing.sha256(key.getPublic().getEncoded())));
  }

  @Test
  void verify_fingerprint_isBase64UrlSha256OfSpki_knownAnswer() throws Exception {
    // RFC 8410 section 10.3 private key and its section 10.1 public key; the digest was computed with
    // `base64 -d | openssl dgst -sha256 -binary | base64url`
    KeyFactory ed = KeyFactory.getInstance("Ed25519");
    KeyPair pair = new KeyPair(
        ed.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(
            "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE="))),
        ed.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(
            "MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC"))));

    VerifiedCsr csr = Csrs.verify(TestCsr.forKey(pair).pem());

    assertThat(csr.publicKeyFingerprint()).isEqualTo("oekVYFTgT6yJmunydRMs3Ael28TqLCrTof_G4NJTaB8");
  }

  @Test
  void verify_subjectAndNonCaBasicConstraints_areIgnored() {
    VerifiedCsr csr = Csrs.verify(TestCsr.forKey(TestKeys.ecP256()).subject("CN=admin,O=Bindery")
        .requestBasicConstraints(false).pem());
    assertThat(csr.keyType()).isEqualTo("EC P-256");
  }

  @Test
  void verify_pemWithCrlfAndSurroundingWhitespace_isAccepted() {
    String pem = "\n  " + TestCsr.ecP256Pem().replace("\n", "\r\n") + "\n\n";
    assertThat(Csrs.verify(pem).keyType()).isEqualTo("EC P-256");
  }

  static Stream<Arguments> malformed() {
    String good = TestCsr.ecP256Pem();
    byte[] der = TestCsr.forKey(TestKeys.ecP256()).der();
    byte[] longer = Arrays.copyOf(der, der.length + 2);
    return Stream.of(
        Arguments.of("null", null, "csr is empty"),
        Arguments.of("blank", "  \n", "csr is empty"),
        Arguments.of("garbage", "hello, this is not a csr", "csr is not pem"),
        Arguments.of("der bytes as text", Base64.getEncoder().encodeToString(der), "csr is not pem"),
        Arguments.of("private key pem", TestCsr.pem("PRIVATE KEY", der), "'PRIVATE KEY', expected a 'CERTIFICATE REQUEST'"),
        Arguments.of("certificate pem", TestCsr.pem("CERTIFICATE", der), "'CERTIFICATE', expected"),
        Arguments.of("no end line", good.substring(0, good.indexOf("-----END")), "truncated"),
        Arguments.of("truncated body", TestCsr.pem("CERTIFICATE REQUEST", Arrays.copyOf(der, der.length - 10)),
            "not a der pkcs#10"),
        Arguments.of("trailing der bytes", TestCsr.pem("CERTIFICATE REQUEST", longer), "not a der pkcs#10"),
        Arguments.of("trailing junk", good + "junk", "data after"),
        Arguments.of("second pem block", good + good, "data after"),
        Arguments.of("bad base64", good.replaceFirst("\n[A-Za-z0-9+/]", "\n*"), "not valid base64"),
        Arguments.of("empty body", "-----BEGIN CERTIFICATE REQUEST-----\n-----END CERTIFICATE REQUEST-----",
            "body is empty"),
        Arguments.of("der of another type", TestCsr.pem("CERTIFICATE REQUEST", new byte[] {0x30, 0x03, 0x02, 0x01,
            0x01}), "not a der pkcs#10"),
        Arguments.of("oversized", good + " ".repeat(Csrs.MAX_PEM_CHARS), "larger than 16384"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void verify_malformedPem_rejectedCsrMalformed(String name, String pem, String message) {
    assertRejected(pem, ErrorCode.CSR_MALFORMED, message);
  }

  @Test
  void verify_tamperedSignature_rejectedCsrSignatureInvalid() {
    for (KeyPair key : new KeyPair[] {TestKeys.ecP256(), TestKeys.ecP384(), TestKeys.ed25519(), TestKeys.rsa(2048)}) {
      assertRejected(TestCsr.forKey(key).tamperSignature().pem(), ErrorCode.CSR_SIGNATURE_INVALID,
          "does not verify");
    }
  }

  @Test
  void verify_requestSignedByAnotherKey_rejectedCsrSignatureInvalid() {
    // the signature of one key's request pasted onto another key's request body
    byte[] a = TestCsr.forKey(TestKeys.ed25519()).subject("CN=x").der();
    byte[] b = TestCsr.forKey(TestKeys.ed25519()).subject("CN=x").der();
    System.arraycopy(b, b.length - 64, a, a.length - 64, 64);
    assertRejected(TestCsr.pem("CERTIFICATE REQUEST", a), ErrorCode.CSR_SIGNATURE_INVALID, "does not verify");
  }

  @Test
  void verify_sha1Signature_rejectedCsrSignatureInvalid() {
    assertRejected(TestCsr.forKey(TestKeys.rsa(2048)).signatureAlgorithm("SHA1withRSA").pem(),
        ErrorCode.CSR_SIGNATURE_INVALID, "1.2.840.113549.1.1.5 is not accepted");
    assertRejected(TestCsr.forKey(TestKeys.ecP256()).signatureAlgorithm("SHA1withECDSA").pem(),
        ErrorCode.CSR_SIGNATURE_INVALID, "is not accepted for an EC P-256 key");
    assertRejected(TestCsr.forKey(TestKeys.rsa(2048)).signatureAlgorithm("SHA1withRSAandMGF1").pem(),
        ErrorCode.CSR_SIGNATURE_INVALID, "is not accepted");
  }

  @Test
  void verify_rsaUnder2048Bits_rejectedKeyTooWeak() {
    assertRejected(TestCsr.forKey(TestKeys.rsa(1024)).pem(), ErrorCode.KEY_TOO_WEAK, "rsa key of 1024 bits");
    assertRejected(TestCsr.forKey(TestKeys.rsa(2040)).pem(), ErrorCode.KEY_TOO_WEAK, "rsa key of 2040 bits");
  }

  static Stream<Arguments> unsupportedKeys() {
    return Stream.of(
        Arguments.of("P-521", (Supplier<KeyPair>) TestKeys::ecP521, "ec curve P-521 is not accepted"),
        Arguments.of("secp256k1", (Supplier<KeyPair>) TestKeys::secp256k1, "ec curve secp256k1 is not accepted"),
        Arguments.of("Ed448", (Supplier<KeyPair>) TestKeys::ed448, "key algorithm Ed448 is not accepted"),
        Arguments.of("DSA", (Supplier<KeyPair>) TestKeys::dsa, "key algorithm DSA is not accepted"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unsupportedKeys")
  void verify_unsupportedKey_rejectedKeyUnsupported(String name, Supplier<KeyPair> keys, String message) {
    assertRejected(TestCsr.forKey(keys.get()).pem(), ErrorCode.KEY_UNSUPPORTED, message);
  }

  @Test
  void verify_requestsCa_rejectedCsrNotPermitted() {
    assertRejected(TestCsr.forKey(TestKeys.ecP256()).requestBasicConstraints(true).pem(), ErrorCode.CSR_NOT_PERMITTED,
        "cA=true");
  }

  @Test
  void verify_requestsAnySubjectAlternativeName_rejectedCsrNotPermitted() {
    assertRejected(TestCsr.forKey(TestKeys.ecP256()).requestDnsName("db.internal").pem(), ErrorCode.CSR_NOT_PERMITTED,
        "subject alternative names");
    assertRejected(TestCsr.forKey(TestKeys.ecP256()).requestUri(OWN_ID).pem(), ErrorCode.CSR_NOT_PERMITTED,
        "subject alternative names");
  }

  @Test
  void verifyPermitting_ownSpiffeIdOnly_isAccepted() {
    VerifiedCsr csr = Csrs.verify(TestCsr.forKey(TestKeys.ecP256()).requestUri(OWN_ID).pem(), OWN_ID);
    assertThat(csr.keyType()).isEqualTo("EC P-256");
  }

  @Test
  void verifyPermitting_otherOrExtraNames_rejectedCsrNotPermitted() {
    assertRejected(() -> Csrs.verify(TestCsr.forKey(TestKeys.ecP256()).requestUri(OWN_ID + "x").pem(), OWN_ID),
        ErrorCode.CSR_NOT_PERMITTED, "other than the identity's spiffe id");
    assertRejected(() -> Csrs.verify(TestCsr.forKey(TestKeys.ecP256()).requestUri(OWN_ID).requestDnsName("a").pem(),
        OWN_ID), ErrorCode.CSR_NOT_PERMITTED, "other than the identity's spiffe id");
    assertRejected(() -> Csrs.verify(TestCsr.forKey(TestKeys.ecP256()).requestDnsName(OWN_ID).pem(), OWN_ID),
        ErrorCode.CSR_NOT_PERMITTED, "other than the identity's spiffe id");
    assertRejected(() -> Csrs.verify(TestCsr.forKey(TestKeys.ecP256()).requestUri(OWN_ID).requestBasicConstraints(true)
        .pem(), OWN_ID), ErrorCode.CSR_NOT_PERMITTED, "cA=true");
  }

  @Test
  void verify_rejection_neverQuotesThePemBody() {
    String pem = TestCsr.pem("PRIVATE KEY", TestKeys.ecP256().getPrivate().getEncoded());
    String body = pem.split("\n")[1];
    assertThatThrownBy(() -> Csrs.verify(pem)).isInstanceOf(RejectedException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(body.substring(0, 20)));
  }

  private static void assertRejected(String pem, ErrorCode code, String message) {
    assertRejected(() -> Csrs.verify(pem), code, message);
  }

  private static void assertRejected(Runnable call, ErrorCode code, String message) {
    assertThatThrownBy(call::run).isInstanceOf(RejectedException.class)
        .satisfies(e -> {
          RejectedException r = (RejectedException) e;
          assertThat(r.code()).isEqualTo(code);
          assertThat(r.field()).isEqualTo("csr");
          assertThat(r.getMessage()).contains(message);
        });
  }
}
