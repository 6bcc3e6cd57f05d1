package dev.bindery.example.resourceserver;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.bindery.client.resource.BinderyTokenVerifier;
import dev.bindery.client.resource.RequestFacts;
import dev.bindery.client.resource.TokenRejection;
import dev.bindery.client.resource.VerificationResult;
import dev.bindery.client.resource.VerifiedAccessToken;
import dev.bindery.client.revocation.RevocationFeed;
import dev.bindery.client.tls.Pem;
import dev.bindery.client.tls.TlsContexts;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManagerFactory;

/**
 * A resource server that accepts Bindery access tokens: {@code GET /hello} answers the verified subject and
 * scopes as JSON, or the RFC 6750 refusal ({@code WWW-Authenticate}, status, {@code error}) from
 * {@link BinderyTokenVerifier}. The TLS listener asks for (does not require) a client certificate from Bindery's
 * identity CA, so a certificate-bound token works only from the connection that presents its certificate.
 *
 * <p>It follows Bindery's revocation feed ({@code GET /oauth2/revocations}, long poll), so a token revoked by its
 * holder, or one whose certificate, key or identity is revoked, suspended or retired, is refused as soon as the
 * feed delivers the event (milliseconds on a quiet machine). The feed is read with this resource server's own
 * Bindery certificate (an identity holding the {@code introspect} scope) or an operator token; without the feed
 * (an explicit choice) a revoked token stays accepted until it expires. While the feed is not current (no answer
 * for 60 s) every token is refused with 503 {@code temporarily_unavailable}.
 *
 * <p>Run: {@code examples/resource-server/run --issuer https://localhost:8443 --audience https://localhost:9443
 * --ca-file bindery-ca.pem --client-ca-file identity-ca.pem --tls-cert rs.pem --tls-key rs.key
 * --feed-key orders-api.key --feed-cert orders-api.pem --port 9443}.
 */
public final class ExampleResourceServer implements AutoCloseable {
  private final HttpsServer server;
  private final BinderyTokenVerifier verifier;
  private final RevocationFeed feed;
  private final String audience;

  /** Settings; every path is a PEM file except the operator token file of {@link FeedAccess.OperatorToken}. */
  public record Settings(String issuer, String audience, Path issuerCaFile, Path clientCaFile, Path tlsCert,
      Path tlsKey, String host, int port, FeedAccess feedAccess) {
    public Settings {
      Objects.requireNonNull(issuer, "issuer");
      Objects.requireNonNull(audience, "audience");
      Objects.requireNonNull(issuerCaFile, "issuerCaFile");
      Objects.requireNonNull(clientCaFile, "clientCaFile");
      Objects.requireNonNull(tlsCert, "tlsCert");
      Objects.requireNonNull(tlsKey, "tlsKey");
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(feedAccess, "feedAccess: choose FeedAccess.none() explicitly to go without the feed");
    }
  }

  /** How the example authenticates to the revocation feed, or that it goes without it. */
  public sealed interface FeedAccess {
    /** This resource server's Bindery certificate and key (an active identity with the introspect scope). */
    record IdentityCertificate(Path key, Path certificate) implements FeedAccess {
      public IdentityCertificate {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(certificate, "certificate");
      }
    }

    /** A file holding an operator API token (any role but leak_reporter). */
    record OperatorToken(Path tokenFile) implements FeedAccess {
      public OperatorToken {
        Objects.requireNonNull(tokenFile, "tokenFile");
      }
    }

    /** No feed: a revoked token stays accepted until it expires. */
    record None() implements FeedAccess {}

    static FeedAccess none() {
      return new None();
    }

    /** The name printed at start. */
    default String label() {
      if (this instanceof IdentityCertificate) {
        return "identity_certificate";
      }
      return this instanceof OperatorToken ? "operator_token" : "none";
    }
  }

