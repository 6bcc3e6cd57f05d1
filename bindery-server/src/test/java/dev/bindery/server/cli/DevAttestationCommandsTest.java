package dev.bindery.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import dev.bindery.pki.AttestationFormat;
import dev.bindery.pki.KeyAttestation;
import dev.bindery.pki.KeyAttestationVerifier;
import dev.bindery.pki.Pem;
import dev.bindery.server.bootstrap.DevAttestationRoot;
import dev.bindery.server.config.BinderyConfig;
import dev.bindery.server.config.ConfigException;
import dev.bindery.testkit.pki.Openssl;
import dev.bindery.testkit.pki.TestAttestation;
import dev.bindery.testkit.pki.TestCsr;
import dev.bindery.testkit.pki.TestKeys;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * {@code bindery dev attestation-root}, {@code bindery dev attest} and {@code bindery dev --attestation-roots}: the
 * files and their permissions, what the commands refuse (writing nothing), and that a chain they issue is accepted
 * by Bindery's {@link KeyAttestationVerifier} only when the development root is configured, only for the key it was
 * issued for, and is a valid X.509 path for openssl too.
 */
class DevAttestationCommandsTest {
  @TempDir Path dir;
  private final Clock clock = Clock.systemUTC();

  private record Run(int exit, String out, String err) {}

