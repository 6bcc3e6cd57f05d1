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
 * the caller cannot tell why (RFC 7662 section 2.2 gives no reason either).
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
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
      return Optional.empty();
    }
    try {
      SignedJWT jwt = SignedJWT.parse(token);
      JWSHeader header = jwt.getHeader();
      if (!JWSAlgorithm.ES256.equals(header.getAlgorithm()) || !AccessTokenIssuer.AT_JWT.equals(header.getType())
          || header.getKeyID() == null) {
        return Optional.empty();
      }
      Optional<ECKey> key = keys.verificationKey(header.getKeyID());
      if (key.isEmpty() || !jwt.verify(new ECDSAVerifier(key.get()))) {
        return Optional.empty();
      }
      return claims(jwt.getJWTClaimsSet());
    } catch (ParseException | JOSEException | IllegalStateException e) {
      return Optional.empty();
    }
  }

  private Optional<VerifiedAccessToken> claims(JWTClaimsSet c) throws ParseException {
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
      return Optional.empty();
    }
    Instant now = clock.instant();
    if (!now.isBefore(exp.toInstant()) || nbf.toInstant().isAfter(now.plus(MAX_NBF_SKEW))) {
      return Optional.empty();
    }
    String x5t = null;
    String jkt = null;
    Map<String, Object> cnf = c.getJSONObjectClaim("cnf");
    if (cnf != null) {
      if (cnf.size() != 1) {
        return Optional.empty();
      }
      Object v = cnf.values().iterator().next();
      if (!(v instanceof String s) || s.isEmpty()) {
        return Optional.empty();
      }
      if (cnf.containsKey("x5t#S256")) {
        x5t = s;
      } else if (cnf.containsKey("jkt")) {
        jkt = s;
      } else {
        return Optional.empty();
      }
    }
    return Optional.of(new VerifiedAccessToken(iss, sub, clientId, c.getStringClaim("scope"), aud, iat.toInstant(),
        nbf.toInstant(), exp.toInstant(), jti, x5t, jkt));
  }
}
