package dev.bindery.cli;

import static dev.bindery.cli.JsonAssert.assertSameJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bindery.cli.FakeBinderyServer.Received;
import dev.bindery.cli.failure.ExitCodes;
import dev.bindery.cli.http.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.EdECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code bindery renew} against a fake server that requires a client certificate at the TLS handshake and
 * records the chain presented.
 */
class RenewCommandTest {
  private static final String RENEW = "/api/v1/renew";
  private static WorkloadCa ca;
  private static TestPki pki;

  @TempDir Path dir;
  private FakeBinderyServer server;
  private Path caFile;
  private Path key;
  private Path cert;
  private KeyPair currentKey;
  private X509Certificate currentLeaf;

  @BeforeAll
  static void generatePki() throws Exception {
    ca = WorkloadCa.generate();
    pki = TestPki.generate();
  }

  @BeforeEach
  void start() throws Exception {
    server = FakeBinderyServer.mutualTls(pki.mutualTlsServerContext());
    server.respond("POST", RENEW, request -> ca.issuedReply(request, 2));
    caFile = Files.writeString(dir.resolve("server-ca.pem"), pki.caPem());
    key = dir.resolve("svid.key");
    cert = dir.resolve("svid.pem");
    useCurrentKey(WorkloadCa.ecKey());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private void useCurrentKey(KeyPair pair) throws Exception {
    currentKey = pair;
    currentLeaf = ca.issue(pair.getPublic());
    Files.deleteIfExists(key);
    Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    WorkloadCa.writePkcs8(key, pair.getPrivate());
    Files.writeString(cert, WorkloadCa.pem(currentLeaf, ca.intermediate, ca.root));
  }

  private CliRun renew(String... extra) {
    String[] args = Stream.concat(Stream.of("renew", "--key", key.toString(), "--cert", cert.toString()),
        Stream.of(extra)).toArray(String[]::new);
    Map<String, String> environment = new HashMap<>();
    environment.put("BINDERY_SERVER", server.url());
    environment.put("BINDERY_CA_FILE", caFile.toString());
    environment.put("BINDERY_TOKEN", ClientTestData.TOKEN);
    return CliRun.run(environment, args);
  }

  private void assertOk(CliRun run) {
    assertThat(run.exitCode()).as("%s %s", run.err(), server.responderFailures()).isZero();
  }

  @Test
  void renew_sameKey_presentsCurrentChainOverMutualTlsWithoutTokenAndReplacesOnlyTheCertificate()
      throws Exception {
    byte[] keyBefore = Files.readAllBytes(key);

    CliRun run = renew();

    assertOk(run);
    Received request = server.onlyRequest();
    assertThat(request.clientCertificates()).as("the chain presented in the TLS handshake")
        .containsExactly(currentLeaf, ca.intermediate, ca.root);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.pathAndQuery()).isEqualTo(RENEW);
    assertThat(request.header("Authorization")).isNull();
    JsonNode body = Json.parse(request.body());
    assertThat(body.properties()).extracting(Map.Entry::getKey).containsExactly("csr");
    PublicKey csrKey = WorkloadCa.publicKeyOf(WorkloadCa.verifiedCsr(request.body()));
    assertThat(csrKey.getEncoded()).as("same key").isEqualTo(currentKey.getPublic().getEncoded());

    assertThat(Files.readAllBytes(key)).isEqualTo(keyBefore);
    List<X509Certificate> written = WorkloadCa.readCertificates(cert);
    assertThat(written).hasSize(3);
    assertThat(written.get(0)).isNotEqualTo(currentLeaf);
    assertThat(written.get(0).getPublicKey().getEncoded()).isEqualTo(currentKey.getPublic().getEncoded());
    assertThat(written.subList(1, 3)).containsExactly(ca.intermediate, ca.root);
    assertThat(run.out()).containsPattern("(?m)^generation +2$")
        .containsPattern("(?m)^serial +" + written.get(0).getSerialNumber().toString(16) + "$")
        .containsPattern("(?m)^credential_id +cred_2$")
        .containsPattern("(?m)^key_file +" + key + " \\(unchanged\\)$");
    assertThat(run.all()).doesNotContain("PRIVATE KEY").doesNotContain(ClientTestData.TOKEN);
    assertThat(dir).isDirectoryNotContaining("glob:**.tmp");
  }

