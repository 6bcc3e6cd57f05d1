package dev.bindery.security;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals secrets at rest with AES-256-GCM under the master key. Output: version byte 1, 12-byte nonce,
 * ciphertext and tag. The associated data binds a sealed value to its owner (for example the operator id),
 * so a sealed value moved to another row does not open.
 */
public final class SecretSealer {
  private static final byte VERSION = 1;
  private final SecretKeySpec key;
  private final SecureRandom random;

  public SecretSealer(byte[] masterKey, SecureRandom random) {
    if (masterKey.length != 32) {
      throw new IllegalArgumentException("master key must be 32 bytes");
    }
    this.key = new SecretKeySpec(masterKey.clone(), "AES");
    this.random = Objects.requireNonNull(random);
  }

  public byte[] seal(byte[] plaintext, byte[] associatedData) {
    try {
      byte[] nonce = new byte[12];
      random.nextBytes(nonce);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
      c.updateAAD(associatedData);
      byte[] ct = c.doFinal(plaintext);
      byte[] out = new byte[1 + 12 + ct.length];
      out[0] = VERSION;
      System.arraycopy(nonce, 0, out, 1, 12);
      System.arraycopy(ct, 0, out, 13, ct.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("sealing failed", e);
    }
  }

  /** Opens a sealed value; throws {@link IllegalStateException} if it was altered or sealed elsewhere. */
  public byte[] open(byte[] sealed, byte[] associatedData) {
    if (sealed.length < 13 + 16 || sealed[0] != VERSION) {
      throw new IllegalStateException("sealed value has an unknown format");
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, Arrays.copyOfRange(sealed, 1, 13)));
      c.updateAAD(associatedData);
      return c.doFinal(sealed, 13, sealed.length - 13);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("sealed value does not open under this master key", e);
    }
  }
}
