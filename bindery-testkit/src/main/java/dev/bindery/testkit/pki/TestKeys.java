package dev.bindery.testkit.pki;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.spec.ECGenParameterSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Key pairs of every type a CSR may carry, accepted or not. EC and EdDSA keys are fresh on every call; RSA and
 * DSA keys are generated once per size and reused (generating them is slow), so tests that need distinct keys use
 * EC or Ed25519.
 */
public final class TestKeys {
  /** A BouncyCastle provider for the algorithms the JDK lacks (secp256k1, Ed448); never registered globally. */
  public static final Provider BC = new BouncyCastleProvider();
  private static final Map<String, KeyPair> SLOW = new ConcurrentHashMap<>();

  private TestKeys() {}

  /** One generator per key type Bindery accepts, by the key type label a verified CSR reports. */
  public static Map<String, Supplier<KeyPair>> accepted() {
    Map<String, Supplier<KeyPair>> keys = new LinkedHashMap<>();
    keys.put("EC P-256", TestKeys::ecP256);
    keys.put("EC P-384", TestKeys::ecP384);
    keys.put("Ed25519", TestKeys::ed25519);
    keys.put("RSA 2048", () -> rsa(2048));
    return keys;
  }

  public static KeyPair ecP256() {
    return ec("secp256r1");
  }

  public static KeyPair ecP384() {
    return ec("secp384r1");
  }

  public static KeyPair ecP521() {
    return ec("secp521r1");
  }

  /** Not accepted by Bindery. */
  public static KeyPair secp256k1() {
    return ec("secp256k1");
  }

  public static KeyPair ed25519() {
    return generate("Ed25519", null);
  }

  /** Not accepted by Bindery. */
  public static KeyPair ed448() {
    return generate("Ed448", null);
  }

  /** An RSA key of {@code bits}, generated once per size. */
  public static KeyPair rsa(int bits) {
    return SLOW.computeIfAbsent("RSA" + bits, k -> generate("RSA", g -> g.initialize(bits)));
  }

  /** A DSA key (not accepted by Bindery), generated once. */
  public static KeyPair dsa() {
    return SLOW.computeIfAbsent("DSA", k -> generate("DSA", g -> g.initialize(2048)));
  }

  private static KeyPair ec(String curve) {
    return generate("EC", g -> g.initialize(new ECGenParameterSpec(curve)));
  }

  private interface Init {
    void apply(KeyPairGenerator g) throws GeneralSecurityException;
  }

  private static KeyPair generate(String algorithm, Init init) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm, BC);
      if (init != null) {
        init.apply(g);
      }
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate a " + algorithm + " key", e);
    }
  }
}
