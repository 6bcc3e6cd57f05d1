package dev.bindery.client.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.bindery.client.jose.Thumbprints;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * A stand-in Bindery authorization server on 127.0.0.1 (HTTPS, client certificate requested but not
 * required) implementing the issue-4 contract of docs/api.md as far as the SDK uses it: RFC 8414 metadata,
 * JWKS with rotation, a {@code client_credentials} token endpoint (mutual TLS or private_key_jwt; DPoP with
 * optional nonce), and the long-polling revocation feed. It counts and records requests so tests can
 * assert what the SDK sent and how often.
 */
public final class FakeIssuer implements AutoCloseable {
  public static final String AUDIENCE = "https://orders.example";
  public static final String OPERATOR_TOKEN = "bnd_op_feed_test_token";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A token request as received. */
  public record TokenRequest(String path, Map<String, List<String>> form, String dpop, boolean clientCertificate) {
    public String first(String name) {
      List<String> v = form.get(name);
      return v == null ? null : v.get(0);
    }
  }

  /** A scripted answer for the next token request. */
  public record Reply(int status, String json, Map<String, String> headers) {}

  private record Event(long seq, String type, String value, Instant at) {}

  private final HttpsServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fake-issuer");
    t.setDaemon(true);
    return t;
  });
  private final TestPki pki;
  private final Clock clock;
  private final Map<String, KeyPair> keys = new ConcurrentHashMap<>();
  private final List<String> published = new CopyOnWriteArrayList<>();
  private volatile String currentKid;
  private final AtomicInteger kidCounter = new AtomicInteger();

  public final AtomicInteger metadataHits = new AtomicInteger();
  public final AtomicInteger jwksHits = new AtomicInteger();
  public final AtomicInteger attackerHits = new AtomicInteger();
  public final AtomicInteger feedHits = new AtomicInteger();
  public final List<String> feedQueries = new CopyOnWriteArrayList<>();
  private final List<String> scriptedFeedReplies = new CopyOnWriteArrayList<>();
  public final List<TokenRequest> tokenRequests = new CopyOnWriteArrayList<>();
  private final List<Reply> scriptedReplies = new CopyOnWriteArrayList<>();
  private final Map<String, ECPublicKey> assertionKeys = new ConcurrentHashMap<>();
  private volatile String requiredDpopNonce;
  private volatile long tokenLifetimeSeconds = 300;
  private volatile boolean issueUnboundForDpop;

  private final Object feedMonitor = new Object();
  private final List<Event> events = new ArrayList<>();
  private long lastSeq;
  private volatile int feedFailuresLeft;
  private volatile long retentionSeconds = 3600;

  public FakeIssuer(TestPki pki, Clock clock) throws IOException {
    this.pki = pki;
    this.clock = clock;
    rotate();
    server = HttpsServer.create(new InetSocketAddress(TestPki.loopback(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(pki.serverContext(List.of(pki.ca()))) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters p = getSSLContext().getDefaultSSLParameters();
        p.setWantClientAuth(true);
        params.setSSLParameters(p);
      }
    });
    server.setExecutor(executor);
    server.createContext("/.well-known/oauth-authorization-server", this::metadata);
    server.createContext("/oauth2/jwks", this::jwks);
    server.createContext("/oauth2/token", this::token);
    server.createContext("/mtls/oauth2/token", this::token);
    server.createContext("/oauth2/revocations", this::revocations);
    server.createContext("/attacker/jwks", this::attacker);
    server.start();
  }

  public String issuer() {
    return "https://127.0.0.1:" + server.getAddress().getPort();
  }

  public URI tokenEndpoint() {
    return URI.create(issuer() + "/oauth2/token");
  }

  public URI mtlsTokenEndpoint() {
    return URI.create(issuer() + "/mtls/oauth2/token");
  }

  public String attackerJwksUrl() {
    return issuer() + "/attacker/jwks";
  }

  // ---- keys

  /** Publishes a new key and signs with it from now on; returns its kid. */
  public String rotate() {
    String kid = "key-" + kidCounter.incrementAndGet();
    keys.put(kid, TestPki.ecKey());
    published.add(kid);
    currentKid = kid;
    return kid;
  }

  /** Publishes a key that does not sign yet (the "next" slot). */
  public String publishNext() {
    String kid = "key-" + kidCounter.incrementAndGet();
    keys.put(kid, TestPki.ecKey());
    published.add(kid);
    return kid;
  }

  /** Publishes a second, different key under an existing kid (an ambiguous JWKS). */
  public void publishDuplicateOf(String kid) {
    String twin = kid + "#twin";
    keys.put(twin, TestPki.ecKey());
    published.add(twin);
  }

  public void useKey(String kid) {
    currentKid = kid;
  }

  /** Removes a key from the JWKS. */
  public void withdraw(String kid) {
    published.remove(kid);
  }

  public String currentKid() {
    return currentKid;
  }

  public PrivateKey currentPrivateKey() {
    return keys.get(currentKid).getPrivate();
  }

  public ECKey publicJwk(String kid) {
    return new ECKey.Builder(Curve.P_256, (ECPublicKey) keys.get(kid).getPublic()).keyID(kid)
        .algorithm(JWSAlgorithm.ES256).keyUse(com.nimbusds.jose.jwk.KeyUse.SIGNATURE).build();
  }

  public TokenMint mint() {
    return TokenMint.accessToken(this, clock.instant());
  }

  // ---- token endpoint behaviour

  public void requireDpopNonce(String nonce) {
    this.requiredDpopNonce = nonce;
  }

  public void tokenLifetime(Duration lifetime) {
    this.tokenLifetimeSeconds = lifetime.toSeconds();
  }

  public void scriptTokenReply(int status, String json, Map<String, String> headers) {
    scriptedReplies.add(new Reply(status, json, headers));
  }

  public void registerAssertionKey(String kid, ECPublicKey key) {
    assertionKeys.put(kid, key);
  }

  /** Misbehaves: answers a DPoP token request with an unbound Bearer token. */
  public void issueUnboundForDpop() {
    this.issueUnboundForDpop = true;
  }

  // ---- revocation feed

  public long publishRevocation(String type, String value, Instant at) {
    synchronized (feedMonitor) {
      long seq = ++lastSeq;
      events.add(new Event(seq, type, value, at));
      feedMonitor.notifyAll();
      return seq;
    }
  }

  /** The next feed answer is this body (HTTP 200), whatever the events. */
  public void scriptFeedReply(String json) {
    scriptedFeedReplies.add(json);
  }

  public void failFeed(int times) {
    this.feedFailuresLeft = times;
  }

  public void retention(Duration retention) {
    this.retentionSeconds = retention.toSeconds();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  // ---- handlers

  private void metadata(HttpExchange ex) throws IOException {
    metadataHits.incrementAndGet();
    Map<String, Object> md = new LinkedHashMap<>();
    md.put("issuer", issuer());
    md.put("token_endpoint", tokenEndpoint().toString());
    md.put("jwks_uri", issuer() + "/oauth2/jwks");
    md.put("introspection_endpoint", issuer() + "/oauth2/introspect");
    md.put("revocation_endpoint", issuer() + "/oauth2/revoke");
    md.put("grant_types_supported", List.of("client_credentials"));
    md.put("token_endpoint_auth_methods_supported",
        List.of("tls_client_auth", "self_signed_tls_client_auth", "private_key_jwt"));
    md.put("tls_client_certificate_bound_access_tokens", true);
    md.put("dpop_signing_alg_values_supported", List.of("ES256", "ES384", "RS256", "PS256"));
    md.put("mtls_endpoint_aliases", Map.of("token_endpoint", mtlsTokenEndpoint().toString()));
    json(ex, 200, md, Map.of());
  }

  private void jwks(HttpExchange ex) throws IOException {
    jwksHits.incrementAndGet();
    List<Object> list = new ArrayList<>();
    for (String kid : published) {
      Map<String, Object> jwk = new LinkedHashMap<>(publicJwk(kid).toJSONObject());
      jwk.put("kid", kid.replace("#twin", ""));
      list.add(jwk);
    }
    json(ex, 200, Map.of("keys", list), Map.of("Cache-Control", "max-age=60"));
  }

  private void attacker(HttpExchange ex) throws IOException {
    attackerHits.incrementAndGet();
    json(ex, 200, Map.of("keys", List.of()), Map.of());
  }

  private void token(HttpExchange ex) throws IOException {
    Map<String, List<String>> form = form(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    X509Certificate peer = peerCertificate(ex);
    String dpop = ex.getRequestHeaders().getFirst("DPoP");
    tokenRequests.add(new TokenRequest(ex.getRequestURI().getPath(), form, dpop, peer != null));
    if (!scriptedReplies.isEmpty()) {
      Reply reply = scriptedReplies.remove(0);
      send(ex, reply.status(), reply.json().getBytes(StandardCharsets.UTF_8), reply.headers());
      return;
    }
    String clientId = first(form, "client_id");
    if (!"client_credentials".equals(first(form, "grant_type")) || clientId == null) {
      oauthError(ex, 400, "invalid_request", Map.of());
      return;
    }
    String assertion = first(form, "client_assertion");
    if (assertion != null) {
      if (!assertionValid(assertion, clientId)) {
        oauthError(ex, 401, "invalid_client", Map.of());
        return;
      }
    } else if (peer == null) {
      oauthError(ex, 401, "invalid_client", Map.of());
      return;
    }
    String jkt = null;
    if (dpop != null) {
      URI endpoint = URI.create(issuer() + ex.getRequestURI().getPath());
      String checked = checkProof(dpop, endpoint);
      if (checked == null) {
        oauthError(ex, 400, "invalid_dpop_proof", Map.of());
        return;
      }
      if (checked.startsWith("nonce:")) {
        oauthError(ex, 400, "use_dpop_nonce", Map.of("DPoP-Nonce", requiredDpopNonce));
        return;
      }
      jkt = checked;
    }
    Instant now = clock.instant();
    TokenMint mint = TokenMint.accessToken(this, now).lifetime(now, tokenLifetimeSeconds)
        .claim("sub", clientId).claim("client_id", clientId);
    String scope = first(form, "scope");
    if (scope != null) {
      mint.claim("scope", scope);
    }
    List<String> resources = form.get("resource");
    if (resources != null) {
      mint.claim("aud", resources.size() == 1 ? resources.get(0) : resources);
    }
    String type = "Bearer";
    if (jkt != null && !issueUnboundForDpop) {
      mint.boundToKey(jkt);
      type = "DPoP";
    } else if (peer != null) {
      mint.boundTo(peer);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("access_token", mint.sign());
    body.put("token_type", type);
    body.put("expires_in", tokenLifetimeSeconds);
    body.put("scope", scope == null ? "orders.read orders.write" : scope);
    json(ex, 200, body, Map.of("Cache-Control", "no-store"));
  }

  /** The proof's jkt; "nonce:" if the nonce is missing or wrong; null if invalid. */
  private String checkProof(String proof, URI endpoint) {
    try {
      SignedJWT jwt = SignedJWT.parse(proof);
      JWK jwk = jwt.getHeader().getJWK();
      if (jwk == null || jwk.isPrivate() || !"dpop+jwt".equals(jwt.getHeader().getType().getType())
          || !jwt.verify(new ECDSAVerifier(jwk.toECKey()))) {
        return null;
      }
      JWTClaimsSet c = jwt.getJWTClaimsSet();
      if (!"POST".equals(c.getStringClaim("htm")) || !endpoint.toString().equals(c.getStringClaim("htu"))
          || c.getJWTID() == null || c.getIssueTime() == null) {
        return null;
      }
      if (requiredDpopNonce != null && !requiredDpopNonce.equals(c.getStringClaim("nonce"))) {
        return "nonce:";
      }
      return Thumbprints.jkt(jwk);
    } catch (Exception e) {
      return null;
    }
  }

  private boolean assertionValid(String assertion, String clientId) {
    try {
      SignedJWT jwt = SignedJWT.parse(assertion);
      ECPublicKey key = assertionKeys.get(jwt.getHeader().getKeyID());
      JWTClaimsSet c = jwt.getJWTClaimsSet();
      return key != null && jwt.verify(new ECDSAVerifier(key)) && clientId.equals(c.getIssuer())
          && clientId.equals(c.getSubject()) && c.getAudience().equals(List.of(issuer()))
          && c.getExpirationTime() != null && c.getJWTID() != null;
    } catch (Exception e) {
      return false;
    }
  }

  private void revocations(HttpExchange ex) throws IOException {
    feedHits.incrementAndGet();
    feedQueries.add(ex.getRequestURI().getRawQuery());
    boolean operator = ("Bearer " + OPERATOR_TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"));
    if (!operator && peerCertificate(ex) == null) {
      oauthError(ex, 401, "invalid_client", Map.of());
      return;
    }
    if (feedFailuresLeft > 0) {
      feedFailuresLeft--;
      send(ex, 503, "{}".getBytes(StandardCharsets.UTF_8), Map.of());
      return;
    }
    if (!scriptedFeedReplies.isEmpty()) {
      send(ex, 200, scriptedFeedReplies.remove(0).getBytes(StandardCharsets.UTF_8), Map.of());
      return;
    }
    Map<String, List<String>> query = form(ex.getRequestURI().getRawQuery());
    long since = Long.parseLong(first(query, "since"));
    long waitMillis = Long.parseLong(first(query, "wait")) * 1000;
    List<Map<String, Object>> out = new ArrayList<>();
    long next = since;
    synchronized (feedMonitor) {
      long deadline = System.currentTimeMillis() + waitMillis;
      while (lastSeq <= since && System.currentTimeMillis() < deadline) {
        try {
          feedMonitor.wait(Math.max(1, deadline - System.currentTimeMillis()));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      for (Event e : events) {
        if (e.seq() > since) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("seq", e.seq());
          m.put("type", e.type());
          m.put("value", e.value());
          m.put("at", e.at().toString());
          out.add(m);
          next = e.seq();
        }
      }
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("events", out);
    body.put("next_since", next);
    body.put("retention_seconds", retentionSeconds);
    json(ex, 200, body, Map.of());
  }

  // ---- plumbing

  private static X509Certificate peerCertificate(HttpExchange ex) {
    try {
      Certificate[] chain = ((HttpsExchange) ex).getSSLSession().getPeerCertificates();
      return chain.length == 0 ? null : (X509Certificate) chain[0];
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }

  private static Map<String, List<String>> form(String body) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (body == null || body.isEmpty()) {
      return out;
    }
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }
    return out;
  }

  private static String first(Map<String, List<String>> form, String name) {
    List<String> v = form.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  private static void oauthError(HttpExchange ex, int status, String error, Map<String, String> headers)
      throws IOException {
    json(ex, status, Map.of("error", error, "error_description", error.replace('_', ' ')), headers);
  }

  private static void json(HttpExchange ex, int status, Object body, Map<String, String> headers)
      throws IOException {
    send(ex, status, JSON.writeValueAsBytes(body), headers);
  }

  private static void send(HttpExchange ex, int status, byte[] body, Map<String, String> headers)
      throws IOException {
    ex.getResponseHeaders().set("Content-Type", "application/json");
    headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
    ex.sendResponseHeaders(status, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }
}
