package dev.bindery.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.JWK;
import dev.bindery.common.RandomIds;
import dev.bindery.security.SecretSealer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.text.ParseException;
import java.time.Instant;
import java.util.Arrays;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Generation, sealing and opening of token signing keys: ES256 on P-256 with the BouncyCastle provider, which signs
 * about 5 times faster than the JDK's SunEC on Java 17 (bindery-bench {@code TokenBenchmarks}, one core of the
 * shared 2-core build machine: about 7,000 ES256 signatures/s with BouncyCastle against 1,300/s with SunEC; a whole
 * token is minted at about 8,000/s; see docs/benchmarks.md). The provider is passed explicitly and never registered
 * globally.
 *
 * <p>The private key exists in clear only inside this class and the {@link JWSSigner} it returns; it is sealed
 * with the master key under associated data naming the key id, so a sealed key moved to another row does not open.
 */
final class SigningKeyMaterial {
  static final String ALGORITHM = JWSAlgorithm.ES256.getName();
  static final String KID_PREFIX = "key_";
  static final Provider PROVIDER = new BouncyCastleProvider();

  private SigningKeyMaterial() {}

  /** A new key of {@code state}: generated, its public JWK rendered and its private key sealed. */
  static StoredSigningKey generate(SigningKeyState state, Instant now, SecretSealer sealer, SecureRandom random) {
    String kid = RandomIds.generate(KID_PREFIX, random);
    KeyPair pair;
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC", PROVIDER);
      g.initialize(new ECGenParameterSpec("secp256r1"), random);
      pair = g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate an EC P-256 key", e);
    }
    ECKey publicJwk = new ECKey.Builder(Curve.P_256, (ECPublicKey) pair.getPublic())
        .keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256).build();
    byte[] pkcs8 = pair.getPrivate().getEncoded();
    try {
      byte[] sealed = sealer.seal(pkcs8, associatedData(kid));
      return StoredSigningKey.created(kid, ALGORITHM, state, publicJwk.toJSONString(), sealed, now);
    } finally {
      Arrays.fill(pkcs8, (byte) 0);
    }
  }

  /** The public JWK of a stored key; fails if the stored text holds anything private. */
  static ECKey publicJwk(StoredSigningKey key) {
    try {
      JWK jwk = JWK.parse(key.publicJwk());
      if (!(jwk instanceof ECKey ec) || jwk.isPrivate() || !Curve.P_256.equals(ec.getCurve())
          || !key.kid().equals(jwk.getKeyID())) {
        throw new IllegalStateException("stored signing key " + key.kid() + " has an unexpected public jwk");
      }
      return ec;
    } catch (ParseException e) {
      throw new IllegalStateException("stored signing key " + key.kid() + " has an unreadable public jwk", e);
    }
  }

  /**
   * Opens the sealed private key of a key that is not retired, as a signer drawing the ECDSA nonces from
   * {@code random} (without one, Nimbus creates a new {@code SecureRandom} for every signature).
   */
  static JWSSigner signer(StoredSigningKey key, SecretSealer sealer, SecureRandom random) {
    byte[] sealed = key.sealedPrivateKey();
    if (sealed == null) {
      throw new IllegalStateException("signing key " + key.kid() + " is retired and has no private key");
    }
    byte[] pkcs8 = sealer.open(sealed, associatedData(key.kid()));
    try {
      PrivateKey privateKey = KeyFactory.getInstance("EC", PROVIDER).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      ECDSASigner signer = new ECDSASigner(privateKey, Curve.P_256);
      signer.getJCAContext().setProvider(PROVIDER);
      signer.getJCAContext().setSecureRandom(random);
      return signer;
    } catch (GeneralSecurityException | JOSEException e) {
      throw new IllegalStateException("the sealed signing key " + key.kid() + " does not decode as an EC key");
    } finally {
      Arrays.fill(pkcs8, (byte) 0);
    }
  }

  private static byte[] associatedData(String kid) {
    return ("bindery token signing key " + kid).getBytes(StandardCharsets.US_ASCII);
  }
}
