package dev.bindery.cli;

import static dev.bindery.cli.JsonAssert.assertSameJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bindery.cli.FakeBinderyServer.Received;
import dev.bindery.cli.failure.ExitCodes;
import dev.bindery.cli.http.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code bindery enroll}: local key generation, the enrol request, and the files written. */
class EnrolCommandTest {
  private static final String CODE = "bnd_enr_OneTimeCodeForTests0123456789";
  private static final String ENROL = "/api/v1/enrol";
  private static WorkloadCa ca;

  @TempDir Path dir;
  private FakeBinderyServer server;
  private Path key;
  private Path cert;

  @BeforeAll
  static void generateCa() throws Exception {
    ca = WorkloadCa.generate();
  }

  @BeforeEach
  void start() throws Exception {
    server = FakeBinderyServer.http();
    server.respond("POST", ENROL, request -> ca.issuedReply(request, 1));
    key = dir.resolve("svid.key");
    cert = dir.resolve("svid.pem");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private CliRun enrol(String... extra) {
    String[] args = Stream.concat(Stream.of("enroll", "--code", CODE, "--key-out", key.toString(),
        "--cert-out", cert.toString()), Stream.of(extra)).toArray(String[]::new);
    return CliRun.against(server, args);
  }

  @Test
  void enroll_default_postsCodeAndCsrWithoutAuthorizationAndWritesOwnerOnlyKeyAndFullChain() throws Exception {
    CliRun run = enrol();

    assertOk(run);
    Received request = server.onlyRequest();
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.pathAndQuery()).isEqualTo(ENROL);
    assertThat(request.header("Authorization")).as("the operator token in the environment is not sent").isNull();
    assertThat(request.header("Content-Type")).isEqualTo("application/json");
    JsonNode body = Json.parse(request.body());
    assertThat(body.properties()).extracting(Map.Entry::getKey).containsExactlyInAnyOrder("code", "csr");
    assertThat(body.path("code").asText()).isEqualTo(CODE);

    PKCS10CertificationRequest csr = WorkloadCa.verifiedCsr(request.body());
    assertThat(csr.getSubject().getRDNs()).as("empty subject").isEmpty();
    assertThat(csr.getAttributes()).as("no attributes, so no requested extensions").isEmpty();
    PublicKey csrKey = WorkloadCa.publicKeyOf(csr);
    assertThat(csrKey).isInstanceOf(ECPublicKey.class);
    assertThat(((ECPublicKey) csrKey).getParams().getOrder().bitLength()).isEqualTo(256);

    assertThat(Files.getPosixFilePermissions(key)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    PrivateKey written = WorkloadCa.readPkcs8(key, "EC");
    assertThat(WorkloadCa.pair(written, csrKey)).as("the key file holds the CSR's key").isTrue();

    List<X509Certificate> chain = WorkloadCa.readCertificates(cert);
    assertThat(chain).hasSize(3);
    assertThat(chain.get(0).getPublicKey().getEncoded()).isEqualTo(csrKey.getEncoded());
    assertThat(chain.subList(1, 3)).containsExactly(ca.intermediate, ca.root);
    assertThat(Files.getPosixFilePermissions(cert)).isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));

