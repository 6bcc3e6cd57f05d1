package dev.bindery.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.util.Base64URL;
import dev.bindery.bench.RegistryBench.MachineFacts;
import dev.bindery.client.tls.Pem;
import dev.bindery.client.tls.TlsContexts;
import dev.bindery.server.bootstrap.BinderyServer;
import dev.bindery.server.config.BinderyConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Access tokens issued per second through {@code POST /oauth2/token}: {@code client_credentials} over mutual TLS
 * (RFC 8705 {@code tls_client_auth}), each token bound to the client certificate ({@code cnf.x5t#S256}).
 *
 * <p>Before the clock starts, and outside the figures: a workload identity with two scopes is created through the
 * API, enrols an EC P-256 certificate with a one-time code (as {@code ./bindery enroll} does), and a resource server
 * is registered; one token is requested and its {@code cnf.x5t#S256} checked against the certificate. The measured
 * request is then the server's whole issuance: TLS record, HTTP, form parsing, client authentication (the
 * certificate's URI SAN, the credential's state in the store), the identity's token policy and the resource server
 * lookup, the RFC 9068 claims, the ES256 signature and the JSON answer.
 *
 * <p>Phases: with keep-alive, {@code --connections} values (default 8 and 32), one JDK {@link HttpClient} per
 * worker thread, so one kept-alive HTTP/1.1 connection per worker after its first request and no handshake measured;
 * without keep-alive, {@code --handshake-threads} workers (default 8) that each open a new {@link SSLSocket} per
 * token, do a full TLS handshake presenting the client certificate (the client session is invalidated after each
 * request, so nothing is resumed), send the request with {@code Connection: close} and read to the end.
 *
 * <p>Also, in the same run and before the server is loaded, the raw ES256 signing rate of the provider the server's
 * key ring signs with (BouncyCastle through Nimbus {@link ECDSASigner}, exactly as {@code SigningKeyMaterial}) and of
 * the JDK's SunEC, on 1 thread and on as many threads as there are processors, over a 430-byte signing input.
 *
 * <p>The server runs in this JVM as {@code ./bindery dev} does (dev TLS, embedded H2 in a temporary data directory,
 * deleted at the end); the client threads share the JVM and the cores. Usage:
 * {@code java -cp bindery-bench.jar dev.bindery.bench.TokenApiBench [--key=value ...]}.
 */
public final class TokenApiBench {
  static final String USAGE = """
      usage: java -cp bindery-bench.jar dev.bindery.bench.TokenApiBench [options]
        --connections=8,32     kept-alive connections (one client thread each), one phase per value
        --handshake-threads=8  client threads of the no-keep-alive phase (0 skips it)
        --seconds=S            measured seconds per phase (default 10)
        --warmup=S             warm-up seconds before each phase (default 5)
        --sign-seconds=S       seconds of each raw signing measurement (default 5)""";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AUDIENCE = "https://orders.example";
  private static final Provider BC = new BouncyCastleProvider();

  private final Map<String, String> options;
  private final List<String[]> rows = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private URI base;
  private HttpClient admin;
  private String adminToken;
  private SSLContext mutualTls;
  private byte[] tokenForm;

  private TokenApiBench(Map<String, String> options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    for (String a : args) {
      if (!a.startsWith("--") || !a.contains("=")) {
        System.err.println("unknown argument: " + a + "\n" + USAGE);
        System.exit(2);
      }
      options.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
    }
    new TokenApiBench(options).run();
  }

  private int intOption(String key, int dflt) {
    return Integer.parseInt(options.getOrDefault(key, Integer.toString(dflt)).replace("_", ""));
  }

  private void run() throws Exception {
    Workers.log("machine: " + String.join("; ", MachineFacts.lines()));
    Workers.log("options=" + options + " load=" + MachineFacts.loadAverage());
    measureRawSigning();
    Path dir = Files.createTempDirectory("bindery-bench-token");
    try (BinderyServer server = BinderyServer.start(BinderyConfig.fromSources(Map.of(
        BinderyConfig.DATA_DIR, dir.toString(),
        BinderyConfig.HTTP_PORT, "0",
        BinderyConfig.TLS_MODE, "dev"), Map.of()), Clock.systemUTC())) {
      base = server.baseUri();
      admin = HttpClient.newBuilder().sslContext(TlsContexts.trusting(server.caFile()))
          .version(HttpClient.Version.HTTP_1_1).build();
      adminToken = Files.readString(server.bootstrapTokenFile()).strip();
      notes.add("server: started in this JVM as ./bindery dev does (dev TLS; embedded H2 "
          + org.h2.engine.Constants.FULL_VERSION + " file database in a temporary data directory); "
          + "the client threads share the JVM and the cores");
      setUp(server.caFile());
      runPhases();
    } finally {
      RegistryBench.deleteTree(dir);
    }
    printReport();
  }

  /** An identity with scopes, its enrolled certificate and key as the mutual TLS context, a resource server. */
  private void setUp(Path tlsCaFile) throws Exception {
    post("/api/v1/teams", Map.of("id", "bench-owners", "display_name", "Bench owners"), 201);
    post("/api/v1/teams", Map.of("id", "bench-backup", "display_name", "Bench backup"), 201);
    Map<String, Object> identity = new LinkedHashMap<>();
    identity.put("kind", "workload");
    identity.put("name", "token-bench-client");
    identity.put("owner_team", "bench-owners");
    identity.put("backup_owner", "team:bench-backup");
    identity.put("scopes", List.of("orders.read", "orders.write"));
    String id = post("/api/v1/identities", identity, 201).get("id").asText();
    String code = post("/api/v1/identities/" + id + "/enrolment-codes", Map.of(), 201).get("code").asText();
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair key = generator.generateKeyPair();
    JsonNode issued = post("/api/v1/enrol", Map.of("code", code, "csr", EnrolmentApiBench.csr(key)), 201);
    List<X509Certificate> chain = new ArrayList<>();
    CertificateFactory x509 = CertificateFactory.getInstance("X.509");
    for (String pem : List.of(issued.get("certificate_pem").asText(), issued.get("chain_pem").asText())) {
      x509.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
          .forEach(c -> chain.add((X509Certificate) c));
    }
    mutualTls = TlsContexts.mutualTls(key.getPrivate(), chain, Pem.readCertificates(tlsCaFile));
    post("/api/v1/resource-servers", Map.of("audience", AUDIENCE, "name", "Orders"), 201);
    tokenForm = ("grant_type=client_credentials&client_id=" + id + "&scope=orders.read&resource="
        + URLEncoder.encode(AUDIENCE, StandardCharsets.UTF_8)).getBytes(StandardCharsets.US_ASCII);

    // one token, checked: bound to the enrolled certificate
    String body = new String(postToken(keepAliveClient()), StandardCharsets.UTF_8);
    String jwt = JSON.readTree(body).get("access_token").asText();
    JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    String expected = Base64.getUrlEncoder().withoutPadding().encodeToString(
        MessageDigest.getInstance("SHA-256").digest(chain.get(0).getEncoded()));
    if (!expected.equals(claims.path("cnf").path("x5t#S256").asText())) {
      throw new IllegalStateException("the token is not bound to the client certificate: " + claims);
    }
    notes.add("each token: client_credentials, tls_client_auth with an enrolled EC P-256 certificate (leaf + "
        + "intermediate presented), scope orders.read, resource " + AUDIENCE + ", cnf.x5t#S256 checked once; "
        + "the token is " + jwt.length() + " characters");
  }

  private void runPhases() throws Exception {
    int seconds = intOption("seconds", 10);
    int warmup = intOption("warmup", 5);
    List<Integer> connections = Stream.of(options.getOrDefault("connections", "8,32").split(","))
        .map(String::trim).map(Integer::parseInt).toList();
    for (int n : connections) {
      List<HttpClient> clients = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        clients.add(keepAliveClient());
      }
      phase("keep-alive", n, warmup, seconds, t -> () -> postToken(clients.get(t)));
    }
    int handshakeThreads = intOption("handshake-threads", 8);
    if (handshakeThreads > 0) {
      phase("new TLS connection per token", handshakeThreads, warmup, seconds, t -> this::postTokenOnNewConnection);
    }
  }

  private void phase(String kind, int threads, int warmup, int seconds, java.util.function.IntFunction<Workers.Op> op)
      throws Exception {
    Workers.log("token " + kind + ": threads=" + threads + " warm-up " + warmup + " s, load="
        + MachineFacts.loadAverage());
    Workers.run(threads, warmup, Long.MAX_VALUE, op);
    String loadBefore = MachineFacts.loadAverage();
    long cpuBefore = EnrolmentApiBench.processCpuNanos();
    Workers.Result r = Workers.run(threads, seconds, Long.MAX_VALUE, op);
    long cpu = EnrolmentApiBench.processCpuNanos() - cpuBefore;
    String loadAfter = MachineFacts.loadAverage();
    String figure = "tokens issued, client_credentials over mutual TLS, " + kind;
    rows.add(new String[] {figure, Workers.fmt(r.perSecond()), "tokens/s", Integer.toString(threads)});
    rows.add(new String[] {"latency p50 / p99 (" + kind + ")", r.p50() + " / " + r.p99(), "ms",
        Integer.toString(threads)});
    rows.add(new String[] {"process CPU per token (server and client threads, " + kind + ")",
        String.format(Locale.ROOT, "%.3f", cpu / 1e6 / Math.max(1, r.ops())), "ms", Integer.toString(threads)});
    Workers.log(String.format(Locale.ROOT, "  %d tokens in %.1f s = %.0f/s, p50 %s ms, p90 %s ms, p99 %s ms, "
            + "max %s ms, process CPU %.3f ms per token, failures %d, load %s -> %s", r.ops(),
        r.elapsedNanos() / 1e9, r.perSecond(), r.p50(), Workers.ms(r.latency().getValueAtPercentile(90)), r.p99(),
        Workers.ms(r.latency().getMaxValue()), cpu / 1e6 / Math.max(1, r.ops()), r.failures(), loadBefore,
        loadAfter));
    notes.add(String.format(Locale.ROOT, "%s, %d thread(s): %,d tokens in %.1f s, %d failures, load average %s -> %s",
        kind, threads, r.ops(), r.elapsedNanos() / 1e9, r.failures(), loadBefore, loadAfter));
  }

  private HttpClient keepAliveClient() {
    return HttpClient.newBuilder().sslContext(mutualTls).version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
  }

  /** One token request on {@code client}'s kept-alive connection; anything but 200 with a token fails. */
  private byte[] postToken(HttpClient client) {
    try {
      HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(base.resolve("/oauth2/token"))
          .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofByteArray(tokenForm)).build(), HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200 || !new String(r.body(), StandardCharsets.UTF_8).contains("\"access_token\"")) {
        throw new IllegalStateException("token answered " + r.statusCode() + ": "
            + new String(r.body(), StandardCharsets.UTF_8));
      }
      return r.body();
    } catch (IOException e) {
      throw new IllegalStateException("request failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** One token request on a new TLS connection with a full handshake, closed afterwards. */
  private void postTokenOnNewConnection() {
    try (SSLSocket socket = (SSLSocket) mutualTls.getSocketFactory().createSocket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(60_000);
      socket.startHandshake();
      OutputStream out = socket.getOutputStream();
      out.write(("POST /oauth2/token HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
          + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + tokenForm.length
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(tokenForm);
      out.flush();
      ByteArrayOutputStream answer = new ByteArrayOutputStream(2048);
      socket.getInputStream().transferTo(answer);
      socket.getSession().invalidate(); // the next connection does a full handshake, not a resumption
      String text = answer.toString(StandardCharsets.UTF_8);
      if (!text.startsWith("HTTP/1.1 200") || !text.contains("\"access_token\"")) {
        throw new IllegalStateException("token answered: " + text.lines().findFirst().orElse(""));
      }
    } catch (IOException e) {
      throw new IllegalStateException("request failed: " + e, e);
    }
  }

  /** Raw ES256 signatures per second: Nimbus + BouncyCastle as the key ring signs, and JCA SunEC. */
  private void measureRawSigning() throws Exception {
    int seconds = intOption("sign-seconds", 5);
    int cores = Runtime.getRuntime().availableProcessors();
    byte[] input = new byte[430];
    java.util.Arrays.fill(input, (byte) 'e');
    KeyPairGenerator bc = KeyPairGenerator.getInstance("EC", BC);
    bc.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair bcKey = bc.generateKeyPair();
    KeyPairGenerator sun = KeyPairGenerator.getInstance("EC", "SunEC");
    sun.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair sunKey = sun.generateKeyPair();
    JWSHeader header = new JWSHeader(JWSAlgorithm.ES256);
    Map<String, Workers.Op> signers = new LinkedHashMap<>();
    signers.put("ES256 sign, BouncyCastle via Nimbus ECDSASigner (the server's key ring)", () -> {
      try {
        ECDSASigner s = new ECDSASigner(bcKey.getPrivate(), Curve.P_256);
        s.getJCAContext().setProvider(BC);
        Base64URL sig = s.sign(header, input);
        if (sig.decode().length != 64) {
          throw new IllegalStateException("bad signature length");
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    signers.put("ES256 sign, SunEC (JCA, P1363 format)", () -> {
      try {
        java.security.Signature s = java.security.Signature.getInstance("SHA256withECDSAinP1363Format", "SunEC");
        s.initSign(sunKey.getPrivate());
        s.update(input);
        s.sign();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (Map.Entry<String, Workers.Op> e : signers.entrySet()) {
      Workers.run(1, 2, Long.MAX_VALUE, t -> e.getValue()); // warm-up
      for (int n : cores > 1 ? List.of(1, cores) : List.of(1)) {
        AtomicLong cpu = new AtomicLong();
        String loadBefore = MachineFacts.loadAverage();
        Workers.Result r = Workers.run(n, seconds, Long.MAX_VALUE, t -> () -> {
          long c0 = threads.getCurrentThreadCpuTime();
          e.getValue().run();
          cpu.addAndGet(threads.getCurrentThreadCpuTime() - c0);
        });
        double perCpuSecond = r.ops() / Math.max(1e-9, cpu.get() / 1e9);
        rows.add(new String[] {e.getKey(), Workers.fmt(r.perSecond()), "signatures/s", Integer.toString(n)});
        rows.add(new String[] {e.getKey() + ", per CPU-second of the signing threads", Workers.fmt(perCpuSecond),
            "signatures/CPU-s", Integer.toString(n)});
        Workers.log(String.format(Locale.ROOT, "%s, %d thread(s): %.0f/s, %.0f per CPU-second, load %s -> %s",
            e.getKey(), n, r.perSecond(), perCpuSecond, loadBefore, MachineFacts.loadAverage()));
      }
    }
    notes.add("raw signing: " + seconds + " s per measurement after 2 s of warm-up, before the server started; "
        + "the per-CPU-second rate counts only the signing threads' own CPU time (close to the rate on an idle core)");
  }

  private JsonNode post(String path, Map<String, ?> body, int expected) throws Exception {
    HttpResponse<byte[]> r = admin.send(HttpRequest.newBuilder(base.resolve(path))
        .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != expected) {
      throw new IllegalStateException("POST " + path + " answered " + r.statusCode() + ": "
          + new String(r.body(), StandardCharsets.UTF_8));
    }
    return JSON.readTree(r.body());
  }

  private void printReport() {
    Workers.report("Bindery token bench: client_credentials over mutual TLS", rows, notes);
  }
}
