package dev.bindery.server.bootstrap;

import dev.bindery.audit.AuditService;
import dev.bindery.change.AttestationVerifier;
import dev.bindery.change.ChangeRequestService;
import dev.bindery.change.RebindingPolicy;
import dev.bindery.credential.CredentialRevocationRegistry;
import dev.bindery.credential.CredentialService;
import dev.bindery.credential.LeakedAccessTokens;
import dev.bindery.history.IdentityHistory;
import dev.bindery.identity.IdentityService;
import dev.bindery.notify.DisavowHandler;
import dev.bindery.notify.NotificationService;
import dev.bindery.notify.NotificationSettings;
import dev.bindery.notify.RetrySchedule;
import dev.bindery.operator.IssuedToken;
import dev.bindery.operator.OperatorService;
import dev.bindery.pki.BcCertificateAuthority;
import dev.bindery.pki.RevocationRegistry;
import dev.bindery.security.Authorizer;
import dev.bindery.security.SecretSealer;
import dev.bindery.server.config.BinderyConfig;
import dev.bindery.server.config.ConfigException;
import dev.bindery.server.config.RebindingPolicyFile;
import dev.bindery.server.files.SecureFiles;
import dev.bindery.server.http.ApiApp;
import dev.bindery.server.http.ChangeRequestRoutes;
import dev.bindery.server.http.HttpMetrics;
import dev.bindery.server.http.NotificationRoutes;
import dev.bindery.server.http.PkiRoutes;
import dev.bindery.server.http.RouteTable;
import dev.bindery.server.http.SupportRoutes;
import dev.bindery.server.notify.NotificationMetrics;
import dev.bindery.server.notify.WebhookDispatcher;
import dev.bindery.server.store.Database;
import dev.bindery.server.store.JdbcCaMaterialStore;
import dev.bindery.server.store.JdbcSettings;
import dev.bindery.server.tls.ClientCertificates;
import dev.bindery.server.tls.DevCertificates;
import dev.bindery.server.tls.HttpsConnectors;
import dev.bindery.server.tls.PemFiles;
import dev.bindery.server.tls.TlsMaterial;
import dev.bindery.store.AuditedTransactor;
import dev.bindery.store.Transactor;
import dev.bindery.support.SupportCredentialDelivery;
import dev.bindery.support.SupportDisavowHandler;
import dev.bindery.support.SupportEnrolmentSources;
import dev.bindery.support.SupportOwnerNotifier;
import dev.bindery.support.SupportService;
import dev.bindery.token.TokenRevocationService;
import dev.bindery.token.KeyRing;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and stops one Bindery node: data directory, master key, database (migrated), core services, the first
 * admin on an empty database, and the HTTPS listener. The bootstrap admin's token is written only to
 * {@code bindery.bootstrap.token-file} (owner-only, atomically); logs and output name the file, never the token.
 */
