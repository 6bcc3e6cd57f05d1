package dev.bindery.server.bootstrap;

import dev.bindery.server.config.BinderyConfig;
import dev.bindery.server.config.ConfigException;
import dev.bindery.server.files.SecureFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master key that seals secrets at rest: exactly 32 random bytes in a file only its owner can read. A
 * development server creates it on first start; a server with operator-supplied TLS files ({@code files} mode,
 * i.e. production) requires it to exist, so a lost or mis-mounted key is an error and never silently replaced
 * (a new key would make every sealed TOTP seed unreadable).
 */
public final class MasterKey {
  private static final Logger LOG = LoggerFactory.getLogger(MasterKey.class);
  public static final int LENGTH = 32;

  private MasterKey() {}

  /**
   * A 32-byte key for one purpose, derived from the master key: HMAC-SHA-256(master key, {@code label}). Every node
   * with the same master key derives the same key (for example the DPoP nonce key), and a derived key reveals
   * nothing about the master key or about keys of other labels.
   */
  public static byte[] derive(byte[] masterKey, String label) {
    if (masterKey.length != LENGTH) {
      throw new IllegalArgumentException("the master key has " + LENGTH + " bytes");
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(masterKey, "HmacSHA256"));
      return mac.doFinal(label.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }

  public static byte[] loadOrCreate(Path file, boolean createIfMissing, SecureRandom random) {
    String key = BinderyConfig.MASTER_KEY_FILE;
    try {
      if (!Files.exists(file)) {
        if (!createIfMissing) {
          throw new ConfigException(key + ": " + file + " does not exist; create " + LENGTH + " random bytes "
              + "readable only by the server's user (for example: head -c 32 /dev/urandom > " + file
              + " && chmod 600 " + file + ")");
        }
        byte[] k = new byte[LENGTH];
        random.nextBytes(k);
        SecureFiles.writeAtomically(file, k, true);
        LOG.info("event=master_key_created file={}", file.toAbsolutePath());
        return k;
      }
      if (SecureFiles.readableByOthers(file)) {
        throw new ConfigException(key + ": " + file + " is readable or writable by group or others; chmod 600 it");
      }
      byte[] k = Files.readAllBytes(file);
      if (k.length != LENGTH) {
        throw new ConfigException(key + ": " + file + " must hold exactly " + LENGTH + " bytes, it holds " + k.length);
      }
      return k;
    } catch (IOException e) {
      throw new ConfigException(key + ": cannot read or create " + file + ": " + e.getMessage(), e);
    }
  }
}
