package dev.bindery.client.jose;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import java.security.Provider;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The asymmetric JWS algorithms the SDK verifies, and which key may verify which algorithm. {@code none},
 * every HMAC algorithm and anything unknown are refused when a verifier is configured, so a token can never
 * choose a weaker or symmetric algorithm (the "HS256 with the public key" confusion). An RSA key must have at
 * least 2048 bits; an EC key must be on the curve of its algorithm.
 */
public final class SignatureAlgorithms {
  private static final Map<String, Curve> EC_CURVES = Map.of(
      "ES256", Curve.P_256, "ES384", Curve.P_384, "ES512", Curve.P_521);
  private static final Set<String> RSA = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512");
  private static final int MIN_RSA_BITS = 2048;

  private SignatureAlgorithms() {}

  /** Validates a configured algorithm set; refuses symmetric, {@code none} and unknown names. */
  public static Set<String> requireAsymmetric(Collection<String> algorithms) {
    if (algorithms.isEmpty()) {
      throw new IllegalArgumentException("at least one signature algorithm must be accepted");
    }
    Set<String> out = new LinkedHashSet<>();
    for (String alg : algorithms) {
      if (!EC_CURVES.containsKey(alg) && !RSA.contains(alg)) {
        throw new IllegalArgumentException("not an accepted asymmetric JWS algorithm: " + alg
            + " (accepted: ES256, ES384, ES512, RS256, RS384, RS512, PS256, PS384, PS512)");
      }
      out.add(alg);
    }
    return Collections.unmodifiableSet(out);
  }

  /**
   * A verifier for signatures of {@code alg} with the public part of {@code key}, or null when the key
   * cannot verify that algorithm (wrong type, wrong curve, RSA below 2048 bits, {@code alg} or {@code use}
   * of the JWK saying otherwise).
   */
  public static JWSVerifier verifierFor(JWK key, String alg, Provider provider) {
    if (key.getAlgorithm() != null && !key.getAlgorithm().getName().equals(alg)) {
      return null;
    }
    if (key.getKeyUse() != null && !"sig".equals(key.getKeyUse().identifier())) {
      return null;
    }
    try {
      JWSVerifier verifier;
      Curve curve = EC_CURVES.get(alg);
      if (curve != null) {
        if (!(key instanceof ECKey ec) || !curve.equals(ec.getCurve())) {
          return null;
        }
        verifier = new ECDSAVerifier(ec.toECPublicKey());
      } else if (RSA.contains(alg)) {
        if (!(key instanceof RSAKey rsa) || rsa.size() < MIN_RSA_BITS) {
          return null;
        }
        verifier = new RSASSAVerifier(rsa.toRSAPublicKey());
      } else {
        return null;
      }
      if (provider != null) {
        verifier.getJCAContext().setProvider(provider);
      }
      return verifier;
    } catch (JOSEException e) {
      return null;
    }
  }

  /** The Nimbus constant for an accepted name. */
  public static JWSAlgorithm jws(String alg) {
    return JWSAlgorithm.parse(alg);
  }
}
