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
import dev.bindery.client.tls.Pem;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * <p>Run: {@code examples/resource-server/run --issuer https://localhost:8443 --audience https://localhost:9443
 * --ca-file bindery-ca.pem --client-ca-file identity-ca.pem --tls-cert rs.pem --tls-key rs.key --port 9443}.
 * The revocation feed is not consumed (the verifier is built {@code withoutRevocationFeed()}): a revoked token
 * stays accepted until it expires.
 */
public final class ExampleResourceServer implements AutoCloseable {
  private final HttpsServer server;
  private final BinderyTokenVerifier verifier;
  private final String audience;

  /** Settings; every path is a PEM file. */
  public record Settings(String issuer, String audience, Path issuerCaFile, Path clientCaFile, Path tlsCert,
      Path tlsKey, String host, int port) {}

  private ExampleResourceServer(Settings s) throws Exception {
    this.audience = s.audience();
    this.verifier = BinderyTokenVerifier.builder().issuer(s.issuer()).audience(s.audience())
        .trustedCaFile(s.issuerCaFile()).withoutRevocationFeed().build();
    this.server = HttpsServer.create(new InetSocketAddress(s.host(), s.port()), 0);
    SSLContext tls = listenerContext(s);
    server.setHttpsConfigurator(new HttpsConfigurator(tls) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters parameters = getSSLContext().getDefaultSSLParameters();
        parameters.setWantClientAuth(true);   // requested, not required: the verifier decides
        params.setSSLParameters(parameters);
      }
    });
    server.createContext("/hello", this::hello);
    server.start();
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

  @Override
  public void close() {
    server.stop(0);
  }

  /** {@code --issuer URL --audience AUD --ca-file F --client-ca-file F --tls-cert F --tls-key F [--port N]}. */
  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i], args[i + 1]);
    }
    for (String required : List.of("--issuer", "--audience", "--ca-file", "--client-ca-file", "--tls-cert",
        "--tls-key")) {
      if (!a.containsKey(required) || args.length % 2 != 0) {
        System.err.println("usage: run --issuer URL --audience AUD --ca-file BINDERY_TLS_CA.pem --client-ca-file"
            + " IDENTITY_CA.pem --tls-cert CERT.pem --tls-key KEY.pem [--port 9443] [--host 127.0.0.1]");
        System.exit(2);
      }
    }
    ExampleResourceServer s = start(new Settings(a.get("--issuer"), a.get("--audience"),
        Path.of(a.get("--ca-file")), Path.of(a.get("--client-ca-file")), Path.of(a.get("--tls-cert")),
        Path.of(a.get("--tls-key")), a.getOrDefault("--host", "127.0.0.1"),
        Integer.parseInt(a.getOrDefault("--port", "9443"))));
    System.out.println("event=example_resource_server_started url=https://" + a.getOrDefault("--host", "127.0.0.1")
        + ":" + s.port() + "/hello audience=" + a.get("--audience"));
  }
}
