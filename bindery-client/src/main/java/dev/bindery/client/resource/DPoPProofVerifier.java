package dev.bindery.client.resource;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.bindery.client.jose.SignatureAlgorithms;
import dev.bindery.client.jose.Thumbprints;
import java.security.Provider;
import java.text.ParseException;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * Checks the DPoP proof of a protected resource request (RFC 9449 §4.3 and §7.1) against a DPoP-bound token:
 * exactly one proof; {@code typ} {@code dpop+jwt}; an accepted asymmetric {@code alg}; a public {@code jwk}
 * that verifies the signature; {@code htm} and {@code htu} equal to the request; {@code iat} within the
 * window; {@code ath} equal to the token's hash; the JWK thumbprint equal to the token's {@code cnf.jkt};
 * and a {@code jti} never seen before. Returns null when the proof is good, otherwise the reason.
 */
final class DPoPProofVerifier {
  static final int MAX_PROOF_CHARS = 8192;
  private static final int MAX_JTI_CHARS = 256;
  private static final JOSEObjectType DPOP_JWT = new JOSEObjectType("dpop+jwt");

  private final Set<String> algorithms;
  private final long maxAgeMillis;
  private final long skewMillis;
  private final ReplayCache replays;
  private final Provider provider;

  DPoPProofVerifier(Set<String> algorithms, long maxAgeMillis, long skewMillis, ReplayCache replays,
      Provider provider) {
    this.algorithms = algorithms;
    this.maxAgeMillis = maxAgeMillis;
    this.skewMillis = skewMillis;
    this.replays = replays;
    this.provider = provider;
  }

  /** A failed check: which error and what to tell the client. */
  record Failure(TokenError error, String description) {}

  Failure verify(List<String> proofs, String method, String uri, String accessToken, String expectedJkt,
      long now) {
    if (proofs.size() != 1) {
      return proof(proofs.isEmpty() ? "DPoP proof missing" : "more than one DPoP proof");
    }
    String proof = proofs.get(0);
    if (proof.length() > MAX_PROOF_CHARS) {
      return proof("DPoP proof too large");
    }
    SignedJWT jwt;
    JWSHeader header;
    try {
      jwt = SignedJWT.parse(proof);
      header = jwt.getHeader();
    } catch (ParseException e) {
      return proof("DPoP proof is not a signed JWT");
    }
    if (header.getType() == null || !header.getType().getType().equalsIgnoreCase(DPOP_JWT.getType())) {
      return proof("DPoP proof typ must be dpop+jwt");
    }
    String alg = header.getAlgorithm().getName();
    if (!algorithms.contains(alg)) {
      return proof("DPoP proof algorithm not accepted");
    }
    if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
      return proof("DPoP proof has critical header parameters");
    }
    JWK jwk = header.getJWK();
    if (jwk == null) {
      return proof("DPoP proof has no jwk header");
    }
    if (jwk.isPrivate()) {
      return proof("DPoP proof jwk must not contain a private key");
    }
    JWSVerifier verifier = SignatureAlgorithms.verifierFor(jwk, alg, provider);
    if (verifier == null) {
      return proof("DPoP proof jwk does not fit its algorithm");
    }
    try {
      if (!jwt.verify(verifier)) {
        return proof("DPoP proof signature invalid");
      }
    } catch (JOSEException | IllegalStateException e) {
      return proof("DPoP proof signature invalid");
    }
    JWTClaimsSet claims;
    String jti;
    String htm;
    String htu;
    String ath;
    Date iat;
    try {
      claims = jwt.getJWTClaimsSet();
      jti = claims.getStringClaim("jti");
      htm = claims.getStringClaim("htm");
      htu = claims.getStringClaim("htu");
      ath = claims.getStringClaim("ath");
      iat = claims.getIssueTime();
    } catch (ParseException e) {
      return proof("DPoP proof claims malformed");
    }
    if (jti == null || jti.isEmpty() || jti.length() > MAX_JTI_CHARS) {
      return proof("DPoP proof jti missing or too long");
    }
    if (htm == null || !htm.equals(method)) {
      return proof("DPoP proof htm does not match the request method");
    }
    if (htu == null || !HtuMatcher.matches(htu, uri)) {
      return proof("DPoP proof htu does not match the request URL");
    }
    if (iat == null) {
      return proof("DPoP proof iat missing");
    }
    long age = now - iat.getTime();
    if (age > maxAgeMillis) {
      return proof("DPoP proof is too old");
    }
    if (age < -skewMillis) {
      return proof("DPoP proof iat is in the future");
    }
    if (ath == null || !Thumbprints.constantTimeEquals(ath, Thumbprints.ath(accessToken))) {
      return proof("DPoP proof ath does not match the access token");
    }
    String jkt = Thumbprints.jkt(jwk);
    if (!Thumbprints.constantTimeEquals(jkt, expectedJkt)) {
      return new Failure(TokenError.INVALID_TOKEN, "DPoP proof key does not match the token binding");
    }
    // recorded last: a proof that fails another check does not use up its jti
    switch (replays.use(jkt + ' ' + jti, iat.getTime() + maxAgeMillis + skewMillis, now)) {
      case FIRST_USE:
        return null;
      case REPLAYED:
        return proof("DPoP proof replayed");
      default:
        // the server's capacity, not the client's fault: refuse without blaming the proof
        return new Failure(TokenError.TEMPORARILY_UNAVAILABLE, "DPoP replay cache full");
    }
  }

  private static Failure proof(String description) {
    return new Failure(TokenError.INVALID_DPOP_PROOF, description);
  }
}
