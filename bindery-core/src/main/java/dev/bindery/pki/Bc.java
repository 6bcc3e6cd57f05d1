package dev.bindery.pki;

import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * One BouncyCastle provider instance for the CA's own signing, key parsing and CSR verification. It is passed
 * explicitly and never registered with {@link java.security.Security}, so the rest of the JVM keeps its providers.
 */
final class Bc {
  static final Provider PROVIDER = new BouncyCastleProvider();

  private Bc() {}
}