  @Test
  void renew_newKey_sendsCsrForNewKeyAndReplacesKeyFileOwnerOnlyAfterSuccess() throws Exception {
    CliRun run = renew("--new-key");

    assertOk(run);
    Received request = server.onlyRequest();
    assertThat(request.clientCertificates().get(0)).as("authenticated with the old certificate")
        .isEqualTo(currentLeaf);
    PublicKey csrKey = WorkloadCa.publicKeyOf(WorkloadCa.verifiedCsr(request.body()));
    assertThat(csrKey.getEncoded()).isNotEqualTo(currentKey.getPublic().getEncoded());
    assertThat(Files.getPosixFilePermissions(key)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(WorkloadCa.pair(WorkloadCa.readPkcs8(key, "EC"), csrKey)).isTrue();
    assertThat(WorkloadCa.readCertificates(cert).get(0).getPublicKey().getEncoded())
        .isEqualTo(csrKey.getEncoded());
    assertThat(run.out()).containsPattern("(?m)^key_file +" + key + " \\(new key\\)$");
    assertThat(dir).isDirectoryNotContaining("glob:**.tmp");
  }

  @Test
  void renew_replacedCertificateFileKeepsItsPermissions() throws Exception {
    Files.setPosixFilePermissions(cert, PosixFilePermissions.fromString("rw-r-----"));

    CliRun run = renew();

    assertOk(run);
    assertThat(Files.getPosixFilePermissions(cert)).isEqualTo(PosixFilePermissions.fromString("rw-r-----"));
  }

  @Test
  void renew_newKeyWithKeyType_generatesThatType() throws Exception {
    CliRun run = renew("--new-key", "--key-type", "ed25519");

    assertOk(run);
    PublicKey csrKey = WorkloadCa.publicKeyOf(WorkloadCa.verifiedCsr(server.onlyRequest().body()));
    assertThat(csrKey).isInstanceOf(EdECPublicKey.class);
    assertThat(WorkloadCa.pair(WorkloadCa.readPkcs8(key, "Ed25519"), csrKey)).isTrue();
  }

  @Test
  void renew_newKeyRefused401_keyAndCertificateFilesUnchanged() throws Exception {
    server.replyProblem("POST", RENEW, 401, "credential_superseded", "this certificate was superseded");
    byte[] keyBefore = Files.readAllBytes(key);
    byte[] certBefore = Files.readAllBytes(cert);

    CliRun run = renew("--new-key");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.REFUSED);
    assertThat(run.err()).contains("error: credential_superseded: this certificate was superseded"
        + " (request id req-42)");
    assertThat(server.onlyRequest().clientCertificates()).isNotEmpty();
    assertThat(Files.readAllBytes(key)).isEqualTo(keyBefore);
    assertThat(Files.readAllBytes(cert)).isEqualTo(certBefore);
    assertThat(dir).isDirectoryNotContaining("glob:**.tmp");
  }

  @Test
  void renew_certificateCannotBeSaved_exit6WarnsThatTheOldCertificateIsSuperseded() throws Exception {
    server.respond("POST", RENEW, request -> {
      try {
        Files.delete(cert); // the certificate path turns into a non-empty directory: the rename must fail
        Files.createDirectory(cert);
        Files.writeString(cert.resolve("inside"), "x");
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return ca.issuedReply(request, 2);
    });

    CliRun run = renew();

    assertThat(run.exitCode()).isEqualTo(ExitCodes.NOT_SAVED);
    assertThat(run.err()).contains("writing " + cert + " failed").contains("written: nothing")
        .contains("previous certificate is superseded");
    assertThat(dir).isDirectoryNotContaining("glob:**.tmp");
  }

  @Test
  void renew_serverIssuesCertificateForAnotherKey_exit4FilesUnchanged() throws Exception {
    server.replyJson("POST", RENEW, 201, ca.issuedJson(ca.issue(WorkloadCa.ecKey().getPublic()), 2));
    byte[] keyBefore = Files.readAllBytes(key);
    byte[] certBefore = Files.readAllBytes(cert);

    CliRun run = renew("--new-key");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.SERVER_ERROR);
    assertThat(Files.readAllBytes(key)).isEqualTo(keyBefore);
    assertThat(Files.readAllBytes(cert)).isEqualTo(certBefore);
  }

  @ParameterizedTest
  @CsvSource({"EC, secp384r1", "Ed25519, ''", "RSA, 2048"})
  void renew_currentKeyOfEachType_presentedOverMutualTls(String algorithm, String parameter) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
    if (algorithm.equals("EC")) {
      generator.initialize(new ECGenParameterSpec(parameter));
    } else if (algorithm.equals("RSA")) {
      generator.initialize(Integer.parseInt(parameter));
    }
    useCurrentKey(generator.generateKeyPair());

    CliRun run = renew();

