package dev.bindery.client.resource;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.bindery.client.issuer.Issuer;
import dev.bindery.client.issuer.IssuerHttp;
import dev.bindery.client.jose.SignatureAlgorithms;
import dev.bindery.client.revocation.RevocationFeed;
import dev.bindery.client.tls.TlsContexts;
import java.net.URI;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies Bindery access tokens in a resource server, locally and deny by default (RFC 9068, RFC 6750,
 * RFC 8705, RFC 9449). A request is accepted only if all of the following hold; otherwise the result carries
 * the RFC error code, status and {@code WWW-Authenticate} challenge:
 *
 * <ul>
 *   <li>exactly one {@code Authorization} header with scheme {@code Bearer} or {@code DPoP};
 *   <li>the token is a JWS with an accepted asymmetric {@code alg} (default {@code ES256}; never {@code none}
 *       or HMAC), no {@code crit}, a {@code kid} of the issuer's JWKS whose key fits the algorithm, and a valid
 *       signature. Header parameters {@code jwk}, {@code jku}, {@code x5u} and {@code x5c} are ignored;
 *   <li>{@code typ} is {@code at+jwt} or {@code application/at+jwt} (any case; RFC 9068 §4);
 *   <li>{@code iss} equals the configured issuer exactly, {@code aud} contains the configured audience, and
 *       {@code sub}, {@code client_id}, {@code jti}, {@code iat} and {@code exp} are present;
 *   <li>{@code exp}, {@code nbf} and {@code iat} hold at the injected clock's time, with a clock skew of at
 *       most 60 s (default 30 s);
 *   <li>no event of the revocation feed refuses the token (its {@code jti}, its {@code cnf} thumbprint, or its
 *       identity since {@code iat}), and the feed is current;
 *   <li>the binding: {@code cnf.x5t#S256} must equal the SHA-256 of the presented client certificate;
 *       {@code cnf.jkt} requires the {@code DPoP} scheme and a valid DPoP proof of that key for this request
 *       (a DPoP-bound token sent as {@code Bearer} is refused); a token without {@code cnf} is refused unless
 *       {@link Builder#acceptUnboundTokens()} was called; any other {@code cnf} member is refused;
 *   <li>the token carries every required scope.
 * </ul>
 *
 * <p>Verified tokens are cached (by the token string, bounded, until their {@code exp}), so a repeat skips
 * parsing and the signature, but never the time, key withdrawal, revocation, binding and scope checks.
 * Thread-safe; build one per issuer and audience and share it.
 */
public final class BinderyTokenVerifier {
  private static final Logger LOG = LoggerFactory.getLogger(BinderyTokenVerifier.class);
  /** The largest clock skew that can be configured. */
  public static final Duration MAX_CLOCK_SKEW = Duration.ofSeconds(60);
  static final int MAX_TOKEN_CHARS = 16384;
  private static final Set<String> TYPES = Set.of("at+jwt", "application/at+jwt");
  private static final Set<String> CNF_MEMBERS = Set.of("x5t#S256", "jkt");
  private static final Base64.Decoder BASE64URL = Base64.getUrlDecoder();

  private final Issuer issuer;
  private final String audience;
  private final Clock clock;
  private final long skewMillis;
  private final boolean acceptUnbound;
  private final Set<String> algorithms;
  private final Set<String> dpopAlgorithms;
  private final IssuerKeys keys;
  private final VerifiedTokenCache cache;
  private final DPoPProofVerifier dpop;
  private final RevocationFeed feed;
  private final String missingTokenBearer;
  private final String missingTokenDpop;

  private BinderyTokenVerifier(Builder b) {
    this.issuer = new Issuer(Objects.requireNonNull(b.issuer, "issuer is required"));
    this.audience = Objects.requireNonNull(b.audience, "audience is required");
    this.clock = b.clock;
    this.skewMillis = b.clockSkew.toMillis();
    this.acceptUnbound = b.acceptUnbound;
    this.algorithms = SignatureAlgorithms.requireAsymmetric(b.algorithms);
    this.dpopAlgorithms = SignatureAlgorithms.requireAsymmetric(b.dpopAlgorithms);
    IssuerHttp http = new IssuerHttp(b.sslContext, b.timeout);
    this.keys = new IssuerKeys(http, issuer, b.jwksUri, algorithms, b.provider,
        b.jwksMinRefetchInterval.toMillis(), b.jwksRefreshInterval.toMillis());
    this.cache = new VerifiedTokenCache(b.verifiedTokenCacheSize);
    this.dpop = new DPoPProofVerifier(dpopAlgorithms, b.dpopProofMaxAge.toMillis(), skewMillis,
        new ReplayCache(b.dpopReplayCacheSize), b.provider);
    this.feed = b.feed;
    this.missingTokenBearer = Challenges.bearer(null, null, null);
    this.missingTokenDpop = Challenges.dpop(null, null, dpopAlgorithms);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Verifies the request's token without scope requirements. */
  public VerificationResult verify(RequestFacts request) {
    return verify(request, Set.of());
  }

  /** Verifies the request's token and requires every scope of {@code requiredScopes}. */
  public VerificationResult verify(RequestFacts request, Collection<String> requiredScopes) {
    List<String> authorization = request.authorization();
    if (authorization.isEmpty()) {
      return VerificationResult.rejected(new TokenRejection(TokenError.MISSING_TOKEN, "no access token",
          List.of(missingTokenBearer, missingTokenDpop)));
    }
    if (authorization.size() > 1) {
      return reject(null, TokenError.INVALID_REQUEST, "more than one Authorization header");
    }
    String header = authorization.get(0);
    Scheme scheme = Scheme.of(header);
    if (scheme == null) {
      return VerificationResult.rejected(new TokenRejection(TokenError.MISSING_TOKEN,
          "no Bearer or DPoP access token", List.of(missingTokenBearer, missingTokenDpop)));
    }
    String token = scheme.token(header);
    if (token.isEmpty()) {
      return reject(scheme, TokenError.INVALID_REQUEST, "empty access token");
    }
    long now = clock.millis();
    if (feed != null && !feed.isCurrent()) {
      return unavailable("revocation state is not current");
    }
    keys.refreshIfDue(now);
    VerifiedTokenCache.Entry entry = cache.get(token);
    if (entry == null) {
      FirstSight first = firstSight(token, scheme, now);
      if (first.rejection != null) {
        return first.rejection;
      }
      entry = first.entry;
      if (now < entry.expiresAtMillis + skewMillis) {
        cache.put(entry, now);
      }
    } else if (!keys.isPublished(entry.kid)) {
      cache.remove(token);
      return reject(scheme, TokenError.INVALID_TOKEN, "token signing key withdrawn");
    }
    return checkEveryTime(entry, scheme, request, requiredScopes, now);
  }

  /** How many verified tokens the cache holds now. */
  int cachedTokens() {
    return cache.size();
  }

  /** The DPoP algorithms accepted for proofs (the {@code algs} of DPoP challenges). */
  public Set<String> dpopAlgorithms() {
    return dpopAlgorithms;
  }

  /** The checks that are never cached: time, revocation, binding, scope. */
  private VerificationResult checkEveryTime(VerifiedTokenCache.Entry entry, Scheme scheme, RequestFacts request,
      Collection<String> requiredScopes, long now) {
    if (now >= entry.expiresAtMillis + skewMillis) {
      cache.remove(entry.token);
      return reject(scheme, TokenError.INVALID_TOKEN, "token expired");
    }
    if (now < entry.notBeforeMillis - skewMillis) {
      return reject(scheme, TokenError.INVALID_TOKEN, "token not yet valid");
    }
    if (now < entry.issuedAtMillis - skewMillis) {
      return reject(scheme, TokenError.INVALID_TOKEN, "token issued in the future");
    }
    VerifiedAccessToken verified = entry.verified;
    if (feed != null && feed.revocations().isRevoked(verified.tokenId(), verified.subject(),
        entry.issuedAtMillis, entry.certificateThumbprintText, entry.keyThumbprint)) {
      return reject(scheme, TokenError.INVALID_TOKEN, "token revoked");
    }
    if (scheme == Scheme.DPOP && entry.keyThumbprint == null) {
      return reject(scheme, TokenError.INVALID_TOKEN, "token is not DPoP-bound");
    }
    if (scheme == Scheme.BEARER && entry.keyThumbprint != null) {
      return reject(scheme, TokenError.INVALID_TOKEN, "token is DPoP-bound: use the DPoP scheme");
    }
    if (entry.certificateThumbprint != null) {
      X509Certificate certificate = request.clientCertificateOrNull();
      if (certificate == null) {
        return reject(scheme, TokenError.INVALID_TOKEN, "token is certificate-bound: no client certificate");
      }
      if (!entry.certificateMatches(certificate)) {
        return reject(scheme, TokenError.INVALID_TOKEN, "client certificate does not match the token binding");
      }
    }
    if (entry.keyThumbprint != null) {
      DPoPProofVerifier.Failure failure = dpop.verify(request.dpop(), request.method(), request.uri(),
          entry.token, entry.keyThumbprint, now);
      if (failure != null) {
        return failure.error() == TokenError.TEMPORARILY_UNAVAILABLE
            ? unavailable(failure.description())
            : reject(scheme, failure.error(), failure.description());
      }
    }
    if (entry.certificateThumbprint == null && entry.keyThumbprint == null && !acceptUnbound) {
      return reject(scheme, TokenError.INVALID_TOKEN, "token is not sender-constrained");
    }
    if (!requiredScopes.isEmpty() && !verified.scopes().containsAll(requiredScopes)) {
      return VerificationResult.rejected(new TokenRejection(TokenError.INSUFFICIENT_SCOPE,
          "token lacks a required scope", List.of(challenge(scheme, TokenError.INSUFFICIENT_SCOPE,
              "token lacks a required scope", String.join(" ", new LinkedHashSet<>(requiredScopes))))));
    }
    return VerificationResult.accepted(verified);
  }

  private record FirstSight(VerifiedTokenCache.Entry entry, VerificationResult rejection) {}

  /** Parsing, header, key, signature and claim checks of a token not seen before. */
  private FirstSight firstSight(String token, Scheme scheme, long now) {
    if (token.length() > MAX_TOKEN_CHARS) {
      return refused(scheme, "access token too large");
    }
    if (!isCompactJws(token)) {
      return refused(scheme, "access token is not a signed JWT");
    }
    SignedJWT jwt;
    JWSHeader header;
    try {
      jwt = SignedJWT.parse(token);
      header = jwt.getHeader();
    } catch (ParseException e) {
      return refused(scheme, "access token is not a signed JWT");
    }
    String alg = header.getAlgorithm().getName();
    if (!algorithms.contains(alg)) {
      return refused(scheme, "token algorithm not accepted");
    }
    if (header.getType() == null || !TYPES.contains(header.getType().getType().toLowerCase(java.util.Locale.ROOT))) {
      return refused(scheme, "token typ must be at+jwt");
    }
    if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
      return refused(scheme, "token has critical header parameters");
    }
    String kid = header.getKeyID();
    if (kid == null || kid.isEmpty()) {
      return refused(scheme, "token has no kid");
    }
    IssuerKeys.PublishedKey key;
    try {
      key = keys.find(kid, now);
    } catch (IssuerKeys.Unavailable e) {
      return new FirstSight(null, unavailable("issuer signing keys unavailable"));
    }
    if (key == null) {
      return refused(scheme, "token signing key unknown");
    }
    JWSVerifier verifier = key.verifierFor(alg);
    if (verifier == null) {
      return refused(scheme, "token signing key does not fit the algorithm");
    }
    try {
      if (!jwt.verify(verifier)) {
        return refused(scheme, "token signature invalid");
      }
    } catch (JOSEException | IllegalStateException e) {
      return refused(scheme, "token signature invalid");
    }
    return claims(jwt, token, kid, scheme);
  }

  private FirstSight claims(SignedJWT jwt, String token, String kid, Scheme scheme) {
    JWTClaimsSet claims;
    String sub;
    String clientId;
    String scope;
    Map<String, Object> cnf;
    try {
      claims = jwt.getJWTClaimsSet();
      sub = claims.getStringClaim("sub");
      clientId = claims.getStringClaim("client_id");
      scope = claims.getStringClaim("scope");
      cnf = claims.getJSONObjectClaim("cnf");
    } catch (ParseException e) {
      return refused(scheme, "token claims malformed");
    }
    if (!issuer.value().equals(claims.getIssuer())) {
      return refused(scheme, "token issuer not accepted");
    }
    List<String> aud = claims.getAudience();
    if (aud == null || !aud.contains(audience)) {
      return refused(scheme, "token audience not accepted");
    }
    Date exp = claims.getExpirationTime();
    Date iat = claims.getIssueTime();
    String jti = claims.getJWTID();
    if (exp == null) {
      return refused(scheme, "token lacks the exp claim");
    }
    if (iat == null) {
      return refused(scheme, "token lacks the iat claim");
    }
    if (sub == null || sub.isEmpty()) {
      return refused(scheme, "token lacks the sub claim");
    }
    if (clientId == null || clientId.isEmpty()) {
      return refused(scheme, "token lacks the client_id claim");
    }
    if (jti == null || jti.isEmpty()) {
      return refused(scheme, "token lacks the jti claim");
    }
    Confirmation confirmation = Confirmation.none();
    byte[] x5t = null;
    if (cnf != null) {
      if (cnf.isEmpty() || !CNF_MEMBERS.containsAll(cnf.keySet())) {
        return refused(scheme, "token cnf has an unsupported confirmation method");
      }
      Optional<String> certificate = thumbprint(cnf.get("x5t#S256"));
      Optional<String> key = thumbprint(cnf.get("jkt"));
      if (certificate == null || key == null) {
        return refused(scheme, "token cnf thumbprint malformed");
      }
      confirmation = new Confirmation(certificate, key);
      x5t = certificate.map(BASE64URL::decode).orElse(null);
    }
    Set<String> scopes = scope == null ? Set.of() : new LinkedHashSet<>(List.of(scope.trim().split(" +")));
    scopes.remove("");
    Optional<Instant> nbf = Optional.ofNullable(claims.getNotBeforeTime()).map(Date::toInstant);
    VerifiedAccessToken verified = new VerifiedAccessToken(claims.getIssuer(), sub, clientId, aud, scopes, jti,
        iat.toInstant(), exp.toInstant(), nbf, confirmation);
    return new FirstSight(new VerifiedTokenCache.Entry(token, verified, kid, x5t), null);
  }

  /** Three base64url segments: what a JWS in compact serialization is made of (RFC 7515 §7.1). */
  private static boolean isCompactJws(String token) {
    int dots = 0;
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c == '.') {
        dots++;
      } else if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
        return false;
      }
    }
    return dots == 2;
  }

  /** Empty when absent, the value when it is a base64url SHA-256 (43 characters), null when malformed. */
  private static Optional<String> thumbprint(Object value) {
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof String s) || s.length() != 43 || !s.matches("[A-Za-z0-9_-]+")) {
      return null;
    }
    return Optional.of(s);
  }

  private FirstSight refused(Scheme scheme, String description) {
    return new FirstSight(null, reject(scheme, TokenError.INVALID_TOKEN, description));
  }

  private VerificationResult reject(Scheme scheme, TokenError error, String description) {
    if (LOG.isDebugEnabled()) {
      LOG.debug("event=token_rejected error={} reason=\"{}\"", error.code(), description);
    }
    if (scheme == null) {
      return VerificationResult.rejected(new TokenRejection(error, description,
          List.of(challenge(Scheme.BEARER, error, description, null), missingTokenDpop)));
    }
    return VerificationResult.rejected(new TokenRejection(error, description,
        List.of(challenge(scheme, error, description, null))));
  }

  private String challenge(Scheme scheme, TokenError error, String description, String scope) {
    return scheme == Scheme.DPOP
        ? Challenges.dpop(error, description, dpopAlgorithms)
        : Challenges.bearer(error, description, scope);
  }

  private static VerificationResult unavailable(String description) {
    // per request, so debug only: the feed and the JWKS fetch log their own failures
    LOG.debug("event=token_verification_unavailable reason=\"{}\"", description);
    return VerificationResult.rejected(new TokenRejection(TokenError.TEMPORARILY_UNAVAILABLE, description,
        List.of()));
  }

  /** The two token schemes; the name compares case-insensitively (RFC 9110 §11.1). */
  enum Scheme {
    BEARER("Bearer"), DPOP("DPoP");

    private final String name;

    Scheme(String name) {
      this.name = name;
    }

    static Scheme of(String header) {
      for (Scheme s : values()) {
        if (header.length() > s.name.length() && header.charAt(s.name.length()) == ' '
            && header.regionMatches(true, 0, s.name, 0, s.name.length())) {
          return s;
        }
      }
      return null;
    }

    /** The token after the scheme and its spaces, or empty if it is not token68 (RFC 9110 §11.2). */
    String token(String header) {
      int start = name.length();
      while (start < header.length() && header.charAt(start) == ' ') {
        start++;
      }
      int end = header.length();
      while (end > start && header.charAt(end - 1) == ' ') {
        end--;
      }
      return start == end ? "" : header.substring(start, end);
    }
  }

  /** The verifier's settings. Issuer, audience, TLS trust and the revocation choice are required. */
  public static final class Builder {
    private String issuer;
    private String audience;
    private SSLContext sslContext;
    private URI jwksUri;
    private Set<String> algorithms = Set.of("ES256");
    private Set<String> dpopAlgorithms = Set.of("ES256");
    private Duration clockSkew = Duration.ofSeconds(30);
    private Duration dpopProofMaxAge = Duration.ofSeconds(60);
    private boolean acceptUnbound;
    private RevocationFeed feed;
    private boolean revocationChosen;
    private Clock clock = Clock.systemUTC();
    private int verifiedTokenCacheSize = 10_000;
    private int dpopReplayCacheSize = 100_000;
    private Duration jwksRefreshInterval = Duration.ofMinutes(5);
    private Duration jwksMinRefetchInterval = Duration.ofSeconds(5);
    private Duration timeout = Duration.ofSeconds(5);
    private Provider provider;

    private Builder() {}

    /** The Bindery server that issues the tokens, e.g. {@code https://localhost:8443}; matched exactly. */
    public Builder issuer(String issuer) {
      this.issuer = issuer;
      return this;
    }

    /** This resource server's audience; a token must name it in {@code aud}. */
    public Builder audience(String audience) {
      if (audience == null || audience.isBlank()) {
        throw new IllegalArgumentException("audience must not be blank");
      }
      this.audience = audience;
      return this;
    }

    /** TLS to the issuer (trusted CA; a client certificate is not needed for the JWKS). */
    public Builder sslContext(SSLContext sslContext) {
      this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
      return this;
    }

    /** Trusts the CA certificates of a PEM file for TLS to the issuer. */
    public Builder trustedCaFile(Path caPemFile) {
      return sslContext(TlsContexts.trusting(caPemFile));
    }

    /** Trusts the JDK's default CAs for TLS to the issuer (a publicly certified Bindery). */
    public Builder systemTrust() {
      try {
        return sslContext(SSLContext.getDefault());
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("the JDK has no default TLS context", e);
      }
    }

    /** The JWKS URL, instead of reading {@code jwks_uri} from the issuer's metadata. */
    public Builder jwksUri(URI jwksUri) {
      this.jwksUri = Objects.requireNonNull(jwksUri, "jwksUri");
      return this;
    }

    /** Accepted token signature algorithms (default ES256); asymmetric only. */
    public Builder algorithms(String... algorithms) {
      this.algorithms = SignatureAlgorithms.requireAsymmetric(List.of(algorithms));
      return this;
    }

    /** Accepted DPoP proof algorithms (default ES256); asymmetric only. */
    public Builder dpopAlgorithms(String... algorithms) {
      this.dpopAlgorithms = SignatureAlgorithms.requireAsymmetric(List.of(algorithms));
      return this;
    }

    /** Tolerated clock difference with the issuer (default 30 s, at most 60 s). */
    public Builder clockSkew(Duration skew) {
      if (skew.isNegative() || skew.compareTo(MAX_CLOCK_SKEW) > 0) {
        throw new IllegalArgumentException("clock skew must be between 0 and " + MAX_CLOCK_SKEW.toSeconds() + " s");
      }
      this.clockSkew = skew;
      return this;
    }

    /** How old a DPoP proof may be (default 60 s, between 1 s and 300 s). */
    public Builder dpopProofMaxAge(Duration maxAge) {
      if (maxAge.compareTo(Duration.ofSeconds(1)) < 0 || maxAge.compareTo(Duration.ofMinutes(5)) > 0) {
        throw new IllegalArgumentException("DPoP proof max age must be between 1 and 300 s");
      }
      this.dpopProofMaxAge = maxAge;
      return this;
    }

    /**
     * Also accepts tokens without {@code cnf} (unbound bearer tokens, which Bindery issues only to identities
     * whose policy allows it). Off by default: a stolen unbound token works from anywhere.
     */
    public Builder acceptUnboundTokens() {
      this.acceptUnbound = true;
      return this;
    }

    /** Refuses tokens the feed has revoked, and every token while the feed is not current. */
    public Builder revocationFeed(RevocationFeed feed) {
      this.feed = Objects.requireNonNull(feed, "feed");
      this.revocationChosen = true;
      return this;
    }

    /**
     * Verifies without a revocation feed: a revoked token stays valid here until it expires. Must be chosen
     * explicitly.
     */
    public Builder withoutRevocationFeed() {
      this.feed = null;
      this.revocationChosen = true;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** How many verified tokens to cache (default 10,000; 0 turns the cache off). */
    public Builder verifiedTokenCacheSize(int size) {
      if (size < 0) {
        throw new IllegalArgumentException("cache size must not be negative");
      }
      this.verifiedTokenCacheSize = size;
      return this;
    }

    /** How many DPoP proof ids to remember (default 100,000); when full of live entries, proofs are refused. */
    public Builder dpopReplayCacheSize(int size) {
      if (size < 1) {
        throw new IllegalArgumentException("replay cache size must be positive");
      }
      this.dpopReplayCacheSize = size;
      return this;
    }

    /** How often the JWKS is refreshed (default 5 min, at least 10 s). */
    public Builder jwksRefreshInterval(Duration interval) {
      if (interval.compareTo(Duration.ofSeconds(10)) < 0) {
        throw new IllegalArgumentException("JWKS refresh interval must be at least 10 s");
      }
      this.jwksRefreshInterval = interval;
      return this;
    }

    /** The least time between two JWKS fetches caused by unknown key ids (default 5 s, at least 1 s). */
    public Builder jwksMinRefetchInterval(Duration interval) {
      if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("JWKS refetch interval must be at least 1 s");
      }
      this.jwksMinRefetchInterval = interval;
      return this;
    }

    /** Timeout of issuer requests (default 5 s). */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** The JCA provider for signature verification (default: the JDK's); e.g. a faster ECDSA provider. */
    public Builder jcaProvider(Provider provider) {
      this.provider = Objects.requireNonNull(provider, "provider");
      return this;
    }

    public BinderyTokenVerifier build() {
      if (sslContext == null) {
        throw new IllegalStateException(
            "TLS trust for the issuer is required: sslContext, trustedCaFile or systemTrust");
      }
      if (!revocationChosen) {
        throw new IllegalStateException("choose revocationFeed(feed) or, explicitly, withoutRevocationFeed()");
      }
      return new BinderyTokenVerifier(this);
    }
  }
}
