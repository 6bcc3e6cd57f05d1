package dev.bindery.pki;

import static dev.bindery.testkit.BinderyAssertions.assertRejected;
import static dev.bindery.testkit.pki.TestAttestation.tagged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import dev.bindery.testkit.MutableClock;
import dev.bindery.testkit.pki.TestAttestation;
import dev.bindery.testkit.pki.TestCsr;
import dev.bindery.testkit.pki.TestKeys;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Enumerated;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class KeyAttestationVerifierTest {
  private final MutableClock clock = MutableClock.standard();
  private final TestAttestation yubico = TestAttestation.yubikeyPiv(clock.instant());
  private final TestAttestation google = TestAttestation.androidKey(clock.instant());
  private final KeyAttestationVerifier verifier =
      new KeyAttestationVerifier(List.of(yubico.root(), google.root()), clock);
  private final KeyPair key = TestKeys.ecP256();

  private TestAttestation vendor(AttestationFormat format) {
    return format == AttestationFormat.YUBIKEY_PIV ? yubico : google;
  }

  private RejectedException refused(String chainPem) {
    RejectedException e = assertRejected(() -> verifier.verify(key.getPublic(), chainPem),
        ErrorCode.ATTESTATION_INVALID);
    assertThat(e.field()).isEqualTo("attestation");
    return e;
  }

  // ---- attested ---------------------------------------------------------------------------------------

  @Test
  void verify_yubikeyPivChain_attestedWithRootAndDeviceProperties() {
    KeyAttestation a = verifier.verify(key.getPublic(), yubico.attest(key.getPublic()).pem());

    assertThat(a.attested()).isTrue();
    assertThat(a.format()).contains(AttestationFormat.YUBIKEY_PIV);
    assertThat(a.vendorRootSubject()).contains("CN=Test Yubico PIV Root CA Serial 263751");
    assertThat(a.reason()).isEmpty();
    assertThat(a.properties()).containsExactly(Map.entry("firmware", "5.4.3"), Map.entry("serial", "12345678"),
        Map.entry("pin_policy", "once"), Map.entry("touch_policy", "never"), Map.entry("form_factor", "3"),
        Map.entry("slot", "9a"));
  }

  @Test
  void verify_androidKeyChain_attestedWithSecurityLevelAndOrigin() {
    KeyAttestation a = verifier.verify(key.getPublic(), google.attest(key.getPublic()).pem());

    assertThat(a.attested()).isTrue();
    assertThat(a.format()).contains(AttestationFormat.ANDROID_KEY);
    assertThat(a.vendorRootSubject()).contains("CN=Test Android Hardware Attestation Root,SERIALNUMBER=f92009e853b6b045");
    assertThat(a.properties()).containsExactly(Map.entry("attestation_version", "300"),
        Map.entry("attestation_security_level", "trusted_environment"), Map.entry("keymint_version", "300"),
        Map.entry("keymint_security_level", "trusted_environment"), Map.entry("origin", "generated"));
  }

  @Test
  void verify_androidStrongBox_attestedAsStrongbox() {
    KeyAttestation a = verifier.verify(key.getPublic(), google.attest(key.getPublic()).securityLevel(2).pem());

    assertThat(a.attested()).isTrue();
    assertThat(a.properties()).containsEntry("attestation_security_level", "strongbox")
        .containsEntry("keymint_security_level", "strongbox");
  }

  static Stream<Supplier<KeyPair>> keyTypes() {
    return Stream.of(TestKeys::ecP256, TestKeys::ecP384, TestKeys::ed25519, () -> TestKeys.rsa(2048));
  }

  @ParameterizedTest
  @MethodSource("keyTypes")
  void verify_keyFromAVerifiedCsr_attestedForEveryAcceptedKeyType(Supplier<KeyPair> keys) {
    KeyPair k = keys.get();
    PublicKey fromCsr = Csrs.verify(TestCsr.forKey(k).pem()).publicKey();

    assertThat(verifier.verify(fromCsr, yubico.attest(k.getPublic()).pem()).attested()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(AttestationFormat.class)
  void verify_chainEndingWithTheConfiguredRoot_attested(AttestationFormat format) {
    String pem = vendor(format).attest(key.getPublic()).withRoot().pem();

    assertThat(verifier.verify(key.getPublic(), pem).attested()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(AttestationFormat.class)
  void verify_parsedCertificateList_sameDecisionAsPem(AttestationFormat format) {
    List<X509Certificate> chain = vendor(format).attest(key.getPublic()).certificates();

    assertThat(verifier.verify(key.getPublic(), chain).format()).contains(format);
    assertRejected(() -> verifier.verify(key.getPublic(), vendor(format).attest(key.getPublic()).tooLong()
        .certificates()), ErrorCode.ATTESTATION_INVALID);
  }

  // ---- not attested, not refused ------------------------------------------------------------------------

  @Test
  void verify_noRootsConfigured_validChainIsNeverAttested() {
    KeyAttestationVerifier none = KeyAttestationVerifier.withoutRoots(clock);

    for (TestAttestation vendor : List.of(yubico, google)) {
      KeyAttestation a = none.verify(key.getPublic(), vendor.attest(key.getPublic()).withRoot().pem());
      assertThat(a.attested()).isFalse();
      assertThat(a.format()).isEmpty();
      assertThat(a.vendorRootSubject()).isEmpty();
      assertThat(a.reason()).contains("no attestation roots are configured; the key counts as software-held");
    }
  }

  @Test
  void verify_noRootsConfigured_malformedChainStillRefused() {
    KeyAttestationVerifier none = KeyAttestationVerifier.withoutRoots(clock);

    assertRejected(() -> none.verify(key.getPublic(), "not a chain"), ErrorCode.ATTESTATION_INVALID);
  }

  @Test
  void verify_noChainPresented_notAttested() {
    assertThat(verifier.verify(key.getPublic(), (String) null).reason()).contains("no attestation was presented");
    assertThat(verifier.verify(key.getPublic(), " \n").attested()).isFalse();
    assertThat(verifier.verify(key.getPublic(), List.of()).attested()).isFalse();
  }

  // ---- refused: key, root, chain ------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(AttestationFormat.class)
  void verify_attestationOfAnotherKey_refusedAsKeyMismatch(AttestationFormat format) {
    RejectedException e = refused(vendor(format).attest(key.getPublic()).wrongKey().pem());

    assertThat(e).hasMessage("attestation certificate certifies another key: its public key is not the new "
        + "credential's key");
  }

  @ParameterizedTest
  @EnumSource(AttestationFormat.class)
  void verify_chainToARootThatIsNotConfigured_refused(AttestationFormat format) {
    RejectedException e = refused(vendor(format).attest(key.getPublic()).foreignRoot().pem());

    assertThat(e).hasMessageStartingWith("attestation chain does not lead to a configured vendor root: its last "
        + "certificate is issued by 'CN=Test Foreign Attestation Root'");
  }

  @Test
  void verify_foreignRootSentWithTheChain_stillRefused() {
    RejectedException e = refused(yubico.attest(key.getPublic()).foreignRoot().withRoot().pem());

    assertThat(e).hasMessageStartingWith("attestation chain does not lead to a configured vendor root");
  }

  @Test
  void verify_chainOfOneVendorWhenOnlyTheOtherIsConfigured_refused() {
    KeyAttestationVerifier onlyYubico = new KeyAttestationVerifier(List.of(yubico.root()), clock);

    assertRejected(() -> onlyYubico.verify(key.getPublic(), google.attest(key.getPublic()).withRoot().pem()),
        ErrorCode.ATTESTATION_INVALID);
  }

  @ParameterizedTest
  @EnumSource(AttestationFormat.class)
  void verify_rootWithTheConfiguredNameButAnotherKey_refusedAsBadSignature(AttestationFormat format) {
    RejectedException e = refused(vendor(format).attest(key.getPublic()).impostorRoot().pem());

    assertThat(e).hasMessageStartingWith("signature of chain certificate 2 '")
        .hasMessageEndingWith("' does not verify with its issuer's key");
  }

  @ParameterizedTest
  @EnumSource(AttestationFormat.class)
  void verify_tamperedLeafSignature_refused(AttestationFormat format) {
    RejectedException e = refused(vendor(format).attest(key.getPublic()).tamperedSignature().pem());

    assertThat(e).hasMessageStartingWith("signature of attestation certificate '")
        .hasMessageEndingWith("' does not verify with its issuer's key");
  }

  @ParameterizedTest
  @EnumSource(AttestationFormat.class)
  void verify_expiredAttestationCertificate_refused(AttestationFormat format) {
    RejectedException e = refused(vendor(format).attest(key.getPublic()).expired().pem());

    assertThat(e).hasMessageStartingWith("attestation certificate '")
        .hasMessageEndingWith("' expired at " + clock.instant().minus(Duration.ofDays(1)));
  }

  @Test
  void verify_intermediateExpiredAtTheInjectedClocksInstant_refused() {
    X509Certificate f9 = yubico.attest(key.getPublic()).certificates().get(1);
    String pem = yubico.attest(key.getPublic()).pem();
    clock.set(f9.getNotAfter().toInstant().plusSeconds(1));

    RejectedException e = refused(pem);

    assertThat(e).hasMessage("chain certificate 2 'CN=Test Yubico PIV Attestation' expired at "
        + f9.getNotAfter().toInstant());
  }

  @Test
  void verify_chainNotYetValidAtTheInjectedClocksInstant_refused() {
    String pem = google.attest(key.getPublic()).pem();
    X509Certificate batch = google.attest(key.getPublic()).certificates().get(1);
    clock.set(batch.getNotBefore().toInstant().minusSeconds(1));

    RejectedException e = refused(pem);

    assertThat(e).hasMessage("chain certificate 2 'O=Test Google,CN=Test Droid CA2' is not valid before "
        + batch.getNotBefore().toInstant());
  }

  @ParameterizedTest
  @EnumSource(AttestationFormat.class)
  void verify_expiredVendorRoot_refusedAlthoughPkixIgnoresAnchorValidity(AttestationFormat format) {
    Instant rootExpiry = clock.instant().plus(Duration.ofDays(30));
    TestAttestation vendor = TestAttestation.withRootExpiringAt(format, clock.instant(), rootExpiry);
    KeyAttestationVerifier v = new KeyAttestationVerifier(List.of(vendor.root()), clock);
    String pem = vendor.attest(key.getPublic()).pem();
    KeyAttestation before = v.verify(key.getPublic(), pem);
    assertThat(before.attested()).isTrue();
    clock.advance(Duration.ofDays(31));

    RejectedException e = assertRejected(() -> v.verify(key.getPublic(), pem), ErrorCode.ATTESTATION_INVALID);

    assertThat(e).hasMessage("vendor root '" + before.vendorRootSubject().orElseThrow() + "' expired at " + rootExpiry);
  }

  @ParameterizedTest
  @EnumSource(AttestationFormat.class)
  void verify_chainInReverseOrder_refused(AttestationFormat format) {
    RejectedException e = refused(vendor(format).attest(key.getPublic()).reversed().pem());

    assertThat(e).hasMessageStartingWith("attestation chain is not in order: ");
  }

  @ParameterizedTest
  @EnumSource(AttestationFormat.class)
  void verify_sixCertificates_refusedAsTooLong(AttestationFormat format) {
    RejectedException e = refused(vendor(format).attest(key.getPublic()).tooLong().pem());

    assertThat(e).hasMessage("attestation chain has 6 certificates; at most 5 are accepted");
  }

  @Test
  void verify_onlyTheVendorRoot_refused() {
    RejectedException e = refused(yubico.rootPem());

    assertThat(e).hasMessage("attestation chain holds only a vendor root; the attestation certificate must come "
        + "first");
  }

  // ---- refused: hardware marker ---------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(AttestationFormat.class)
  void verify_validChainWithoutVendorMarker_refused(AttestationFormat format) {
    RejectedException e = refused(vendor(format).attest(key.getPublic()).withoutMarker().pem());

    assertThat(e).hasMessage("attestation certificate carries no hardware attestation marker: neither yubikey "
        + "piv attestation extensions (1.3.6.1.4.1.41482.3.*) nor an android key description "
        + "(1.3.6.1.4.1.11129.2.1.17)");
  }

  @Test
  void verify_yubikeyWithoutSerial_refusedNamingTheExtension() {
    RejectedException e = refused(yubico.attest(key.getPublic()).withoutExtension("1.3.6.1.4.1.41482.3.7").pem());

    assertThat(e).hasMessage("yubikey piv attestation certificate lacks the serial number extension "
        + "1.3.6.1.4.1.41482.3.7");
  }

  @Test
  void verify_yubikeyWithoutFirmwareOrPolicy_refused() {
    assertThat(refused(yubico.attest(key.getPublic()).withoutExtension("1.3.6.1.4.1.41482.3.3").pem()))
        .hasMessageContaining("lacks the firmware version extension 1.3.6.1.4.1.41482.3.3");
    assertThat(refused(yubico.attest(key.getPublic()).withoutExtension("1.3.6.1.4.1.41482.3.8").pem()))
        .hasMessageContaining("lacks the pin and touch policy extension 1.3.6.1.4.1.41482.3.8");
  }

  @Test
  void verify_yubikeyMalformedExtensions_refused() {
    assertThat(refused(yubico.attest(key.getPublic()).extension("1.3.6.1.4.1.41482.3.3", new byte[] {5, 4}).pem()))
        .hasMessage("yubikey piv attestation firmware version extension 1.3.6.1.4.1.41482.3.3 is not 3 octets");
    assertThat(refused(yubico.attest(key.getPublic()).extension("1.3.6.1.4.1.41482.3.7", new byte[] {1, 2}).pem()))
        .hasMessage("yubikey piv attestation serial number extension 1.3.6.1.4.1.41482.3.7 is not a der integer");
    assertThat(refused(yubico.attest(key.getPublic()).extension("1.3.6.1.4.1.41482.3.7", new byte[] {2, 1, -1})
        .pem())).hasMessageContaining("is not a 32-bit unsigned integer");
    assertThat(refused(yubico.attest(key.getPublic()).extension("1.3.6.1.4.1.41482.3.8", new byte[] {2}).pem()))
        .hasMessageContaining("1.3.6.1.4.1.41482.3.8 is not 2 octets");
  }

  @Test
  void verify_certificateWithBothMarkers_refusedAsAmbiguous() {
    RejectedException e = refused(google.attest(key.getPublic()).extension("1.3.6.1.4.1.41482.3.3",
        new byte[] {5, 4, 3}).pem());

    assertThat(e).hasMessage("attestation certificate carries both yubikey piv and android key attestation "
        + "extensions");
  }

  @Test
  void verify_androidSoftwareSecurityLevel_refused() {
    assertThat(refused(google.attest(key.getPublic()).securityLevel(0).pem())).hasMessageStartingWith(
        "android key attestation security level is software");
    assertThat(refused(google.attest(key.getPublic()).securityLevels(1, 0).pem())).hasMessageStartingWith(
        "android keymint security level is software");
  }

  @Test
  void verify_androidImportedKey_refused() {
    RejectedException e = refused(google.attest(key.getPublic()).origin(2, null).pem());

    assertThat(e).hasMessage("android key origin is imported, not generated: the key existed outside the secure "
        + "hardware");
  }

  @Test
  void verify_androidOriginOnlySoftwareEnforced_refused() {
    RejectedException e = refused(google.attest(key.getPublic()).origin(null, 0).pem());

    assertThat(e).hasMessage("android key attestation has no hardware-enforced origin [702] (it is only "
        + "software-enforced)");
  }

  @Test
  void verify_androidContradictoryOrigins_refused() {
    RejectedException e = refused(google.attest(key.getPublic()).origin(0, 2).pem());

    assertThat(e).hasMessageStartingWith("android key attestation contradicts itself");
  }

  @Test
  void verify_androidOriginGeneratedInBothLists_attested() {
    assertThat(verifier.verify(key.getPublic(), google.attest(key.getPublic()).origin(0, 0).pem()).attested())
        .isTrue();
  }

  @Test
  void verify_androidAuthorizationListTagsOutOfOrder_parsed() {
    ASN1Encodable description = keyDescription(1, new DERSequence(),
        new DERSequence(new ASN1Encodable[] {tagged(702, new ASN1Integer(0)), tagged(1, new ASN1Integer(2))}));

    assertThat(verifier.verify(key.getPublic(), google.attest(key.getPublic()).keyDescription(description).pem())
        .attested()).isTrue();
  }

  @Test
  void verify_androidMalformedKeyDescription_refusedNamingTheProblem() {
    DERSequence hardware = new DERSequence(tagged(702, new ASN1Integer(0)));
    assertThat(refused(google.attest(key.getPublic()).keyDescription(new DERSequence(new ASN1Encodable[] {
        new ASN1Integer(3), new ASN1Enumerated(1)})).pem())).hasMessage(
        "android key description 1.3.6.1.4.1.11129.2.1.17 has 2 elements, expected 8");
    assertThat(refused(google.attest(key.getPublic()).keyDescription(keyDescription(1, new DERSequence(),
        new DERSequence(new ASN1Encodable[] {tagged(702, new ASN1Integer(0)), tagged(702, new ASN1Integer(0))})))
        .pem())).hasMessage("android key description 1.3.6.1.4.1.11129.2.1.17 hardwareEnforced has tag [702] more "
        + "than once");
    assertThat(refused(google.attest(key.getPublic()).keyDescription(keyDescription(1,
        new DERSequence(new ASN1Integer(1)), hardware)).pem())).hasMessage("android key description "
        + "1.3.6.1.4.1.11129.2.1.17 softwareEnforced holds an element that is not an explicitly tagged [n] value");
    assertThat(refused(google.attest(key.getPublic()).keyDescription(keyDescription(7, new DERSequence(), hardware))
        .pem())).hasMessageContaining("attestationSecurityLevel 7 is not software (0), trusted environment (1) or "
        + "strongbox (2)");
    assertThat(refused(google.attest(key.getPublic()).keyDescription(new DEROctetString(new byte[] {1})).pem()))
        .hasMessage("android key description 1.3.6.1.4.1.11129.2.1.17 is not a der sequence");
  }

  private static ASN1Encodable keyDescription(int level, DERSequence software, DERSequence hardware) {
    return new DERSequence(new ASN1Encodable[] {new ASN1Integer(300), new ASN1Enumerated(level), new ASN1Integer(300),
        new ASN1Enumerated(level), new DEROctetString(new byte[0]), new DEROctetString(new byte[0]), software,
        hardware});
  }

  // ---- refused: the PEM text ----------------------------------------------------------------------------

  @Test
  void verify_oversizedText_refusedBeforeParsing() {
    String pem = yubico.attest(key.getPublic()).pem();
    String padded = pem + " ".repeat(KeyAttestationVerifier.MAX_PEM_CHARS - pem.length() + 1);

    assertThat(refused(padded)).hasMessage("attestation is larger than 65536 characters");
    assertThat(verifier.verify(key.getPublic(), padded.substring(0, padded.length() - 1)).attested()).isTrue();
  }

  @Test
  void verify_malformedPem_refusedNamingTheProblem() {
    String leafPem = yubico.attest(key.getPublic()).pem();
    String body = leafPem.substring(leafPem.indexOf('\n') + 1, leafPem.indexOf("-----END"));

    assertThat(refused("hello")).hasMessage("attestation is not pem: expected '-----BEGIN CERTIFICATE-----' blocks");
    assertThat(refused("junk\n" + leafPem)).hasMessage("attestation has text outside its pem certificate blocks");
    assertThat(refused(leafPem + "junk")).hasMessage("attestation has text outside its pem certificate blocks");
    assertThat(refused("-----BEGIN PRIVATE KEY-----\n" + body + "-----END PRIVATE KEY-----\n"))
        .hasMessage("attestation holds a pem 'PRIVATE KEY' block; only 'CERTIFICATE' blocks are accepted");
    assertThat(refused("-----BEGIN CERTIFICATE-----\n" + body + "-----END X509 CRL-----\n"))
        .hasMessage("attestation pem block begins as 'CERTIFICATE' but ends as 'X509 CRL'");
    assertThat(refused("-----BEGIN CERTIFICATE-----\nQUJD=RA==\n-----END CERTIFICATE-----\n"))
        .hasMessage("attestation pem block is not valid base64");
    assertThat(refused(TestCsr.pem("CERTIFICATE", new byte[] {0x30, 0x03, 0x02, 0x01, 0x01})))
        .hasMessage("attestation pem block 1 is not a der x.509 certificate");
    assertThat(refused("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"))
        .hasMessage("attestation has an empty pem block");
  }

  @Test
  void verify_certificateWithTrailingData_refused() throws Exception {
    byte[] der = yubico.attest(key.getPublic()).certificates().get(0).getEncoded();
    byte[] longer = java.util.Arrays.copyOf(der, der.length + 2);

    assertThat(refused(TestCsr.pem("CERTIFICATE", longer))).hasMessage(
        "attestation pem block 1 has data after its certificate");
  }

  // ---- configuration ------------------------------------------------------------------------------------

  @Test
  void constructor_rootThatIsNotACa_refused() {
    X509Certificate leaf = yubico.attest(key.getPublic()).certificates().get(0);

    assertThatThrownBy(() -> new KeyAttestationVerifier(List.of(leaf), clock))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("attestation root 'CN=YubiKey PIV Attestation 9a' is not a ca certificate (basicConstraints "
            + "cA=true)");
  }

  @Test
  void parseRoots_bundle_everyRootInOrderAndDuplicatesDropped() {
    List<X509Certificate> roots = KeyAttestationVerifier.parseRoots(yubico.rootPem() + google.rootPem()
        + yubico.rootPem());

    assertThat(roots).containsExactly(yubico.root(), google.root(), yubico.root());
    assertThat(new KeyAttestationVerifier(roots, clock).roots()).containsExactly(yubico.root(), google.root());
    assertThatThrownBy(() -> KeyAttestationVerifier.parseRoots("nope")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("attestation root file is not pem: expected '-----BEGIN CERTIFICATE-----' blocks");
  }
}
