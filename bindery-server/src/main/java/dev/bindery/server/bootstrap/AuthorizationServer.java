package dev.bindery.server.bootstrap;

import dev.bindery.credential.CredentialService;
import dev.bindery.credential.LeakedAccessTokens;
import dev.bindery.oauth.AccessTokenLeaks;
import dev.bindery.identity.Scope;
import dev.bindery.oauth.AccessTokenVerifier;
import dev.bindery.oauth.ClientAuthentication;
import dev.bindery.oauth.DpopNonces;
import dev.bindery.oauth.DpopProofVerifier;
import dev.bindery.oauth.DpopReplayCache;
import dev.bindery.oauth.PrivateKeyJwtAuthenticator;
import dev.bindery.oauth.ResourceServerCallers;
import dev.bindery.oauth.SelfSignedTlsClientAuthenticator;
import dev.bindery.oauth.TlsClientAuthenticator;
import dev.bindery.oauth.TokenEndpoint;
import dev.bindery.oauth.TokenIntrospection;
import dev.bindery.oauth.TokenRevocation;
import dev.bindery.oauth.TokenService;
import dev.bindery.operator.OperatorService;
import dev.bindery.pki.CertificateAuthority;
import dev.bindery.revocation.RevocationFeed;
import dev.bindery.security.Authorizer;
import dev.bindery.security.SecretSealer;
import dev.bindery.server.config.BinderyConfig;
import dev.bindery.server.http.Route;
import dev.bindery.server.http.TokenAdminRoutes;
import dev.bindery.server.oauth.OAuthMetrics;
import dev.bindery.server.oauth.OAuthRoutes;
import dev.bindery.server.oauth.RevocationRoutes;
import dev.bindery.server.oauth.TokenStatusRoutes;
import dev.bindery.server.tls.ClientCertificates;
import dev.bindery.store.AuditedTransactor;
import dev.bindery.store.Transactor;
import dev.bindery.token.AccessTokenIssuer;
import dev.bindery.token.KeyRing;
import dev.bindery.token.KeyRingSettings;
import dev.bindery.token.ResourceServerService;
import dev.bindery.token.TokenPolicyService;
import dev.bindery.token.TokenRevocationService;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The authorization server of one node (issue 4), wired from the core: the signing key ring (loaded, and rotated
 * when due, before the listener starts; then refreshed on a timer), client authentication by the mutual TLS methods
 * and private_key_jwt (whose expired jti records are pruned on the revocation feed's timer),
 * DPoP verification with nonces derived from the master key, the client_credentials grant, the routes (OAuth
 * endpoints and token administration), and the recognition of its access tokens in leak reports.
 */
final class AuthorizationServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AuthorizationServer.class);
  /** The label of the DPoP nonce key derived from the master key (the same on every node). */
  static final String DPOP_NONCE_KEY_LABEL = "bindery dpop nonce key v1";
  /** A DPoP nonce is valid for one to two of these windows. */
  static final Duration DPOP_NONCE_WINDOW = Duration.ofSeconds(60);
  /** DPoP proofs remembered per node; beyond this, new proofs are refused until old ones expire (fail closed). */
  static final int DPOP_REPLAY_CAPACITY = 500_000;

  /** How often retained revocation events older than the retention are deleted. */
  static final Duration REVOCATION_PRUNE_INTERVAL = Duration.ofMinutes(5);

  private final KeyRing keyRing;
  private final RevocationFeed revocationFeed;
  private final Transactor store;
  private final Clock clock;
  private final List<Route> routes;
  private final AtomicReference<URI> publicUrl;
  private final LeakedAccessTokens leakedAccessTokens;
  private final Supplier<URI> issuerUrl;
  private ScheduledExecutorService refresh;

  private AuthorizationServer(KeyRing keyRing, RevocationFeed revocationFeed, Transactor store, Clock clock,
      List<Route> routes, AtomicReference<URI> publicUrl, LeakedAccessTokens leakedAccessTokens,
      Supplier<URI> issuerUrl) {
    this.keyRing = keyRing;
    this.revocationFeed = revocationFeed;
    this.store = store;
    this.clock = clock;
    this.routes = routes;
    this.publicUrl = publicUrl;
    this.leakedAccessTokens = leakedAccessTokens;
    this.issuerUrl = issuerUrl;
  }

  /**
   * @param nonceKey the DPoP nonce key derived from the master key ({@link #DPOP_NONCE_KEY_LABEL}); zeroed here
   * @param clientCertificates how the endpoints read the client's certificate (TLS, or a trusted proxy's header)
   * @param scopeMinLevel the lowest identity assurance level a scope is granted at (the re-binding policy's
   *     {@code scope_min_level})
   */
  static AuthorizationServer create(BinderyConfig config, AuditedTransactor tx, Authorizer authz, SecretSealer sealer,
      byte[] nonceKey, CredentialService credentials, OperatorService operators, CertificateAuthority ca,
      ClientCertificates clientCertificates, MeterRegistry registry, Clock clock, SecureRandom random,
      ToIntFunction<Scope> scopeMinLevel) {
    BinderyConfig.OAuthConfig oauth = config.oauth();
    AtomicReference<URI> publicUrl = new AtomicReference<>(oauth.publicUrl());
    // until the listener is bound (port 0 is resolved at start), the configured listener address stands in
    Supplier<URI> issuerUrl = () -> Objects.requireNonNullElseGet(publicUrl.get(), () -> URI.create(config.url()));
    KeyRing keyRing = new KeyRing(tx.transactor(), sealer, clock,
        KeyRingSettings.of(oauth.signingKeyRotation(), oauth.tokens().maxLifetime()), random);
    keyRing.refresh();
    OAuthMetrics metrics = new OAuthMetrics(registry);
    ClientAuthentication clients = new ClientAuthentication(List.of(
        new TlsClientAuthenticator(credentials, ca, clock),
        new SelfSignedTlsClientAuthenticator(credentials, tx.transactor(), clock),
        new PrivateKeyJwtAuthenticator(credentials, tx.transactor(), clock, () -> issuerUrl.get().toString(),
            OAuthRoutes.TOKEN_PATH)));
    DpopProofVerifier dpop = new DpopProofVerifier(clock, oauth.dpopWindow(),
        new DpopNonces(nonceKey, DPOP_NONCE_WINDOW, clock), oauth.dpopNonceRequired(),
        new DpopReplayCache(oauth.dpopWindow().multipliedBy(2), DPOP_REPLAY_CAPACITY));
    Arrays.fill(nonceKey, (byte) 0);
    TokenService tokens = new TokenService(tx.transactor(), new AccessTokenIssuer(keyRing, random), oauth.tokens(),
        clock, () -> issuerUrl.get().toString(), scopeMinLevel);
    List<Route> routes = new ArrayList<>(new TokenAdminRoutes(new ResourceServerService(tx, authz),
        new TokenPolicyService(tx, authz, oauth.tokens()), new TokenRevocationService(tx, authz)).routes());
    routes.addAll(new OAuthRoutes(new TokenEndpoint(clients, dpop, tokens, metrics), keyRing, issuerUrl,
        clientCertificates, metrics).routes());
    RevocationFeed feed = new RevocationFeed(tx.transactor(), clock, oauth.tokens().maxLifetime());
    ResourceServerCallers callers = new ResourceServerCallers(operators, authz, credentials, clock);
    routes.addAll(new RevocationRoutes(feed, callers, clientCertificates).routes());
    AccessTokenVerifier verifier = new AccessTokenVerifier(keyRing, clock, () -> issuerUrl.get().toString());
    routes.addAll(new TokenStatusRoutes(new TokenIntrospection(verifier, tx.transactor()), callers,
        new TokenRevocation(verifier, tx.transactor(), clock), clients, clientCertificates).routes());
    return new AuthorizationServer(keyRing, feed, tx.transactor(), clock, List.copyOf(routes), publicUrl,
        new AccessTokenLeaks(verifier), issuerUrl);
  }

  /** Recognises this server's access tokens in leak reports (the credential service asks it). */
  LeakedAccessTokens leakedAccessTokens() {
    return leakedAccessTokens;
  }

  KeyRing keyRing() {
    return keyRing;
  }

  /** The revocation feed; the store wakes it after committing an event ({@link RevocationFeed#wake}). */
  RevocationFeed revocationFeed() {
    return revocationFeed;
  }

  List<Route> routes() {
    return routes;
  }

  /**
   * The base URL clients use: {@code bindery.public-url}, or the listener once bound (the issuer). Links Bindery
   * hands out, such as a notification's disavow link, are built on it.
   */
  URI publicUrl() {
    return issuerUrl.get();
  }

  /**
   * The listener is bound at {@code listener}: without a configured public URL it becomes the issuer. Starts the
   * timer that reloads (and rotates, when due) the signing keys, so that an idle node's JWKS stays current.
   */
  void started(URI listener) {
    if (publicUrl.compareAndSet(null, listener)) {
      LOG.info("event=oauth_issuer_derived issuer={} (set {} to the URL clients use)", listener,
          BinderyConfig.PUBLIC_URL);
    }
    long period = keyRing.settings().reloadInterval().toMillis();
    refresh = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bindery-key-ring");
      t.setDaemon(true);
      return t;
    });
    refresh.scheduleWithFixedDelay(() -> {
      try {
        keyRing.refresh();
      } catch (RuntimeException e) {
        LOG.warn("event=key_ring_refresh_failed exception={}", e.getClass().getName(), e);
      }
    }, period, period, TimeUnit.MILLISECONDS);
    long prune = REVOCATION_PRUNE_INTERVAL.toMillis();
    refresh.scheduleWithFixedDelay(() -> {
      try {
        int dropped = revocationFeed.prune();
        if (dropped > 0) {
          LOG.info("event=revocation_events_pruned count={}", dropped);
        }
      } catch (RuntimeException e) {
        LOG.warn("event=revocation_prune_failed exception={}", e.getClass().getName(), e);
      }
    }, prune, prune, TimeUnit.MILLISECONDS);
    refresh.scheduleWithFixedDelay(this::pruneClientAssertions, prune, prune, TimeUnit.MILLISECONDS);
  }

  /** Deletes the jti records of expired private_key_jwt client assertions (they can no longer be replayed). */
  int pruneClientAssertions() {
    try {
      int dropped = store.inTransaction(t -> t.clientAssertions().deleteExpired(clock.instant()));
      if (dropped > 0) {
        LOG.info("event=client_assertions_pruned count={}", dropped);
      }
      return dropped;
    } catch (RuntimeException e) {
      LOG.warn("event=client_assertion_prune_failed exception={}", e.getClass().getName(), e);
      return 0;
    }
  }

  @Override
  public void close() {
    revocationFeed.close();
    if (refresh != null) {
      refresh.shutdownNow();
    }
  }
}