public final class BinderyServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BinderyServer.class);
  public static final String BOOTSTRAP_ADMIN_NAME = "bootstrap admin";
  /** Long enough to set up real operators, short enough that a forgotten file stops mattering. */
  public static final Duration BOOTSTRAP_TOKEN_LIFETIME = Duration.ofDays(7);

  private final BinderyConfig config;
  private final Database database;
  private final Javalin javalin;
  private final ApiApp app;
  private final ServerConnector connector;
  private final TlsMaterial tls;
  private final boolean bootstrapped;
  private final BcCertificateAuthority identityCa;
  private final CredentialService credentials;
  private final AuthorizationServer oauth;
  private final NotificationService notifications;
  private final WebhookDispatcher dispatcher;
  private final Services services;
  private final Support support;

  /** The support desk's ports as wired on this node, and where a followed support link goes. */
  private record Support(SupportCredentialDelivery delivery, SupportOwnerNotifier notifier, DisavowRouter disavows) {}

  private BinderyServer(BinderyConfig config, Database database, Javalin javalin, ApiApp app,
      ServerConnector connector, TlsMaterial tls, boolean bootstrapped, BcCertificateAuthority identityCa,
      CredentialService credentials, AuthorizationServer oauth, NotificationService notifications,
      WebhookDispatcher dispatcher, Services services, Support support) {
    this.config = config;
    this.services = services;
    this.support = support;
    this.database = database;
    this.javalin = javalin;
    this.app = app;
    this.connector = connector;
    this.tls = tls;
    this.bootstrapped = bootstrapped;
    this.identityCa = identityCa;
    this.credentials = credentials;
    this.oauth = oauth;
    this.notifications = notifications;
    this.dispatcher = dispatcher;
  }

  /**
   * Starts a node. {@code clock} is {@link Clock#systemUTC()} in production and a controllable clock in tests.
   *
   * @throws ConfigException for a configuration problem (message names the key)
   */
  public static BinderyServer start(BinderyConfig config, Clock clock) {
    return start(config, clock, null);
  }

  /**
   * Starts a node whose followed disavow links call {@code disavowHandler}: null for the change-request engine
   * (cancel or revoke, then lock), a fake in tests.
   */
  public static BinderyServer start(BinderyConfig config, Clock clock, DisavowHandler disavowHandler) {
    return start(config, clock, disavowHandler, null);
  }

  /**
   * As {@link #start(BinderyConfig, Clock, DisavowHandler)}; with {@code disavowHandler} null, followed links of
   * change requests go to the change-request engine and links of support actions ({@code sup_...}) to
   * {@code supportDisavows} (null: the node's support desk, which reverts what the action did and locks the target;
   * a fake in tests).
   */
  public static BinderyServer start(BinderyConfig config, Clock clock, DisavowHandler disavowHandler,
      SupportDisavowHandler supportDisavows) {
    SecureRandom random = new SecureRandom();
    try {
      SecureFiles.ensureDirectory(config.dataDir());
    } catch (IOException e) {
      throw new ConfigException(BinderyConfig.DATA_DIR + ": cannot create " + config.dataDir() + ": " + e.getMessage(), e);
    }
    byte[] masterKey = MasterKey.loadOrCreate(config.masterKeyFile(),
        config.tlsMode() == BinderyConfig.TlsMode.DEV, random);
    SecretSealer sealer = new SecretSealer(masterKey, random);
    byte[] nonceKey = MasterKey.derive(masterKey, AuthorizationServer.DPOP_NONCE_KEY_LABEL);
    Arrays.fill(masterKey, (byte) 0);
    TlsMaterial tls = tlsMaterial(config);

    Database db = Database.open(new JdbcSettings(config.dbUrl(), config.dbUser(), config.dbPassword(),
        config.dbPoolSize()));
    AuthorizationServer oauth = null;
    try {
      // caches of store reads (certificate authentication, token policies) follow other nodes' changes
      db.watchOtherNodes();
      AuditedTransactor tx = new AuditedTransactor(db.transactor(), clock);
      Authorizer authz = new Authorizer(clock, config.stepUpWindow());
      OperatorService operators = new OperatorService(tx, authz, random, sealer, config.issuerLabel());
      AuditService audit = new AuditService(tx, authz);

      boolean bootstrapped = bootstrap(operators, config.bootstrapTokenFile());
      BcCertificateAuthority identityCa = IdentityCaBootstrap.start(config, new JdbcCaMaterialStore(db, clock), sealer,
          clock, random, URI.create(config.url()));
      TlsMaterial serverTls = tls.withIdentityCa(identityCa.root(), identityCa.intermediate());
      // forwarded chains get exactly the listener's validation
      ClientCertificates clientCertificates = new ClientCertificates(config.oauth().trustedProxies(),
          config.oauth().clientCertHeader(), serverTls.clientTrustManager());

      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      CredentialMetrics credentialMetrics = new CredentialMetrics(registry, clock);
      // the authorization server authenticates clients through the credential service, and leak reports recognise
      // its access tokens: bound once it exists, before the listener starts
      AtomicReference<LeakedAccessTokens> leakedTokens = new AtomicReference<>(LeakedAccessTokens.NONE);
      CredentialService credentials = new CredentialService(tx, authz, random, identityCa, credentialMetrics,
          value -> leakedTokens.get().recognise(value));
      credentialMetrics.bind(credentials);
      // re-binding: the policy file and the attestation vendor roots are read and checked before anything listens
      RebindingPolicy rebindingPolicy = RebindingPolicyFile.load(config.rebindingPolicyFile());
      AttestationVerifier attestation = new HardwareKeyAttestation(AttestationRoots.load(config, clock));
      // owners hear of re-bindings and locks through the notification outbox, bound below once it exists
      OwnerNotifications ownerNotifications = new OwnerNotifications();
      // retiring an identity revokes its credentials in the same transaction; a lock notifies the owners after it
      IdentityService identities = new IdentityService(tx, authz, random,
          credentials.lifecycleHook().andThen(ownerNotifications.lockHook()));
      // followed "this was not us" links: chg_ to the change-request engine, sup_ to the support desk (bound below)
      DisavowRouter disavowRouter = new DisavowRouter();
      if (supportDisavows != null) {
        disavowRouter.bindSupport(supportDisavows);
      }
      BinderyConfig.NotifyConfig notify = config.notifications();
      NotificationService notifications = new NotificationService(tx, authz, sealer, random,
          NotificationSettings.DEFAULT.withAllowLoopbackHttp(notify.allowLoopbackHttp())
              .withRetries(RetrySchedule.DEFAULT.withMaxAttempts(notify.maxAttempts())),
          disavowHandler != null ? disavowHandler : disavowRouter);
      ownerNotifications.bind(notifications);
      // the support desk's temporary credentials, delivered sealed in the owners' webhook notifications; recovery
      // codes are also continuity proofs of re-binding requests
      SupportCredentialDelivery supportDelivery = new SupportCredentialDelivery(tx, notifications, credentials, random);
      SupportOwnerNotifier supportNotifier = new SupportOwnerNotifier(notifications);
      ChangeRequestService changeRequests = new ChangeRequestService(tx, authz, random, identityCa, credentials,
          identities, rebindingPolicy, attestation, ownerNotifications, supportDelivery);
      disavowRouter.bindChangeRequests(changeRequests);
      RevocationRegistry revocations = new CredentialRevocationRegistry(db.transactor());
      oauth = AuthorizationServer.create(config, tx, authz, sealer, nonceKey, credentials, operators, identityCa,
          clientCertificates, registry, clock, random, rebindingPolicy::minLevel);
      leakedTokens.set(oauth.leakedAccessTokens());
      db.onRevocationCommitted(oauth.revocationFeed()::wake);
      List<dev.bindery.server.http.Route> more = new ArrayList<>(oauth.routes());
      more.addAll(new NotificationRoutes(notifications, clock).routes());
      more.addAll(new ChangeRequestRoutes(changeRequests, credentials, clientCertificates, clock).routes());
      // the support desk (issue 6): actions on a ticket with evidence, supervisor sign-off, review, alerts; its
      // followed "this was not us" links revert and lock, and every credential enrolled with a code (its temporary
      // one or an owner's) is checked for an unusual source, each in the transaction that does it
      SupportService support = new SupportService(tx, authz, random, config.support().settings(), credentials,
          identities, new TokenRevocationService(tx, authz), supportDelivery, supportNotifier);
      if (supportDisavows == null) {
        disavowRouter.bindSupport((t, action, actor, requestId) -> support.disavowInTransaction(t, action, actor,
            requestId));
      }
      credentials.onEnrolment(new SupportEnrolmentSources(support));
      more.addAll(new SupportRoutes(support, clock).routes());
      new SupportMetrics(registry, support, db.transactor(), clock, config.support().metricsReviewAge(),
          config.support().metricsWindow());
      List<dev.bindery.server.http.Route> routes = RouteTable.build(identities, new IdentityHistory(tx, authz),
          operators, audit, credentials,
          db.transactor(), registry, new PkiRoutes(identityCa, revocations, clock), clock, clientCertificates, more);
      ApiApp app = new ApiApp(routes, operators, config.maxBodyBytes(), new HttpMetrics(registry),
          config.httpCoreRoutes());
      AtomicReference<ServerConnector> connector = new AtomicReference<>();
      Javalin javalin = app.create((server, httpConfig) -> {
        ServerConnector c = HttpsConnectors.create(server, httpConfig, serverTls, config.httpHost(), config.httpPort());
        connector.set(c);
        return c;
      }, config.maxBodyBytes());
      javalin.start();
      AuthorizationServer started = oauth;
      WebhookDispatcher dispatcher = new WebhookDispatcher(notifications, clock, notify.timeout(), started::publicUrl,
          new NotificationMetrics(registry));
      BinderyServer s = new BinderyServer(config, db, javalin, app, connector.get(), serverTls, bootstrapped,
          identityCa, credentials, oauth, notifications, dispatcher,
          new Services(operators, identities, changeRequests, support),
          new Support(supportDelivery, supportNotifier, disavowRouter));
      oauth.started(s.baseUri());
      if (notify.enabled()) {
        dispatcher.start(notify.pollInterval());
      }
      LOG.info("event=server_started url={} tls_mode={} client_certificates=\"{}\"", s.baseUri(),
          config.tlsMode().name().toLowerCase(), clientCertificates.describe());
      if (!config.oauth().trustedProxies().isEmpty() && config.oauth().publicUrl() == null) {
        // behind a proxy the listener's address is not the URL clients use: DPoP htu and the issuer would be wrong
        LOG.warn("event=public_url_not_set_behind_proxy detail=\"set {} to the URL clients reach through the proxy\"",
            BinderyConfig.PUBLIC_URL);
      }
      return s;
    } catch (RuntimeException e) {
      if (oauth != null) {
        oauth.close();
      }
      db.close();
      throw e;
    }
  }

  private static TlsMaterial tlsMaterial(BinderyConfig config) {
    if (config.tlsMode() == BinderyConfig.TlsMode.DEV) {
      return DevCertificates.ensure(config.dataDir());
    }
    try {
      return new TlsMaterial(PemFiles.readCertificates(config.tlsCertFile()), PemFiles.readPrivateKey(config.tlsKeyFile()),
          config.tlsCaFile() == null ? List.of() : PemFiles.readCertificates(config.tlsCaFile()), null);
    } catch (IllegalStateException e) {
      throw new ConfigException(BinderyConfig.TLS_CERT_FILE + "/" + BinderyConfig.TLS_KEY_FILE + ": " + e.getMessage(), e);
    }
  }

  /** On an empty database: creates the first admin and writes its token to the token file (owner-only). */
  private static boolean bootstrap(OperatorService operators, Path tokenFile) {
    Optional<IssuedToken> issued = operators.bootstrapIfEmpty(BOOTSTRAP_ADMIN_NAME, BOOTSTRAP_TOKEN_LIFETIME);
    if (issued.isEmpty()) {
      return false;
    }
    byte[] value = (issued.get().value().reveal() + "\n").getBytes(StandardCharsets.US_ASCII);
    try {
      SecureFiles.writeAtomically(tokenFile, value, true);
    } catch (IOException e) {
      throw new ConfigException(BinderyConfig.BOOTSTRAP_TOKEN_FILE + ": cannot write " + tokenFile + ": "
          + e.getMessage(), e);
    } finally {
      Arrays.fill(value, (byte) 0);
      issued.get().value().destroy();
    }
    LOG.info("event=bootstrap_admin_created token_file={} expires_in_days={}", tokenFile.toAbsolutePath(),
        BOOTSTRAP_TOKEN_LIFETIME.toDays());
    return true;
  }

  public int port() {
    return connector.getLocalPort();
  }

  public URI baseUri() {
    String host = config.httpHost().contains(":") ? "[" + config.httpHost() + "]" : config.httpHost();
    return URI.create("https://" + host + ":" + port());
  }

  /** The dev CA that clients must trust, or null in files mode. */
  public Path caFile() {
    return tls.caFile();
  }

  /** The identity CA that issues X.509-SVIDs. */
  public BcCertificateAuthority identityCa() {
    return identityCa;
  }

  /** {@code <data-dir>/identity-ca.pem}: the identity CA chain, intermediate then root. */
  public Path identityCaFile() {
    return config.dataDir().resolve(IdentityCaBootstrap.CHAIN_FILE);
  }

  /** The credential service of this node (tests enrol and revoke through it). */
  public CredentialService credentials() {
    return credentials;
  }

  /** The revocation feed of this node. */
  /** The node's core services, for load drivers and tests that call the engine in the same JVM. */
  public record Services(OperatorService operators, IdentityService identities, ChangeRequestService changeRequests,
      SupportService support) {}

  public Services services() {
    return services;
  }

  /**
   * The support desk's {@link dev.bindery.support.SupportDelivery} on this node (temporary enrolment codes, TOTP
   * enrolments, recovery codes, delivered sealed to the owners' webhooks); also the recovery-code redeemer of the
   * change-request engine.
   */
  public SupportCredentialDelivery supportDelivery() {
    return support.delivery();
  }

  /** The support desk's {@link dev.bindery.support.SupportNotifier} on this node (the owners' outbox). */
  public SupportOwnerNotifier supportNotifier() {
    return support.notifier();
  }

  /**
   * Replaces what a followed "this was not us" link of a support action does (by default the node's support desk,
   * or the handler given to {@link #start(BinderyConfig, Clock, DisavowHandler, SupportDisavowHandler)}).
   */
  public void bindSupportDisavows(SupportDisavowHandler handler) {
    support.disavows().bindSupport(handler);
  }

  public dev.bindery.revocation.RevocationFeed revocationFeed() {
    return oauth.revocationFeed();
  }

  /** The notification service of this node (webhooks, the outbox, disavow links). */
  public NotificationService notifications() {
    return notifications;
  }

  /** The webhook dispatcher of this node; tests with {@code bindery.notify.enabled=false} drive it by hand. */
  public WebhookDispatcher webhookDispatcher() {
    return dispatcher;
  }

  /** The token signing keys of this node. */
  public KeyRing keyRing() {
    return oauth.keyRing();
  }

  public Path bootstrapTokenFile() {
    return config.bootstrapTokenFile();
  }

  /** True if this start created the first admin (and wrote the token file). */
  public boolean bootstrapped() {
    return bootstrapped;
  }

  public BinderyConfig config() {
    return config;
  }

  /** The store, for operational checks and tests (e.g. counting audit events). */
  public Transactor transactor() {
    return database.transactor();
  }

  public ApiApp app() {
    return app;
  }

  public void stop() {
    try {
      dispatcher.close();
      oauth.close();
      javalin.stop();
    } finally {
      database.close();
      LOG.info("event=server_stopped");
    }
  }

  @Override
  public void close() {
    stop();
  }
}