  private ExampleResourceServer(Settings s) throws Exception {
    this.audience = s.audience();
    SSLContext issuerTls = s.feedAccess() instanceof FeedAccess.IdentityCertificate c
        ? TlsContexts.mutualTls(c.key(), c.certificate(), s.issuerCaFile())
        : TlsContexts.trusting(s.issuerCaFile());
    this.feed = revocationFeed(s, issuerTls);
    try {
      BinderyTokenVerifier.Builder verifierSettings = BinderyTokenVerifier.builder().issuer(s.issuer())
          .audience(s.audience()).sslContext(issuerTls);
      this.verifier = (feed == null ? verifierSettings.withoutRevocationFeed()
          : verifierSettings.revocationFeed(feed)).build();
      this.server = HttpsServer.create(new InetSocketAddress(s.host(), s.port()), 0);
      server.setHttpsConfigurator(new HttpsConfigurator(listenerContext(s)) {
        @Override
        public void configure(HttpsParameters params) {
          SSLParameters parameters = getSSLContext().getDefaultSSLParameters();
          parameters.setWantClientAuth(true);   // requested, not required: the verifier decides
          params.setSSLParameters(parameters);
        }
      });
      server.createContext("/hello", this::hello);
      server.start();
    } catch (Exception | Error e) {
      if (feed != null) {
        feed.close();
      }
      throw e;
    }
  }

  /**
   * The feed, caught up once before the listener opens (wrong credentials or an unreachable Bindery stop the
   * start here, rather than every request being refused later), then long-polling on a daemon thread.
   */
  private static RevocationFeed revocationFeed(Settings s, SSLContext issuerTls) {
    if (s.feedAccess() instanceof FeedAccess.None) {
      return null;
    }
    RevocationFeed.Builder settings = RevocationFeed.builder().issuer(s.issuer()).sslContext(issuerTls);
    if (s.feedAccess() instanceof FeedAccess.OperatorToken t) {
      settings.operatorToken(readToken(t.tokenFile()));
    }
    RevocationFeed feed = settings.build();
    try {
      feed.pollOnce();
    } catch (RuntimeException e) {
      feed.close();
      throw e;
    }
    feed.start();
    return feed;
  }

