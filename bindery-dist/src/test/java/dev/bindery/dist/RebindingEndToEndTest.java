package dev.bindery.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bindery.cli.ClientContext;
import dev.bindery.pki.Pem;
import dev.bindery.security.Totp;
import dev.bindery.server.bootstrap.BinderyServer;
import dev.bindery.server.config.BinderyConfig;
import dev.bindery.testkit.pki.TestAttestation;
import dev.bindery.testkit.pki.TestCsr;
import dev.bindery.testkit.pki.TestKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The three re-binding scenarios of issue 5, end to end with nothing faked but the hardware vendor: a real server
 * (dev TLS, H2, the system clock) trusting a test vendor root for key attestations, and the real {@code bindery}
 * command line for every step an operator or a workload takes.
 *
 * <ol>
 *   <li>A CI/CD service account at assurance level 3 lost its hardware-backed key: recovered to a new key attested
 *       by the (test) vendor, after a platform owner's and a security officer's approvals; the old certificate and
 *       its token are refused.</li>
 *   <li>An AI agent migrated to a new runtime: its old binding is revoked in the same transaction that binds the
 *       new one, revocation first.</li>
 *   <li>A privileged automation identity at level 2 rotated: continuity proven with its current key, then applied
 *       after the requester's step-up.</li>
 * </ol>
 */
class RebindingEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AUDIENCE = "https://deploy.example";
  @TempDir Path dir;
  private BinderyServer server;
  private Map<String, String> env;
  private Path work;
  private TestAttestation vendor;
  private Operator admin;

  /** An operator of this test: its token file and TOTP seed, and the last TOTP step it used. */
  private static final class Operator {
    final String id;
    final Path tokenFile;
    byte[] seed;
    long lastStep = -1;

    Operator(String id, Path tokenFile) {
      this.id = id;
      this.tokenFile = tokenFile;
    }
  }

  @BeforeEach
  void start() throws Exception {
    vendor = TestAttestation.yubikeyPiv(Instant.now().minus(Duration.ofMinutes(1)));
    Path roots = Files.writeString(dir.resolve("test-yubico-root.pem"), vendor.rootPem());
    server = BinderyServer.start(BinderyConfig.fromSources(Map.of(BinderyConfig.DATA_DIR,
        dir.resolve("data").toString(), BinderyConfig.HTTP_PORT, "0", BinderyConfig.ATTESTATION_ROOTS,
        roots.toString()), Map.of()), Clock.systemUTC());
    env = Map.of("BINDERY_SERVER", server.baseUri().toString(), "BINDERY_CA_FILE", server.caFile().toString(),
        "BINDERY_TOKEN_FILE", server.bootstrapTokenFile().toString());
    work = Files.createDirectory(dir.resolve("work"));
    admin = new Operator(okJson("operator", "me").get("id").asText(), server.bootstrapTokenFile());
    enrolTotp(admin);
    stepUp(admin);
    ok("team", "create", "platform", "--display-name", "Platform");
    ok("team", "create", "payments", "--display-name", "Payments");
    ok("resource-server", "create", AUDIENCE, "--name", "Deployments");
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  // ---- the command line --------------------------------------------------------------------------------------

  private record Run(int exit, String out, String err) {}

  private Run run(Operator as, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    if (as != null && as != admin) {
      all.add("--token-file");
      all.add(as.tokenFile.toString());
    }
    CommandLine cli = Main.commandLine(new ClientContext(env, Duration.ofSeconds(10), Duration.ofSeconds(60),
        new ByteArrayInputStream(new byte[0])));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return new Run(cli.execute(all.toArray(new String[0])), out.toString(), err.toString());
  }

  private String ok(String... args) {
    return okAs(admin, args);
  }

  private String okAs(Operator as, String... args) {
    Run r = run(as, args);
    assertThat(r.exit()).as(String.join(" ", args) + "\n" + r.out() + r.err()).isZero();
    return r.out();
  }

  private JsonNode okJson(String... args) throws Exception {
    return okJsonAs(admin, args);
  }

  private JsonNode okJsonAs(Operator as, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--output");
    all.add("json");
    return JSON.readTree(okAs(as, all.toArray(new String[0])));
  }

  private Run refused(Operator as, String... args) {
    Run r = run(as, args);
    assertThat(r.exit()).as(String.join(" ", args) + "\n" + r.out() + r.err()).isEqualTo(1);
    return r;
  }

  // ---- operators, TOTP, step-ups -----------------------------------------------------------------------------

  /** An operator made by the admin, with its token in an owner-only file and TOTP enrolled. */
  private Operator operator(String name, String role, String team) throws Exception {
    List<String> args = new ArrayList<>(List.of("operator", "create", "--name", name));
    if (role != null) {
      args.addAll(List.of("--role", role));
    }
    if (team != null) {
      args.addAll(List.of("--team", team));
    }
    JsonNode created = okJson(args.toArray(new String[0]));
    Path tokenFile = Files.writeString(Files.createFile(work.resolve(name + ".token"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
        created.at("/token/value").asText());
    Operator op = new Operator(created.at("/operator/id").asText(), tokenFile);
    enrolTotp(op);
    return op;
  }

  private void enrolTotp(Operator op) throws Exception {
    op.seed = base32(okJsonAs(op, "operator", "totp-enrol").get("secret").asText());
    okAs(op, "operator", "totp-confirm", nextCode(op));
  }

  /** A step-up with the operator's next unused TOTP code (the current step, or the next within the drift). */
  private void stepUp(Operator op) {
    okAs(op, "operator", "step-up", nextCode(op));
  }

  private String nextCode(Operator op) {
    long current = Totp.step(Instant.now());
    long step = Math.max(op.lastStep + 1, current);
    assertThat(step).as("a TOTP step within the drift window").isLessThanOrEqualTo(current + Totp.DRIFT_STEPS);
    op.lastStep = step;
    return Totp.standard().code(op.seed, step);
  }

  private static byte[] base32(String s) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int buffer = 0;
    int bits = 0;
    for (char c : s.toUpperCase(Locale.ROOT).toCharArray()) {
      buffer = (buffer << 5) | alphabet.indexOf(c);
      bits += 5;
      if (bits >= 8) {
        out.write((buffer >>> (bits - 8)) & 0xff);
        bits -= 8;
      }
    }
    return out.toByteArray();
  }

  // ---- workloads -------------------------------------------------------------------------------------------------

  /** Enrols the identity with the CLI; key and certificate in {@code <name>.key} and {@code <name>.pem}. */
  private String enrolled(String identity, String name) throws Exception {
    Path codeFile = work.resolve(name + ".code");
    Files.writeString(codeFile, okJson("enrolment-code", "create", identity).get("code").asText());
    ok("enroll", "--code-file", codeFile.toString(), "--key-out", work.resolve(name + ".key").toString(),
        "--cert-out", work.resolve(name + ".pem").toString());
    return okJson("credential", "list", identity).at("/items/0/id").asText();
  }

  private String token(String name) {
    return ok("token", "get", "--key", work.resolve(name + ".key").toString(), "--cert",
        work.resolve(name + ".pem").toString(), "--resource", AUDIENCE).strip();
  }

  private boolean active(String token) throws Exception {
    return okJson("token", "introspect", token).get("active").asBoolean();
  }

  private static X509Certificate certificate(Path pem) throws Exception {
    try (var in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  private static void writePkcs8(Path file, KeyPair key) throws Exception {
    StringWriter pem = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
      writer.writeObject(new JcaPKCS8Generator(key.getPrivate(), null));
    }
    Files.writeString(Files.createFile(file, PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rw-------"))), pem.toString());
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(v -> out.add(v.asText()));
    return out;
  }

  // ---- (a) a CI/CD service account that lost its hardware-backed key -----------------------------------------

  @Test
  void ciServiceAccountAtLevel3_lostItsHardwareKey_recoveredToAnAttestedKeyAfterOwnerAndSecurityApproval()
      throws Exception {
    Operator alice = operator("alice", null, "platform");
    Operator bob = operator("bob", null, "platform");
    Operator sam = operator("sam", "security_officer", null);
    String id = okJson("identity", "create", "--kind", "service_account", "--name", "ci-deployer",
        "--owner-team", "platform", "--backup-owner", "team:payments", "--assurance-level", "3",
        "--scope", "deploy.write").get("id").asText();
    String lost = enrolled(id, "ci");
    String oldToken = token("ci");
    assertThat(active(oldToken)).isTrue();

    // the runner's new YubiKey generates the key, its CSR and the attestation of the key (a test vendor here)
    KeyPair yubikey = TestKeys.ecP256();
    Path csr = Files.writeString(work.resolve("yubikey.csr"), TestCsr.forKey(yubikey).pem());
    Path attestation = Files.writeString(work.resolve("yubikey-attestation.pem"),
        vendor.attest(yubikey.getPublic()).pem());
    JsonNode request = okJsonAs(alice, "rebind", "request", "--type", "recover", "--target", id, "--reason",
        "the CI runner and its YubiKey were lost", "--replaces", lost, "--csr", csr.toString(),
        "--attestation", attestation.toString());
    String chg = request.get("id").asText();
    assertThat(request.get("state").asText()).isEqualTo("pending");
    assertThat(request.at("/proposed/assurance").asText()).isEqualTo("hardware");
    assertThat(request.at("/proposed/credential_level").asInt()).isEqualTo(3);
    assertThat(texts(request.get("missing"))).containsExactly("approval:owner", "approval:security_officer");

    stepUp(bob);
    okAs(bob, "rebind", "approve", chg, "--role", "owner", "--comment", "runner replaced, new key attested");
    stepUp(sam);
    JsonNode approved = okJsonAs(sam, "rebind", "approve", chg, "--role", "security_officer");
    assertThat(approved.get("state").asText()).isEqualTo("approved");
    assertThat(approved.get("approvals")).extracting(a -> a.get("role").asText())
        .containsExactly("owner", "security_officer");

    Path newCert = work.resolve("yubikey.pem");
    okAs(alice, "rebind", "apply", chg, "--cert-out", newCert.toString());

    assertThat(certificate(newCert).getPublicKey()).isEqualTo(yubikey.getPublic());
    assertThat(okJson("rebind", "show", chg).get("state").asText()).isEqualTo("applied");
    // the old certificate's token is dead and the old certificate gets no new one
    assertThat(active(oldToken)).isFalse();
    Run oldCertificate = run(admin, "token", "get", "--key", work.resolve("ci.key").toString(), "--cert",
        work.resolve("ci.pem").toString(), "--resource", AUDIENCE);
    assertThat(oldCertificate.exit()).isEqualTo(1);
    assertThat(oldCertificate.err()).contains("invalid_client");
    // the new hardware key gets tokens
    writePkcs8(work.resolve("yubikey.key"), yubikey);
    assertThat(active(token("yubikey"))).isTrue();
    // the history keeps both bindings, and says what replaced the lost one
    JsonNode bindings = okJson("identity", "bindings", id).get("items");
    assertThat(bindings).hasSize(2);
    assertThat(bindings.get(0).get("status").asText()).isEqualTo("revoked");
    assertThat(bindings.get(0).get("revocation_reason").asText()).isEqualTo("key_compromise");
    assertThat(bindings.get(0).get("replaced_by_change_request").asText()).isEqualTo(chg);
    assertThat(bindings.get(1).get("assurance").asText()).isEqualTo("hardware");
    assertThat(bindings.get(1).get("credential_level").asInt()).isEqualTo(3);
    assertThat(bindings.get(0).get("successor").asText()).isEqualTo(bindings.get(1).get("id").asText());
    assertThat(okJson("identity", "get", id).get("assurance_level").asInt()).isEqualTo(3);
    assertThat(Pem.parseCertificates(Files.readString(newCert))).hasSize(3);
  }

  // ---- (b) an AI agent migrated to a new runtime ---------------------------------------------------------------

  @Test
  void aiAgentMigratedToANewRuntime_oldBindingRevokedFirstInTheSameTransaction() throws Exception {
    Operator alice = operator("alice", null, "platform");
    Operator bob = operator("bob", null, "platform");
    String id = okJson("identity", "create", "--kind", "agent", "--name", "support-agent", "--owner-team",
        "platform", "--backup-owner", "team:payments", "--scope", "tickets.read").get("id").asText();
    String old = enrolled(id, "agent-old");
    String oldToken = token("agent-old");

    // on the new runtime: the key is generated there, only its CSR is sent
    Path newKey = work.resolve("agent-new.key");
    JsonNode request = okJsonAs(alice, "rebind", "request", "--type", "migrate", "--target", id, "--reason",
        "moved to the new agent runtime", "--replaces", old, "--new-key-out", newKey.toString());
    String chg = request.get("id").asText();
    assertThat(texts(request.get("missing"))).containsExactly("approval:owner");
    stepUp(bob);
    okAs(bob, "rebind", "approve", chg, "--role", "owner");
    okAs(alice, "rebind", "apply", chg, "--cert-out", work.resolve("agent-new.pem").toString());

    // the old runtime is cut off: its token is dead, it cannot get another, it cannot renew
    assertThat(active(oldToken)).isFalse();
    assertThat(run(admin, "token", "get", "--key", work.resolve("agent-old.key").toString(), "--cert",
        work.resolve("agent-old.pem").toString(), "--resource", AUDIENCE).exit()).isEqualTo(1);
    Run renew = refused(null, "renew", "--key", work.resolve("agent-old.key").toString(), "--cert",
        work.resolve("agent-old.pem").toString());
    assertThat(renew.err()).contains("credential_revoked");
    assertThat(active(token("agent-new"))).isTrue();
    // revoke, then bind, in one transaction: the revocation comes first
    JsonNode bindings = okJson("identity", "bindings", id).get("items");
    assertThat(bindings.get(0).get("status").asText()).isEqualTo("revoked");
    assertThat(bindings.get(0).get("revocation_reason").asText()).isEqualTo("superseded");
    assertThat(Instant.parse(bindings.get(0).get("revoked_at").asText()))
        .isBeforeOrEqualTo(Instant.parse(bindings.get(1).get("bound_at").asText()));
    List<String> actions = new ArrayList<>();
    okJson("identity", "history", id, "--limit", "1000").get("items")
        .forEach(e -> actions.add(e.get("action").asText()));
    assertThat(actions.indexOf("credential.revoke")).isGreaterThan(-1)
        .isLessThan(actions.indexOf("credential.rebind"));
    assertThat(okJson("identity", "get", id).get("id").asText()).as("the same identity").isEqualTo(id);
  }

  // ---- (c) a privileged automation identity rotated after step-up ----------------------------------------------

  @Test
  void privilegedAutomationAtLevel2_rotatedWithAContinuityProofAndTheRequestersStepUp() throws Exception {
    Operator alice = operator("alice", null, "platform");
    String id = okJson("identity", "create", "--kind", "workload", "--name", "payments-batch", "--owner-team",
        "platform", "--backup-owner", "team:payments", "--assurance-level", "2", "--scope", "payments.write")
        .get("id").asText();
    String old = enrolled(id, "batch");
    String oldToken = token("batch");

    JsonNode request = okJsonAs(alice, "rebind", "request", "--type", "rotate", "--target", id, "--reason",
        "quarterly rotation", "--replaces", old, "--new-key-out", work.resolve("batch-new.key").toString());
    String chg = request.get("id").asText();
    assertThat(texts(request.get("missing"))).containsExactly("continuity", "step_up_or_owner");
    // the holder proves it has the current key: the CLI signs the challenge with it, here
    JsonNode proven = okJsonAs(alice, "rebind", "prove", chg, "--key", work.resolve("batch.key").toString(),
        "--cert", work.resolve("batch.pem").toString());
    assertThat(proven.at("/continuity/method").asText()).isEqualTo("challenge_signature");
    assertThat(texts(proven.get("missing"))).containsExactly("step_up_or_owner");
    // not without the requester's step-up
    Run early = refused(alice, "rebind", "apply", chg, "--cert-out", work.resolve("batch-new.pem").toString());
    assertThat(early.err()).contains("approval_required");
    assertThat(work.resolve("batch-new.pem")).doesNotExist();

    stepUp(alice);
    JsonNode applied = okJsonAs(alice, "rebind", "apply", chg, "--cert-out", work.resolve("batch-new.pem").toString());

    assertThat(applied.at("/change_request/state").asText()).isEqualTo("applied");
    assertThat(applied.at("/credential/generation").asInt()).as("a rotation continues the lineage").isEqualTo(2);
    assertThat(active(oldToken)).isFalse();
    assertThat(active(token("batch-new"))).isTrue();
  }
}
