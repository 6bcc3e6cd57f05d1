package dev.bindery.server.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.bindery.pki.AttestationFormat;
import dev.bindery.pki.KeyAttestation;
import dev.bindery.pki.KeyAttestationVerifier;
import dev.bindery.pki.Pem;
import dev.bindery.server.config.BinderyConfig;
import dev.bindery.server.config.ConfigException;
import dev.bindery.testkit.MutableClock;
import dev.bindery.testkit.pki.TestAttestation;
import dev.bindery.testkit.pki.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class AttestationRootsTest {
  private final MutableClock clock = MutableClock.standard();
  private final TestAttestation yubico = TestAttestation.yubikeyPiv(clock.instant());
  private final TestAttestation google = TestAttestation.androidKey(clock.instant());
  private final PublicKey key = TestKeys.ecP256().getPublic();
  @TempDir Path dir;

  private KeyAttestationVerifier load(String value) {
    return AttestationRoots.load(BinderyConfig.fromSources(Map.of(BinderyConfig.ATTESTATION_ROOTS, value),
        Map.of()), clock);
  }

  @Test
  void load_fileAndDirectory_verifierAttestsChainsToEveryConfiguredRoot() throws Exception {
    Path yubicoFile = Files.writeString(dir.resolve("yubico.pem"), yubico.rootPem());
    Path googleDir = Files.createDirectory(dir.resolve("google"));
    Files.writeString(googleDir.resolve("root.crt"), google.rootPem());
    Files.writeString(googleDir.resolve("README.txt"), "not a certificate, ignored");

    KeyAttestationVerifier verifier = load(yubicoFile + "," + googleDir);

    assertThat(verifier.roots()).containsExactly(yubico.root(), google.root());
    assertThat(verifier.verify(key, yubico.attest(key).pem()).format()).contains(AttestationFormat.YUBIKEY_PIV);
    assertThat(verifier.verify(key, google.attest(key).pem()).format()).contains(AttestationFormat.ANDROID_KEY);
  }

  @Test
  void load_developmentRootDirectory_trustsItsCertificateOnly_warnsThatItIsNotAHardwareVendor() throws Exception {
    Path devDir = dir.resolve("dev-attestation");
    DevAttestationRoot devRoot = DevAttestationRoot.create(devDir, clock.instant(), Duration.ofDays(30), false);
    Logger logger = (Logger) LoggerFactory.getLogger(AttestationRoots.class);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    logger.addAppender(logs);
    KeyAttestationVerifier verifier;
    try {
      verifier = load(devDir.toString());
    } finally {
      logger.detachAppender(logs);
    }

    // the directory's private key file is not a root file: only the certificate is read
    assertThat(verifier.roots()).containsExactly(devRoot.certificate());
    assertThat(verifier.verify(key, Pem.certificates(devRoot.attest(key, clock.instant()).certificates())).attested()).isTrue();
    assertThat(logs.list).singleElement().satisfies(e -> {
      assertThat(e.getLevel()).isEqualTo(Level.WARN);
      assertThat(e.getFormattedMessage()).contains("development_only=true").contains("not hardware-held")
          .doesNotContain("PRIVATE KEY");
    });
  }

  @Test
  void load_bundleFile_everyRootTrusted() throws Exception {
    Path bundle = Files.writeString(dir.resolve("roots.pem"), yubico.rootPem() + "\n" + google.rootPem());

    assertThat(load(bundle.toString()).roots()).containsExactly(yubico.root(), google.root());
  }

  @Test
  void load_nothingConfigured_verifierAttestsNothing() {
    KeyAttestationVerifier verifier = AttestationRoots.load(BinderyConfig.fromSources(Map.of(), Map.of()), clock);

    KeyAttestation a = verifier.verify(key, yubico.attest(key).withRoot().pem());
    assertThat(verifier.roots()).isEmpty();
    assertThat(a.attested()).isFalse();
    assertThat(a.reason()).contains("no attestation roots are configured; the key counts as software-held");
  }

  @Test
  void load_directoryWithoutCertificateFiles_failsNamingTheKey() throws Exception {
    Path empty = Files.createDirectory(dir.resolve("empty"));
    Files.writeString(empty.resolve("notes.txt"), "x");

    assertThatThrownBy(() -> load(empty.toString())).isInstanceOf(ConfigException.class)
        .hasMessage("bindery.attestation.roots: directory " + empty + " holds no .pem, .crt or .cer file");
  }

  @Test
  void load_fileThatIsNotPem_failsNamingTheFile() throws Exception {
    Path junk = Files.writeString(dir.resolve("junk.pem"), "hello");

    assertThatThrownBy(() -> load(junk.toString())).isInstanceOf(ConfigException.class)
        .hasMessage("bindery.attestation.roots: " + junk + ": attestation root file is not pem: expected "
            + "'-----BEGIN CERTIFICATE-----' blocks");
  }

  @Test
  void load_certificateThatIsNotACa_failsNamingTheFile() throws Exception {
    Path leaf = Files.writeString(dir.resolve("leaf.pem"), Pem.certificate(yubico.attest(key).certificates().get(0)));

    assertThatThrownBy(() -> load(leaf.toString())).isInstanceOf(ConfigException.class)
        .hasMessage("bindery.attestation.roots: " + leaf + ": 'CN=YubiKey PIV Attestation 9a' is not a ca "
            + "certificate (basicConstraints cA=true)");
  }

  @Test
  void load_expiredRoot_failsNamingTheFile() throws Exception {
    Path file = Files.writeString(dir.resolve("yubico.pem"), yubico.rootPem());
    clock.advance(Duration.ofDays(3651));

    assertThatThrownBy(() -> load(file.toString())).isInstanceOf(ConfigException.class)
        .hasMessage("bindery.attestation.roots: " + file + ": root 'CN=Test Yubico PIV Root CA Serial 263751' "
            + "expired at " + yubico.root().getNotAfter().toInstant());
  }

  @Test
  void load_oversizedFile_fails() throws Exception {
    Path big = Files.write(dir.resolve("big.pem"), new byte[(int) AttestationRoots.MAX_FILE_BYTES + 1]);

    assertThatThrownBy(() -> load(big.toString())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("is larger than 1048576 bytes");
  }
}
