package dev.bindery.server.config;

import dev.bindery.pki.BcCertificateAuthority;
import dev.bindery.pki.TrustDomain;
import dev.bindery.server.tls.ClientCertificateHeader;
import dev.bindery.server.tls.TrustedProxies;
import dev.bindery.token.Audience;
import dev.bindery.token.KeyRingSettings;
import dev.bindery.token.TokenSettings;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The server's validated settings. Sources, lowest to highest precedence: built-in defaults, a Keycloak-style
 * properties file ({@code bindery.conf}, {@code key=value}), and environment variables named after the key in
 * upper case with {@code .} and {@code -} turned into {@code _} ({@code bindery.data-dir} is
 * {@code BINDERY_DATA_DIR}).
 *
 * <p>Everything is checked at start, and a problem fails the start with a message naming the key. Unknown keys
 * in the file are rejected (a typo must not silently fall back to a default). Environment variables are only
 * read for known keys: other {@code BINDERY_*} variables belong to other tools (the command-line client, tests).
 *
 * @param httpPort 1-65535, or 0 for a free port chosen at start (tests)
 * @param tlsCaFile optional in files mode: the CA whose client certificates are validated by PKIX
 * @param caTrustDomain the SPIFFE trust domain of the identity CA
 * @param caPublicUrl the base URL in issued certificates' CRL and OCSP URLs, or null to derive it from the
 *     listener ({@code https://<host>:<port>})
 * @param caImport the files of an existing CA to import on first start, or null to generate one
 * @param oauth the authorization server's settings ({@code bindery.public-url}, {@code bindery.token.*},
 *     {@code bindery.oauth.*})
 * @param attestationRoots the files and directories of trusted hardware attestation vendor roots
 *     ({@code bindery.attestation.roots}); empty when none is configured, and then no key is ever attested as
 *     hardware-held
 * @param notifications the webhook dispatcher's settings ({@code bindery.notify.*})
 * @param rebindingPolicyFile the re-binding policy file ({@code bindery.rebinding.policy-file}), read and validated
 *     at start by {@link RebindingPolicyFile}; null for the shipped defaults
 * @param support the support desk's settings ({@code bindery.support.*}, {@link SupportConfig})
 */
public record BinderyConfig(
    Path dataDir,
    String httpHost,
    int httpPort,
    TlsMode tlsMode,
    Path tlsCertFile,
    Path tlsKeyFile,
    Path tlsCaFile,
    String dbUrl,
    String dbUser,
    String dbPassword,
    int dbPoolSize,
    Path masterKeyFile,
    long maxBodyBytes,
    boolean httpCoreRoutes,
    Duration stepUpWindow,
    Path bootstrapTokenFile,
    String issuerLabel,
    TrustDomain caTrustDomain,
    URI caPublicUrl,
    CaImportFiles caImport,
    OAuthConfig oauth,
    List<Path> attestationRoots,
    NotifyConfig notifications,
    Path rebindingPolicyFile,
    SupportConfig support) {

  public BinderyConfig {
    attestationRoots = List.copyOf(attestationRoots);
  }

  /** An existing CA to import: its root certificate, its issuing intermediate and that intermediate's key. */
  public record CaImportFiles(Path rootCertFile, Path intermediateCertFile, Path intermediateKeyFile) {}

  /**
   * The authorization server's settings.
   *
   * @param publicUrl the issuer and the base of every endpoint URL as clients see it, or null to derive it from the
   *     listener ({@code https://<host>:<port>}, with the bound port when it is 0)
   * @param tokens token lifetimes and the default audience
   * @param signingKeyRotation how long a signing key stays current
   * @param dpopWindow how far a DPoP proof's {@code iat} may be from now, either way
   * @param dpopNonceRequired whether every DPoP proof must carry a server nonce
   * @param trustedProxies the TCP peers whose forwarded client certificate header is read (default: none)
   * @param clientCertHeader the form of that header (default: RFC 9440 {@code Client-Cert})
   */
  public record OAuthConfig(URI publicUrl, TokenSettings tokens, Duration signingKeyRotation, Duration dpopWindow,
      boolean dpopNonceRequired, TrustedProxies trustedProxies, ClientCertificateHeader clientCertHeader) {}

  /**
   * The webhook dispatcher's settings.
   *
   * @param enabled whether this node delivers notifications (every node may: they share the work through the
   *     database); a node with it off still queues them
   * @param pollInterval how often the dispatcher looks for due notifications
   * @param timeout how long one delivery may take (connect and answer)
   * @param maxAttempts how many attempts a notification gets before it has failed
   * @param allowLoopbackHttp whether a webhook may use plain http to a loopback host (tests, local development)
   */
  public record NotifyConfig(boolean enabled, Duration pollInterval, Duration timeout, int maxAttempts,
      boolean allowLoopbackHttp) {}

  /** How the HTTPS listener gets its certificate. */
  public enum TlsMode {
    /** A development CA and server certificate generated in {@code <data-dir>/tls}. */
    DEV,
    /** A PEM certificate chain and key supplied by the operator. */
    FILES
  }

  public static final String DATA_DIR = "bindery.data-dir";
  public static final String HTTP_HOST = "bindery.http.host";
  public static final String HTTP_PORT = "bindery.http.port";
  /**
   * Whether the OAuth token, introspection and revocation endpoints are served on Jetty's core handler API ahead of
   * the servlet and Javalin layers (default true); false serves them through Javalin like every other route, with
   * the same answers (for comparisons).
   */
  public static final String HTTP_CORE_ROUTES = "bindery.http.core-routes";
  public static final String TLS_MODE = "bindery.tls.mode";
  public static final String TLS_CERT_FILE = "bindery.tls.cert-file";
  public static final String TLS_KEY_FILE = "bindery.tls.key-file";
  public static final String TLS_CA_FILE = "bindery.tls.ca-file";
  public static final String DB_URL = "bindery.db.url";
  public static final String DB_USER = "bindery.db.user";
  public static final String DB_PASSWORD = "bindery.db.password";
  public static final String DB_POOL_SIZE = "bindery.db.pool-size";
  public static final String MASTER_KEY_FILE = "bindery.master-key-file";
  public static final String MAX_BODY_BYTES = "bindery.limits.max-body-bytes";
  public static final String STEP_UP_WINDOW = "bindery.security.step-up-window-seconds";
  public static final String BOOTSTRAP_TOKEN_FILE = "bindery.bootstrap.token-file";
  public static final String ISSUER_LABEL = "bindery.issuer-label";
  public static final String CA_TRUST_DOMAIN = "bindery.ca.trust-domain";
  public static final String CA_PUBLIC_URL = "bindery.ca.public-url";
  public static final String CA_IMPORT_ROOT_CERT_FILE = "bindery.ca.import.root-cert-file";
  public static final String CA_IMPORT_INTERMEDIATE_CERT_FILE = "bindery.ca.import.intermediate-cert-file";
  public static final String CA_IMPORT_INTERMEDIATE_KEY_FILE = "bindery.ca.import.intermediate-key-file";
  public static final String PUBLIC_URL = "bindery.public-url";
  public static final String TOKEN_LIFETIME = "bindery.token.lifetime-seconds";
  public static final String TOKEN_MAX_LIFETIME = "bindery.token.max-lifetime-seconds";
  public static final String TOKEN_DEFAULT_AUDIENCE = "bindery.token.default-audience";
  public static final String TOKEN_SIGNING_KEY_ROTATION = "bindery.token.signing-key-rotation-seconds";
  public static final String DPOP_IAT_WINDOW = "bindery.oauth.dpop.iat-window-seconds";
  public static final String DPOP_NONCE_REQUIRED = "bindery.oauth.dpop.nonce-required";
  public static final String TRUSTED_PROXIES = "bindery.oauth.trusted-proxies";
  public static final String CLIENT_CERT_HEADER = "bindery.oauth.client-cert-header";
  public static final String ATTESTATION_ROOTS = "bindery.attestation.roots";
  public static final String NOTIFY_ENABLED = "bindery.notify.enabled";
  public static final String NOTIFY_POLL_INTERVAL = "bindery.notify.poll-interval-seconds";
  public static final String NOTIFY_TIMEOUT = "bindery.notify.timeout-seconds";
  public static final String NOTIFY_MAX_ATTEMPTS = "bindery.notify.max-attempts";
  public static final String NOTIFY_ALLOW_LOOPBACK_HTTP = "bindery.notify.allow-loopback-http";
  public static final String REBINDING_POLICY_FILE = "bindery.rebinding.policy-file";
  public static final String DEFAULT_TRUST_DOMAIN = "bindery.test";

  /** Every key this version understands, in documentation order. */
  public static final List<String> KEYS = keys(DATA_DIR, HTTP_HOST, HTTP_PORT, HTTP_CORE_ROUTES, TLS_MODE,
      TLS_CERT_FILE, TLS_KEY_FILE, TLS_CA_FILE, DB_URL, DB_USER, DB_PASSWORD, DB_POOL_SIZE, MASTER_KEY_FILE,
      MAX_BODY_BYTES, STEP_UP_WINDOW, BOOTSTRAP_TOKEN_FILE, ISSUER_LABEL, CA_TRUST_DOMAIN, CA_PUBLIC_URL,
      CA_IMPORT_ROOT_CERT_FILE, CA_IMPORT_INTERMEDIATE_CERT_FILE, CA_IMPORT_INTERMEDIATE_KEY_FILE, PUBLIC_URL,
      TOKEN_LIFETIME, TOKEN_MAX_LIFETIME, TOKEN_DEFAULT_AUDIENCE, TOKEN_SIGNING_KEY_ROTATION, DPOP_IAT_WINDOW,
      DPOP_NONCE_REQUIRED, TRUSTED_PROXIES, CLIENT_CERT_HEADER, ATTESTATION_ROOTS, NOTIFY_ENABLED, NOTIFY_POLL_INTERVAL,
      NOTIFY_TIMEOUT, NOTIFY_MAX_ATTEMPTS, NOTIFY_ALLOW_LOOPBACK_HTTP, REBINDING_POLICY_FILE);

  /** The keys above, then the support desk's ({@link SupportConfig#KEYS}). */
  private static List<String> keys(String... keys) {
    List<String> all = new ArrayList<>(List.of(keys));
    all.addAll(SupportConfig.KEYS);
    return List.copyOf(all);
  }

  public static final long MAX_BODY_LIMIT = 64L * 1024 * 1024;

  /** The environment variable that overrides {@code key}. */
  public static String envName(String key) {
    return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** Reads {@code file} (must exist) and the process environment. */
  public static BinderyConfig load(Path file, Map<String, String> env) {
    return fromSources(readFile(file), env);
  }

  /** Properties from a {@code bindery.conf} file, UTF-8. */
  public static Map<String, String> readFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("configuration file " + file + " does not exist or is not a regular file");
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage(), e);
    }
    Map<String, String> out = new TreeMap<>();
    p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
    return out;
  }

  /**
   * Merges file values (unknown keys rejected) with environment overrides and validates the result.
   *
   * @throws ConfigException naming the first offending key
   */
  public static BinderyConfig fromSources(Map<String, String> fileValues, Map<String, String> env) {
    for (String key : new TreeMap<>(fileValues).keySet()) {
      if (!KEYS.contains(key)) {
        throw new ConfigException("unknown configuration key '" + key + "'; known keys: " + String.join(", ", KEYS));
      }
    }
    Map<String, String> v = new LinkedHashMap<>();
    fileValues.forEach((k, val) -> v.put(k, val.strip()));
    for (String key : KEYS) {
      String e = env.get(envName(key));
      if (e != null) {
        v.put(key, e.strip());
      }
    }
    return validate(v);
  }

  private static BinderyConfig validate(Map<String, String> v) {
    Path dataDir = path(v, DATA_DIR, "./bindery-data");
    if (Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
      throw new ConfigException(DATA_DIR + ": " + dataDir + " exists and is not a directory");
    }
    String host = v.getOrDefault(HTTP_HOST, "127.0.0.1");
    if (host.isBlank() || host.chars().anyMatch(c -> c <= 0x20)) {
      throw new ConfigException(HTTP_HOST + ": must be a host name or IP address");
    }
    int port = (int) number(v, HTTP_PORT, 8443, 0, 65535);
    TlsMode mode = switch (v.getOrDefault(TLS_MODE, "dev")) {
      case "dev" -> TlsMode.DEV;
      case "files" -> TlsMode.FILES;
      default -> throw new ConfigException(TLS_MODE + ": must be 'dev' or 'files', not '" + v.get(TLS_MODE) + "'");
    };
    Path cert = optionalPath(v, TLS_CERT_FILE);
    Path key = optionalPath(v, TLS_KEY_FILE);
    Path ca = optionalPath(v, TLS_CA_FILE);
    if (mode == TlsMode.FILES) {
      requireReadableFile(TLS_CERT_FILE, cert, "is required when " + TLS_MODE + "=files");
      requireReadableFile(TLS_KEY_FILE, key, "is required when " + TLS_MODE + "=files");
      if (ca != null) {
        requireReadableFile(TLS_CA_FILE, ca, "");
      }
    } else {
      for (String k : List.of(TLS_CERT_FILE, TLS_KEY_FILE, TLS_CA_FILE)) {
        if (v.containsKey(k)) {
          throw new ConfigException(k + ": only used when " + TLS_MODE + "=files (dev mode generates its own)");
        }
      }
    }
    String dbUrl = v.getOrDefault(DB_URL,
        "jdbc:h2:file:" + dataDir.toAbsolutePath().normalize().resolve("db").resolve("bindery") + ";AUTO_SERVER=FALSE");
    if (!dbUrl.startsWith("jdbc:h2:") && !dbUrl.startsWith("jdbc:postgresql:")) {
      throw new ConfigException(DB_URL + ": must start with jdbc:h2: or jdbc:postgresql:");
    }
    String dbUser = v.getOrDefault(DB_USER, dbUrl.startsWith("jdbc:h2:") ? "sa" : "");
    String dbPassword = v.getOrDefault(DB_PASSWORD, "");
    int pool = (int) number(v, DB_POOL_SIZE, 10, 1, 200);
    Path masterKey = v.containsKey(MASTER_KEY_FILE) ? path(v, MASTER_KEY_FILE, null) : dataDir.resolve("master.key");
    long maxBody = number(v, MAX_BODY_BYTES, 1_048_576, 1024, MAX_BODY_LIMIT);
    long window = number(v, STEP_UP_WINDOW, 300, 1, 3600);
    Path tokenFile = v.containsKey(BOOTSTRAP_TOKEN_FILE) ? path(v, BOOTSTRAP_TOKEN_FILE, null)
        : dataDir.resolve("bootstrap-admin.token");
    String issuer = v.getOrDefault(ISSUER_LABEL, "Bindery");
    if (issuer.isBlank() || issuer.length() > 64 || issuer.chars().anyMatch(c -> c < 0x20 || c == ':')) {
      throw new ConfigException(ISSUER_LABEL + ": must be 1-64 printable characters without ':'");
    }
    TrustDomain trustDomain;
    try {
      trustDomain = new TrustDomain(v.getOrDefault(CA_TRUST_DOMAIN, DEFAULT_TRUST_DOMAIN));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(CA_TRUST_DOMAIN + ": " + e.getMessage(), e);
    }
    URI publicUrl = null;
    if (v.containsKey(CA_PUBLIC_URL)) {
      try {
        publicUrl = URI.create(BcCertificateAuthority.checkedBaseUrl(new URI(v.get(CA_PUBLIC_URL))));
      } catch (URISyntaxException | IllegalArgumentException e) {
        throw new ConfigException(CA_PUBLIC_URL + ": must be an absolute http or https URL without user info, query "
            + "or fragment, for example https://bindery.example.com:8443", e);
      }
    }
    return new BinderyConfig(dataDir, host, port, mode, cert, key, ca, dbUrl, dbUser, dbPassword, pool, masterKey,
        maxBody, bool(v, HTTP_CORE_ROUTES, true), Duration.ofSeconds(window), tokenFile, issuer, trustDomain,
        publicUrl, caImport(v), oauth(v), attestationRoots(v), notifications(v), rebindingPolicyFile(v),
        SupportConfig.from(v));
  }

  /** The policy file must be a readable file; its content is validated at start ({@link RebindingPolicyFile}). */
  private static Path rebindingPolicyFile(Map<String, String> v) {
    if (!v.containsKey(REBINDING_POLICY_FILE) || v.get(REBINDING_POLICY_FILE).isBlank()) {
      return null;
    }
    Path p = path(v, REBINDING_POLICY_FILE, null);
    requireReadableFile(REBINDING_POLICY_FILE, p, "");
    return p;
  }

  /**
   * A comma-separated list of PEM files (each may hold several root certificates) and directories (whose
   * {@code .pem}, {@code .crt} and {@code .cer} files are read, not recursively). Blank or absent: none. The
   * certificates themselves are read and checked at start (see {@code AttestationRoots}).
   */
  private static List<Path> attestationRoots(Map<String, String> v) {
    String value = v.getOrDefault(ATTESTATION_ROOTS, "");
    if (value.isBlank()) {
      return List.of();
    }
    List<Path> out = new ArrayList<>();
    for (String entry : value.split(",", -1)) {
      if (entry.isBlank()) {
        throw new ConfigException(ATTESTATION_ROOTS + ": has an empty entry; give a comma-separated list of PEM "
            + "files or directories");
      }
      Path p;
      try {
        p = Path.of(entry.strip());
      } catch (InvalidPathException e) {
        throw new ConfigException(ATTESTATION_ROOTS + ": '" + entry.strip() + "' is not a valid path: " + e.getReason());
      }
      if (!Files.isDirectory(p) && !(Files.isRegularFile(p) && Files.isReadable(p))) {
        throw new ConfigException(ATTESTATION_ROOTS + ": " + p + " is not a readable file or a directory");
      }
      if (!out.contains(p)) {
        out.add(p);
      }
    }
    return List.copyOf(out);
  }

  private static NotifyConfig notifications(Map<String, String> v) {
    return new NotifyConfig(bool(v, NOTIFY_ENABLED, true), Duration.ofSeconds(number(v, NOTIFY_POLL_INTERVAL, 2, 1, 300)),
        Duration.ofSeconds(number(v, NOTIFY_TIMEOUT, 10, 1, 60)),
        (int) number(v, NOTIFY_MAX_ATTEMPTS, 12, 1, dev.bindery.notify.RetrySchedule.MAX_ATTEMPTS_LIMIT),
        bool(v, NOTIFY_ALLOW_LOOPBACK_HTTP, false));
  }

  private static boolean bool(Map<String, String> v, String key, boolean def) {
    return switch (v.getOrDefault(key, Boolean.toString(def))) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new ConfigException(key + ": must be true or false");
    };
  }

  private static OAuthConfig oauth(Map<String, String> v) {
    URI publicUrl = null;
    if (v.containsKey(PUBLIC_URL)) {
      try {
        URI u = new URI(v.get(PUBLIC_URL));
        String path = u.getRawPath();
        if (!"https".equals(u.getScheme()) || u.getHost() == null || u.getRawUserInfo() != null
            || u.getRawQuery() != null || u.getRawFragment() != null
            || (path != null && !path.isEmpty() && !path.equals("/"))) {
          throw new URISyntaxException(v.get(PUBLIC_URL), "not an https origin");
        }
        publicUrl = new URI("https", null, u.getHost(), u.getPort(), null, null, null);
      } catch (URISyntaxException e) {
        throw new ConfigException(PUBLIC_URL + ": must be an https URL without path, query or fragment, as clients "
            + "reach the server, for example https://bindery.example.com:8443", e);
      }
    }
    long max = number(v, TOKEN_MAX_LIFETIME, TokenSettings.DEFAULT_MAX_LIFETIME.toSeconds(),
        TokenSettings.MIN_LIFETIME.toSeconds(), 86_400);
    long lifetime = number(v, TOKEN_LIFETIME, Math.min(TokenSettings.DEFAULT_LIFETIME.toSeconds(), max),
        TokenSettings.MIN_LIFETIME.toSeconds(), 86_400);
    if (lifetime > max) {
      throw new ConfigException(TOKEN_LIFETIME + ": must not exceed " + TOKEN_MAX_LIFETIME + " (" + max + ")");
    }
    Audience audience = null;
    if (v.containsKey(TOKEN_DEFAULT_AUDIENCE)) {
      if (!Audience.valid(v.get(TOKEN_DEFAULT_AUDIENCE))) {
        throw new ConfigException(TOKEN_DEFAULT_AUDIENCE + ": must be an absolute URI without fragment, at most "
            + Audience.MAX_LENGTH + " characters");
      }
      audience = new Audience(v.get(TOKEN_DEFAULT_AUDIENCE));
    }
    long rotation = number(v, TOKEN_SIGNING_KEY_ROTATION, KeyRingSettings.DEFAULT_ROTATION_PERIOD.toSeconds(), 600,
        31_536_000);
    long window = number(v, DPOP_IAT_WINDOW, 60, 5, 300);
    boolean nonce = bool(v, DPOP_NONCE_REQUIRED, false);
    return new OAuthConfig(publicUrl, new TokenSettings(Duration.ofSeconds(lifetime), Duration.ofSeconds(max), audience),
        Duration.ofSeconds(rotation), Duration.ofSeconds(window), nonce, trustedProxies(v),
        clientCertHeader(v));
  }

  /** A comma-separated list of IP addresses and CIDR ranges; empty or absent trusts nobody. */
  private static TrustedProxies trustedProxies(Map<String, String> v) {
    String value = v.getOrDefault(TRUSTED_PROXIES, "");
    if (value.isBlank()) {
      return TrustedProxies.none();
    }
    List<String> entries = List.of(value.split(",", -1));
    if (entries.stream().anyMatch(String::isBlank)) {
      throw new ConfigException(TRUSTED_PROXIES + ": an empty entry; write IP addresses and CIDR ranges separated "
          + "by commas, for example 10.0.0.5,192.168.10.0/24,fd00::/64");
    }
    try {
      return TrustedProxies.of(entries);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(TRUSTED_PROXIES + ": " + e.getMessage() + "; write IP addresses and CIDR ranges "
          + "separated by commas, for example 10.0.0.5,192.168.10.0/24,fd00::/64", e);
    }
  }

  private static ClientCertificateHeader clientCertHeader(Map<String, String> v) {
    String value = v.getOrDefault(CLIENT_CERT_HEADER, ClientCertificateHeader.CLIENT_CERT.wire());
    ClientCertificateHeader header = ClientCertificateHeader.fromWire(value);
    if (header == null) {
      throw new ConfigException(CLIENT_CERT_HEADER + ": must be client-cert, nginx or envoy, not '" + value + "'");
    }
    return header;
  }

  private static CaImportFiles caImport(Map<String, String> v) {
    List<String> keys = List.of(CA_IMPORT_ROOT_CERT_FILE, CA_IMPORT_INTERMEDIATE_CERT_FILE,
        CA_IMPORT_INTERMEDIATE_KEY_FILE);
    long given = keys.stream().filter(v::containsKey).count();
    if (given == 0) {
      return null;
    }
    if (given != keys.size()) {
      String missing = keys.stream().filter(k -> !v.containsKey(k)).reduce((a, b) -> a + ", " + b).orElse("");
      throw new ConfigException(missing + ": importing a CA needs all three of " + String.join(", ", keys)
          + " (or none, to generate a CA)");
    }
    for (String k : keys) {
      requireReadableFile(k, path(v, k, null), "");
    }
    return new CaImportFiles(path(v, CA_IMPORT_ROOT_CERT_FILE, null), path(v, CA_IMPORT_INTERMEDIATE_CERT_FILE, null),
        path(v, CA_IMPORT_INTERMEDIATE_KEY_FILE, null));
  }

  private static long number(Map<String, String> v, String key, long def, long min, long max) {
    String s = v.get(key);
    if (s == null) {
      return def;
    }
    try {
      long n = Long.parseLong(s);
      if (n < min || n > max) {
        throw new ConfigException(key + ": must be between " + min + " and " + max + ", not " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ConfigException(key + ": must be a whole number, not '" + s + "'");
    }
  }

  private static Path path(Map<String, String> v, String key, String def) {
    String s = v.getOrDefault(key, def);
    if (s == null || s.isBlank()) {
      throw new ConfigException(key + ": must be a file system path");
    }
    try {
      return Path.of(s);
    } catch (InvalidPathException e) {
      throw new ConfigException(key + ": not a valid path: " + e.getReason());
    }
  }

  private static Path optionalPath(Map<String, String> v, String key) {
    return v.containsKey(key) ? path(v, key, null) : null;
  }

  private static void requireReadableFile(String key, Path p, String whenMissing) {
    if (p == null) {
      throw new ConfigException(key + " " + whenMissing);
    }
    if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
      throw new ConfigException(key + ": " + p + " is not a readable file");
    }
  }

  public String url() {
    String h = httpHost.contains(":") ? "[" + httpHost + "]" : httpHost;
    return "https://" + h + ":" + httpPort;
  }

  /** Never prints the database password. */
  @Override
  public String toString() {
    return "BinderyConfig[dataDir=" + dataDir + ", http=" + httpHost + ":" + httpPort + ", tls=" + tlsMode
        + ", db=" + dbUrl + ", poolSize=" + dbPoolSize + ", maxBodyBytes=" + maxBodyBytes
        + ", httpCoreRoutes=" + httpCoreRoutes + ", stepUpWindow="
        + stepUpWindow + ", caTrustDomain=" + caTrustDomain + ", caPublicUrl=" + caPublicUrl + ", caImport="
        + (caImport != null) + ", oauth=" + oauth + ", attestationRoots=" + attestationRoots + ", notifications="
        + notifications + ", rebindingPolicyFile=" + rebindingPolicyFile + ", support=" + support + "]";
  }
}
