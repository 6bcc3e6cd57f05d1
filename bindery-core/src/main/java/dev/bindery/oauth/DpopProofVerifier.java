package dev.bindery.oauth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.bindery.credential.Thumbprint;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.Provider;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Verifies the DPoP proof of a token request (RFC 9449 section 4.3), deny by default. Every refusal is
 * {@code invalid_dpop_proof}, except a missing or stale server nonce ({@code use_dpop_nonce} with a fresh one).
 *
 * <ol>
 *   <li>Exactly one {@code DPoP} header, at most {@value #MAX_PROOF_CHARS} characters, a compact JWS.
 *   <li>Header {@code typ} {@code dpop+jwt}; {@code alg} one of ES256, ES384, RS256, PS256 (never {@code none} or
 *       an HMAC); {@code jwk} a public key (no private member) of the type and size the algorithm needs (P-256,
 *       P-384, RSA of at least 2048 bits); no critical header parameter.
 *   <li>The signature verifies with that {@code jwk}.
 *   <li>{@code jti} (1-{@value #MAX_JTI_CHARS} characters), {@code htm} equal to the request method,
 *       {@code htu} equal to the endpoint URL (scheme and host case-insensitive, default port implied, query and
 *       fragment ignored), {@code iat} within the window either side of now.
 *   <li>The nonce: required when the deployment requires nonces, and checked whenever present.
 *   <li>Not seen before on this node ({@link DpopReplayCache}).
 * </ol>
 */
public final class DpopProofVerifier {
  public static final List<JWSAlgorithm> ALGORITHMS =
      List.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.RS256, JWSAlgorithm.PS256);
  public static final int MAX_PROOF_CHARS = 8192;
  public static final int MAX_JTI_CHARS = 256;
  private static final int MIN_RSA_BITS = 2048;
  private static final Set<String> PRIVATE_JWK_MEMBERS = Set.of("d", "p", "q", "dp", "dq", "qi", "oth", "k");
  /** Verification is several times faster with BouncyCastle than with SunEC on Java 17. */
  private static final Provider PROVIDER = new BouncyCastleProvider();

  private final Clock clock;
  private final Duration window;
  private final DpopNonces nonces;
  private final boolean nonceRequired;
  private final DpopReplayCache replays;

  /**
   * @param window how far {@code iat} may be from now, either way
   * @param nonceRequired whether every proof must carry a valid server nonce
   * @param replays this node's cache; its retention must be at least twice {@code window}
   */
  public DpopProofVerifier(Clock clock, Duration window, DpopNonces nonces, boolean nonceRequired,
      DpopReplayCache replays) {
    this.clock = Objects.requireNonNull(clock);
    this.window = Objects.requireNonNull(window);
    this.nonces = Objects.requireNonNull(nonces);
    this.nonceRequired = nonceRequired;
    this.replays = Objects.requireNonNull(replays);
  }

  public boolean nonceRequired() {
    return nonceRequired;
  }

  /** A fresh server nonce, for the {@code DPoP-Nonce} header. */
  public String nonce() {
    return nonces.current();
  }

  /**
   * Verifies the proof in {@code headerValues} (every {@code DPoP} header of the request) for a request with
   * {@code method} to {@code endpoint}.
   */
  public DpopProof verify(List<String> headerValues, String method, URI endpoint) {
    if (headerValues.size() != 1) {
      throw invalid("dpop_header_count", "send exactly one dpop header");
    }
    String proof = headerValues.get(0).strip();
    if (proof.isEmpty() || proof.length() > MAX_PROOF_CHARS) {
      throw invalid("dpop_malformed", "the dpop proof is empty or longer than " + MAX_PROOF_CHARS + " characters");
    }
    rejectPrivateJwk(proof);
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(proof);
    } catch (ParseException e) {
      throw invalid("dpop_malformed", "the dpop proof is not a signed jwt");
    }
    JWSHeader header = jwt.getHeader();
    if (header.getType() == null || !"dpop+jwt".equals(header.getType().getType().toLowerCase(Locale.ROOT))) {
      throw invalid("dpop_typ", "the dpop proof typ must be dpop+jwt");
    }
    if (!ALGORITHMS.contains(header.getAlgorithm())) {
      throw invalid("dpop_alg", "the dpop proof alg must be one of es256, es384, rs256, ps256");
    }
    JWK jwk = header.getJWK();
    if (jwk == null) {
      throw invalid("dpop_jwk_missing", "the dpop proof header has no jwk");
    }
    if (jwk.isPrivate()) {
      throw invalid("dpop_private_key", "the dpop proof jwk must be a public key");
    }
    verifySignature(jwt, header.getAlgorithm(), jwk);
    JWTClaimsSet claims;
    try {
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw invalid("dpop_malformed", "the dpop proof claims are not a json object");
    }
    String jti = string(claims, "jti");
    if (jti == null || jti.isEmpty() || jti.length() > MAX_JTI_CHARS) {
      throw invalid("dpop_jti", "the dpop proof needs a jti of 1 to " + MAX_JTI_CHARS + " characters");
    }
    if (!method.equals(string(claims, "htm"))) {
      throw invalid("dpop_htm", "the dpop proof htm does not match the request method");
    }
    String htu = string(claims, "htu");
    String expected = normalized(endpoint.toString());
    if (htu == null || expected == null || !expected.equals(normalized(htu))) {
      throw invalid("dpop_htu", "the dpop proof htu does not match the token endpoint url");
    }
    Instant now = clock.instant();
    Instant iat = issuedAt(claims);
    if (iat.isBefore(now.minus(window)) || iat.isAfter(now.plus(window))) {
      throw invalid("dpop_iat", "the dpop proof iat is more than " + window.toSeconds() + " seconds from now");
    }
    checkNonce(claims);
    Thumbprint jkt = thumbprint(jwk);
    switch (replays.use(jkt.value(), jti, now)) {
      case REPLAY -> throw invalid("dpop_replay", "the dpop proof was already used");
      case FULL -> throw invalid("dpop_replay_cache_full", "the server cannot accept more dpop proofs now; retry");
      case FIRST -> {
        // accepted
      }
    }
    return new DpopProof(jkt, jti, iat);
  }

  /** A private member in the header's jwk is named as such, before any parser sees it. */
  private static void rejectPrivateJwk(String proof) {
    int dot = proof.indexOf('.');
    if (dot <= 0) {
      return; // the parse below refuses it
    }
    try {
      Map<String, Object> header = JSONObjectUtils.parse(
          new Base64URL(proof.substring(0, dot)).decodeToString());
      Object jwk = header.get("jwk");
      if (jwk instanceof Map<?, ?> members && members.keySet().stream().anyMatch(PRIVATE_JWK_MEMBERS::contains)) {
        throw invalid("dpop_private_key", "the dpop proof jwk must be a public key, it holds private key material");
      }
    } catch (ParseException | RuntimeException e) {
      if (e instanceof OAuthException o) {
        throw o;
      }
      // malformed: the parse below refuses it
    }
  }

  private static void verifySignature(SignedJWT jwt, JWSAlgorithm alg, JWK jwk) {
    JWSVerifier verifier;
    try {
      if (alg.getName().startsWith("ES")) {
        Curve curve = JWSAlgorithm.ES256.equals(alg) ? Curve.P_256 : Curve.P_384;
        if (!(jwk instanceof ECKey ec) || !curve.equals(ec.getCurve())) {
          throw invalid("dpop_jwk_mismatch", "the dpop proof jwk is not an ec " + curve.getName() + " key for "
              + alg.getName().toLowerCase(Locale.ROOT));
        }
        ECDSAVerifier ecdsa = new ECDSAVerifier(ec);
        ecdsa.getJCAContext().setProvider(PROVIDER);
        verifier = ecdsa;
      } else {
        if (!(jwk instanceof RSAKey rsa) || rsa.size() < MIN_RSA_BITS) {
          throw invalid("dpop_jwk_mismatch", "the dpop proof jwk is not an rsa key of at least " + MIN_RSA_BITS
              + " bits");
        }
        verifier = new RSASSAVerifier(rsa);
      }
      if (!jwt.verify(verifier)) {
        throw invalid("dpop_signature", "the dpop proof signature does not verify");
      }
    } catch (JOSEException | IllegalStateException e) {
      throw invalid("dpop_signature", "the dpop proof signature does not verify");
    }
  }

  private void checkNonce(JWTClaimsSet claims) {
    Object nonce = claims.getClaim("nonce");
    if (nonce == null) {
      if (nonceRequired) {
        throw OAuthException.useDpopNonce("dpop_nonce_missing", "the dpop proof must carry the server's nonce",
            nonces.current());
      }
      return;
    }
    if (!(nonce instanceof String s) || !nonces.valid(s)) {
      throw OAuthException.useDpopNonce("dpop_nonce_invalid", "the dpop proof nonce is unknown or expired",
          nonces.current());
    }
  }

  private static Instant issuedAt(JWTClaimsSet claims) {
    Object iat = claims.getClaim("iat");
    if (!(iat instanceof Date)) {
      throw invalid("dpop_iat", "the dpop proof needs a numeric iat");
    }
    return ((Date) iat).toInstant();
  }

  private static String string(JWTClaimsSet claims, String name) {
    Object v = claims.getClaim(name);
    return v instanceof String s ? s : null;
  }

  /**
   * The URL without query and fragment, with scheme and host in lowercase and the default port left out
   * (RFC 9449 section 4.3 point 9, RFC 3986 section 6.2.2 and 6.2.3); null for a URL that is not absolute, has
   * user info or does not parse.
   */
  static String normalized(String url) {
    try {
      URI u = new URI(url);
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      String host = u.getHost() == null ? "" : u.getHost().toLowerCase(Locale.ROOT);
      int port = u.getPort();
      if ((scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80)) {
        port = -1;
      }
      String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
      if (scheme.isEmpty() || host.isEmpty() || u.getRawUserInfo() != null) {
        return null;
      }
      return scheme + "://" + host + (port == -1 ? "" : ":" + port) + path;
    } catch (URISyntaxException e) {
      return null;
    }
  }

  static Thumbprint thumbprint(JWK jwk) {
    try {
      return new Thumbprint(jwk.computeThumbprint("SHA-256").toString());
    } catch (JOSEException e) {
      throw new IllegalStateException("SHA-256 thumbprint failed", e);
    }
  }

  private static OAuthException invalid(String reason, String description) {
    return new OAuthException(OAuthError.INVALID_DPOP_PROOF, reason, description);
  }
}
