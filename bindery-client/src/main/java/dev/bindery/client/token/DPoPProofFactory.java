package dev.bindery.client.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.bindery.client.jose.Thumbprints;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.util.Base64;
import java.util.Date;
import java.util.Objects;

/**
 * Creates DPoP proofs (RFC 9449 §4.2) with one EC P-256 key: header {@code typ} {@code dpop+jwt}, {@code alg}
 * {@code ES256} and the public {@code jwk}; claims {@code jti} (128 random bits), {@code htm}, {@code htu}
 * (the URL without query and fragment), {@code iat}, and when given {@code nonce} and {@code ath} (the
 * access token's hash, for requests to resource servers). The private key never leaves this object.
 */
public final class DPoPProofFactory {
  private static final JOSEObjectType DPOP_JWT = new JOSEObjectType("dpop+jwt");
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final ECDSASigner signer;
  private final ECKey publicJwk;
  private final String thumbprint;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  private DPoPProofFactory(KeyPair keyPair, Clock clock) {
    Objects.requireNonNull(keyPair, "keyPair");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (!(keyPair.getPublic() instanceof ECPublicKey pub) || !(keyPair.getPrivate() instanceof ECPrivateKey priv)) {
      throw new IllegalArgumentException("a DPoP key must be an EC P-256 key pair");
    }
    if (!Curve.P_256.equals(Curve.forECParameterSpec(pub.getParams()))) {
      throw new IllegalArgumentException("a DPoP key must be on curve P-256");
    }
    try {
      this.signer = new ECDSASigner(priv);
    } catch (JOSEException e) {
      throw new IllegalArgumentException("unusable DPoP key", e);
    }
    this.publicJwk = new ECKey.Builder(Curve.P_256, pub).build();
    this.thumbprint = Thumbprints.jkt(publicJwk);
  }

  /** A factory with a new P-256 key. */
  public static DPoPProofFactory generate(Clock clock) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return new DPoPProofFactory(generator.generateKeyPair(), clock);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot generate a P-256 key", e);
    }
  }

  /** A factory over an existing P-256 key pair (for a token bound across restarts). */
  public static DPoPProofFactory of(KeyPair keyPair, Clock clock) {
    return new DPoPProofFactory(keyPair, clock);
  }

  /** The public key as a JWK (the proofs' {@code jwk} header). */
  public ECKey publicJwk() {
    return publicJwk;
  }

  /** The RFC 7638 thumbprint of the key: the {@code cnf.jkt} of tokens bound to it. */
  public String jwkThumbprint() {
    return thumbprint;
  }

  /** A proof for a token request (no {@code ath}). */
  public String proof(String method, URI uri, String nonce) {
    return create(method, uri, nonce, null);
  }

  /** A proof for a request to a resource server with {@code accessToken}; {@code nonce} may be null. */
  public String proofForResource(String method, URI uri, AccessToken accessToken, String nonce) {
    return proofForResource(method, uri, accessToken.value(), nonce);
  }

  /** The same with the token's value. */
  public String proofForResource(String method, URI uri, String accessToken, String nonce) {
    return create(method, uri, nonce, Thumbprints.ath(accessToken));
  }

  private String create(String method, URI uri, String nonce, String ath) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(uri, "uri");
    byte[] jti = new byte[16];
    random.nextBytes(jti);
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
        .jwtID(BASE64URL.encodeToString(jti))
        .claim("htm", method)
        .claim("htu", htu(uri))
        .issueTime(Date.from(clock.instant()));
    if (nonce != null) {
      claims.claim("nonce", nonce);
    }
    if (ath != null) {
      claims.claim("ath", ath);
    }
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(DPOP_JWT).jwk(publicJwk).build(),
        claims.build());
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a DPoP proof", e);
    }
    return jwt.serialize();
  }

  /** The target URL without query and fragment (RFC 9449 §4.2). */
  static String htu(URI uri) {
    if (uri.getScheme() == null || uri.getRawAuthority() == null) {
      throw new IllegalArgumentException("a DPoP proof needs an absolute URL");
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    return uri.getScheme() + "://" + uri.getRawAuthority() + path;
  }

  @Override
  public String toString() {
    return "DPoPProofFactory[jkt=" + thumbprint + "]";
  }
}
