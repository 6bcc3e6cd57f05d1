package dev.bindery.credential;

import dev.bindery.common.Hashing;
import dev.bindery.common.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The SHA-256 (lowercase hex) of a high-entropy secret that Bindery showed once and never stores: an API key or
 * an enrolment code. The secrets carry 256 random bits, so an unsalted fast hash is enough: the hash cannot be
 * reversed, and a stolen table gives nothing to present. Compared in constant time.
 */
public record SecretHash(String hex) {
  private static final Pattern FORMAT = Pattern.compile("[0-9a-f]{64}");

  public SecretHash {
    if (hex == null || !FORMAT.matcher(hex).matches()) {
      throw new IllegalArgumentException("a secret hash is 64 lowercase hex characters");
    }
  }

  public static SecretHash of(Secret secret) {
    return new SecretHash(HexFormat.of().formatHex(Hashing.sha256(secret.revealBytes())));
  }

  /** Constant-time comparison: a lookup by hash must still compare the found value this way. */
  public boolean matches(SecretHash other) {
    Objects.requireNonNull(other);
    return MessageDigest.isEqual(hex.getBytes(StandardCharsets.US_ASCII), other.hex.getBytes(StandardCharsets.US_ASCII));
  }

  @Override
  public String toString() {
    return "SecretHash[" + hex.substring(0, 8) + "...]";
  }
}
