package dev.bindery.pki;

import dev.bindery.security.SecretSealer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;

/** Key handling shared by {@link CaMaterial} and {@link BcCertificateAuthority}; keys never leave the package. */
final class CaKeys {
  private CaKeys() {}

  static KeyPair generateP256(SecureRandom random) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC", Bc.PROVIDER);
      g.initialize(new ECGenParameterSpec("secp256r1"), random);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate an EC P-256 key", e);
    }
  }

  /**
   * The signature algorithm a CA key signs with: ES256 for P-256, ES384 for P-384, SHA256withRSA for RSA of at
   * least 2048 bits.
   *
   * @throws IllegalArgumentException for any other key
   */
  static String signatureAlgorithm(PublicKey key) {
    if (key instanceof ECPublicKey ec) {
      int bits = ec.getParams().getCurve().getField().getFieldSize();
      if (bits == 256) {
        return "SHA256withECDSA";
      }
      if (bits == 384) {
        return "SHA384withECDSA";
      }
    } else if (key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() >= 2048) {
      return "SHA256withRSA";
    }
    throw new IllegalArgumentException("a CA key must be EC P-256, EC P-384 or RSA of 2048 bits or more, not "
        + key.getAlgorithm());
  }

  /** True if {@code privateKey} signs what {@code publicKey} verifies. */
  static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
    try {
      String alg = signatureAlgorithm(publicKey);
      byte[] probe = "bindery-ca key match probe".getBytes(StandardCharsets.US_ASCII);
      Signature s = Signature.getInstance(alg, Bc.PROVIDER);
      s.initSign(privateKey);
      s.update(probe);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(alg, Bc.PROVIDER);
      v.initVerify(publicKey);
      v.update(probe);
      return v.verify(sig);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  static byte[] seal(PrivateKey key, String associatedData, SecretSealer sealer) {
    byte[] pkcs8 = key.getEncoded();
    try {
      return sealer.seal(pkcs8, associatedData.getBytes(StandardCharsets.US_ASCII));
    } finally {
      Arrays.fill(pkcs8, (byte) 0);
    }
  }

  /** Opens a sealed PKCS#8 key of the algorithm of {@code publicKey}. */
  static PrivateKey open(byte[] sealed, String associatedData, PublicKey publicKey, SecretSealer sealer) {
    byte[] pkcs8 = sealer.open(sealed, associatedData.getBytes(StandardCharsets.US_ASCII));
    try {
      String alg = publicKey.getAlgorithm().equals("EC") || publicKey.getAlgorithm().equals("ECDSA") ? "EC" : "RSA";
      return KeyFactory.getInstance(alg, Bc.PROVIDER).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the sealed CA key does not decode as a private key");
    } finally {
      Arrays.fill(pkcs8, (byte) 0);
    }
  }
}
