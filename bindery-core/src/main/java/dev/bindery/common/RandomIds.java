package dev.bindery.common;

import java.security.SecureRandom;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Server-assigned, non-meaningful identifiers: a fixed prefix and 128 random bits in lowercase base32
 * (26 characters, URL-safe). Nothing about the identified thing goes into the identifier.
 */
public final class RandomIds {
  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
  public static final int RANDOM_BYTES = 16;
  public static final int ENCODED_LENGTH = 26;

  private RandomIds() {}

  public static String generate(String prefix, SecureRandom random) {
    Objects.requireNonNull(prefix);
    byte[] bytes = new byte[RANDOM_BYTES];
    random.nextBytes(bytes);
    return prefix + base32(bytes);
  }

  /** Base32 (RFC 4648 alphabet, lowercase, no padding). */
  public static String base32(byte[] bytes) {
    StringBuilder out = new StringBuilder((bytes.length * 8 + 4) / 5);
    int buffer = 0;
    int bits = 0;
    for (byte b : bytes) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        out.append(ALPHABET[(buffer >>> (bits - 5)) & 31]);
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(ALPHABET[(buffer << (5 - bits)) & 31]);
    }
    return out.toString();
  }

  /** A validation pattern for identifiers with the given prefix. */
  public static Pattern pattern(String prefix) {
    return Pattern.compile(Pattern.quote(prefix) + "[a-z2-7]{" + ENCODED_LENGTH + "}");
  }
}
