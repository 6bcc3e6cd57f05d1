package dev.bindery.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bindery.client.tls.TlsContexts;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * The set-up the token drivers make through a server's operator API with the bootstrap admin's token: teams, a
 * workload identity with scopes, certificates enrolled with one-time codes (a fresh EC P-256 key each, as
 * {@code ./bindery enroll} does), resource servers.
 */
final class BenchApi {
  static final ObjectMapper JSON = new ObjectMapper();
  private final URI base;
  private final Path tlsCaFile;
  private final HttpClient admin;
  private final String adminToken;

  /** An enrolled certificate: its key, the PEM answer, the parsed leaf and intermediate, its credential id. */
  record Enrolled(KeyPair key, String certificatePem, String chainPem, List<X509Certificate> chain,
      String credentialId) {
    X509Certificate leaf() {
      return chain.get(0);
    }

    /** A mutual TLS context presenting this certificate and trusting the server's TLS CA. */
    SSLContext mutualTls(Path tlsCaFile) {
      return TlsContexts.mutualTls(key.getPrivate(), chain, dev.bindery.client.tls.Pem.readCertificates(tlsCaFile));
    }
  }

  BenchApi(URI base, Path tlsCaFile, String adminToken) {
    this.base = base;
    this.tlsCaFile = tlsCaFile;
    this.adminToken = adminToken;
    this.admin = HttpClient.newBuilder().sslContext(TlsContexts.trusting(tlsCaFile))
        .version(HttpClient.Version.HTTP_1_1).build();
  }

  URI base() {
    return base;
  }

  Path tlsCaFile() {
    return tlsCaFile;
  }

  /** Two teams (owner and backup) and a workload identity with {@code scopes}; returns its id. */
  String workload(String name, List<String> scopes) throws Exception {
    String owner = name + "-owners";
    String backup = name + "-backup";
    post("/api/v1/teams", Map.of("id", owner, "display_name", "Bench owners"), 201);
    post("/api/v1/teams", Map.of("id", backup, "display_name", "Bench backup"), 201);
    Map<String, Object> identity = new LinkedHashMap<>();
    identity.put("kind", "workload");
    identity.put("name", name);
    identity.put("owner_team", owner);
    identity.put("backup_owner", "team:" + backup);
    identity.put("scopes", scopes);
    return post("/api/v1/identities", identity, 201).get("id").asText();
  }

  /** Enrols a new EC P-256 key for {@code identity} with a one-time code. */
  Enrolled enrol(String identity) throws Exception {
    String code = post("/api/v1/identities/" + identity + "/enrolment-codes", Map.of(), 201).get("code").asText();
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair key = generator.generateKeyPair();
    JsonNode issued = post("/api/v1/enrol", Map.of("code", code, "csr", EnrolmentApiBench.csr(key)), 201);
    String certificatePem = issued.get("certificate_pem").asText();
    String chainPem = issued.get("chain_pem").asText();
    List<X509Certificate> chain = new ArrayList<>();
    CertificateFactory x509 = CertificateFactory.getInstance("X.509");
    for (String pem : List.of(certificatePem, chainPem)) {
      x509.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
          .forEach(c -> chain.add((X509Certificate) c));
    }
    return new Enrolled(key, certificatePem, chainPem, List.copyOf(chain),
        issued.get("credential").get("id").asText());
  }

  void resourceServer(String audience, String name) throws Exception {
    post("/api/v1/resource-servers", Map.of("audience", audience, "name", name), 201);
  }

  /** POST of a JSON body with the admin's token; anything but {@code expected} fails the driver. */
  JsonNode post(String path, Map<String, ?> body, int expected) throws IOException, InterruptedException {
    HttpResponse<byte[]> r = admin.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
        .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != expected) {
      throw new IllegalStateException("POST " + path + " answered " + r.statusCode() + ": "
          + new String(r.body(), StandardCharsets.UTF_8));
    }
    return r.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(r.body());
  }
}
