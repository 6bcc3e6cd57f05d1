package dev.bindery.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bindery.cli.ClientContext;
import dev.bindery.server.bootstrap.BinderyServer;
import dev.bindery.server.config.BinderyConfig;
import dev.bindery.testkit.pki.Openssl;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The credential walkthrough end to end, with nothing faked: a real server (dev TLS, H2 in a temporary data
 * directory, the system clock), the real {@code bindery} command line for every step an operator or a workload
 * takes, and {@code openssl} as the independent judge of the issued chain, the CRL and the OCSP answer.
 */
class CredentialsEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  private BinderyServer server;
  private Map<String, String> env;
  private Path work;

  @BeforeEach
  void start() throws Exception {
    server = BinderyServer.start(BinderyConfig.fromSources(Map.of(BinderyConfig.DATA_DIR,
        dir.resolve("data").toString(), BinderyConfig.HTTP_PORT, "0"), Map.of()), Clock.systemUTC());
    env = Map.of("BINDERY_SERVER", server.baseUri().toString(), "BINDERY_CA_FILE", server.caFile().toString(),
        "BINDERY_TOKEN_FILE", server.bootstrapTokenFile().toString());
    work = Files.createDirectory(dir.resolve("work"));
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  private record Run(int exitCode, String out, String err) {}

  /** Runs {@code bindery args...} as the distribution does, with this test's environment. */
  private Run bindery(String... args) {
    CommandLine cli = Main.commandLine(new ClientContext(env, Duration.ofSeconds(10), Duration.ofSeconds(60),
        new ByteArrayInputStream(new byte[0])));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private Run ok(String... args) {
    Run run = bindery(args);
    assertThat(run.exitCode()).as(String.join(" ", args) + "\n" + run.out() + run.err()).isZero();
    return run;
  }

  private JsonNode okJson(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--output");
    all.add("json");
    return JSON.readTree(ok(all.toArray(new String[0])).out());
  }

  private String openssl(String... args) {
    return Openssl.run(work, args).requireSuccess().output();
  }

  private HttpClient https() throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (var in = Files.newInputStream(server.caFile())) {
      trust.setCertificateEntry("dev-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(ssl).build();
  }

  private byte[] fetch(HttpRequest.Builder request) throws Exception {
    HttpResponse<byte[]> r = https().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  /** The serial as {@code openssl x509 -serial} prints it: {@code serial=5EAC...}. */
  private String opensslSerial(String certFile) {
    return openssl("x509", "-in", certFile, "-noout", "-serial").strip();
  }

  private static String field(String table, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + " +(\\S+)$").matcher(table);
    assertThat(m.find()).as(name + " in\n" + table).isTrue();
    return m.group(1);
  }

  @Test
  void enrollRenewRevoke_withTheCli_crlOcspAndChainCheckedByOpenssl() throws Exception {
    // an operator registers the identity and makes a one-time enrolment code
    ok("team", "create", "payments", "--display-name", "Payments");
    ok("team", "create", "platform", "--display-name", "Platform");
    String id = okJson("identity", "create", "--kind", "workload", "--name", "billing-worker", "--owner-team",
        "payments", "--backup-owner", "team:platform").get("id").asText();
    JsonNode code = okJson("enrolment-code", "create", id, "--ttl", "5m");
    Path codeFile = work.resolve("enrolment-code");
    Files.writeString(codeFile, code.get("code").asText());
    Files.setPosixFilePermissions(codeFile, PosixFilePermissions.fromString("rw-------"));

    // the workload enrols: its key is made here and never sent
    Run enrolled = ok("enroll", "--code-file", codeFile.toString(), "--key-out", work.resolve("svid.key").toString(),
        "--cert-out", work.resolve("svid.pem").toString());
    assertThat(field(enrolled.out(), "generation")).isEqualTo("1");
    assertThat(field(enrolled.out(), "spiffe_id")).isEqualTo("spiffe://bindery.test/nhi/" + id);
    assertThat(Files.getPosixFilePermissions(work.resolve("svid.key")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    String firstSerial = opensslSerial("svid.pem");
    // the API's lowercase hex without leading zeros is the same number openssl prints (in upper case, even digits)
    assertThat(new java.math.BigInteger(firstSerial.substring("serial=".length()), 16))
        .isEqualTo(new java.math.BigInteger(field(enrolled.out(), "serial"), 16));
    assertThat(field(enrolled.out(), "serial")).matches("[1-9a-f][0-9a-f]*");

    // the CA chain of the identity CA, split into the issuing intermediate and the root
    byte[] caPem = fetch(HttpRequest.newBuilder(URI.create(server.baseUri() + "/pki/ca.pem")));
    assertThat(new String(caPem, StandardCharsets.US_ASCII)).isEqualTo(Files.readString(server.identityCaFile()));
    List<X509Certificate> ca = new ArrayList<>();
    CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(caPem))
        .forEach(c -> ca.add((X509Certificate) c));
    Files.write(work.resolve("identity-ca.pem"), caPem);
    Files.writeString(work.resolve("intermediate.pem"), pem(ca.get(0)));
    Files.writeString(work.resolve("root.pem"), pem(ca.get(1)));

    // openssl accepts the issued chain up to the root alone, for TLS clients, with the SPIFFE id as the only name
    assertThat(openssl("verify", "-CAfile", "root.pem", "-untrusted", "svid.pem", "-purpose", "sslclient",
        "svid.pem")).contains("svid.pem: OK");
    assertThat(openssl("x509", "-in", "svid.pem", "-noout", "-ext", "subjectAltName,basicConstraints"))
        .contains("URI:spiffe://bindery.test/nhi/" + id).contains("CA:FALSE");

    // renewal over mutual TLS with the current certificate: generation 2, a new serial, still valid
    Run renewed = ok("renew", "--key", work.resolve("svid.key").toString(), "--cert", work.resolve("svid.pem").toString());
    assertThat(field(renewed.out(), "generation")).isEqualTo("2");
    String serial = opensslSerial("svid.pem");
    assertThat(serial).isNotEqualTo(firstSerial);
    assertThat(openssl("verify", "-CAfile", "root.pem", "-untrusted", "svid.pem", "svid.pem")).contains("svid.pem: OK");

    // revocation by serial, in the form openssl prints it
    Run revoked = ok("credential", "revoke", "--serial", serial, "--reason", "key_compromise");
    assertThat(field(revoked.out(), "status")).isEqualTo("revoked");
    assertThat(field(revoked.out(), "generation")).isEqualTo("2");

    // the CRL lists both generations: the first superseded, the second compromised
    Files.write(work.resolve("crl.der"), fetch(HttpRequest.newBuilder(URI.create(server.baseUri() + "/pki/crl"))));
    String crl = openssl("crl", "-inform", "DER", "-in", "crl.der", "-CAfile", "identity-ca.pem", "-noout", "-text");
    assertThat(crl).contains("verify OK");
    String hex = serial.substring("serial=".length());
    assertThat(crl).containsPattern("Serial Number: " + hex + "\\s+Revocation Date: .*\\s+CRL entry extensions:\\s+"
        + "X509v3 CRL Reason Code: \\s*Key Compromise");
    assertThat(crl).containsPattern("Serial Number: " + firstSerial.substring("serial=".length())
        + "\\s+Revocation Date: .*\\s+CRL entry extensions:\\s+X509v3 CRL Reason Code: \\s*Superseded");
    openssl("crl", "-inform", "DER", "-in", "crl.der", "-out", "crl.pem");
    Openssl.Result refused = Openssl.run(work, "verify", "-crl_check", "-CRLfile", "crl.pem", "-CAfile", "root.pem",
        "-untrusted", "svid.pem", "svid.pem");
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.output()).contains("certificate revoked");

    // OCSP: openssl builds the request (with a nonce), Bindery answers, openssl checks signature, nonce and status
    openssl("ocsp", "-issuer", "intermediate.pem", "-cert", "svid.pem", "-reqout", "ocsp-request.der");
    Files.write(work.resolve("ocsp-response.der"), fetch(HttpRequest.newBuilder(
        URI.create(server.baseUri() + "/pki/ocsp")).header("Content-Type", "application/ocsp-request")
        .POST(HttpRequest.BodyPublishers.ofFile(work.resolve("ocsp-request.der")))));
    String checked = openssl("ocsp", "-reqin", "ocsp-request.der", "-respin", "ocsp-response.der", "-CAfile",
        "root.pem", "-resp_text");
    assertThat(checked).contains("Response verify OK").contains("Cert Status: revoked")
        .contains("Revocation Reason: keyCompromise").doesNotContain("Nonce Verify error");
    assertThat(openssl("ocsp", "-respin", "ocsp-response.der", "-issuer", "intermediate.pem", "-cert", "svid.pem",
        "-CAfile", "root.pem", "-no_nonce")).contains("svid.pem: revoked").contains("Reason: keyCompromise");

    // the revoked certificate no longer renews, and the files stay as they were
    String before = Files.readString(work.resolve("svid.pem"));
    Run again = bindery("renew", "--key", work.resolve("svid.key").toString(), "--cert",
        work.resolve("svid.pem").toString());
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).contains("error: credential_revoked");
    assertThat(Files.readString(work.resolve("svid.pem"))).isEqualTo(before);
    // and the code was used once
    Run reused = bindery("enroll", "--code-file", codeFile.toString(), "--key-out", work.resolve("k2").toString(),
        "--cert-out", work.resolve("c2").toString());
    assertThat(reused.exitCode()).isEqualTo(1);
    assertThat(reused.err()).contains("error: enrolment_code_used");
    assertThat(work.resolve("k2")).doesNotExist();

    JsonNode credentials = okJson("credential", "list", id);
    assertThat(credentials.get("items").findValuesAsText("status")).containsExactlyInAnyOrder("superseded", "revoked");
  }

  private static String pem(X509Certificate c) throws Exception {
    return "-----BEGIN CERTIFICATE-----\n"
        + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(c.getEncoded())
        + "\n-----END CERTIFICATE-----\n";
  }
}
