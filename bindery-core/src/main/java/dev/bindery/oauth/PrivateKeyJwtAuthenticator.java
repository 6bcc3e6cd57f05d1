package dev.bindery.oauth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import dev.bindery.credential.AuthenticatedCredential;
import dev.bindery.credential.Credential;
import dev.bindery.credential.CredentialService;
import dev.bindery.credential.CredentialService.RefusalAudit;
import dev.bindery.credential.CredentialStatus;
import dev.bindery.credential.CredentialType;
import dev.bindery.credential.Thumbprint;
import dev.bindery.identity.IdentityId;
import dev.bindery.store.Transactor;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * {@code private_key_jwt} (RFC 7523 sections 2.2 and 3, OpenID Connect Core section 9): the client authenticates
 * with a JWT it signed with the private key of a {@code public_key} credential registered for its identity. Deny by
 * default; every refusal is {@code invalid_client} with a reason label, checked in this order:
 *
 * <ol>
 *   <li>The assertion: a compact JWS of at most {@value #MAX_ASSERTION_CHARS} characters
 *       ({@code assertion_malformed}); {@code alg} one of {@link #ALGORITHMS} ({@code assertion_alg_unsupported}:
 *       never {@code none}, never an HMAC); no {@code crit} ({@code assertion_crit}); {@code typ}, if present,
 *       {@code JWT} or {@code client-authentication+jwt} ({@code assertion_typ}).
 *   <li>The client: {@code iss} and {@code sub} present and equal ({@code assertion_iss_sub}), a Bindery identity id
 *       ({@code client_id_malformed}), and equal to the {@code client_id} parameter when one is sent
 *       ({@code client_id_mismatch}).
 *   <li>{@code aud}: contains the issuer identifier or the token endpoint URL ({@code assertion_aud}).
 *   <li>Time, with a skew of at most {@value #MAX_SKEW_SECONDS} seconds: {@code exp} present
 *       ({@code assertion_exp_missing}), after now minus the skew ({@code assertion_expired}) and at most the maximum
 *       lifetime after now ({@code assertion_lifetime_too_long}); {@code nbf} and {@code iat}, when present, not
 *       after now plus the skew ({@code assertion_not_yet_valid}, {@code assertion_iat_future}).
 *   <li>{@code jti}: 1 to {@value #MAX_JTI_CHARS} characters ({@code assertion_jti}).
 *   <li>The key: with a header {@code kid}, the public key credential whose RFC 7638 thumbprint it is
 *       ({@code credential_unknown}), which must belong to the client ({@code client_id_mismatch}) and suit the
 *       algorithm ({@code assertion_alg_key_mismatch}: ES256 for P-256, ES384 for P-384, EdDSA or Ed25519 for
 *       Ed25519, RS256 or PS256 for RSA). Without {@code kid}, each active public key of the client that suits the
 *       algorithm is tried, at most {@value #MAX_KEYS_WITHOUT_KID} ({@code kid_required} beyond; none:
 *       {@code credential_unknown}).
 *   <li>The signature verifies with that key ({@code signature_invalid}).
 *   <li>The credential is usable now, as {@link CredentialService#authenticatePublicKey} checks it:
 *       {@code credential_revoked}, {@code credential_expired}, {@code identity_not_active} (suspended; a retired
 *       identity's keys are revoked).
 *   <li>The {@code jti} was not accepted before for this client ({@code assertion_replay}): it is recorded in the
 *       store, shared by every node, until {@code exp} plus the skew, in the transaction that checks the credential,
 *       so a refused assertion consumes nothing.
 * </ol>
 *
 * <p>The client's TLS certificate, if any, plays no part: the token is bound by a DPoP proof, or unbound when the
 * identity's token policy allows it ({@link TokenService}). Refusals are not audited one by one (as with the mutual
 * TLS methods): the token endpoint counts them by reason in a metric.
 */
public final class PrivateKeyJwtAuthenticator implements ClientAuthenticator {
  /** The signature algorithms accepted, in the order the metadata lists them. */
  public static final List<JWSAlgorithm> ALGORITHMS = List.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384,
      JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519, JWSAlgorithm.RS256, JWSAlgorithm.PS256);
  public static final int MAX_ASSERTION_CHARS = 8192;
  public static final int MAX_JTI_CHARS = 256;
  public static final int MAX_KEYS_WITHOUT_KID = 5;
  public static final long MAX_SKEW_SECONDS = 60;
  /** The longest assertion lifetime a deployment may allow. */
  public static final Duration MAX_LIFETIME_CAP = Duration.ofMinutes(10);
  public static final Duration DEFAULT_SKEW = Duration.ofSeconds(30);
  /** The longest an assertion may still be valid for when it is presented (RFC 7523 asks for a short exp). */
  public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofMinutes(5);
  private static final Set<String> TYPES = Set.of("jwt", "client-authentication+jwt");
  /** ECDSA verification is several times faster with BouncyCastle than with SunEC on Java 17. */
  private static final Provider PROVIDER = new BouncyCastleProvider();

  private final CredentialService credentials;
  private final Transactor store;
  private final Clock clock;
  private final Supplier<String> issuer;
  private final String tokenEndpointPath;
  private final Duration skew;
  private final Duration maxLifetime;

  /**
   * @param issuer the issuer identifier (the configured public URL): an accepted {@code aud}
   * @param tokenEndpointPath the token endpoint's path; the issuer followed by it is the other accepted {@code aud}
   */
  public PrivateKeyJwtAuthenticator(CredentialService credentials, Transactor store, Clock clock,
      Supplier<String> issuer, String tokenEndpointPath) {
    this(credentials, store, clock, issuer, tokenEndpointPath, DEFAULT_SKEW, DEFAULT_MAX_LIFETIME);
  }

  /**
   * @param skew how far the client's clock may be off (at most {@value #MAX_SKEW_SECONDS} seconds)
   * @param maxLifetime how far in the future {@code exp} may be (at most {@link #MAX_LIFETIME_CAP})
   */
  public PrivateKeyJwtAuthenticator(CredentialService credentials, Transactor store, Clock clock,
      Supplier<String> issuer, String tokenEndpointPath, Duration skew, Duration maxLifetime) {
    this.credentials = Objects.requireNonNull(credentials);
    this.store = Objects.requireNonNull(store);
    this.clock = Objects.requireNonNull(clock);
    this.issuer = Objects.requireNonNull(issuer);
    this.tokenEndpointPath = Objects.requireNonNull(tokenEndpointPath);
    if (skew.isNegative() || skew.getSeconds() > MAX_SKEW_SECONDS) {
      throw new IllegalArgumentException("skew must be 0 to " + MAX_SKEW_SECONDS + " seconds");
    }
    if (maxLifetime.compareTo(Duration.ofSeconds(10)) < 0 || maxLifetime.compareTo(MAX_LIFETIME_CAP) > 0) {
      throw new IllegalArgumentException("maxLifetime must be 10 seconds to " + MAX_LIFETIME_CAP);
    }
    this.skew = skew;
    this.maxLifetime = maxLifetime;
  }

  @Override
  public ClientAuthenticationMethod method() {
    return ClientAuthenticationMethod.PRIVATE_KEY_JWT;
  }

  @Override
  public AuthenticatedClient authenticate(ClientAuthenticationRequest r) {
    Instant now = clock.instant();
    SignedJWT jwt = parse(r.clientAssertion());
    JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
    JWTClaimsSet claims = claims(jwt);
    IdentityId client = client(claims, r.clientId());
    checkAudience(claims);
    Instant expiry = checkTimes(claims, now);
    String jti = claims.getJWTID();
    if (jti == null || jti.isEmpty() || jti.length() > MAX_JTI_CHARS) {
      throw refused("assertion_jti", "the client assertion needs a jti of 1 to " + MAX_JTI_CHARS + " characters");
    }
    Credential key = verifyingKey(jwt, alg, client);
    UsedClientAssertion used = new UsedClientAssertion(client, UsedClientAssertion.jtiHash(jti), now,
        expiry.plus(skew));
    AuthenticatedCredential authenticated;
    try {
      authenticated = credentials.authenticatePublicKey(key.id(), now, r.requestId(), RefusalAudit.NOT_AUDITED,
          t -> {
            if (!t.clientAssertions().use(used)) {
              throw refused("assertion_replay", "the client assertion was already used; sign a new one with a new jti");
            }
          });
    } catch (RejectedException e) {
      throw refused(e.code().code(), e.code() == ErrorCode.CREDENTIAL_UNKNOWN
          ? "the key named by the client assertion is not registered with bindery"
          : "client key refused: " + e.getMessage().toLowerCase(Locale.ROOT));
    }
    if (!authenticated.identity().id().equals(client)) {
      throw refused("client_id_mismatch", "the client assertion's key does not belong to its client");
    }
    return new AuthenticatedClient(authenticated, method(), null);
  }

  // ---- the assertion ------------------------------------------------------------------------------------

  private static SignedJWT parse(String assertion) {
    if (assertion == null || assertion.isEmpty() || assertion.length() > MAX_ASSERTION_CHARS) {
      throw refused("assertion_malformed", "the client assertion is empty or longer than " + MAX_ASSERTION_CHARS
          + " characters");
    }
    int dot = assertion.indexOf('.');
    Map<String, Object> header;
    try {
      header = JSONObjectUtils.parse(new Base64URL(dot < 0 ? assertion : assertion.substring(0, dot))
          .decodeToString());
    } catch (ParseException | RuntimeException e) {
      throw refused("assertion_malformed", "the client assertion is not a signed jwt");
    }
    // the algorithm is named before any parser interprets it: none and hmac get their own reason
    Object alg = header.get("alg");
    if (!(alg instanceof String name) || ALGORITHMS.stream().noneMatch(a -> a.getName().equals(name))) {
      throw refused("assertion_alg_unsupported", "the client assertion alg must be one of "
          + String.join(", ", ALGORITHMS.stream().map(JWSAlgorithm::getName).toList()));
    }
    if (header.containsKey("crit")) {
      throw refused("assertion_crit", "the client assertion must not have critical header parameters");
    }
    Object typ = header.get("typ");
    if (typ != null && !(typ instanceof String t && TYPES.contains(t.toLowerCase(Locale.ROOT)))) {
      throw refused("assertion_typ", "the client assertion typ, if present, must be jwt");
    }
    try {
      return SignedJWT.parse(assertion);
    } catch (ParseException e) {
      throw refused("assertion_malformed", "the client assertion is not a signed jwt");
    }
  }

  private static JWTClaimsSet claims(SignedJWT jwt) {
    try {
      return jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw refused("assertion_malformed", "the client assertion claims are not a valid json object");
    }
  }

  private static IdentityId client(JWTClaimsSet claims, String clientIdParameter) {
    String iss = claims.getIssuer();
    String sub = claims.getSubject();
    if (iss == null || !iss.equals(sub)) {
      throw refused("assertion_iss_sub", "the client assertion iss and sub must both be the client_id");
    }
    IdentityId client;
    try {
      client = IdentityId.parse(iss);
    } catch (RejectedException e) {
      throw refused("client_id_malformed", "the client assertion iss is not a bindery identity id");
    }
    if (clientIdParameter != null && !clientIdParameter.equals(iss)) {
      throw refused("client_id_mismatch", "client_id differs from the client assertion iss");
    }
    return client;
  }

  private void checkAudience(JWTClaimsSet claims) {
    String base = issuer.get();
    String id = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    List<String> aud = claims.getAudience();
    if (aud == null || !(aud.contains(id) || aud.contains(id + tokenEndpointPath))) {
      throw refused("assertion_aud", "the client assertion aud must contain the issuer " + id
          + " or the token endpoint url");
    }
  }

  /** Returns {@code exp}. */
  private Instant checkTimes(JWTClaimsSet claims, Instant now) {
    Date exp = claims.getExpirationTime();
    if (exp == null) {
      throw refused("assertion_exp_missing", "the client assertion needs an exp");
    }
    Instant expiry = exp.toInstant();
    if (!expiry.isAfter(now.minus(skew))) {
      throw refused("assertion_expired", "the client assertion expired");
    }
    if (expiry.isAfter(now.plus(maxLifetime))) {
      throw refused("assertion_lifetime_too_long", "the client assertion exp is more than "
          + maxLifetime.toSeconds() + " seconds from now");
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && nbf.toInstant().isAfter(now.plus(skew))) {
      throw refused("assertion_not_yet_valid", "the client assertion nbf is in the future");
    }
    Date iat = claims.getIssueTime();
    if (iat != null && iat.toInstant().isAfter(now.plus(skew))) {
      throw refused("assertion_iat_future", "the client assertion iat is in the future");
    }
    return expiry;
  }

  // ---- the key ------------------------------------------------------------------------------------------

  /** The registered public key of {@code client} that the signature verifies with. */
  private Credential verifyingKey(SignedJWT jwt, JWSAlgorithm alg, IdentityId client) {
    String kid = jwt.getHeader().getKeyID();
    if (kid != null) {
      Thumbprint thumbprint;
      try {
        thumbprint = new Thumbprint(kid);
      } catch (RejectedException e) {
        throw refused("credential_unknown", "the client assertion kid is not the thumbprint of a registered key");
      }
      Credential key = store.read(t -> t.credentials().findByThumbprint(CredentialType.PUBLIC_KEY, thumbprint))
          .orElseThrow(() -> refused("credential_unknown",
              "the client assertion kid is not the thumbprint of a registered key"));
      if (!key.identityId().equals(client)) {
        throw refused("client_id_mismatch", "the key named by the client assertion kid does not belong to its iss");
      }
      if (!suits(alg, key)) {
        throw refused("assertion_alg_key_mismatch", "the client assertion alg " + alg.getName()
            + " does not suit the registered " + key.keyType() + " key");
      }
      if (!verifies(jwt, alg, key)) {
        throw refused("signature_invalid", "the client assertion signature does not verify");
      }
      return key;
    }
    List<Credential> candidates = store.read(t -> t.credentials().listForIdentity(client)).stream()
        .filter(c -> c.type() == CredentialType.PUBLIC_KEY && c.status() == CredentialStatus.ACTIVE)
        .filter(c -> suits(alg, c))
        .sorted(Comparator.comparing(Credential::boundAt).reversed())
        .toList();
    if (candidates.isEmpty()) {
      throw refused("credential_unknown", "the client has no active registered " + alg.getName() + " key");
    }
    if (candidates.size() > MAX_KEYS_WITHOUT_KID) {
      throw refused("kid_required", "the client has more than " + MAX_KEYS_WITHOUT_KID
          + " active keys: name the key with kid (its rfc 7638 thumbprint)");
    }
    for (Credential c : candidates) {
      if (verifies(jwt, alg, c)) {
        return c;
      }
    }
    throw refused("signature_invalid", "the client assertion signature does not verify with a registered key");
  }

  private static boolean suits(JWSAlgorithm alg, Credential key) {
    String type = key.keyType();
    if (JWSAlgorithm.ES256.equals(alg)) {
      return "EC P-256".equals(type);
    }
    if (JWSAlgorithm.ES384.equals(alg)) {
      return "EC P-384".equals(type);
    }
    if (JWSAlgorithm.EdDSA.equals(alg) || JWSAlgorithm.Ed25519.equals(alg)) {
      return "Ed25519".equals(type);
    }
    return (JWSAlgorithm.RS256.equals(alg) || JWSAlgorithm.PS256.equals(alg)) && type.startsWith("RSA ");
  }

  private static boolean verifies(SignedJWT jwt, JWSAlgorithm alg, Credential key) {
    try {
      if (JWSAlgorithm.Family.EC.contains(alg)) {
        ECDSAVerifier verifier = new ECDSAVerifier((ECPublicKey) key.publicKey().toPublicKey("EC"));
        verifier.getJCAContext().setProvider(PROVIDER);
        return jwt.verify(verifier);
      }
      if (JWSAlgorithm.Family.RSA.contains(alg)) {
        return jwt.verify(new RSASSAVerifier((RSAPublicKey) key.publicKey().toPublicKey("RSA")));
      }
      // EdDSA with Ed25519 (RFC 8037 section 3.1): Nimbus needs Tink for it, the JDK verifies it directly
      byte[] signature = jwt.getSignature().decode();
      if (signature.length != 64) {
        return false;
      }
      Signature verifier = Signature.getInstance("Ed25519");
      verifier.initVerify(key.publicKey().toPublicKey("Ed25519"));
      verifier.update(jwt.getSigningInput());
      return verifier.verify(signature);
    } catch (JOSEException | GeneralSecurityException | IllegalStateException | ClassCastException e) {
      return false;
    }
  }

  private static OAuthException refused(String reason, String description) {
    return new OAuthException(OAuthError.INVALID_CLIENT, reason, description);
  }
}
