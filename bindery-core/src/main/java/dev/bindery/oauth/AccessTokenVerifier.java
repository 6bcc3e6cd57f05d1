package dev.bindery.oauth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.bindery.token.AccessTokenIssuer;
import dev.bindery.token.KeyRing;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Verifies an access token this authorization server issued (RFC 9068), deny by default: a compact JWS of at most
 * {@value #MAX_TOKEN_LENGTH} characters; header {@code alg} ES256, {@code typ} {@code at+jwt}, a {@code kid} that
 * {@link KeyRing#verificationKey} knows; a valid signature; {@code iss} exactly this issuer; {@code sub},
 * {@code client_id}, {@code jti}, {@code iat}, {@code nbf}, {@code exp} and a non-empty {@code aud} present;
 * {@code exp} after the clock's now; {@code nbf} not after now plus {@link #MAX_NBF_SKEW} (other nodes' clocks);
 * {@code cnf}, when present, exactly one string member {@code x5t#S256} or {@code jkt}. Anything else is empty:
 * the caller cannot tell why (RFC 7662 section 2.2 gives no reason either). {@link #checkIgnoringLifetime} says why,
 * for a leak report only.
 */
public final class AccessTokenVerifier {
  public static final int MAX_TOKEN_LENGTH = 8192;
  public static final Duration MAX_NBF_SKEW = Duration.ofSeconds(30);
  private final KeyRing keys;
  private final Clock clock;
  private final Supplier<String> issuer;

  public AccessTokenVerifier(KeyRing keys, Clock clock, Supplier<String> issuer) {
    this.keys = Objects.requireNonNull(keys);
    this.clock = Objects.requireNonNull(clock);
    this.issuer = Objects.requireNonNull(issuer);
  }

  public Optional<VerifiedAccessToken> verify(String token) {
    return Optional.ofNullable(check(token, true).token());
  }

  /** Why a token did not verify; said only where the caller may learn it (a leak report, never introspection). */
  public enum Failure {
    /** Not a compact JWS of at most {@value #MAX_TOKEN_LENGTH} characters. */
    MALFORMED,
    /** A JWS whose header {@code typ} is not {@code at+jwt}: not an access token. */
    NOT_AN_ACCESS_TOKEN,
    /** No {@code kid}, or one that names no published signing key of this server. */
    UNKNOWN_KEY,
    /** An {@code alg} other than ES256, or a signature that does not verify with the key its {@code kid} names. */
    BAD_SIGNATURE,
    /** Signed by this server's key, but the claims are not those of its tokens ({@code iss}, a required claim, cnf). */
    INVALID_CLAIMS,
    /** {@code exp} has passed, or {@code nbf} is beyond the allowed skew. */
    OUTSIDE_LIFETIME
  }

  /** The outcome of a check: exactly one of {@code token} and {@code failure} is set. */
  public record Check(VerifiedAccessToken token, Failure failure) {
    public Check {
      if ((token == null) == (failure == null)) {
        throw new IllegalArgumentException("a check has a token or a failure");
      }
    }
  }

  /**
   * As {@link #verify} but without the lifetime check ({@code exp}, {@code nbf}), and saying why a token failed: for a
   * leak report, which must recognise an expired token this server signed and tell a forged one apart. Never use it
   * to accept a token.
   */
  public Check checkIgnoringLifetime(String token) {
    return check(token, false);
  }

  private Check check(String token, boolean lifetime) {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
      return refused(Failure.MALFORMED);
    }
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token);
    } catch (ParseException e) {
      return refused(Failure.MALFORMED);
    }
    JWSHeader header = jwt.getHeader();
    if (!AccessTokenIssuer.AT_JWT.equals(header.getType())) {
      return refused(Failure.NOT_AN_ACCESS_TOKEN);
    }
    if (!JWSAlgorithm.ES256.equals(header.getAlgorithm())) {
      return refused(Failure.BAD_SIGNATURE);
    }
    try {
      Optional<ECKey> key = header.getKeyID() == null ? Optional.empty() : keys.verificationKey(header.getKeyID());
      if (key.isEmpty()) {
        return refused(Failure.UNKNOWN_KEY);
      }
      if (!jwt.verify(new ECDSAVerifier(key.get()))) {
        return refused(Failure.BAD_SIGNATURE);
      }
    } catch (JOSEException | IllegalStateException e) {
      return refused(Failure.BAD_SIGNATURE);
    }
    try {
      return claims(jwt.getJWTClaimsSet(), lifetime);
    } catch (ParseException e) {
      return refused(Failure.INVALID_CLAIMS);
    }
  }

  private static Check refused(Failure failure) {
    return new Check(null, failure);
  }

  private Check claims(JWTClaimsSet c, boolean lifetime) throws ParseException {
    String iss = c.getIssuer();
    String sub = c.getSubject();
    String clientId = c.getStringClaim("client_id");
    String jti = c.getJWTID();
    Date iat = c.getIssueTime();
    Date nbf = c.getNotBeforeTime();
    Date exp = c.getExpirationTime();
    List<String> aud = c.getAudience();
    if (iss == null || !iss.equals(issuer.get()) || sub == null || clientId == null || jti == null || iat == null
        || nbf == null || exp == null || aud == null || aud.isEmpty()) {
      return refused(Failure.INVALID_CLAIMS);
    }
    Instant now = clock.instant();
    if (lifetime && (!now.isBefore(exp.toInstant()) || nbf.toInstant().isAfter(now.plus(MAX_NBF_SKEW)))) {
      return refused(Failure.OUTSIDE_LIFETIME);
    }
    String x5t = null;
    String jkt = null;
    Map<String, Object> cnf = c.getJSONObjectClaim("cnf");
    if (cnf != null) {
      if (cnf.size() != 1) {
        return refused(Failure.INVALID_CLAIMS);
      }
      Object v = cnf.values().iterator().next();
      if (!(v instanceof String s) || s.isEmpty()) {
        return refused(Failure.INVALID_CLAIMS);
      }
      if (cnf.containsKey("x5t#S256")) {
        x5t = s;
      } else if (cnf.containsKey("jkt")) {
        jkt = s;
      } else {
        return refused(Failure.INVALID_CLAIMS);
      }
    }
    return new Check(new VerifiedAccessToken(iss, sub, clientId, c.getStringClaim("scope"), aud, iat.toInstant(),
        nbf.toInstant(), exp.toInstant(), jti, x5t, jkt), null);
  }
}
