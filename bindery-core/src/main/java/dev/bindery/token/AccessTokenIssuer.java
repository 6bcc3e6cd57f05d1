package dev.bindery.token;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.bindery.common.RandomIds;
import dev.bindery.common.Secret;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.Scope;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Mints RFC 9068 JWT access tokens with the {@link KeyRing}'s current key. Header {@code typ} {@code at+jwt},
 * {@code alg} ES256, {@code kid}. Claims: {@code iss}, {@code sub} and {@code client_id} (the identity id),
 * {@code aud} (a string for one audience, an array for several), {@code iat}, {@code nbf} (= iat), {@code exp},
 * {@code jti} ({@code tok_} and 26 base32 characters), {@code scope} (space-separated, omitted when empty) and
 * {@code cnf} (omitted only for an unbound token). Nothing is written anywhere: issuing a token costs a signature.
 */
public final class AccessTokenIssuer {
  public static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");
  public static final String JTI_PREFIX = "tok_";
  private final KeyRing keys;
  private final SecureRandom random;

  public AccessTokenIssuer(KeyRing keys, SecureRandom random) {
    this.keys = Objects.requireNonNull(keys);
    this.random = Objects.requireNonNull(random);
  }

  public KeyRing keys() {
    return keys;
  }

  /**
   * Signs a token. {@code issuedAt} and {@code expiresAt} are truncated to whole seconds (JWT NumericDate).
   *
   * @throws IllegalArgumentException if the token would not outlive its issue second or names no audience
   */
  public IssuedAccessToken mint(String issuer, IdentityId subject, Set<Scope> scopes, List<Audience> audiences,
      Confirmation confirmation, Instant issuedAt, Instant expiresAt) {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(confirmation, "confirmation");
    if (audiences.isEmpty()) {
      throw new IllegalArgumentException("a token names at least one audience");
    }
    Instant iat = Instant.ofEpochSecond(issuedAt.getEpochSecond());
    Instant exp = Instant.ofEpochSecond(expiresAt.getEpochSecond());
    if (!exp.isAfter(iat)) {
      throw new IllegalArgumentException("a token must expire after it was issued");
    }
    String jti = RandomIds.generate(JTI_PREFIX, random);
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
        .issuer(issuer)
        .subject(subject.value())
        .audience(audiences.stream().map(Audience::value).toList())
        .claim("client_id", subject.value())
        .issueTime(Date.from(iat))
        .notBeforeTime(Date.from(iat))
        .expirationTime(Date.from(exp))
        .jwtID(jti);
    if (!scopes.isEmpty()) {
      claims.claim("scope", scopes.stream().map(Scope::value).sorted().collect(Collectors.joining(" ")));
    }
    if (confirmation.bound()) {
      claims.claim("cnf", confirmation.claim());
    }
    String jwt = keys.sign(AT_JWT, claims.build());
    return new IssuedAccessToken(Secret.of(jwt), jti, confirmation, scopes, iat, exp);
  }
}
