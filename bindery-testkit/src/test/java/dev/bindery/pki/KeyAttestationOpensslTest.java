package dev.bindery.pki;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.testkit.MutableClock;
import dev.bindery.testkit.pki.Openssl;
import dev.bindery.testkit.pki.TestAttestation;
import dev.bindery.testkit.pki.TestKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The test vendors' attestation chains checked by a second, independent implementation (the openssl command line
 * tool, at the test clock's instant with {@code -attime}): the chains the verifier attests are valid X.509 paths,
 * and the broken variants are broken for openssl too, so the verifier's tests exercise real PKI, not an artefact of
 * the fixtures. openssl also shows the vendor extension in the text form of the attestation certificate.
 */
class KeyAttestationOpensslTest {
  private final MutableClock clock = MutableClock.standard();
  private final PublicKey key = TestKeys.ecP256().getPublic();
  @TempDir
  Path dir;

  private Openssl.Result verify(TestAttestation vendor, List<X509Certificate> chain) throws Exception {
    Files.writeString(dir.resolve("root.pem"), vendor.rootPem(), StandardCharsets.US_ASCII);
    Files.writeString(dir.resolve("untrusted.pem"), Pem.certificates(chain.subList(1, chain.size())),
        StandardCharsets.US_ASCII);
    Files.writeString(dir.resolve("leaf.pem"), Pem.certificate(chain.get(0)), StandardCharsets.US_ASCII);
    return Openssl.run(dir, "verify", "-attime", Long.toString(clock.instant().getEpochSecond()), "-CAfile",
        "root.pem", "-untrusted", "untrusted.pem", "leaf.pem");
  }

  @ParameterizedTest
  @EnumSource(AttestationFormat.class)
  void validChain_opensslVerifiesIt(AttestationFormat format) throws Exception {
    TestAttestation vendor = TestAttestation.of(format, clock.instant());

    assertThat(verify(vendor, vendor.attest(key).certificates()).requireSuccess().output()).contains("leaf.pem: OK");
    String text = Openssl.run(dir, "x509", "-in", "leaf.pem", "-noout", "-text").requireSuccess().output();
    assertThat(text).contains(format == AttestationFormat.YUBIKEY_PIV ? "1.3.6.1.4.1.41482.3.3"
        : "1.3.6.1.4.1.11129.2.1.17");
  }

  @ParameterizedTest
  @EnumSource(AttestationFormat.class)
  void brokenVariants_opensslRefusesThem(AttestationFormat format) throws Exception {
    TestAttestation vendor = TestAttestation.of(format, clock.instant());

    assertThat(verify(vendor, vendor.attest(key).tamperedSignature().certificates()).output())
        .contains("certificate signature failure");
    assertThat(verify(vendor, vendor.attest(key).expired().certificates()).output())
        .contains("certificate has expired");
    assertThat(verify(vendor, vendor.attest(key).impostorRoot().certificates()).exitCode()).isNotZero();
    assertThat(verify(vendor, vendor.attest(key).foreignRoot().certificates()).output())
        .contains("unable to get local issuer certificate");
  }
}