  private static Run bindery(String... args) {
    CommandLine dev = new CommandLine(new DevCommand());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    dev.setOut(new PrintWriter(out, true));
    dev.setErr(new PrintWriter(err, true));
    int exit = dev.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private Path root() {
    Path root = dir.resolve("dev-attestation");
    Run run = bindery("attestation-root", "--out", root.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    return root;
  }

  private Path keyFile(String name, KeyPair key) throws Exception {
    return pemFile(name, new JcaPKCS8Generator(key.getPrivate(), null));
  }

  private Path pemFile(String name, Object object) throws Exception {
    Path file = dir.resolve(name);
    try (JcaPEMWriter w = new JcaPEMWriter(Files.newBufferedWriter(file, StandardCharsets.US_ASCII))) {
      w.writeObject(object);
    }
    return file;
  }

  private static String permissions(Path file) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
  }

  private List<X509Certificate> attest(Path root, Path key) throws Exception {
    Path chain = dir.resolve("chain-" + key.getFileName());
    Run run = bindery("attest", "--root", root.toString(), "--key", key.toString(), "--out", chain.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    return Pem.parseCertificates(Files.readString(chain, StandardCharsets.US_ASCII));
  }

  private KeyAttestationVerifier trusting(Path root) throws Exception {
    return new KeyAttestationVerifier(KeyAttestationVerifier.parseRoots(
        Files.readString(root.resolve(DevAttestationRoot.CERTIFICATE_FILE), StandardCharsets.US_ASCII)), clock);
  }

  // ---- attestation-root ----------------------------------------------------------------------------------------

  @Test
  void attestationRoot_writesTheCertificatePublicAndTheKeyOwnerOnly_inAnOwnerOnlyDirectory() throws Exception {
    Path root = dir.resolve("new").resolve("dev-attestation");

    Run run = bindery("attestation-root", "--out", root.toString(), "--days", "30");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(permissions(root)).isEqualTo("rwx------");
    assertThat(permissions(root.resolve(DevAttestationRoot.CERTIFICATE_FILE))).isEqualTo("rw-r--r--");
    assertThat(permissions(root.resolve(DevAttestationRoot.KEY_FILE))).isEqualTo("rw-------");
    try (var files = Files.list(root)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder(DevAttestationRoot.CERTIFICATE_FILE, DevAttestationRoot.KEY_FILE);
    }
    X509Certificate certificate = Pem.parseCertificates(Files.readString(
        root.resolve(DevAttestationRoot.CERTIFICATE_FILE))).get(0);
    assertThat(certificate.getBasicConstraints()).isNotNegative();
    assertThat(certificate.getSubjectX500Principal()).isEqualTo(certificate.getIssuerX500Principal());
    assertThat(certificate.getSubjectX500Principal().getName()).contains("O=" + DevAttestationRoot.ORGANIZATION)
        .contains("not a hardware vendor");
    assertThat(DevAttestationRoot.isDevelopmentRoot(certificate)).isTrue();
    assertThat(certificate.getNotAfter().toInstant()).isBetween(Instant.now().plusSeconds(29L * 86400),
        Instant.now().plusSeconds(30L * 86400 + 60));
    assertThat(run.out()).contains("(0644)").contains("(0600)")
        .contains("bindery dev --attestation-roots " + root.resolve(DevAttestationRoot.CERTIFICATE_FILE));
    assertThat(run.err()).contains("DEVELOPMENT AND TESTS ONLY").contains("not hardware-held");
    assertThat(run.out() + run.err()).doesNotContain("PRIVATE KEY");
  }

  @Test
  void attestationRoot_rootAlreadyThere_refusedWithoutForce_filesUnchanged() throws Exception {
    Path root = root();
    byte[] certificate = Files.readAllBytes(root.resolve(DevAttestationRoot.CERTIFICATE_FILE));
    byte[] key = Files.readAllBytes(root.resolve(DevAttestationRoot.KEY_FILE));

    Run refused = bindery("attestation-root", "--out", root.toString());

    assertThat(refused.exit()).isEqualTo(DevAttestationCommands.EXIT_REFUSED);
    assertThat(refused.err()).contains(DevAttestationRoot.CERTIFICATE_FILE).contains("--force");
    assertThat(Files.readAllBytes(root.resolve(DevAttestationRoot.CERTIFICATE_FILE))).isEqualTo(certificate);
    assertThat(Files.readAllBytes(root.resolve(DevAttestationRoot.KEY_FILE))).isEqualTo(key);

    Run replaced = bindery("attestation-root", "--out", root.toString(), "--force");

    assertThat(replaced.exit()).as(replaced.err()).isZero();
    assertThat(Files.readAllBytes(root.resolve(DevAttestationRoot.CERTIFICATE_FILE))).isNotEqualTo(certificate);
    assertThat(permissions(root.resolve(DevAttestationRoot.KEY_FILE))).isEqualTo("rw-------");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "3651"})
  void attestationRoot_validityOutOfRange_refusedAndNothingWritten(String days) {
    Path root = dir.resolve("dev-attestation");

    Run run = bindery("attestation-root", "--out", root.toString(), "--days", days);

    assertThat(run.exit()).isEqualTo(DevAttestationCommands.EXIT_REFUSED);
    assertThat(run.err()).contains("--days");
    assertThat(root).doesNotExist();
  }

  // ---- attest: what the verifier makes of the chain ----------------------------------------------------------------

  @Test
  void attest_privateKeyFile_chainAttestedAsYubikeyPivOnlyByAVerifierTrustingTheDevelopmentRoot() throws Exception {
    Path root = root();
    KeyPair key = TestKeys.ecP256();
    Path keyFile = keyFile("held.key", key);
    Path chainFile = dir.resolve("chain.pem");

    Run run = bindery("attest", "--root", root.toString(), "--key", keyFile.toString(), "--out", chainFile.toString());

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(permissions(chainFile)).isEqualTo("rw-r--r--");
    String chainPem = Files.readString(chainFile, StandardCharsets.US_ASCII);
    assertThat(chainPem).doesNotContain("PRIVATE KEY");
    List<X509Certificate> chain = Pem.parseCertificates(chainPem);
    assertThat(chain).hasSize(2);
    assertThat(chain.get(0).getSubjectX500Principal().getName()).isEqualTo("CN=YubiKey PIV Attestation 9a");
    assertThat(chain.get(0).getPublicKey().getEncoded()).isEqualTo(key.getPublic().getEncoded());
    KeyAttestation attested = trusting(root).verify(key.getPublic(), chainPem);
    assertThat(attested.attested()).isTrue();
    assertThat(attested.format()).contains(AttestationFormat.YUBIKEY_PIV);
    assertThat(attested.vendorRootSubject().orElseThrow()).contains(DevAttestationRoot.ORGANIZATION);
    assertThat(attested.properties()).containsEntry("slot", "9a").containsEntry("firmware", "5.7.1")
        .containsEntry("pin_policy", "once").containsEntry("touch_policy", "never").containsKey("serial");
    String serial = attested.properties().get("serial");
    assertThat(run.out()).contains("(0644)").contains("simulated YubiKey, serial " + serial)
        .contains("attested key:  " + dev.bindery.credential.CredentialKeys
        .jwkThumbprint(key.getPublic(), "key").value());
    assertThat(run.err()).contains("DEVELOPMENT AND TESTS ONLY");
    // nothing trusts the development root unless it is configured: the same chain then attests nothing
    assertThat(KeyAttestationVerifier.withoutRoots(clock).verify(key.getPublic(), chainPem).attested()).isFalse();
  }

  @Test
  void attest_chainPresentedForAnotherKey_refusedAttestationInvalid() throws Exception {
    Path root = root();
    List<X509Certificate> chain = attest(root, keyFile("held.key", TestKeys.ecP256()));
    PublicKey other = TestKeys.ecP256().getPublic();

    assertThatThrownBy(() -> trusting(root).verify(other, chain))
        .isInstanceOfSatisfying(RejectedException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.ATTESTATION_INVALID);
          assertThat(e.getMessage()).contains("certifies another key");
        });
  }

  @Test
  void attest_chainUnderTheDevelopmentRoot_refusedByAVerifierTrustingOnlyAnotherVendor() throws Exception {
    Path root = root();
    KeyPair key = TestKeys.ecP256();
    List<X509Certificate> chain = attest(root, keyFile("held.key", key));
    TestAttestation yubico = TestAttestation.yubikeyPiv(Instant.now().minusSeconds(60));

    assertThatThrownBy(() -> new KeyAttestationVerifier(List.of(yubico.root()), clock).verify(key.getPublic(), chain))
        .isInstanceOfSatisfying(RejectedException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.ATTESTATION_INVALID));
  }

  @Test
  void attest_rootReplaced_chainsOfTheOldRootNoLongerAttested() throws Exception {
    Path root = root();
    KeyPair key = TestKeys.ecP256();
    List<X509Certificate> chain = attest(root, keyFile("held.key", key));
    assertThat(bindery("attestation-root", "--out", root.toString(), "--force").exit()).isZero();

    assertThatThrownBy(() -> trusting(root).verify(key.getPublic(), chain))
        .isInstanceOfSatisfying(RejectedException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.ATTESTATION_INVALID));
  }

  /** Every form a developer may hold the key in: the chain always certifies the same public key. */
  @Test
  void attest_publicKeyCsrSec1AndPkcs8OfEveryAcceptedKeyType_certifyThatKey() throws Exception {
    Path root = root();
    KeyAttestationVerifier verifier = trusting(root);
    for (Map.Entry<String, Supplier<KeyPair>> type : TestKeys.accepted().entrySet()) {
      KeyPair key = type.getValue().get();
      String name = type.getKey().replace(' ', '-');
      Path csr = dir.resolve(name + ".csr");
      Files.writeString(csr, TestCsr.forKey(key).pem(), StandardCharsets.US_ASCII);
      List<Path> forms = new java.util.ArrayList<>(List.of(keyFile(name + ".p8", key),
          pemFile(name + ".pub", key.getPublic()), csr));
      if (!type.getKey().startsWith("Ed")) {
        forms.add(pemFile(name + ".sec1", key.getPrivate())); // EC PRIVATE KEY / RSA PRIVATE KEY
      }
      for (Path form : forms) {
        List<X509Certificate> chain = attest(root, form);
        assertThat(chain.get(0).getPublicKey().getEncoded()).as(form.toString())
            .isEqualTo(key.getPublic().getEncoded());
        assertThat(verifier.verify(key.getPublic(), chain).attested()).as(form.toString()).isTrue();
      }
    }
  }

  @Test
  void attest_keyAndCsrMadeByOpenssl_chainIsAValidPathForOpensslAndAttestedForTheCsrKey() throws Exception {
    Path root = root();
    Openssl.run(dir, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj",
        "/CN=runner", "-keyout", "runner.key", "-out", "runner.csr").requireSuccess();
    List<X509Certificate> fromKey = attest(root, dir.resolve("runner.key"));
    PublicKey csrKey = DevAttestationRoot.readPublicKey(dir.resolve("runner.csr"));

    assertThat(trusting(root).verify(csrKey, fromKey).attested()).isTrue();
    Files.writeString(dir.resolve("leaf.pem"), Pem.certificate(fromKey.get(0)));
    Files.writeString(dir.resolve("device.pem"), Pem.certificate(fromKey.get(1)));
    assertThat(Openssl.run(dir, "verify", "-CAfile", root.resolve(DevAttestationRoot.CERTIFICATE_FILE).toString(),
        "-untrusted", "device.pem", "leaf.pem").requireSuccess().output()).contains("leaf.pem: OK");
  }

  // ---- attest: refusals write nothing ------------------------------------------------------------------------------

  @Test
  void attest_rootKeyReadableByOthers_refusedAndNoChainWritten() throws Exception {
    Path root = root();
    Files.setPosixFilePermissions(root.resolve(DevAttestationRoot.KEY_FILE),
        PosixFilePermissions.fromString("rw-r--r--"));
    Path chain = dir.resolve("chain.pem");

    Run run = bindery("attest", "--root", root.toString(), "--key", keyFile("held.key", TestKeys.ecP256()).toString(),
        "--out", chain.toString());

    assertThat(run.exit()).isEqualTo(DevAttestationCommands.EXIT_REFUSED);
    assertThat(run.err()).contains("owner-only").contains("chmod 600");
    assertThat(chain).doesNotExist();
  }

  @Test
  void attest_directoryHoldingAnotherCa_refusedAsNotADevelopmentRoot() throws Exception {
    Path other = Files.createDirectory(dir.resolve("other"));
    Path made = root();
    // a CA that is not a development root, with its matching key, under the development root's file names
    KeyPair caKey = TestKeys.ecP256();
    X509Certificate ca = TestAttestation.yubikeyPiv(Instant.now()).root();
    Files.writeString(other.resolve(DevAttestationRoot.CERTIFICATE_FILE), Pem.certificate(ca));
    Files.copy(made.resolve(DevAttestationRoot.KEY_FILE), other.resolve(DevAttestationRoot.KEY_FILE));
    Path chain = dir.resolve("chain.pem");

    Run run = bindery("attest", "--root", other.toString(), "--key", keyFile("held.key", caKey).toString(),
        "--out", chain.toString());

    assertThat(run.exit()).isEqualTo(DevAttestationCommands.EXIT_REFUSED);
    assertThat(run.err()).contains("is not a Bindery development attestation root");
    assertThat(chain).doesNotExist();
  }

  @Test
  void attest_keyFileOfAnotherRoot_refusedAsNotTheCertificatesKey() throws Exception {
    Path root = root();
    Path second = dir.resolve("second");
    assertThat(bindery("attestation-root", "--out", second.toString()).exit()).isZero();
    Files.copy(second.resolve(DevAttestationRoot.KEY_FILE), root.resolve(DevAttestationRoot.KEY_FILE),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Path chain = dir.resolve("chain.pem");

    Run run = bindery("attest", "--root", root.toString(), "--key", keyFile("held.key", TestKeys.ecP256()).toString(),
        "--out", chain.toString());

    assertThat(run.exit()).isEqualTo(DevAttestationCommands.EXIT_REFUSED);
    assertThat(run.err()).contains("is not the private key of");
    assertThat(chain).doesNotExist();
  }

  @Test
  void attest_outputExists_refusedWithoutForce_fileUnchanged() throws Exception {
    Path root = root();
    Path chain = Files.writeString(dir.resolve("chain.pem"), "keep me");
    String key = keyFile("held.key", TestKeys.ecP256()).toString();

    Run refused = bindery("attest", "--root", root.toString(), "--key", key, "--out", chain.toString());

    assertThat(refused.exit()).isEqualTo(DevAttestationCommands.EXIT_REFUSED);
    assertThat(refused.err()).contains("exists").contains("--force");
    assertThat(Files.readString(chain)).isEqualTo("keep me");
    assertThat(bindery("attest", "--root", root.toString(), "--key", key, "--out", chain.toString(), "--force")
        .exit()).isZero();
    assertThat(Files.readString(chain)).startsWith("-----BEGIN CERTIFICATE-----");
  }

  @Test
  void attest_keyFileThatIsNoKey_orAKeyBinderyDoesNotBind_refusedWithoutQuotingIt() throws Exception {
    Path root = root();
    Path junk = Files.writeString(dir.resolve("junk.pem"), "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LXZhbHVl\n"
        + "-----END PRIVATE KEY-----\n");
    Path certificate = Files.writeString(dir.resolve("cert.pem"), Pem.certificate(
        Pem.parseCertificates(Files.readString(root.resolve(DevAttestationRoot.CERTIFICATE_FILE))).get(0)));
    Path p521 = keyFile("p521.key", TestKeys.ecP521());
    Path chain = dir.resolve("chain.pem");

    for (Path key : List.of(junk, certificate, p521, dir.resolve("missing.key"))) {
      Run run = bindery("attest", "--root", root.toString(), "--key", key.toString(), "--out", chain.toString());

      assertThat(run.exit()).as(key.toString()).isEqualTo(DevAttestationCommands.EXIT_REFUSED);
      assertThat(run.err()).as(key.toString()).contains(key.toString()).doesNotContain("c2VjcmV0LXZhbHVl");
      assertThat(chain).doesNotExist();
    }
  }

  @Test
  void attest_rootDirectoryWithoutARoot_refusedNamingTheCommandThatMakesOne() throws Exception {
    Path empty = Files.createDirectory(dir.resolve("empty"));

    Run run = bindery("attest", "--root", empty.toString(), "--key", keyFile("held.key", TestKeys.ecP256()).toString(),
        "--out", dir.resolve("chain.pem").toString());

    assertThat(run.exit()).isEqualTo(DevAttestationCommands.EXIT_REFUSED);
    assertThat(run.err()).contains("bindery dev attestation-root --out " + empty);
  }

  // ---- bindery dev --attestation-roots -------------------------------------------------------------------------

  @Test
  void devConfig_trustsExactlyTheRootsOnItsCommandLine_andNoneWithout() throws Exception {
    Path root = root();
    Path rootFile = root.resolve(DevAttestationRoot.CERTIFICATE_FILE);
    Path other = Files.writeString(dir.resolve("other-root.pem"),
        TestAttestation.yubikeyPiv(Instant.now()).rootPem());

    DevCommand none = new DevCommand();
    new CommandLine(none).parseArgs("--data-dir", dir.resolve("data").toString());
    DevCommand two = new DevCommand();
    new CommandLine(two).parseArgs("--attestation-roots", rootFile.toString(), "--attestation-roots",
        other.toString());
    DevCommand commaSeparated = new DevCommand();
    new CommandLine(commaSeparated).parseArgs("--attestation-roots", rootFile + "," + other);
    DevCommand missing = new DevCommand();
    new CommandLine(missing).parseArgs("--attestation-roots", dir.resolve("nope.pem").toString());

    assertThat(none.config().attestationRoots()).isEmpty();
    assertThat(two.config().attestationRoots()).containsExactly(rootFile, other);
    assertThat(commaSeparated.config().attestationRoots()).containsExactly(rootFile, other);
    assertThatThrownBy(missing::config).isInstanceOf(ConfigException.class)
        .hasMessageContaining(BinderyConfig.ATTESTATION_ROOTS).hasMessageContaining("nope.pem");
  }
}