  private static String readToken(Path file) {
    String token;
    try {
      token = Files.readString(file, StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the operator token file " + file + ": " + e.getMessage());
    }
    if (token.isEmpty() || token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
      throw new IllegalArgumentException("the operator token file " + file + " does not hold one token");
    }
    return token;
  }

  public static ExampleResourceServer start(Settings settings) throws Exception {
    return new ExampleResourceServer(settings);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static SSLContext listenerContext(Settings s) throws Exception {
    char[] password = new char[0];
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("tls", Pem.readPrivateKey(s.tlsKey()), password,
        Pem.readCertificates(s.tlsCert()).toArray(new X509Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, password);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    int i = 0;
    for (X509Certificate ca : Pem.readCertificates(s.clientCaFile())) {
      trust.setCertificateEntry("ca" + i++, ca);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return context;
  }

  private void hello(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().add("Allow", "GET");
        send(exchange, 405, "{\"error\":\"method_not_allowed\"}");
        return;
      }
      RequestFacts facts = RequestFacts.builder("GET", audience + exchange.getRequestURI().getRawPath())
          .authorization(headers(exchange, "Authorization"))
          .dpop(headers(exchange, "DPoP"))
          .clientCertificate(clientCertificate(exchange))
          .build();
      VerificationResult result = verifier.verify(facts);
      if (result.isAccepted()) {
        VerifiedAccessToken token = result.token();
        send(exchange, 200, "{\"subject\":\"" + token.subject() + "\",\"scopes\":["
            + token.scopes().stream().sorted().map(s -> "\"" + s + "\"").collect(Collectors.joining(",")) + "]}");
      } else {
        TokenRejection refusal = result.rejection();
        refusal.wwwAuthenticate().forEach(v -> exchange.getResponseHeaders().add("WWW-Authenticate", v));
        send(exchange, refusal.status(), refusal.jsonBody());
      }
    }
  }

  private static List<String> headers(HttpExchange exchange, String name) {
    return new ArrayList<>(exchange.getRequestHeaders().getOrDefault(name, List.of()));
  }

  private static X509Certificate clientCertificate(HttpExchange exchange) {
    try {
      Certificate[] chain = ((HttpsExchange) exchange).getSSLSession().getPeerCertificates();
      return chain.length == 0 ? null : (X509Certificate) chain[0];
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }

  private static void send(HttpExchange exchange, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.getResponseHeaders().add("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /**
   * Waits until the revocation feed has applied the event with this sequence number (for tests: an event's
   * {@code seq} from {@code GET /oauth2/revocations}); false on timeout or without a feed.
   */
  boolean awaitRevocationEvent(long seq, Duration timeout) throws InterruptedException {
    return feed != null && feed.awaitSequence(seq, timeout);
  }

  @Override
  public void close() {
    server.stop(0);
    if (feed != null) {
      feed.close();
    }
  }

  static final String USAGE = "usage: run --issuer URL --audience AUD --ca-file BINDERY_TLS_CA.pem"
      + " --client-ca-file IDENTITY_CA.pem --tls-cert CERT.pem --tls-key KEY.pem"
      + " (--feed-key KEY.pem --feed-cert CERT.pem | --feed-token-file FILE | --without-revocation-feed)"
      + " [--port 9443] [--host 127.0.0.1]";
  private static final Set<String> VALUE_OPTIONS = Set.of("--issuer", "--audience", "--ca-file", "--client-ca-file",
      "--tls-cert", "--tls-key", "--feed-key", "--feed-cert", "--feed-token-file", "--port", "--host");
  private static final String WITHOUT_FEED = "--without-revocation-feed";

  /**
   * The command line as {@link Settings}. Exactly one way to the revocation feed must be chosen: a certificate
   * ({@code --feed-key} with {@code --feed-cert}), an operator token ({@code --feed-token-file}), or, explicitly,
   * {@code --without-revocation-feed}.
   *
   * @throws IllegalArgumentException naming what is wrong: an unknown, repeated or missing option, an option
   *     without its value, a bad port, or not exactly one revocation feed choice
   */
  static Settings parse(String... args) {
    Map<String, String> a = new HashMap<>();
    boolean withoutFeed = false;
    for (int i = 0; i < args.length; i++) {
      String option = args[i];
      if (WITHOUT_FEED.equals(option)) {
        if (withoutFeed) {
          throw new IllegalArgumentException(option + " is given twice");
        }
        withoutFeed = true;
      } else if (VALUE_OPTIONS.contains(option)) {
        if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
          throw new IllegalArgumentException(option + " needs a value");
        }
        if (a.put(option, args[++i]) != null) {
          throw new IllegalArgumentException(option + " is given twice");
        }
      } else {
        throw new IllegalArgumentException("unknown option " + option);
      }
    }
    for (String required : List.of("--issuer", "--audience", "--ca-file", "--client-ca-file", "--tls-cert",
        "--tls-key")) {
      if (!a.containsKey(required)) {
        throw new IllegalArgumentException(required + " is required");
      }
    }
    if (a.containsKey("--feed-key") != a.containsKey("--feed-cert")) {
      throw new IllegalArgumentException("give --feed-key and --feed-cert together");
    }
    int choices = (a.containsKey("--feed-cert") ? 1 : 0) + (a.containsKey("--feed-token-file") ? 1 : 0)
        + (withoutFeed ? 1 : 0);
    if (choices != 1) {
      throw new IllegalArgumentException("choose one of --feed-key/--feed-cert, --feed-token-file or "
          + WITHOUT_FEED + " (without the revocation feed a revoked token stays accepted until it expires)");
    }
    FeedAccess feedAccess = withoutFeed ? FeedAccess.none()
        : a.containsKey("--feed-cert")
            ? new FeedAccess.IdentityCertificate(Path.of(a.get("--feed-key")), Path.of(a.get("--feed-cert")))
            : new FeedAccess.OperatorToken(Path.of(a.get("--feed-token-file")));
    String port = a.getOrDefault("--port", "9443");
    if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) > 65535) {
      throw new IllegalArgumentException("--port must be 0 to 65535, not " + port);
    }
    return new Settings(a.get("--issuer"), a.get("--audience"), Path.of(a.get("--ca-file")),
        Path.of(a.get("--client-ca-file")), Path.of(a.get("--tls-cert")), Path.of(a.get("--tls-key")),
        a.getOrDefault("--host", "127.0.0.1"), Integer.parseInt(port), feedAccess);
  }

  /** See {@link #USAGE}; exit code 2 for a bad command line, 1 when the start fails. */
  public static void main(String[] args) {
    Settings settings;
    try {
      settings = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    ExampleResourceServer s;
    try {
      s = start(settings);
    } catch (Exception e) {
      // SDK and JDK messages name the failing step and never carry a token or a key
      System.err.println("error: the example resource server did not start: " + e.getMessage());
      System.exit(1);
      return;
    }
    System.out.println("event=example_resource_server_started url=https://" + settings.host() + ":" + s.port()
        + "/hello audience=" + settings.audience() + " revocation_feed=" + settings.feedAccess().label()
        + (s.feed == null ? "" : " feed_next_since=" + s.feed.nextSince()));
  }
}
