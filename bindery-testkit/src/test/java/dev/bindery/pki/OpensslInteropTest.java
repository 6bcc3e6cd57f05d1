package dev.bindery.pki;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.identity.IdentityId;
import dev.bindery.testkit.pki.Openssl;
import dev.bindery.testkit.pki.TestCa;
import dev.bindery.testkit.pki.TestCsr;
import dev.bindery.testkit.pki.TestKeys;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bindery's certificates, CRLs and OCSP responses checked by a second, independent implementation: the openssl
 * command line tool (required; the test fails when it is missing). openssl checks validity against the real clock,
 * so this test runs the CA at the real current time.
 */
class OpensslInteropTest {
  private static final IdentityId ID = IdentityId.parse("nhi_aaaaaaaaaaaaaaaaaaaaaaaaaa");
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  private final TestCa pki = TestCa.create(now);
  private final BcCertificateAuthority ca = pki.ca();
  @TempDir
  Path dir;

  @BeforeEach
  void writeCaFiles() throws Exception {
    write("root.pem", Pem.certificate(ca.root()));
    write("intermediate.pem", Pem.certificate(ca.intermediate()));
    write("chain.pem", Pem.certificates(ca.chain()));
  }

  private void write(String name, String text) throws Exception {
    Files.writeString(dir.resolve(name), text, StandardCharsets.US_ASCII);
  }

  private String leaf(Supplier<KeyPair> keys) throws Exception {
    IssuedCertificate issued = ca.issue(Csrs.verify(TestCsr.forKey(keys.get()).pem()), ID, Duration.ofHours(1), now);
    write("leaf.pem", Pem.certificate(issued.certificate()));
    // openssl prints the DER content octets of the serial in hex: an even number of digits
    return HexFormat.of().withUpperCase().formatHex(issued.serial().toByteArray());
  }

