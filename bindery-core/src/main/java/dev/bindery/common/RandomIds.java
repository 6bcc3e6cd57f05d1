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

  /** Random bytes of a one-time secret ({@link #secret}): 256 bits. */
  public static final int SECRET_BYTES = 32;
  /** {@link #SECRET_BYTES} in base32. */
  public static final int SECRET_ENCODED_LENGTH = 52;

  /**
   * A one-time secret shown once and stored only as a hash (an enrolment code, a disavow token, a webhook secret): a
   * fixed prefix and 256 random bits in lowercase base32. The prefix lets secret scanners recognise it.
   */
  public static Secret secret(String prefix, SecureRandom random) {
    Objects.requireNonNull(prefix);
    byte[] raw = new byte[SECRET_BYTES];
    random.nextBytes(raw);
    try {
      return Secret.of(prefix + base32(raw));
    } finally {
      java.util.Arrays.fill(raw, (byte) 0);
    }
  }

  /** True if {@code value} has the shape of a {@link #secret} with this prefix (says nothing about its existence). */
  public static boolean wellFormedSecret(String prefix, String value) {
    if (value == null || value.length() != prefix.length() + SECRET_ENCODED_LENGTH || !value.startsWith(prefix)) {
      return false;
    }
    for (int i = prefix.length(); i < value.length(); i++) {
      char c = value.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) {
        return false;
      }
    }
    return true;
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