    assertThat(run.out()).containsPattern("(?m)^credential_id +cred_1$")
        .containsPattern("(?m)^spiffe_id +" + WorkloadCa.SPIFFE_ID + "$")
        .containsPattern("(?m)^generation +1$")
        .containsPattern("(?m)^serial +" + chain.get(0).getSerialNumber().toString(16) + "$")
        .containsPattern("(?m)^not_after +2026-11-24T19:40:00.123Z$")
        .containsPattern("(?m)^key_file +" + key + "$")
        .containsPattern("(?m)^chain_file +\\(in certificate_file\\)$");
    assertThat(run.all()).doesNotContain(CODE).doesNotContain("PRIVATE KEY").doesNotContain(ClientTestData.TOKEN);
    assertThat(dir).isDirectoryNotContaining("glob:**.tmp");
  }

  @ParameterizedTest
  @CsvSource({"ec-p256, EC, 256", "ec-p384, EC, 384", "ed25519, Ed25519, 255", "rsa-2048, RSA, 2048",
      "rsa-3072, RSA, 3072"})
  void enroll_keyType_generatesThatKeyAndSignsTheCsrWithIt(String keyType, String algorithm, int bits)
      throws Exception {
    CliRun run = enrol("--key-type", keyType);

    assertOk(run);
    PublicKey csrKey = WorkloadCa.publicKeyOf(WorkloadCa.verifiedCsr(server.onlyRequest().body()));
    int actualBits = csrKey instanceof ECPublicKey ec ? ec.getParams().getOrder().bitLength()
        : csrKey instanceof RSAPublicKey rsa ? rsa.getModulus().bitLength()
        : csrKey instanceof EdECPublicKey ed && ed.getParams().getName().equals("Ed25519") ? 255 : -1;
    assertThat(actualBits).isEqualTo(bits);
    assertThat(WorkloadCa.pair(WorkloadCa.readPkcs8(key, algorithm), csrKey)).isTrue();
    assertThat(Files.getPosixFilePermissions(key)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
  }

  @Test
  void enroll_keyAndCsr_verifiedByOpenssl() throws Exception {
    CliRun run = enrol();
    assertOk(run);
    Path csr = Files.writeString(dir.resolve("req.pem"), Json.parse(server.onlyRequest().body()).path("csr").asText());

    assertThat(openssl("req", "-in", csr.toString(), "-verify", "-noout")).contains("verify OK");
    String csrPublicKey = openssl("req", "-in", csr.toString(), "-pubkey", "-noout");
    String keyFilePublicKey = openssl("pkey", "-in", key.toString(), "-pubout");
    assertThat(keyFilePublicKey).startsWith("-----BEGIN PUBLIC KEY-----").isEqualTo(csrPublicKey);
    assertThat(openssl("verify", "-CAfile", writeCa().toString(), "-untrusted", cert.toString(), cert.toString()))
        .contains(": OK");
  }

  @Test
  void enroll_chainOut_certFileGetsLeafAndChainFileGetsIntermediateAndRoot() throws Exception {
    Path chain = dir.resolve("chain.pem");

    CliRun run = enrol("--chain-out", chain.toString());

    assertOk(run);
    assertThat(WorkloadCa.readCertificates(cert)).hasSize(1);
    assertThat(WorkloadCa.readCertificates(chain)).containsExactly(ca.intermediate, ca.root);
    assertThat(run.out()).containsPattern("(?m)^chain_file +" + chain + "$");
  }

  @Test
  void enroll_jsonOutput_printsTheServerAnswer() throws Exception {
    CliRun run = enrol("-o", "json");

    assertOk(run);
    X509Certificate leaf = WorkloadCa.readCertificates(cert).get(0);
    assertSameJson(run.out(), ca.issuedJson(leaf, 1));
  }

  @Test
  void enroll_codeUsed401_exit1WithProblemOnStderrAndNoFileWritten() {
    server.replyProblem("POST", ENROL, 401, "enrolment_code_used", "the enrolment code was already used");

    CliRun run = enrol();

    assertThat(run.exitCode()).isEqualTo(ExitCodes.REFUSED);
    assertThat(run.err()).contains("error: enrolment_code_used: the enrolment code was already used"
        + " (request id req-42)");
    assertThat(run.out()).isEmpty();
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void enroll_codeExpiredAndInvalid_exit1NamingTheCode() {
    for (String code : List.of("enrolment_code_expired", "enrolment_code_invalid", "identity_not_active")) {
      server.replyProblem("POST", ENROL, 401, code, "refused");

      CliRun run = enrol();

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.err()).contains("error: " + code + ": refused");
      assertThat(dir).isEmptyDirectory();
    }
  }

  @Test
  void enroll_keyFileExists_refusedWithoutForceNothingSentFileUnchanged() throws Exception {
    Files.writeString(key, "precious");

    CliRun run = enrol();

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("--key-out " + key + " exists; give --force to replace it");
    assertThat(server.received()).isEmpty();
    assertThat(Files.readString(key)).isEqualTo("precious");
    assertThat(cert).doesNotExist();
    assertThat(dir).isDirectoryNotContaining("glob:**.tmp");
  }

  @Test
  void enroll_certFileExists_refusedWithoutForceNothingSent() throws Exception {
    Files.writeString(cert, "old certificate");

    CliRun run = enrol();

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--cert-out " + cert + " exists");
    assertThat(server.received()).isEmpty();
    assertThat(key).doesNotExist();
  }

  @Test
  void enroll_keyFileIsDanglingSymlink_refusedWithoutForce() throws Exception {
    Files.createSymbolicLink(key, dir.resolve("elsewhere"));

    CliRun run = enrol();

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(server.received()).isEmpty();
    assertThat(dir.resolve("elsewhere")).doesNotExist();
  }

  @Test
  void enroll_force_replacesExistingFilesAndTheKeyIsOwnerOnlyEvenIfTheOldOneWasNot() throws Exception {
    Files.writeString(key, "old key");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    Files.writeString(cert, "old certificate");

    CliRun run = enrol("--force");

    assertOk(run);
    assertThat(Files.getPosixFilePermissions(key)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    PublicKey csrKey = WorkloadCa.publicKeyOf(WorkloadCa.verifiedCsr(server.onlyRequest().body()));
    assertThat(WorkloadCa.pair(WorkloadCa.readPkcs8(key, "EC"), csrKey)).isTrue();
    assertThat(WorkloadCa.readCertificates(cert)).hasSize(3);
  }

  @Test
  void enroll_codeFromFileAndFromEnvironment_sent() throws Exception {
    Path codeFile = Files.writeString(dir.resolve("code"), CODE + "\n");

    CliRun fromFile = CliRun.against(server, "enroll", "--code-file", codeFile.toString(), "--key-out",
        key.toString(), "--cert-out", cert.toString());
    CliRun fromEnvironment = CliRun.run(Map.of("BINDERY_SERVER", server.url(), "BINDERY_ENROLMENT_CODE", CODE),
        "enroll", "--key-out", dir.resolve("k2").toString(), "--cert-out", dir.resolve("c2").toString());

    assertThat(fromFile.exitCode()).as(fromFile.err()).isZero();
    assertThat(fromEnvironment.exitCode()).as(fromEnvironment.err()).isZero();
    assertThat(server.received()).extracting(r -> Json.parse(r.body()).path("code").asText())
        .containsExactly(CODE, CODE);
  }

  @Test
  void enroll_noCode_usageErrorNothingSentNothingWritten() {
    CliRun run = CliRun.against(server, "enroll", "--key-out", key.toString(), "--cert-out", cert.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("no enrolment code");
    assertThat(server.received()).isEmpty();
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void enroll_codeAndCodeFile_usageError() throws Exception {
    Path codeFile = Files.writeString(dir.resolve("code"), CODE);

    CliRun run = enrol("--code-file", codeFile.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("either --code or --code-file");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void enroll_codeWithSpace_rejectedWithoutEchoingIt() {
    CliRun run = CliRun.against(server, "enroll", "--code", "bnd_enr_abc def", "--key-out", key.toString(),
        "--cert-out", cert.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--code does not hold an enrolment code").doesNotContain("abc def");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void enroll_usageErrorAfterCode_messageNeverRepeatsTheCode() {
    CliRun run = enrol("--bogus", CODE);

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).doesNotContain(CODE);
    assertThat(server.received()).isEmpty();
  }

  @Test
  void enroll_sameFileForKeyAndCertificate_usageError() {
    CliRun run = CliRun.against(server, "enroll", "--code", CODE, "--key-out", key.toString(), "--cert-out",
        dir.resolve(".").resolve("svid.key").toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("is given for two outputs");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void enroll_directoryMissing_usageErrorNothingSent() {
    CliRun run = CliRun.against(server, "enroll", "--code", CODE, "--key-out",
        dir.resolve("missing/svid.key").toString(), "--cert-out", cert.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("does not exist");
    assertThat(server.received()).isEmpty();
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void enroll_unknownKeyType_usageErrorListingTypes() {
    CliRun run = enrol("--key-type", "dsa-1024");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("ec-p256, ec-p384, ed25519, rsa-2048, rsa-3072");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void enroll_serverIssuesCertificateForAnotherKey_exit4NothingWritten() throws Exception {
    X509Certificate foreign = ca.issue(WorkloadCa.ecKey().getPublic());
    server.replyJson("POST", ENROL, 201, ca.issuedJson(foreign, 1));

    CliRun run = enrol();

    assertThat(run.exitCode()).isEqualTo(ExitCodes.SERVER_ERROR);
    assertThat(run.err()).contains("another public key");
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void enroll_serverAnswerWithoutCertificate_exit4NothingWritten() {
    server.replyJson("POST", ENROL, 201, "{\"credential\":{\"id\":\"cred_1\"}}");

    CliRun run = enrol();

    assertThat(run.exitCode()).isEqualTo(4);
    assertThat(run.err()).contains("no certificate_pem");
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void enroll_serverError500_exit4NothingWritten() {
    server.replyProblem("POST", ENROL, 500, "server_error", "x");

    CliRun run = enrol();

    assertThat(run.exitCode()).isEqualTo(4);
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void enroll_certFileAppearsWhileCertificateIsIssued_exit6NamesWhatWasWrittenAndNeverOverwrites()
      throws Exception {
    server.respond("POST", ENROL, request -> {
      try {
        Files.writeString(cert, "written by someone else meanwhile");
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return ca.issuedReply(request, 1);
    });

    CliRun run = enrol();

    assertThat(run.exitCode()).isEqualTo(ExitCodes.NOT_SAVED);
    assertThat(run.err()).contains("the server issued a certificate, but writing " + cert + " failed")
        .contains("written: " + key).contains("The enrolment code is used up");
    assertThat(Files.readString(cert)).isEqualTo("written by someone else meanwhile");
    assertThat(dir).isDirectoryNotContaining("glob:**.tmp");
  }

  @Test
  void enroll_overHttpsWithCaFile_trustsTheServer() throws Exception {
    TestPki pki = TestPki.generate();
    Path caFile = Files.writeString(dir.resolve("ca.pem"), pki.caPem());
    try (FakeBinderyServer https = FakeBinderyServer.https(pki.serverContext)) {
      https.respond("POST", ENROL, request -> ca.issuedReply(request, 1));

      CliRun run = CliRun.run(Map.of("BINDERY_CA_FILE", caFile.toString()), "enroll", "--server", https.url(),
          "--code", CODE, "--key-out", key.toString(), "--cert-out", cert.toString());

      assertOk(run);
      assertThat(https.onlyRequest().pathAndQuery()).isEqualTo(ENROL);
    }
  }

  @Test
  void enroll_help_documentsOptionsAndChainDefault() {
    CliRun run = CliRun.run(Map.of(), "enroll", "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out().replaceAll("\\s+", " ")).contains("--code-file", "--key-out", "--cert-out",
        "--chain-out", "--key-type", "--force", "ec-p256, ec-p384, ed25519, rsa-2048, rsa-3072", "full chain",
        "owner-only (0600)", "no operator token is sent").doesNotContain("--token");
  }

  private void assertOk(CliRun run) {
    assertThat(run.exitCode()).as("%s %s", run.err(), server.responderFailures()).isZero();
  }

  private Path writeCa() throws Exception {
    return Files.writeString(dir.resolve("root.pem"), WorkloadCa.pem(ca.root));
  }

  static String openssl(String... args) throws Exception {
    String[] command = Stream.concat(Stream.of("openssl"), Stream.of(args)).toArray(String[]::new);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("openssl %s: %s", String.join(" ", args), output).isZero();
    return output;
  }
}