  static Stream<Arguments> acceptedKeys() {
    return TestKeys.accepted().entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("acceptedKeys")
  void opensslVerify_issuedCertificate_okForClientAndServerPurposes(String label, Supplier<KeyPair> keys)
      throws Exception {
    leaf(keys);

    for (String purpose : List.of("sslclient", "sslserver")) {
      String out = Openssl.run(dir, "verify", "-x509_strict", "-purpose", purpose, "-CAfile", "root.pem",
          "-untrusted", "intermediate.pem", "leaf.pem").requireSuccess().output();
      assertThat(out).contains("leaf.pem: OK");
    }
    String text = Openssl.run(dir, "x509", "-in", "leaf.pem", "-noout", "-text", "-ext",
        "subjectAltName,basicConstraints,keyUsage,extendedKeyUsage").requireSuccess().output();
    assertThat(text).contains("URI:spiffe://bindery.test/nhi/nhi_aaaaaaaaaaaaaaaaaaaaaaaaaa", "CA:FALSE",
        "Digital Signature", "TLS Web Server Authentication", "TLS Web Client Authentication");
  }

  @Test
  void opensslVerify_certificateOfAnotherCa_fails() throws Exception {
    TestCa other = TestCa.create(now);
    IssuedCertificate foreign = other.ca().issue(Csrs.verify(TestCsr.ecP256Pem()), ID, Duration.ofHours(1), now);
    write("leaf.pem", Pem.certificate(foreign.certificate()));

    var result = Openssl.run(dir, "verify", "-CAfile", "root.pem", "-untrusted", "intermediate.pem", "leaf.pem");
    assertThat(result.exitCode()).isNotZero();
    assertThat(result.output()).contains("unable to get local issuer certificate");
  }

  @Test
  void opensslThumbprint_matchesIssuedThumbprint() throws Exception {
    IssuedCertificate issued = ca.issue(Csrs.verify(TestCsr.ecP256Pem()), ID, Duration.ofHours(1), now);
    write("leaf.pem", Pem.certificate(issued.certificate()));
    String hex = Openssl.run(dir, "x509", "-in", "leaf.pem", "-noout", "-fingerprint", "-sha256").requireSuccess()
        .output().replaceAll("(?s).*=", "").replace(":", "").strip();
    assertThat(java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(HexFormat.of().parseHex(hex)))
        .isEqualTo(issued.thumbprint());
  }

  @Test
  void opensslCrl_verifiesAndListsRevokedSerialWithReason_andVerifyCrlCheckRejectsTheLeaf() throws Exception {
    String revokedHex = leaf(TestKeys::ecP256);
    BigInteger serial = new BigInteger(revokedHex, 16);
    byte[] crl = ca.crl(List.of(new RevokedCertificate(serial, now.minusSeconds(30), RevocationReason.KEY_COMPROMISE),
        new RevokedCertificate(BigInteger.valueOf(77), now.minusSeconds(60), RevocationReason.SUPERSEDED)),
        BigInteger.valueOf(now.getEpochSecond()), now, now.plus(Duration.ofHours(1)));
    Files.write(dir.resolve("crl.der"), crl);

    String out = Openssl.run(dir, "crl", "-inform", "DER", "-in", "crl.der", "-CAfile", "chain.pem", "-noout",
        "-text").requireSuccess().output();
    assertThat(out).contains("verify OK", "Serial Number: " + revokedHex, "Key Compromise", "Superseded",
        "X509v3 CRL Number:", "X509v3 Authority Key Identifier");
    assertThat(out).containsPattern("CRL Number: \\n\\s+" + now.getEpochSecond());

    Openssl.run(dir, "crl", "-inform", "DER", "-in", "crl.der", "-out", "crl.pem").requireSuccess();
    var check = Openssl.run(dir, "verify", "-crl_check", "-CRLfile", "crl.pem", "-CAfile", "root.pem", "-untrusted",
        "intermediate.pem", "leaf.pem");
    assertThat(check.exitCode()).isNotZero();
    assertThat(check.output()).contains("certificate revoked");

    leaf(TestKeys::ecP256); // a certificate not on the CRL
    assertThat(Openssl.run(dir, "verify", "-crl_check", "-CRLfile", "crl.pem", "-CAfile", "root.pem", "-untrusted",
        "intermediate.pem", "leaf.pem").requireSuccess().output()).contains("leaf.pem: OK");
  }

  @Test
  void opensslCrl_signedByAnotherCa_failsVerification() throws Exception {
    byte[] crl = TestCa.create(now).ca().crl(List.of(), BigInteger.ONE, now, now.plusSeconds(3600));
    Files.write(dir.resolve("crl.der"), crl);
    var result = Openssl.run(dir, "crl", "-inform", "DER", "-in", "crl.der", "-CAfile", "chain.pem", "-noout");
    assertThat(result.output()).doesNotContain("verify OK");
  }

  /**
   * Asks openssl for a request with a nonce, answers it, and returns openssl's verification of the answer: first
   * against that very request (signature, chain to the root, nonce), then its per-certificate summary (a second
   * run with {@code -cert}, which builds its own request and so cannot compare nonces).
   */
  private String ocspAnswer(CertificateStatus status) throws Exception {
    Openssl.run(dir, "ocsp", "-issuer", "intermediate.pem", "-cert", "leaf.pem", "-reqout", "req.der", "-nonce")
        .requireSuccess();
    byte[] response = ca.ocsp(Files.readAllBytes(dir.resolve("req.der")), s -> status, now);
    Files.write(dir.resolve("resp.der"), response);
    String againstRequest = Openssl.run(dir, "ocsp", "-reqin", "req.der", "-respin", "resp.der", "-CAfile", "root.pem",
        "-resp_text").requireSuccess().output();
    assertThat(againstRequest).contains("Response verify OK").doesNotContain("WARNING", "Nonce Verify error");
    String summary = Openssl.run(dir, "ocsp", "-respin", "resp.der", "-CAfile", "root.pem", "-issuer",
        "intermediate.pem", "-cert", "leaf.pem", "-no_nonce").requireSuccess().output();
    assertThat(summary).contains("Response verify OK");
    return againstRequest + summary;
  }

  private String requestNonce() {
    String req = Openssl.run(dir, "ocsp", "-reqin", "req.der", "-req_text").requireSuccess().output();
    Matcher m = Pattern.compile("OCSP Nonce:\\s*\\n\\s*([0-9A-F]+)").matcher(req);
    assertThat(m.find()).as("nonce in request:\n" + req).isTrue();
    return m.group(1);
  }

  @Test
  void opensslOcsp_good_verifiedWithMatchingNonce() throws Exception {
    leaf(TestKeys::ecP256);
    String out = ocspAnswer(new CertificateStatus.Good());

    assertThat(out).contains("Response verify OK", "leaf.pem: good", "OCSP Response Status: successful (0x0)")
        .doesNotContain("WARNING", "Nonce Verify error");
    assertThat(out).containsPattern("OCSP Nonce: \\n\\s+" + requestNonce() + "\\n");
  }

  @Test
  void opensslOcsp_revoked_verifiedWithTimeAndReason() throws Exception {
    leaf(TestKeys::ed25519);
    String out = ocspAnswer(new CertificateStatus.Revoked(now.minusSeconds(90), RevocationReason.KEY_COMPROMISE));

    assertThat(out).contains("Response verify OK", "leaf.pem: revoked", "Reason: keyCompromise", "Revocation Time:")
        .doesNotContain("WARNING", "Nonce Verify error");
    assertThat(out).containsPattern("OCSP Nonce: \\n\\s+" + requestNonce() + "\\n");
  }

  @Test
  void opensslOcsp_unknown_verified() throws Exception {
    leaf(TestKeys::ecP384);
    String out = ocspAnswer(new CertificateStatus.Unknown());

    assertThat(out).contains("Response verify OK", "leaf.pem: unknown").doesNotContain("WARNING");
  }

  @Test
  void opensslOcsp_responderId_isKeyHashOfIntermediate() throws Exception {
    leaf(TestKeys::ecP256);
    String out = ocspAnswer(new CertificateStatus.Good());
    String keyHash = Openssl.run(dir, "x509", "-in", "intermediate.pem", "-noout", "-ocspid").requireSuccess()
        .output();
    Matcher m = Pattern.compile("Public key OCSP hash: ([0-9A-F]+)").matcher(keyHash);
    assertThat(m.find()).isTrue();
    assertThat(out).contains("Responder Id: " + m.group(1));
    assertThat(out).contains("Signature Algorithm: ecdsa-with-SHA256");
  }
}