    assertOk(run);
    assertThat(server.onlyRequest().clientCertificates().get(0)).isEqualTo(currentLeaf);
  }

  @ParameterizedTest
  @CsvSource({"EC, -----BEGIN EC PRIVATE KEY-----", "RSA, -----BEGIN RSA PRIVATE KEY-----"})
  void renew_traditionalSec1OrPkcs1KeyFileFromOpenssl_accepted(String algorithm, String header)
      throws Exception {
    if (algorithm.equals("RSA")) {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      useCurrentKey(generator.generateKeyPair());
    }
    Path traditional = dir.resolve("traditional.key");
    EnrolCommandTest.openssl("pkey", "-in", key.toString(), "-traditional", "-out", traditional.toString());
    Files.move(traditional, key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThat(Files.readString(key)).startsWith(header);

    CliRun run = renew();

    assertOk(run);
    assertThat(server.onlyRequest().clientCertificates().get(0)).isEqualTo(currentLeaf);
  }

  @Test
  void renew_separateChainFile_presentedAndReplaced() throws Exception {
    Path chain = Files.writeString(dir.resolve("chain.pem"), WorkloadCa.pem(ca.intermediate, ca.root));
    Files.writeString(cert, WorkloadCa.pem(currentLeaf));

    CliRun run = renew("--chain", chain.toString());

    assertOk(run);
    assertThat(server.onlyRequest().clientCertificates()).containsExactly(currentLeaf, ca.intermediate, ca.root);
    assertThat(WorkloadCa.readCertificates(cert)).hasSize(1);
    assertThat(WorkloadCa.readCertificates(chain)).containsExactly(ca.intermediate, ca.root);
  }

  @Test
  void renew_jsonOutput_printsTheServerAnswer() throws Exception {
    CliRun run = renew("-o", "json");

    assertOk(run);
    assertSameJson(run.out(), ca.issuedJson(WorkloadCa.readCertificates(cert).get(0), 2));
  }

  @Test
  void renew_garbageKeyFile_usageErrorNothingSent() throws Exception {
    Files.writeString(key, "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");

    CliRun run = renew();

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("key file " + key + " is not a valid PEM private key");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void renew_keyFileWithoutPem_usageErrorNothingSent() throws Exception {
    Files.writeString(key, "hello");

    CliRun run = renew();

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("key file " + key + " does not hold a PEM private key");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void renew_missingKeyFile_usageErrorNothingSent() throws Exception {
    Files.delete(key);

    CliRun run = renew();

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("cannot read key file " + key + ": no such file");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void renew_keyPathIsADirectory_unreadableUsageErrorNothingSent() throws Exception {
    Files.delete(key);
    Files.createDirectory(key);

    CliRun run = renew();

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("cannot read key file " + key);
    assertThat(server.received()).isEmpty();
  }

  @Test
  void renew_missingCertificateFile_usageErrorNothingSent() throws Exception {
    Files.delete(cert);

    CliRun run = renew();

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("cannot read certificate file " + cert + ": no such file");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void renew_encryptedKeyFile_usageErrorNothingSent() throws Exception {
    Files.delete(key);
    EnrolCommandTest.openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes256",
        "-pass", "pass:secret", "-out", key.toString());
    assertThat(Files.readString(key)).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");

    CliRun run = renew();

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("holds an encrypted private key");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void renew_garbageCertificateFile_usageErrorNothingSent() throws Exception {
    Files.writeString(cert, "-----BEGIN CERTIFICATE-----\nZ2FyYmFnZQ==\n-----END CERTIFICATE-----\n");

    CliRun run = renew();

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("certificate file " + cert + " does not hold PEM certificates");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void renew_emptyCertificateFile_usageErrorNothingSent() throws Exception {
    Files.writeString(cert, "");

    CliRun run = renew();

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("certificate file " + cert + " holds no certificate");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void renew_keyOfAnotherCertificate_usageErrorNothingSent() throws Exception {
    WorkloadCa.writePkcs8(key, WorkloadCa.ecKey().getPrivate());

    CliRun run = renew();

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("does not hold the private key of the first certificate");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void renew_plainHttpServer_usageErrorNothingSent() throws Exception {
    try (FakeBinderyServer http = FakeBinderyServer.http()) {
      CliRun run = CliRun.run(Map.of(), "renew", "--server", http.url(), "--key", key.toString(), "--cert",
          cert.toString());

      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.err()).contains("mutual TLS: --server must be an https:// URL");
      assertThat(http.received()).isEmpty();
    }
  }

  @Test
  void renew_keyTypeWithoutNewKey_usageError() {
    CliRun run = renew("--key-type", "ec-p384");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--key-type needs --new-key");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void fakeServer_requiresClientCertificate_operatorCommandWithoutOneFailsTheHandshake() {
    CliRun run = CliRun.run(Map.of("BINDERY_SERVER", server.url(), "BINDERY_CA_FILE", caFile.toString(),
        "BINDERY_TOKEN", ClientTestData.TOKEN), "operator", "me");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
    assertThat(server.received()).isEmpty();
  }

  @Test
  void renew_help_documentsMutualTlsAndQuarantine() {
    CliRun run = CliRun.run(Map.of(), "renew", "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out().replaceAll("\\s+", " ")).contains("--key", "--cert", "--chain", "--new-key",
        "--key-type", "mutual TLS", "no operator token is sent", "quarantines its lineage")
        .doesNotContain("--token");
  }
}
